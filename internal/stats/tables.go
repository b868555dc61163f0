package stats

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"liudong/internal/store"
)

// Table is one official table: a row per branch (every branch of the subtree, and any other
// unit holding members itself), then 合计 when there are several.
type Table struct {
	Sheet  string // short name: the xlsx sheet
	Title  string
	Header []string
	// Rows hold the unit's name (a string), then counts (int64) or a share (string).
	Rows [][]any
}

// Tables builds the official tables of the unit's subtree as of d: a summary, then the age
// (8 bands), education and 人员类别 tables of the 流出 members, and of the 流入 members when
// there are any. 人员类别 tables appear when the roster has the column filled in.
func (s *Service) Tables(ctx context.Context, unit store.OrgUnit, d Date) ([]Table, error) {
	units, err := s.st.OrgUnitsUnder(ctx, unit)
	if err != nil {
		return nil, err
	}
	counted, err := s.st.StatsByUnit(ctx, s.params(unit, d, bounds(tableBands)))
	if err != nil {
		return nil, err
	}
	byUnit := make(map[int64]store.StatsRow, len(counted))
	for _, r := range counted {
		byUnit[r.OrgUnitID] = r
	}
	var rows []tableRow
	name := pathNamer(units)
	for _, u := range units {
		r, ok := byUnit[u.ID]
		if !ok && u.Kind != store.KindBranch {
			continue
		}
		if !ok {
			r = emptyRow()
		}
		rows = append(rows, tableRow{name: name(u, unit), path: u.Path, r: r})
	}
	slices.SortFunc(rows, func(a, b tableRow) int { return comparePaths(a.path, b.path) })
	total := emptyRow()
	for _, x := range rows {
		addRow(&total, x.r)
	}
	if len(rows) != 1 {
		rows = append(rows, tableRow{name: "合计", r: total})
	}

	summary := Table{Sheet: "汇总", Title: fmt.Sprintf("%s流动党员情况汇总（截止到%s；性别、外出原因、分布为流出党员）", unit.Name, d.Label()),
		Header: []string{"党组织", "党员总数", "流动党员", "流出党员", "流入党员", "流出占比", "男", "女",
			"务工", "经商", "求学", "其他", "省内", "省外", "地点不详", fmt.Sprintf("外出%d个月以上", AwayMonths)}}
	for _, x := range rows {
		o := x.r.Out
		row := []any{x.name, x.r.Members, o.Count + x.r.In.Count, o.Count, x.r.In.Count, Share(o.Count, x.r.Members)}
		row = append(row, ints(o.ByGender)...)
		for i := range reasons {
			var n int64
			for j := range genders {
				n += o.ByReasonGender[i*len(genders)+j]
			}
			row = append(row, n)
		}
		row = append(row, ints(o.ByRegion)...)
		summary.Rows = append(summary.Rows, append(row, o.LongAway))
	}
	tables := []Table{summary}
	withCategory := slices.ContainsFunc(total.Out.ByCategory[:len(categories)-1], nonZero) ||
		slices.ContainsFunc(total.In.ByCategory[:len(categories)-1], nonZero)
	for _, kind := range []struct {
		name string
		pick func(store.StatsRow) store.StatsBreakdown
	}{
		{"流出", func(r store.StatsRow) store.StatsBreakdown { return r.Out }},
		{"流入", func(r store.StatsRow) store.StatsBreakdown { return r.In }},
	} {
		if kind.name == "流入" && total.In.Count == 0 {
			continue
		}
		title := func(what string) string {
			return fmt.Sprintf("%s%s党员%s（截止到%s）", unit.Name, kind.name, what, d.Label())
		}
		categoryHeader := append(slices.Clone(categories[:len(categories)-1]), "未填")
		for _, t := range []struct {
			sheet, what string
			header      []string
			counts      func(store.StatsBreakdown) []int64
			skip        bool
		}{
			{"年龄", "年龄结构", bandLabels(tableBands), func(b store.StatsBreakdown) []int64 { return b.ByAge }, false},
			{"学历", "学历结构", educations, func(b store.StatsBreakdown) []int64 { return b.ByEducation }, false},
			{"人员类别", "人员类别", categoryHeader, func(b store.StatsBreakdown) []int64 { return b.ByCategory }, !withCategory},
		} {
			if t.skip {
				continue
			}
			tb := Table{Sheet: kind.name + t.sheet, Title: title(t.what),
				Header: append([]string{"党组织", "合计"}, t.header...)}
			for _, x := range rows {
				b := kind.pick(x.r)
				tb.Rows = append(tb.Rows, append([]any{x.name, b.Count}, ints(t.counts(b))...))
			}
			tables = append(tables, tb)
		}
	}
	flows, err := s.flowTables(ctx, unit, d, units)
	if err != nil {
		return nil, err
	}
	return append(tables, flows...), nil
}

type tableRow struct {
	name, path string
	r          store.StatsRow
}

func nonZero(n int64) bool { return n != 0 }

func ints(ns []int64) []any {
	out := make([]any, len(ns))
	for i, n := range ns {
		out[i] = n
	}
	return out
}

func emptyRow() store.StatsRow {
	var r store.StatsRow
	for _, b := range []*store.StatsBreakdown{&r.Out, &r.In} {
		b.ByGender = make([]int64, len(genders))
		b.ByAge = make([]int64, len(tableBands))
		b.ByEducation = make([]int64, len(educations))
		b.ByCategory = make([]int64, len(categories))
		b.ByReasonGender = make([]int64, len(reasons)*len(genders))
		b.ByRegion = make([]int64, 3)
	}
	return r
}

func addRow(to *store.StatsRow, r store.StatsRow) {
	to.Members += r.Members
	for _, p := range []struct{ to, from *store.StatsBreakdown }{{&to.Out, &r.Out}, {&to.In, &r.In}} {
		p.to.Count += p.from.Count
		p.to.LongAway += p.from.LongAway
		for _, a := range []struct{ to, from []int64 }{
			{p.to.ByGender, p.from.ByGender}, {p.to.ByAge, p.from.ByAge}, {p.to.ByEducation, p.from.ByEducation},
			{p.to.ByCategory, p.from.ByCategory}, {p.to.ByReasonGender, p.from.ByReasonGender}, {p.to.ByRegion, p.from.ByRegion},
		} {
			for i := range a.to {
				a.to[i] += a.from[i]
			}
		}
	}
}

// comparePaths orders org units as the tree does: parents first, siblings as created.
func comparePaths(a, b string) int {
	as, bs := strings.Split(strings.Trim(a, "/"), "/"), strings.Split(strings.Trim(b, "/"), "/")
	for i := 0; i < len(as) && i < len(bs); i++ {
		x, _ := strconv.ParseInt(as[i], 10, 64)
		y, _ := strconv.ParseInt(bs[i], 10, 64)
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return len(as) - len(bs)
}
