package store

import (
	"context"
	"time"
)

// Flow buckets of FlowCounts.ByFlow: how far a mobile member is from home, as the official
// statistics count them (跨省 / 省内跨市 / 县内), from the committee's region.
const (
	FlowAcrossProvinces = 0 // 跨省
	FlowAcrossCities    = 1 // 省内跨市
	FlowAcrossCounties  = 2 // 市内跨县
	FlowInCounty        = 3 // 县内
	FlowInCity          = 4 // 市内, the county of one side unknown
	FlowUnknown         = 5 // 地点不详 (or a region too coarse to compare)
	flowBuckets         = 6
)

// FlowParams says which members StatsFlows counts, against which region.
type FlowParams struct {
	Path string    // the org unit's subtree
	At   time.Time // the report date
	// From starts the period of the transfers counted (through At).
	From time.Time
	// Home is the committee's region as 6-digit GB/T 2260 codes; City and County may be empty.
	HomeProvince, HomeCity, HomeCounty string
}

// FlowCounts counts the 流出 or 流入 members of one org unit by flow and certificate.
type FlowCounts struct {
	Count     int64
	ByFlow    [flowBuckets]int64
	Certified int64 // holding a 流动党员活动证 at the date (流入: one their home issued, on record)
}

// FlowRow is one org unit's flows and transfers.
type FlowRow struct {
	OrgUnitID int64
	Out, In   FlowCounts
	// TransfersOut counts receipts dated in the period (members transferred out), TransfersIn
	// the members received by transfer in it; LettersPending the letters out waiting for a
	// receipt at the date.
	TransfersOut, TransfersIn, LettersPending int64
}

// StatsFlows counts, per org unit of the subtree holding members, the mobile members at the
// date by flow (a departure's region, for 流入 members their home organization's, against the
// committee's) and certificate, and the transfers of the period. One statement.
func (s *Store) StatsFlows(ctx context.Context, p FlowParams) ([]FlowRow, error) {
	query := `
	WITH scoped AS (
		SELECT m.* FROM members m WHERE m.branch_id IN (SELECT id FROM org_units WHERE path LIKE $1 || '%')
	),
	present AS (
		SELECT * FROM scoped m WHERE ` + PresentOn("m", "$2::date") + `
	),
	mobile AS (
		SELECT m.branch_id, 0 AS k, d.province_code AS pc, d.city_code AS cc, d.county_code AS xc,
			EXISTS (SELECT 1 FROM certificates c WHERE c.member_id = m.id AND c.issued_on <= $2::date
				AND (c.returned_on IS NULL OR c.returned_on > $2::date) AND (c.lost_on IS NULL OR c.lost_on > $2::date)) AS certified
		FROM present m JOIN departures d ON d.member_id = m.id
		WHERE m.mobility <> '流入' AND d.departed_on <= $2::date AND (d.returned_on IS NULL OR d.returned_on > $2::date)
			AND NOT EXISTS (
				SELECT 1 FROM departures l
				WHERE l.member_id = d.member_id AND (l.departed_on, l.id) > (d.departed_on, d.id)
					AND l.departed_on <= $2::date AND (l.returned_on IS NULL OR l.returned_on > $2::date))
		UNION ALL
		SELECT m.branch_id, 1, COALESCE(h.province_code, ''), COALESCE(h.city_code, ''), COALESCE(h.county_code, ''),
			COALESCE(h.certificate_number <> '', false)
		FROM present m LEFT JOIN member_homes h ON h.member_id = m.id
		WHERE m.mobility = '流入'
	),
	coded AS (
		SELECT branch_id, k, certified,
			CASE WHEN pc = '' THEN 5
				WHEN pc <> $4 THEN 0
				WHEN cc = '' OR $5 = '' THEN 5
				WHEN cc <> $5 THEN 1
				WHEN xc = '' OR $6 = '' THEN 4
				WHEN xc <> $6 THEN 2
				ELSE 3 END AS f
		FROM mobile
	),
	flows AS (
		SELECT branch_id,
			count(*) FILTER (WHERE k = 0) AS out_n,
			ARRAY[` + flowCounts("k = 0") + `] AS out_f,
			count(*) FILTER (WHERE k = 0 AND certified) AS out_c,
			count(*) FILTER (WHERE k = 1) AS in_n,
			ARRAY[` + flowCounts("k = 1") + `] AS in_f,
			count(*) FILTER (WHERE k = 1 AND certified) AS in_c
		FROM coded GROUP BY branch_id
	),
	moves AS (
		SELECT m.branch_id,
			count(*) FILTER (WHERE t.direction = 'out' AND t.received_on BETWEEN $3::date AND $2::date) AS t_out,
			count(*) FILTER (WHERE t.direction = 'out' AND t.issued_on <= $2::date
				AND (t.received_on IS NULL OR t.received_on > $2::date)
				AND (t.cancelled_on IS NULL OR t.cancelled_on > $2::date)) AS pending
		FROM scoped m JOIN transfers t ON t.member_id = m.id
		GROUP BY m.branch_id
	),
	arrivals AS (
		SELECT m.branch_id, count(*) AS t_in FROM scoped m
		WHERE m.transferred_in_on BETWEEN $3::date AND $2::date GROUP BY m.branch_id
	),
	units AS (
		SELECT DISTINCT branch_id FROM scoped
	)
	SELECT u.branch_id, COALESCE(f.out_n, 0), f.out_f, COALESCE(f.out_c, 0), COALESCE(f.in_n, 0), f.in_f, COALESCE(f.in_c, 0),
		COALESCE(mv.t_out, 0), COALESCE(a.t_in, 0), COALESCE(mv.pending, 0)
	FROM units u LEFT JOIN flows f ON f.branch_id = u.branch_id
	LEFT JOIN moves mv ON mv.branch_id = u.branch_id LEFT JOIN arrivals a ON a.branch_id = u.branch_id
	ORDER BY u.branch_id`
	var out []FlowRow
	err := s.statsTx(ctx, func(tx *Store) error {
		rows, err := tx.q.QueryxContext(ctx, query, p.Path, p.At.Format(time.DateOnly), p.From.Format(time.DateOnly),
			p.HomeProvince, p.HomeCity, p.HomeCounty)
		if err != nil {
			return wrap("count flows", err)
		}
		defer rows.Close()
		for rows.Next() {
			var r FlowRow
			var outF, inF []int64
			if err := rows.Scan(&r.OrgUnitID, &r.Out.Count, arr(&outF), &r.Out.Certified, &r.In.Count, arr(&inF), &r.In.Certified,
				&r.TransfersOut, &r.TransfersIn, &r.LettersPending); err != nil {
				return wrap("read flows", err)
			}
			copy(r.Out.ByFlow[:], outF)
			copy(r.In.ByFlow[:], inF)
			out = append(out, r)
		}
		return wrap("read flows", rows.Err())
	})
	return out, err
}

// flowCounts is the flow buckets' counts of the rows matching cond.
func flowCounts(cond string) string {
	parts := make([]string, flowBuckets)
	for i := range parts {
		parts[i] = "count(*) FILTER (WHERE " + cond + " AND f = " + string(rune('0'+i)) + ")"
	}
	out := parts[0]
	for _, p := range parts[1:] {
		out += ", " + p
	}
	return out
}
