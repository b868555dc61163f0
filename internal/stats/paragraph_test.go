package stats

import (
	"strings"
	"testing"
	"time"

	"liudong/internal/store"
)

func TestShare(t *testing.T) {
	for _, c := range []struct {
		out, members int64
		want         string
	}{
		{9, 412, "2%"},      // 2.18%
		{1, 40, "3%"},       // 2.5% rounds half up
		{1, 200, "1%"},      // 0.5% rounds up to a whole percent
		{1, 201, "0.5%"},    // 0.4975%: 0% as a whole, one decimal
		{1, 250, "0.4%"},    // 0.4%
		{1, 1999, "0.1%"},   // 0.050025%
		{1, 2001, "不到0.1%"}, // 0.04998%: even one decimal shows 0.0%
		{0, 412, "0%"},
		{412, 412, "100%"},
		{3, 0, ""},
	} {
		if got := Share(c.out, c.members); got != c.want {
			t.Errorf("Share(%d, %d) = %q, want %q", c.out, c.members, got, c.want)
		}
	}
}

func day(s string) time.Time {
	d, err := time.ParseInLocation(time.DateOnly, s, shanghai)
	if err != nil {
		panic(err)
	}
	return d
}

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

func TestParseDate(t *testing.T) {
	today := day("2026-11-20")
	for _, c := range []struct {
		in, want, label string
	}{
		{"2026年11月", "2026-11-20", "2026年11月20日"}, // the current month: as of today
		{"2026年10月", "2026-10-31", "2026年10月"},
		{"2026 年 2 月", "2026-02-28", "2026年2月"},
		{"2024年2月", "2024-02-29", "2024年2月"},
		{"10月", "2026-10-31", "2026年10月"},
		{"12月", "2025-12-31", "2025年12月"}, // the latest December not in the future
		{"11月份", "2026-11-20", "2026年11月20日"},
		{"2026年9月底", "2026-09-30", "2026年9月"},
		{"2026年9月15日", "2026-09-15", "2026年9月15日"},
		{"2026年9月30号", "2026-09-30", "2026年9月"},
		{"2026-10", "2026-10-31", "2026年10月"},
		{"2026-10-31", "2026-10-31", "2026年10月"},
		{"2026/9/1", "2026-09-01", "2026年9月1日"},
		{"2025年", "2025-12-31", "2025年12月"},
		{"2026年", "2026-11-20", "2026年11月20日"},
	} {
		d, err := ParseDate(c.in, today.Add(15*time.Hour))
		if err != nil {
			t.Errorf("ParseDate(%q): %v", c.in, err)
			continue
		}
		if d.String() != c.want || d.Label() != c.label {
			t.Errorf("ParseDate(%q) = %s %q, want %s %q", c.in, d, d.Label(), c.want, c.label)
		}
	}
	for _, in := range []string{"2026年12月", "2026-11-21", "2027-01", "明年", "2026年13月", "2026-02-30", "第一党支部", ""} {
		if d, err := ParseDate(in, today); err == nil {
			t.Errorf("ParseDate(%q) = %s, want an error", in, d)
		}
	}
}

func TestRegroupAges(t *testing.T) {
	fine := fineBounds()
	want := []int{31, 35, 36, 41, 45, 46, 51, 55, 56, 61}
	if len(fine) != len(want) {
		t.Fatalf("fineBounds = %v, want %v", fine, want)
	}
	for i := range want {
		if fine[i] != want[i] {
			t.Fatalf("fineBounds = %v, want %v", fine, want)
		}
	}
	// One member in each fine bucket: ≤30, 31–34, 35, 36–40, 41–44, 45, 46–50, 51–54, 55, 56–60, ≥61.
	counts := []int64{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024}
	para := regroup(counts, fine, paragraphBands)
	if w := []int64{1 + 2, 4 + 8 + 16, 32 + 64 + 128, 256 + 512 + 1024}; !equal(para, w) {
		t.Errorf("paragraph bands %v, want %v", para, w)
	}
	table := regroup(counts, fine, tableBands)
	if w := []int64{1, 2 + 4, 8, 16 + 32, 64, 128 + 256, 512, 1024}; !equal(table, w) {
		t.Errorf("table bands %v, want %v", table, w)
	}
}

func equal(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// summary builds a Summary from per-reason genders and the rest, for the paragraph tests.
func summary(members, inflow int64, rg [4][2]int64, ages, edu [6]int64, region [3]int64, long int64) Summary {
	s := Summary{Unit: "某某镇党委", Date: Date{Day: day("2026-11-30"), MonthEnd: true}, Members: members, Inflow: inflow,
		ByAge: []int64{ages[0], ages[1], ages[2], ages[3]}, ByEducation: edu[:], ByRegion: region[:], LongAway: long}
	for _, r := range rg {
		s.ByReasonGender = append(s.ByReasonGender, []int64{r[0], r[1]})
		s.Outflow += r[0] + r[1]
	}
	return s
}

func TestParagraph(t *testing.T) {
	for _, c := range []struct {
		name string
		s    Summary
		want string
	}{
		{"the domain's example", summary(412, 3, [4][2]int64{{5, 2}, {2, 0}}, [6]int64{4, 3, 2}, [6]int64{0, 0, 3, 0, 5, 1}, [3]int64{6, 3, 0}, 7),
			"截止到2026年11月，某某镇党委共有流动党员12人，其中流出党员9人，流入党员3人，流出党员占党员总数412人的2%。" +
				"其中：外出务工党员7人，男性5人、女性2人；外出经商党员2人，全部是男性；" +
				"年龄结构为：35岁以下4人、35岁到45岁3人、45岁到55岁2人；" +
				"学历结构为：初中及以下学历1人、高中学历5人、大专3人；" +
				"分布情况为：省内6人，省外3人，外出3个月以上7人。"},
		{"every category", summary(2000, 0, [4][2]int64{{1, 1}, {1, 1}, {1, 1}, {1, 1}}, [6]int64{2, 2, 2, 2}, [6]int64{1, 1, 1, 1, 2, 2}, [3]int64{3, 3, 2}, 1),
			"截止到2026年11月，某某镇党委共有流动党员8人，其中流出党员8人，流入党员0人，流出党员占党员总数2000人的0.4%。" +
				"其中：外出务工党员2人，男性1人、女性1人；外出经商党员2人，男性1人、女性1人；外出求学党员2人，男性1人、女性1人；因其他原因外出党员2人，男性1人、女性1人；" +
				"年龄结构为：35岁以下2人、35岁到45岁2人、45岁到55岁2人、55岁以上2人；" +
				"学历结构为：初中及以下学历2人、高中学历2人、中专学历1人、大专1人、本科1人、研究生学历1人；" +
				"分布情况为：省内3人，省外3人，地点不详2人，外出3个月以上1人。"},
		{"all in one", summary(300, 1, [4][2]int64{{0, 3}}, [6]int64{0, 0, 0, 3}, [6]int64{0, 0, 3}, [3]int64{0, 3, 0}, 3),
			"截止到2026年11月，某某镇党委共有流动党员4人，其中流出党员3人，流入党员1人，流出党员占党员总数300人的1%。" +
				"其中：全部是外出务工党员，全部是女性；年龄结构为：全部是55岁以上；学历结构为：全部是大专学历；" +
				"分布情况为：全部在省外，均是外出3个月以上。"},
		{"one person, place unknown, not long away", summary(50, 0, [4][2]int64{{}, {}, {1, 0}}, [6]int64{1}, [6]int64{1}, [3]int64{0, 0, 1}, 0),
			"截止到2026年11月，某某镇党委共有流动党员1人，其中流出党员1人，流入党员0人，流出党员占党员总数50人的2%。" +
				"其中：外出求学党员1人，男性1人；年龄结构为：35岁以下1人；学历结构为：研究生学历1人；分布情况为：地点不详1人。"},
		{"places all unknown", summary(50, 0, [4][2]int64{{1, 1}}, [6]int64{2}, [6]int64{2}, [3]int64{0, 0, 2}, 0),
			"截止到2026年11月，某某镇党委共有流动党员2人，其中流出党员2人，流入党员0人，流出党员占党员总数50人的4%。" +
				"其中：全部是外出务工党员，男性1人、女性1人；年龄结构为：全部是35岁以下；学历结构为：全部是研究生学历；分布情况为：外出地点均不详。"},
		{"no mobile members", summary(412, 0, [4][2]int64{}, [6]int64{}, [6]int64{}, [3]int64{}, 0),
			"截止到2026年11月，某某镇党委共有流动党员0人，其中流出党员0人，流入党员0人，流出党员占党员总数412人的0%。"},
		{"inflow only, no members of its own", summary(0, 2, [4][2]int64{}, [6]int64{}, [6]int64{}, [3]int64{}, 0),
			"截止到2026年11月，某某镇党委共有流动党员2人，其中流出党员0人，流入党员2人。"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Paragraph(c.s); got != c.want {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}

func TestNote(t *testing.T) {
	s := summary(10, 0, [4][2]int64{}, [6]int64{}, [6]int64{}, [3]int64{}, 0)
	if Note(s) != "" {
		t.Errorf("note without unplaced members: %q", Note(s))
	}
	s.MarkedNotAway = 2
	if n := Note(s); !strings.Contains(n, "另有2名党员") || !strings.Contains(n, "2026年11月") {
		t.Errorf("note: %q", n)
	}
}

func TestSummariseFromStore(t *testing.T) {
	r := store.StatsRow{Members: 100}
	r.Out = store.StatsBreakdown{Count: 3,
		ByAge:          []int64{0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1}, // 35, 55, ≥61
		ByEducation:    []int64{0, 0, 0, 0, 3, 0},
		ByReasonGender: []int64{2, 1, 0, 0, 0, 0, 0, 0},
		ByRegion:       []int64{3, 0, 0},
	}
	s := summarise("第一党支部", Date{Day: day("2026-11-30"), MonthEnd: true}, r)
	if !equal(s.ByAge, []int64{0, 1, 0, 2}) {
		t.Errorf("ages %v", s.ByAge)
	}
	if s.ByReasonGender[0][0] != 2 || s.ByReasonGender[0][1] != 1 {
		t.Errorf("reasons %v", s.ByReasonGender)
	}
}

func TestHomeProvince(t *testing.T) {
	for _, c := range []struct{ configured, region, want string }{
		{"", "安徽省六安市", "34"},
		{"", "安徽省", "34"},
		{"", "广东深圳", "44"},
		{"", "内蒙古自治区呼和浩特市", "15"},
		{"44", "安徽省六安市", "44"},
		{"440000", "", "44"},
		{"", "六安市", "34"}, // a city alone is enough: the resolver knows its province
	} {
		got, err := HomeProvince(c.configured, c.region)
		if err != nil || got != c.want {
			t.Errorf("HomeProvince(%q, %q) = %q, %v; want %q", c.configured, c.region, got, err, c.want)
		}
	}
	for _, c := range []struct{ configured, region string }{{"", "火星"}, {"", "朝阳"}, {"99", "安徽省"}, {"440300", "安徽省"}, {"", ""}} {
		if got, err := HomeProvince(c.configured, c.region); err == nil {
			t.Errorf("HomeProvince(%q, %q) = %q, want an error", c.configured, c.region, got)
		}
	}
}

func TestUnits(t *testing.T) {
	id := func(n int64) *int64 { return &n }
	units := []store.OrgUnit{
		{ID: 1, Name: "镇党委", Path: "/1/"},
		{ID: 2, ParentID: id(1), Name: "第一党总支", Path: "/1/2/"},
		{ID: 3, ParentID: id(2), Name: "第一党支部", Path: "/1/2/3/"},
		{ID: 4, ParentID: id(1), Name: "第二党总支", Path: "/1/4/"},
		{ID: 5, ParentID: id(4), Name: "第一党支部", Path: "/1/4/5/"},
		{ID: 10, ParentID: id(1), Name: "机关党支部", Path: "/1/10/"},
	}
	if m := matchUnits(units, "第一党支部"); len(m) != 2 {
		t.Errorf("namesakes: %v", m)
	}
	if m := matchUnits(units, "第二党总支/第一党支部"); len(m) != 1 || m[0].ID != 5 {
		t.Errorf("path: %v", m)
	}
	if m := matchUnits(units, "镇党委／第一党支部"); len(m) != 2 {
		t.Errorf("ancestor path: %v", m)
	}
	if m := matchUnits(units, "第三党支部"); len(m) != 0 {
		t.Errorf("unknown: %v", m)
	}
	if p := unitPath(units, units[4], units[0]); p != "第二党总支/第一党支部" {
		t.Errorf("unitPath = %q", p)
	}
	top := topUnits([]store.OrgUnit{units[2], units[1], units[5]})
	if len(top) != 2 || top[0].ID != 2 || top[1].ID != 10 {
		t.Errorf("topUnits = %v", top)
	}
	if comparePaths("/1/10/", "/1/4/5/") <= 0 || comparePaths("/1/4/", "/1/4/5/") >= 0 {
		t.Error("comparePaths does not follow the tree")
	}
}

func TestDisplayWidth(t *testing.T) {
	if w := displayWidth("第一党支部12"); w != 12 {
		t.Errorf("displayWidth = %d", w)
	}
}
