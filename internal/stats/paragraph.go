package stats

import (
	"fmt"
	"strings"

	"liudong/internal/store"
)

// AwayMonths is the paragraph's "外出3个月以上".
const AwayMonths = 3

// Summary is what the 基本情况 paragraph says about one org unit at one date. The breakdowns
// are of the outflow members (流出), as in the branches' own reports.
type Summary struct {
	Unit    string
	Date    Date
	Members int64 // the unit's own members (流入 members excluded)
	Outflow int64
	Inflow  int64
	// ByReasonGender[reason][gender], in the order of reasons and genders.
	ByReasonGender [][]int64
	ByAge          []int64 // paragraphBands
	ByEducation    []int64 // educations
	ByRegion       []int64 // store.RegionHome, RegionAway, RegionUnknown
	LongAway       int64   // away AwayMonths or more
	// MarkedNotAway counts members marked 流出 on the roster but not away at the date.
	MarkedNotAway int64
}

// summarise turns the store's counts (fine age buckets) into a Summary.
func summarise(unit string, d Date, r store.StatsRow) Summary {
	s := Summary{Unit: unit, Date: d, Members: r.Members, Outflow: r.Out.Count, Inflow: r.In.Count,
		ByAge:       regroup(r.Out.ByAge, fineBounds(), paragraphBands),
		ByEducation: r.Out.ByEducation, ByRegion: r.Out.ByRegion, LongAway: r.Out.LongAway,
		MarkedNotAway: r.MarkedNotAway}
	for i := range reasons {
		s.ByReasonGender = append(s.ByReasonGender, r.Out.ByReasonGender[i*len(genders):(i+1)*len(genders)])
	}
	return s
}

// Share is the outflow members' share of all members: a whole percent, or one decimal where
// a whole percent would show 0% (rounded half up, in integers).
func Share(outflow, members int64) string {
	switch {
	case members <= 0:
		return ""
	case outflow == 0:
		return "0%"
	}
	if whole := (200*outflow + members) / (2 * members); whole >= 1 {
		return fmt.Sprintf("%d%%", whole)
	}
	if tenths := (2000*outflow + members) / (2 * members); tenths >= 1 {
		return fmt.Sprintf("0.%d%%", tenths)
	}
	return "不到0.1%"
}

// Paragraph writes the 基本情况 paragraph:
//
//	截止到2026年11月，某某镇党委共有流动党员12人，其中流出党员9人，流入党员3人，流出党员占党员总数412人的2%。
//	其中：外出务工党员7人，男性5人、女性2人；外出经商党员2人，全部是男性；年龄结构为：35岁以下4人、……；
//	学历结构为：……；分布情况为：省内6人，省外3人，外出3个月以上7人。
//
// The headline counts are always given; a category with no one in it is left out, and when
// everyone falls in one, it says so.
func Paragraph(s Summary) string {
	var b strings.Builder
	fmt.Fprintf(&b, "截止到%s，%s共有流动党员%d人，其中流出党员%d人，流入党员%d人",
		s.Date.Label(), s.Unit, s.Outflow+s.Inflow, s.Outflow, s.Inflow)
	if s.Members > 0 {
		fmt.Fprintf(&b, "，流出党员占党员总数%d人的%s", s.Members, Share(s.Outflow, s.Members))
	}
	b.WriteString("。")
	if s.Outflow > 0 {
		parts := []string{
			"其中：" + reasonPart(s),
			"年龄结构为：" + breakdown(s.Outflow, labelled(s.ByAge, bandLabels(paragraphBands)), allAre),
			"学历结构为：" + breakdown(s.Outflow, educationCounts(s.ByEducation), func(l string) string {
				if !strings.HasSuffix(l, "学历") {
					l += "学历"
				}
				return allAre(l)
			}),
			"分布情况为：" + distribution(s),
		}
		b.WriteString(strings.Join(parts, "；") + "。")
	}
	return b.String()
}

// Note is the line under the paragraph about members the counts could not place, or "".
func Note(s Summary) string {
	if s.MarkedNotAway == 0 {
		return ""
	}
	return fmt.Sprintf("注：另有%d名党员在名册中标为“流出”，但截止到%s没有外出记录（未登记外出日期，或已返乡），未计入流出党员。",
		s.MarkedNotAway, s.Date.Label())
}

// count is one category of a breakdown.
type count struct {
	label string
	n     int64
}

func labelled(ns []int64, labels []string) []count {
	out := make([]count, len(ns))
	for i, n := range ns {
		out[i] = count{labels[i], n}
	}
	return out
}

func bandLabels(bands []ageBand) []string {
	out := make([]string, len(bands))
	for i, b := range bands {
		out[i] = b.Label
	}
	return out
}

func educationCounts(byEducation []int64) []count {
	var out []count
	for _, e := range educationOrder {
		for i, name := range educations {
			if name == e {
				out = append(out, count{educationLabels[e], byEducation[i]})
			}
		}
	}
	return out
}

// breakdown lists the non-empty categories ("35岁以下4人、35岁到45岁3人"), or says that all
// total fall in one (all, e.g. "全部是男性"). A single person is listed, not "all".
func breakdown(total int64, cs []count, all func(label string) string) string {
	return breakdownSep(total, cs, all, "、")
}

func breakdownSep(total int64, cs []count, all func(label string) string, sep string) string {
	var parts []string
	for _, c := range cs {
		if c.n == 0 {
			continue
		}
		if c.n == total && total > 1 {
			return all(c.label)
		}
		parts = append(parts, fmt.Sprintf("%s%d人", c.label, c.n))
	}
	return strings.Join(parts, sep)
}

func allAre(label string) string { return "全部是" + label }

func reasonPart(s Summary) string {
	var parts []string
	for i, reason := range reasons {
		var n int64
		for _, g := range s.ByReasonGender[i] {
			n += g
		}
		if n == 0 {
			continue
		}
		var gs []count
		for j, g := range genders {
			gs = append(gs, count{genderLabels[g], s.ByReasonGender[i][j]})
		}
		head := fmt.Sprintf("%s%d人", reasonLabels[reason], n)
		if n == s.Outflow && n > 1 {
			head = "全部是" + reasonLabels[reason]
		}
		parts = append(parts, head+"，"+breakdown(n, gs, allAre))
	}
	return strings.Join(parts, "；")
}

func distribution(s Summary) string {
	where := breakdownSep(s.Outflow, []count{
		{"省内", s.ByRegion[store.RegionHome]},
		{"省外", s.ByRegion[store.RegionAway]},
		{"地点不详", s.ByRegion[store.RegionUnknown]},
	}, func(l string) string {
		if l == "地点不详" {
			return "外出地点均不详"
		}
		return "全部在" + l
	}, "，")
	long := fmt.Sprintf("外出%d个月以上", AwayMonths)
	switch {
	case s.LongAway == 0:
		return where
	case s.LongAway == s.Outflow && s.Outflow > 1:
		return where + "，均是" + long
	default:
		return fmt.Sprintf("%s，%s%d人", where, long, s.LongAway)
	}
}
