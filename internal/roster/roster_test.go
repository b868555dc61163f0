package roster_test

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"liudong/internal/app"
	"liudong/internal/config"
	"liudong/internal/roster"
	"liudong/internal/secret"
	"liudong/internal/store"
	"liudong/internal/testenv"
)

const header = "姓名,性别,出生日期,学历,所在党支部,入党日期,手机号码,人员类别,月收入,流动类型,外出日期,流动地点,外出原因,工作单位,职务"

var good = []string{
	"王建国,男,1968-05-12,大学专科,第一党支部,1995-07-01,13900000001,在职,5200,,,,,镇农业服务中心,书记",
	"张三,男,1990/3/15,高中,第一党支部,2015.06.20,139 0000 0002,在职,\"4,000.50\",流出,2026-03-01,广东省深圳市南山区,务工,深圳某电子厂,",
	"李四,男,1985年11月2日,初中,第二党支部,,+8613900000003,个体,6000元,流出,20251010,杭州,经商,,",
	"赵丽,女,19960820,本科,第二党支部,2019-05,,学生,,,,,,,委员",
}

func csvOf(rows ...string) string { return header + "\n" + strings.Join(rows, "\n") + "\n" }

func newImporter(t *testing.T) (*roster.Importer, *store.Store, *secret.Box) {
	t.Helper()
	st := testenv.Store(t)
	key, _ := config.DecodeKey(testenv.SecretKey)
	box, _ := secret.New(key)
	im := roster.NewImporter(st, box, config.Committee{Name: "测试镇党委", Region: "安徽省六安市"}, time.UTC)
	im.Resolve = app.ResolvePlace
	return im, st, box
}

// snapshot renders everything an import writes, for comparing databases.
func snapshot(t *testing.T, st *store.Store, box *secret.Box) string {
	t.Helper()
	ctx := context.Background()
	units, err := st.AllOrgUnits(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, u := range units {
		lines = append(lines, fmt.Sprintf("unit %s %s", u.Kind, u.Name))
		if u.Kind != store.KindBranch {
			continue
		}
		for _, name := range []string{"王建国", "张三", "李四", "赵丽"} {
			ms, _ := st.MembersByName(ctx, name, []store.OrgUnit{u})
			for _, m := range ms {
				phone, err := box.Open(m.PhoneEnc)
				if err != nil {
					t.Fatal(err)
				}
				income := "-"
				if m.MonthlyIncomeFen != nil {
					income = fmt.Sprint(*m.MonthlyIncomeFen)
				}
				joined := "-"
				if m.JoinedOn != nil {
					joined = m.JoinedOn.Format(time.DateOnly)
				}
				lines = append(lines, fmt.Sprintf("member %s %s %s %s %s %s %s %s %s %s %s %s", u.Name, m.Name, m.Gender,
					m.BirthDate.Format(time.DateOnly), m.Education, joined, phone, m.Category, income, m.Mobility, m.Employer, m.Duty))
				roles, _ := st.SecretaryOf(ctx, m.ID)
				for _, r := range roles {
					lines = append(lines, "secretary "+m.Name+" "+r.Name)
				}
				deps, _ := st.DeparturesOf(ctx, m.ID)
				for _, d := range deps {
					lines = append(lines, fmt.Sprintf("departure %s %s %s %s/%s/%s %s", m.Name, d.DepartedOn.Format(time.DateOnly),
						d.Place, d.ProvinceCode, d.CityCode, d.CountyCode, d.Reason))
				}
			}
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func xlsxOf(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestFormatsGiveTheSameDatabase(t *testing.T) {
	utf8 := csvOf(good...)
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(utf8)
	if err != nil {
		t.Fatal(err)
	}
	// The XLSX holds real date cells and numbers where Excel would.
	var head []any
	for _, h := range strings.Split(header, ",") {
		head = append(head, h)
	}
	rows := [][]any{head}
	date := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	rows = append(rows,
		[]any{"王建国", "男", date("1968-05-12"), "大学专科", "第一党支部", date("1995-07-01"), "13900000001", "在职", 5200, "", "", "", "", "镇农业服务中心", "书记"},
		[]any{"张三", "男", date("1990-03-15"), "高中", "第一党支部", date("2015-06-20"), 13900000002, "在职", 4000.5, "流出", date("2026-03-01"), "广东省深圳市南山区", "务工", "深圳某电子厂", ""},
		[]any{"李四", "男", "1985-11-02", "初中", "第二党支部", "", "13900000003", "个体", "6000", "流出", date("2025-10-10"), "杭州", "经商", "", ""},
		[]any{"赵丽", "女", date("1996-08-20"), "本科", "第二党支部", "2019-05", "", "学生", "", "", "", "", "", "", "委员"},
	)
	inputs := map[string][]byte{
		"utf8.csv":    []byte(utf8),
		"utf8bom.csv": append([]byte("\xef\xbb\xbf"), utf8...),
		"gbk.csv":     []byte(gbk),
		"roster.xlsx": xlsxOf(t, rows),
	}
	var want string
	for _, name := range []string{"utf8.csv", "utf8bom.csv", "gbk.csv", "roster.xlsx"} {
		t.Run(name, func(t *testing.T) {
			im, st, box := newImporter(t)
			res, err := im.Import(context.Background(), bytes.NewReader(inputs[name]), name, roster.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Applied || res.Created != 4 || res.Branches != 2 || len(res.Rejected) != 0 {
				t.Fatalf("result %+v", res)
			}
			got := snapshot(t, st, box)
			if want == "" {
				want = got
				for _, line := range []string{
					"member 第一党支部 张三 男 1990-03-15 高中 2015-06-20 13900000002 在职 400050 流出 深圳某电子厂 ",
					"member 第二党支部 李四 男 1985-11-02 初中及以下 - 13900000003 个体 600000 流出  ",
					"member 第二党支部 赵丽 女 1996-08-20 大学本科 2019-05-01  学生 - " + "  委员",
					"secretary 王建国 第一党支部",
					"departure 张三 2026-03-01 广东省深圳市南山区 440000/440300/440305 务工",
					"departure 李四 2025-10-10 杭州 330000/330100/ 经商",
				} {
					if !strings.Contains(got, line) {
						t.Errorf("missing %q in\n%s", line, got)
					}
				}
				return
			}
			if got != want {
				t.Errorf("%s differs from utf8.csv:\n%s\n--- want\n%s", name, got, want)
			}
		})
	}
}

func TestReimportChangesNothing(t *testing.T) {
	im, st, box := newImporter(t)
	ctx := context.Background()
	csv := csvOf(good...)
	if _, err := im.Import(ctx, strings.NewReader(csv), "r.csv", roster.Options{}); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, st, box)
	audit, _ := st.AuditByAction(ctx, "member.create")
	res, err := im.Import(ctx, strings.NewReader(csv), "r.csv", roster.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 0 || res.Updated != 0 || res.Unchanged != 4 || res.Branches != 0 {
		t.Fatalf("re-import result %+v", res)
	}
	if after := snapshot(t, st, box); after != before {
		t.Fatalf("re-import changed the database:\n%s\n---\n%s", after, before)
	}
	audit2, _ := st.AuditByAction(ctx, "member.create")
	if len(audit2) != len(audit) || len(audit) != 4 {
		t.Fatalf("audit rows %d then %d", len(audit), len(audit2))
	}
	// A changed row is an update, audited with the fields that changed.
	changed := strings.Replace(good[1], "深圳某电子厂", "东莞某玩具厂", 1)
	changed = strings.Replace(changed, "139 0000 0002", "13900000099", 1)
	res, err = im.Import(ctx, strings.NewReader(csvOf(good[0], changed, good[2], good[3])), "r.csv", roster.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Updated != 1 || res.Unchanged != 3 {
		t.Fatalf("update result %+v", res)
	}
	ups, _ := st.AuditByAction(ctx, "member.update")
	if len(ups) != 1 || !strings.Contains(string(ups[0].Detail), "工作单位") || !strings.Contains(string(ups[0].Detail), "手机号码") {
		t.Fatalf("update audit %+v", ups)
	}
}

func TestBadRows(t *testing.T) {
	bad := []string{
		",男,1990-01-01,高中,第一党支部,,,,,,,,,,",        // line 4: 缺少姓名
		"钱七,未知,1990-01-01,高中,第一党支部,,,,,,,,,,",     // line 5: 性别
		"孙八,男,1990-13-01,高中,第一党支部,,,,,,,,,,",      // line 6: 日期
		"周九,女,1990-01-01,幼儿园,第一党支部,,,,,,,,,,",     // line 7: 学历
		"吴十,男,1990-01-01,高中,,,,,,,,,,,",           // line 8: 缺少所在党支部
		"郑一,男,1990-01-01,高中,第一党支部,,12345,,,,,,,,", // line 9: 手机
		"冯二,男,1990-01-01,高中,第一党支部,,,,,流出,,,,,",    // line 10: 外出日期
		"王建国,男,1968-05-12,大学专科,第一党支部,,,,,,,,,,",   // line 11: duplicate of line 2
		"陈三,男,2099-01-01,高中,第一党支部,,,,,,,,,,",      // line 12: 出生日期不合理
	}
	rows := append([]string{good[0], good[1]}, bad...)
	csv := csvOf(rows...)
	wantReasons := map[int]string{4: "缺少姓名", 5: "性别", 6: "出生日期", 7: "学历", 8: "缺少所在党支部", 9: "手机号码", 10: "外出日期", 11: "与第2行重复", 12: "不合理"}

	im, st, _ := newImporter(t)
	ctx := context.Background()
	res, err := im.Import(ctx, strings.NewReader(csv), "bad.csv", roster.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Applied || len(res.Rejected) != len(bad) {
		t.Fatalf("result %+v", res)
	}
	for _, r := range res.Rejected {
		if want, ok := wantReasons[r.Line]; !ok || !strings.Contains(r.Reason, want) {
			t.Errorf("line %d: reason %q, want %q", r.Line, r.Reason, want)
		}
	}
	if n, _ := st.CountMembers(ctx); n != 0 {
		t.Fatalf("without --partial nothing may be imported, got %d members", n)
	}
	if s := res.Summary(); !strings.Contains(s, "未导入") || !strings.Contains(s, "第6行（孙八）") {
		t.Errorf("summary %q", s)
	}

	res, err = im.Import(ctx, strings.NewReader(csv), "bad.csv", roster.Options{Partial: true})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Applied || res.Created != 2 || len(res.Rejected) != len(bad) {
		t.Fatalf("partial result %+v", res)
	}
	if n, _ := st.CountMembers(ctx); n != 2 {
		t.Fatalf("partial import: %d members", n)
	}
}

func TestFileErrors(t *testing.T) {
	im, _, _ := newImporter(t)
	ctx := context.Background()
	cases := map[string]string{
		"": "空",
		"姓名,性别,学历\n张三,男,高中\n":      "出生日期、所在党支部",
		"姓名,姓名,性别,出生日期,学历,所在党支部\n": "出现了两次",
	}
	for in, want := range cases {
		_, err := im.Import(ctx, strings.NewReader(in), "x.csv", roster.Options{})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err %v, want %q", in, err, want)
		}
	}
	if _, err := im.Import(ctx, strings.NewReader("PK\x03\x04garbage"), "x.xlsx", roster.Options{}); err == nil {
		t.Error("a broken XLSX must be refused")
	}
}

func TestHeaderAliasesAndMultilineCells(t *testing.T) {
	im, st, _ := newImporter(t)
	ctx := context.Background()
	csv := "姓名*, 性别 ,出生年月,文化程度,党支部,月收入（元）,工作单位\n" +
		"钱多多,女,1980.02,硕士,第三党支部,3000,\"某公司\n第二行\"\n"
	res, err := im.Import(ctx, strings.NewReader(csv), "x.csv", roster.Options{})
	if err != nil || res.Created != 1 {
		t.Fatalf("res %+v err %v", res, err)
	}
	ms, _ := st.MembersByName(ctx, "钱多多", nil)
	if len(ms) != 1 || ms[0].Education != "研究生" || ms[0].BirthDate.Format(time.DateOnly) != "1980-02-01" ||
		*ms[0].MonthlyIncomeFen != 300000 || ms[0].Employer != "某公司\n第二行" || ms[0].BranchName != "第三党支部" {
		t.Fatalf("member %+v", ms)
	}
}
