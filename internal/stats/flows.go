package stats

import (
	"context"
	"fmt"
	"slices"
	"time"

	"liudong/internal/location"
	"liudong/internal/store"
)

// The official statistics also count the mobile members by how far they are from home — 跨省,
// 省内跨市, 县内 (with 市内跨县 between) — and by whether they hold a 流动党员活动证, and the
// transfers of the organizational relationship in the period. "Home" is the committee's region
// (committee.region, its province overridden by stats.home_province); a member's place is his
// open departure's region, a 流入 member's his home organization's. When the committee's region
// names no county, or a place names none, a flow within one city cannot be split into 县内 and
// 跨县: it is counted as 市内（县不详）.

// flowHome is the committee's region as 6-digit codes (city and county may be empty).
type flowHome struct{ province, city, county string }

func homeRegion(region, homeProvince string) flowHome {
	var h flowHome
	if cands := location.Default().Resolve(region); len(cands) == 1 {
		r := cands[0]
		h = flowHome{province: r.ProvinceCode, city: r.CityCode, county: r.CountyCode}
	}
	if p := homeProvince + "0000"; h.province != p {
		// A configured province other than the region's: only the province is known.
		h = flowHome{province: p}
	}
	return h
}

// flowLabels are the flow buckets' headers, in store.Flow* order.
var flowLabels = []string{"跨省", "省内跨市", "市内跨县", "县内", "市内（县不详）", "地点不详"}

// flowTables builds the flow and certificate tables of the 流出 (and 流入) members and the
// table of transfers in the year through d, one row per branch then 合计.
func (s *Service) flowTables(ctx context.Context, unit store.OrgUnit, d Date, units []store.OrgUnit) ([]Table, error) {
	from := time.Date(d.Day.Year(), 1, 1, 0, 0, 0, 0, d.Day.Location())
	counted, err := s.st.StatsFlows(ctx, store.FlowParams{Path: unit.Path, At: d.Day, From: from,
		HomeProvince: s.flowHome.province, HomeCity: s.flowHome.city, HomeCounty: s.flowHome.county})
	if err != nil {
		return nil, err
	}
	byUnit := make(map[int64]store.FlowRow, len(counted))
	for _, r := range counted {
		byUnit[r.OrgUnitID] = r
	}
	type row struct {
		name, path string
		r          store.FlowRow
	}
	var rows []row
	name := pathNamer(units)
	for _, u := range units {
		r, ok := byUnit[u.ID]
		if !ok && u.Kind != store.KindBranch {
			continue
		}
		rows = append(rows, row{name: name(u, unit), path: u.Path, r: r})
	}
	slices.SortFunc(rows, func(a, b row) int { return comparePaths(a.path, b.path) })
	var total store.FlowRow
	for _, x := range rows {
		for _, p := range []struct{ to, from *store.FlowCounts }{{&total.Out, &x.r.Out}, {&total.In, &x.r.In}} {
			p.to.Count += p.from.Count
			p.to.Certified += p.from.Certified
			for i := range p.to.ByFlow {
				p.to.ByFlow[i] += p.from.ByFlow[i]
			}
		}
		total.TransfersOut += x.r.TransfersOut
		total.TransfersIn += x.r.TransfersIn
		total.LettersPending += x.r.LettersPending
	}
	if len(rows) != 1 {
		rows = append(rows, row{name: "合计", r: total})
	}
	var tables []Table
	for _, kind := range []struct {
		name, sheet, what string
		pick              func(store.FlowRow) store.FlowCounts
	}{
		{"流出", "流出流向", "流出党员流向及持证情况", func(r store.FlowRow) store.FlowCounts { return r.Out }},
		{"流入", "流入来源", "流入党员来源及持证情况", func(r store.FlowRow) store.FlowCounts { return r.In }},
	} {
		all := kind.pick(total)
		if kind.name == "流入" && all.Count == 0 {
			continue
		}
		// Buckets always shown: 跨省, 省内跨市, 市内跨县, 县内, 地点不详; 市内（县不详） when used.
		buckets := []int{store.FlowAcrossProvinces, store.FlowAcrossCities, store.FlowAcrossCounties, store.FlowInCounty}
		if all.ByFlow[store.FlowInCity] > 0 {
			buckets = append(buckets, store.FlowInCity)
		}
		buckets = append(buckets, store.FlowUnknown)
		header := []string{"党组织", "合计"}
		for _, b := range buckets {
			header = append(header, flowLabels[b])
		}
		header = append(header, "持证", "未持证")
		t := Table{Sheet: kind.sheet, Title: fmt.Sprintf("%s%s（截止到%s；流向以%s为准）", unit.Name, kind.what, d.Label(), s.homeName()),
			Header: header}
		for _, x := range rows {
			c := kind.pick(x.r)
			line := []any{x.name, c.Count}
			for _, b := range buckets {
				line = append(line, c.ByFlow[b])
			}
			t.Rows = append(t.Rows, append(line, c.Certified, c.Count-c.Certified))
		}
		tables = append(tables, t)
	}
	moves := Table{Sheet: "组织关系接转", Title: fmt.Sprintf("%s组织关系接转情况（%d年1月1日至%s）", unit.Name, d.Day.Year(), d.Label()),
		Header: []string{"党组织", "转出（已收回执）", "转入", "介绍信待回执"}}
	for _, x := range rows {
		moves.Rows = append(moves.Rows, []any{x.name, x.r.TransfersOut, x.r.TransfersIn, x.r.LettersPending})
	}
	return append(tables, moves), nil
}

// homeName names the region the flows are judged from.
func (s *Service) homeName() string {
	for _, code := range []string{s.flowHome.county, s.flowHome.city, s.flowHome.province} {
		if code == "" {
			continue
		}
		if r, ok := location.Default().ByCode(code); ok {
			return r.Label()
		}
	}
	return "本地"
}
