package stats

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"liudong/internal/store"
	"liudong/internal/testenv"
)

// roster is a small organisation with known answers, as of 2026-11-30:
//
//	测试镇党委
//	├── 第一党总支
//	│   ├── 第一党支部: 张一 (35 today, 省内 since January, an older overlapping departure
//	│   │               经商 in 广东), 张二 (35 tomorrow, 经商 in 广东 since October), 张三 (66, 务工,
//	│   │               place unknown, left exactly 3 months ago), 张四 (at home), 张五 (流入),
//	│   │               张六 (marked 流出, back home since June)
//	│   └── 第二党支部: 李一 (26, born 29 February, 求学 in 上海), 李二 (marked 流出, no departure
//	│                   on record), three at home
//	└── 机关党支部: five at home
type roster struct {
	t                  *testing.T
	ctx                context.Context
	st                 *store.Store
	svc                *Service
	root, gb, b1, b2   store.OrgUnit
	office             store.OrgUnit
	log                *bytes.Buffer
	fontSetting        string
	zhangSix, zhangOne int64
}

func newRoster(t *testing.T) *roster {
	t.Helper()
	ctx := context.Background()
	st := testenv.Store(t)
	r := &roster{t: t, ctx: ctx, st: st, log: &bytes.Buffer{}}
	var err error
	must := func(u store.OrgUnit, _ bool, err error) store.OrgUnit {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	r.root = must(st.EnsureRootOrgUnit(ctx, store.KindCommittee, "测试镇党委", "安徽省六安市"))
	r.gb = must(st.EnsureChildOrgUnit(ctx, r.root, store.KindGeneralBranch, "第一党总支"))
	r.b1 = must(st.EnsureChildOrgUnit(ctx, r.gb, store.KindBranch, "第一党支部"))
	r.b2 = must(st.EnsureChildOrgUnit(ctx, r.gb, store.KindBranch, "第二党支部"))
	r.office = must(st.EnsureChildOrgUnit(ctx, r.root, store.KindBranch, "机关党支部"))

	r.zhangOne = r.member(r.b1, "张一", "男", "1991-11-30", "高中", "在职", "流出")
	r.away(r.zhangOne, "2025-12-01", "440000", "经商", "2026-12-31")
	r.away(r.zhangOne, "2026-01-10", "340000", "务工", "")
	r.away(r.member(r.b1, "张二", "女", "1991-12-01", "大学专科", "个体", "流出"), "2026-10-01", "440000", "经商", "")
	r.away(r.member(r.b1, "张三", "男", "1960-05-05", "初中及以下", "农民", "流出"), "2026-08-30", "", "务工", "")
	r.member(r.b1, "张四", "男", "1980-01-01", "大学本科", "", "")
	r.member(r.b1, "张五", "女", "1985-06-15", "大学本科", "在职", "流入")
	r.zhangSix = r.member(r.b1, "张六", "男", "1975-03-03", "中专", "农民", "流出")
	r.away(r.zhangSix, "2025-05-01", "320000", "务工", "2026-06-01")
	r.away(r.member(r.b2, "李一", "女", "2000-02-29", "研究生", "学生", "流出"), "2026-09-01", "310000", "求学", "")
	r.member(r.b2, "李二", "男", "1990-01-01", "高中", "", "流出")
	for i, name := range []string{"李三", "李四", "李五"} {
		r.member(r.b2, name, "男", "1970-01-0"+string(rune('1'+i)), "高中", "", "")
	}
	for i, name := range []string{"王一", "王二", "王三", "王四", "王五"} {
		r.member(r.office, name, "女", "1988-02-0"+string(rune('1'+i)), "大学本科", "", "")
	}
	r.newService("none")
	_ = err
	return r
}

// withNeighbour adds another committee, with members away, that no report of ours may count.
func (r *roster) withNeighbour() {
	r.t.Helper()
	other, _, err := r.st.EnsureRootOrgUnit(r.ctx, store.KindCommittee, "邻镇党委", "安徽省六安市")
	if err != nil {
		r.t.Fatal(err)
	}
	b, _, err := r.st.EnsureChildOrgUnit(r.ctx, other, store.KindBranch, "第一党支部")
	if err != nil {
		r.t.Fatal(err)
	}
	r.away(r.member(b, "邻一", "男", "1990-01-01", "高中", "", "流出"), "2026-01-01", "340000", "务工", "")
	r.member(b, "邻二", "女", "1990-01-01", "高中", "", "流入")
	r.member(b, "邻三", "女", "1990-01-01", "高中", "", "流出")
}

func (r *roster) newService(font string) {
	r.t.Helper()
	cfg := testenv.Config(r.t, "", "stats:")
	cfg.Stats.Font = font
	svc, err := New(r.st, cfg, slog.New(slog.NewTextHandler(r.log, nil)))
	if err != nil {
		r.t.Fatal(err)
	}
	r.svc = svc
}

func (r *roster) member(branch store.OrgUnit, name, gender, birth, education, category, mobility string) int64 {
	r.t.Helper()
	m := store.Member{BranchID: branch.ID, Name: name, Gender: gender, BirthDate: date(birth), Education: education,
		Category: category, Mobility: mobility}
	if err := r.st.InsertMember(r.ctx, &m); err != nil {
		r.t.Fatal(err)
	}
	return m.ID
}

func (r *roster) away(memberID int64, departed, province, reason, returned string) {
	r.t.Helper()
	d := store.Departure{MemberID: memberID, DepartedOn: date(departed), ProvinceCode: province, Reason: reason, Source: "secretary"}
	if err := r.st.InsertDeparture(r.ctx, &d); err != nil {
		r.t.Fatal(err)
	}
	if returned != "" {
		if err := r.st.CloseDeparture(r.ctx, d.ID, date(returned)); err != nil {
			r.t.Fatal(err)
		}
	}
}

func date(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func (r *roster) at(s string) Date {
	d, err := ParseDate(s, day("2026-12-15"))
	if err != nil {
		r.t.Fatal(err)
	}
	return d
}

func (r *roster) paragraph(u store.OrgUnit, at string) (string, Summary) {
	r.t.Helper()
	s, err := r.svc.Summary(r.ctx, u, r.at(at))
	if err != nil {
		r.t.Fatal(err)
	}
	return Paragraph(s), s
}

func TestReportKnownAnswers(t *testing.T) {
	for _, neighbour := range []bool{false, true} {
		r := newRoster(t)
		if neighbour {
			r.withNeighbour()
		}
		t.Run(map[bool]string{false: "alone", true: "with a neighbouring committee"}[neighbour], func(t *testing.T) {
			knownAnswers(t, r)
		})
	}
}

func knownAnswers(t *testing.T, r *roster) {
	for _, c := range []struct {
		name string
		unit store.OrgUnit
		at   string
		want string
	}{
		{"committee", r.root, "2026-11-30",
			"截止到2026年11月，测试镇党委共有流动党员5人，其中流出党员4人，流入党员1人，流出党员占党员总数15人的27%。" +
				"其中：外出务工党员2人，全部是男性；外出经商党员1人，女性1人；外出求学党员1人，女性1人；" +
				"年龄结构为：35岁以下2人、35岁到45岁1人、55岁以上1人；" +
				"学历结构为：初中及以下学历1人、高中学历1人、大专1人、研究生学历1人；" +
				"分布情况为：省内1人，省外2人，地点不详1人，外出3个月以上2人。"},
		{"general branch: its branches included", r.gb, "2026-11-30",
			"截止到2026年11月，第一党总支共有流动党员5人，其中流出党员4人，流入党员1人，流出党员占党员总数10人的40%。" +
				"其中：外出务工党员2人，全部是男性；外出经商党员1人，女性1人；外出求学党员1人，女性1人；" +
				"年龄结构为：35岁以下2人、35岁到45岁1人、55岁以上1人；" +
				"学历结构为：初中及以下学历1人、高中学历1人、大专1人、研究生学历1人；" +
				"分布情况为：省内1人，省外2人，地点不详1人，外出3个月以上2人。"},
		{"branch", r.b1, "2026-11-30",
			"截止到2026年11月，第一党支部共有流动党员4人，其中流出党员3人，流入党员1人，流出党员占党员总数5人的60%。" +
				"其中：外出务工党员2人，全部是男性；外出经商党员1人，女性1人；" +
				"年龄结构为：35岁以下1人、35岁到45岁1人、55岁以上1人；" +
				"学历结构为：初中及以下学历1人、高中学历1人、大专1人；" +
				"分布情况为：省内1人，省外1人，地点不详1人，外出3个月以上2人。"},
		{"a unit with no mobile members", r.office, "2026-11-30",
			"截止到2026年11月，机关党支部共有流动党员0人，其中流出党员0人，流入党员0人，流出党员占党员总数5人的0%。"},
		// In May 张六 was still away and 张二, 张三 and 李一 had not left; 张一's older departure
		// overlaps the January one and is not counted twice.
		{"an earlier date, before returns and departures", r.root, "2026年5月",
			"截止到2026年5月，测试镇党委共有流动党员3人，其中流出党员2人，流入党员1人，流出党员占党员总数15人的13%。" +
				"其中：全部是外出务工党员，全部是男性；年龄结构为：35岁以下1人、45岁到55岁1人；" +
				"学历结构为：高中学历1人、中专学历1人；分布情况为：省内1人，省外1人，均是外出3个月以上。"},
		// The day before 张三 had been away 3 months.
		{"one day short of three months", r.root, "2026-11-29",
			"截止到2026年11月29日，测试镇党委共有流动党员5人，其中流出党员4人，流入党员1人，流出党员占党员总数15人的27%。" +
				"其中：外出务工党员2人，全部是男性；外出经商党员1人，女性1人；外出求学党员1人，女性1人；" +
				"年龄结构为：35岁以下3人、55岁以上1人；" +
				"学历结构为：初中及以下学历1人、高中学历1人、大专1人、研究生学历1人；" +
				"分布情况为：省内1人，省外2人，地点不详1人，外出3个月以上1人。"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, _ := r.paragraph(c.unit, c.at)
			if got != c.want {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
	// 张六 (back since June) and 李二 (no departure) are marked 流出 but not away.
	_, s := r.paragraph(r.root, "2026-11-30")
	if s.MarkedNotAway != 2 {
		t.Errorf("marked but not away: %d, want 2", s.MarkedNotAway)
	}
	if n := Note(s); !strings.Contains(n, "另有2名党员") {
		t.Errorf("note: %q", n)
	}
}

func TestTables(t *testing.T) {
	r := newRoster(t)
	tables, err := r.svc.Tables(r.ctx, r.root, r.at("2026-11-30"))
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]Table{}
	var names []string
	for _, tb := range tables {
		byName[tb.Sheet] = tb
		names = append(names, tb.Sheet)
	}
	if got := strings.Join(names, ","); got != "汇总,流出年龄,流出学历,流出人员类别,流入年龄,流入学历,流入人员类别,流出流向,流入来源,组织关系接转" {
		t.Fatalf("tables: %s", got)
	}
	rowsOf := func(tb Table) []string {
		var out []string
		for _, row := range tb.Rows {
			out = append(out, strings.Join(texts(row), " "))
		}
		return out
	}
	check := func(sheet string, want ...string) {
		t.Helper()
		got := rowsOf(byName[sheet])
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s:\n%s\nwant\n%s", sheet, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
	// 党组织 党员总数 流动 流出 流入 占比 男 女 务工 经商 求学 其他 省内 省外 不详 3个月以上
	check("汇总",
		"第一党总支/第一党支部 5 4 3 1 60% 2 1 2 1 0 0 1 1 1 2",
		"第一党总支/第二党支部 5 1 1 0 20% 0 1 0 0 1 0 0 1 0 0",
		"机关党支部 5 0 0 0 0% 0 0 0 0 0 0 0 0 0 0",
		"合计 15 5 4 1 27% 2 2 2 1 1 0 1 2 1 2")
	// 张一 35 and 张二 34 are in 31–35, 张三 66, 李一 26.
	check("流出年龄",
		"第一党总支/第一党支部 3 0 2 0 0 0 0 0 1",
		"第一党总支/第二党支部 1 1 0 0 0 0 0 0 0",
		"机关党支部 0 0 0 0 0 0 0 0 0",
		"合计 4 1 2 0 0 0 0 0 1")
	check("流出学历",
		"第一党总支/第一党支部 3 0 0 1 0 1 1",
		"第一党总支/第二党支部 1 1 0 0 0 0 0",
		"机关党支部 0 0 0 0 0 0 0",
		"合计 4 1 0 1 0 1 1")
	check("流出人员类别",
		"第一党总支/第一党支部 3 1 0 1 0 0 1 0",
		"第一党总支/第二党支部 1 0 0 0 1 0 0 0",
		"机关党支部 0 0 0 0 0 0 0 0",
		"合计 4 1 0 1 1 0 1 0")
	check("流入年龄",
		"第一党总支/第一党支部 1 0 0 0 1 0 0 0 0",
		"第一党总支/第二党支部 0 0 0 0 0 0 0 0 0",
		"机关党支部 0 0 0 0 0 0 0 0 0",
		"合计 1 0 0 0 1 0 0 0 0")

	// A branch alone: one row, no 合计; no 流入 tables for a unit without 流入 members.
	tables, err = r.svc.Tables(r.ctx, r.b2, r.at("2026-11-30"))
	if err != nil {
		t.Fatal(err)
	}
	names = nil
	for _, tb := range tables {
		names = append(names, tb.Sheet)
	}
	if got := strings.Join(names, ","); got != "汇总,流出年龄,流出学历,流出人员类别,流出流向,组织关系接转" {
		t.Errorf("branch tables: %s", got)
	}
	if got := rowsOf(tables[0]); len(got) != 1 || got[0] != "第二党支部 5 1 1 0 20% 0 1 0 0 1 0 0 1 0 0" {
		t.Errorf("branch summary: %v", got)
	}
}

func TestExports(t *testing.T) {
	r := newRoster(t)
	d := r.at("2026-11-30")
	s, err := r.svc.Summary(r.ctx, r.root, d)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := r.svc.Tables(r.ctx, r.root, d)
	if err != nil {
		t.Fatal(err)
	}
	rep := Report{Summary: s, Tables: tables}

	var text bytes.Buffer
	if err := WriteText(&text, rep); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{Paragraph(s), Note(s), "测试镇党委流出党员年龄结构（截止到2026年11月）", "30岁及以下"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, text.String())
		}
	}
	var aligned bool
	for _, line := range strings.Split(text.String(), "\n") {
		aligned = aligned || strings.Join(strings.Fields(line), " ") == "第一党总支/第一党支部 5 4 3 1 60% 2 1 2 1 0 0 1 1 1 2"
	}
	if !aligned {
		t.Errorf("text lacks the first branch's summary row:\n%s", text.String())
	}

	var csvOut bytes.Buffer
	if err := WriteCSV(&csvOut, rep); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(csvOut.String(), "\ufeff测试镇党委流动党员情况汇总") ||
		!strings.Contains(csvOut.String(), "\n合计,15,5,4,1,27%,") {
		t.Errorf("csv:\n%s", csvOut.String())
	}

	var xlsx bytes.Buffer
	if err := WriteXLSX(&xlsx, rep); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&xlsx)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), ","); got != "基本情况,汇总,流出年龄,流出学历,流出人员类别,流入年龄,流入学历,流入人员类别,流出流向,流入来源,组织关系接转" {
		t.Errorf("sheets: %s", got)
	}
	if v, _ := f.GetCellValue("基本情况", "A1"); v != Paragraph(s) {
		t.Errorf("paragraph sheet: %q", v)
	}
	if v, _ := f.GetCellValue("流出年龄", "C6"); v != "1" { // 合计, 30岁及以下
		t.Errorf("流出年龄 C6 = %q", v)
	}
	if typ, _ := f.GetCellType("汇总", "B3"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("counts are not numbers: %v", typ)
	}
}

// The per-unit counts add up to the subtree's, on generated data with every kind of member.
func TestByUnitAddsUpToSummary(t *testing.T) {
	ctx := context.Background()
	st := testenv.Store(t)
	root, _, err := st.EnsureRootOrgUnit(ctx, store.KindCommittee, "测试镇党委", "安徽省六安市")
	if err != nil {
		t.Fatal(err)
	}
	today := date("2026-11-30")
	if err := st.SeedSynthetic(ctx, root, store.SyntheticSpec{Members: 3000, MembersPerBranch: 40, BranchesPerGeneral: 10,
		HomeProvince: "34", Today: today}); err != nil {
		t.Fatal(err)
	}
	for _, at := range []string{"2026-11-30", "2024-06-30"} {
		p := store.StatsParams{Path: root.Path, At: date(at), HomeProvince: "34", AwayMonths: AwayMonths,
			AgeBounds: fineBounds(), Genders: genders, Educations: educations, Categories: categories, Reasons: reasons}
		sum, err := st.StatsSummary(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := st.StatsByUnit(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		total := store.StatsRow{}
		for _, b := range []*store.StatsBreakdown{&total.Out, &total.In} {
			b.ByGender, b.ByAge = make([]int64, 2), make([]int64, len(fineBounds())+1)
			b.ByEducation, b.ByCategory = make([]int64, len(educations)), make([]int64, len(categories))
			b.ByReasonGender, b.ByRegion = make([]int64, 8), make([]int64, 3)
		}
		for _, r := range rows {
			addRow(&total, r)
		}
		total.MarkedNotAway = sum.MarkedNotAway
		if sum.Out.Count == 0 || sum.In.Count == 0 || sum.Members < 2500 {
			t.Fatalf("%s: generated data too thin: %+v", at, sum)
		}
		if got, want := strings.TrimSpace(dump(total)), strings.TrimSpace(dump(sum)); got != want {
			t.Errorf("%s: by unit\n%s\nsummary\n%s", at, got, want)
		}
	}
}

func dump(r store.StatsRow) string {
	var b strings.Builder
	io.WriteString(&b, strings.ReplaceAll(strings.TrimSpace(
		strings.Join([]string{
			"members", itoa(r.Members), "out", itoa(r.Out.Count), "in", itoa(r.In.Count), "long", itoa(r.Out.LongAway),
		}, " ")), "  ", " "))
	for _, b2 := range []store.StatsBreakdown{r.Out, r.In} {
		for _, a := range [][]int64{b2.ByGender, b2.ByAge, b2.ByEducation, b2.ByCategory, b2.ByReasonGender, b2.ByRegion} {
			b.WriteString("\n" + strings.Join(texts(ints(a)), " "))
		}
	}
	return b.String()
}

func itoa(n int64) string { return strings.Join(texts([]any{n}), "") }

func TestUnitByName(t *testing.T) {
	r := newRoster(t)
	if u, err := r.svc.Unit(r.ctx, "第一党支部"); err != nil || u.ID != r.b1.ID {
		t.Errorf("unique name: %v %v", u, err)
	}
	r.withNeighbour()
	_, err := r.svc.Unit(r.ctx, "第一党支部")
	if err == nil || !strings.Contains(err.Error(), "“测试镇党委/第一党总支/第一党支部”") || !strings.Contains(err.Error(), "“邻镇党委/第一党支部”") {
		t.Errorf("namesakes: %v", err)
	}
	if u, err := r.svc.Unit(r.ctx, "测试镇党委/第一党支部"); err != nil || u.ID != r.b1.ID {
		t.Errorf("path: %v %v", u, err)
	}
	if _, err := r.svc.Unit(r.ctx, "第九党支部"); err == nil || !strings.Contains(err.Error(), "没有名为“第九党支部”的党组织") {
		t.Errorf("unknown: %v", err)
	}
}
