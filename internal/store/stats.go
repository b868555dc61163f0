package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/lib/pq"
)

// StatsParams says which members the statistics count and how they are bucketed. The caller
// (internal/stats) owns the vocabulary and the bands: every list fixes the order of the
// matching counts in StatsBreakdown.
type StatsParams struct {
	// Path is an org unit's path: its whole subtree is counted.
	Path string
	// At is the report date (its calendar date).
	At time.Time
	// HomeProvince is the two-digit GB/T 2260 province prefix of the committee: a departure
	// whose province code starts with it is 省内.
	HomeProvince string
	// AwayMonths: a departure at least this many months old at At counts as long away.
	AwayMonths int
	// AgeBounds are the lower bounds of every age band but the first, ascending
	// (width_bucket): {35, 45} makes <35, 35–44, ≥45. The age is taken at At.
	AgeBounds                                []int
	Genders, Educations, Categories, Reasons []string
}

// Region buckets of StatsBreakdown.ByRegion.
const (
	RegionHome    = 0 // 省内
	RegionAway    = 1 // 省外
	RegionUnknown = 2 // the departure has no province code
)

// StatsBreakdown counts one kind of mobile member (流出 or 流入).
type StatsBreakdown struct {
	Count       int64
	ByGender    []int64
	ByAge       []int64 // len(AgeBounds)+1
	ByEducation []int64
	ByCategory  []int64
	// Departure facts, for 流出 only.
	ByReasonGender []int64 // Reasons × Genders, reason-major
	ByRegion       []int64 // RegionHome, RegionAway, RegionUnknown
	LongAway       int64   // away AwayMonths or more
}

// StatsRow is the counts of the members whose formal relationship is held by one org unit
// (StatsByUnit) or by any unit of a subtree (StatsSummary).
type StatsRow struct {
	OrgUnitID int64
	// Members counts the unit's own members: 流入 members (relationship elsewhere) excluded.
	Members int64
	// Out counts the members away at the report date (流出), In the 流入 members.
	Out, In StatsBreakdown
	// MarkedNotAway counts members marked 流出 on the roster who are not away at the report
	// date: no departure on record, or one starting later, or returned (StatsSummary only).
	MarkedNotAway int64
}

func newStatsRow(p StatsParams) StatsRow {
	var r StatsRow
	for _, b := range []*StatsBreakdown{&r.Out, &r.In} {
		b.ByGender = make([]int64, len(p.Genders))
		b.ByAge = make([]int64, len(p.AgeBounds)+1)
		b.ByEducation = make([]int64, len(p.Educations))
		b.ByCategory = make([]int64, len(p.Categories))
		b.ByReasonGender = make([]int64, len(p.Reasons)*len(p.Genders))
		b.ByRegion = make([]int64, 3)
	}
	return r
}

// Kinds of the counted rows.
const (
	statsOut = iota
	statsIn
	statsAll    // every member of the subtree
	statsMarked // members marked 流出
)

// statsMobile is the common part of the statements: "mobile" has one row per mobile member
// of the subtree at $1 as of $2: kind (statsOut, statsIn), branch and coded attributes. An
// outflow member has a departure open at the report date: departed on or before it and not
// returned by it (should history overlap, the latest counts: an anti-join, which unlike a
// DISTINCT needs no sort and lets the parallel workers code the rows). The join starts from
// the subtree's members, so that a branch's report reads only its own members' departures.
// Members are counted while they are the branch's (present): from their receipt by transfer,
// until the receipt of their transfer out.
var statsMobile = `
	WITH age_thresholds AS (
		-- Aged at least b at the report date ⇔ born before (date − b years) + 1 day, as age()
		-- reckons it (29 February: 1 March in other years). Ascending dates: oldest band first.
		SELECT array_agg(($2::date - make_interval(years => b))::date + 1 ORDER BY b DESC) AS t
		FROM unnest($3::int[]) b
	),
	members_at AS (
		SELECT m.branch_id, 0 AS k, m.mobility = '流出' AS marked, m.gender, m.birth_date,
			m.education, m.category, d.reason, d.province_code, d.departed_on
		FROM members m JOIN departures d ON d.member_id = m.id
		WHERE m.mobility <> '流入' AND {{inScope}} AND ` + statsPresent + `
			AND d.departed_on <= $2::date AND (d.returned_on IS NULL OR d.returned_on > $2::date)
			AND NOT EXISTS (
				SELECT 1 FROM departures l
				WHERE l.member_id = d.member_id AND (l.departed_on, l.id) > (d.departed_on, d.id)
					AND l.departed_on <= $2::date AND (l.returned_on IS NULL OR l.returned_on > $2::date))
		UNION ALL
		SELECT m.branch_id, 1, false, m.gender, m.birth_date, m.education, m.category, NULL, NULL, NULL
		FROM members m
		WHERE m.mobility = '流入' AND {{inScope}} AND ` + statsPresent + `
	),
	mobile AS (
		SELECT branch_id, k, marked,
			array_position($4::text[], gender) - 1 AS g,
			array_position($7::text[], reason) - 1 AS r,
			cardinality($3::int[]) - width_bucket(birth_date, (SELECT t FROM age_thresholds)) AS a,
			array_position($5::text[], education) - 1 AS e,
			array_position($6::text[], category) - 1 AS c,
			CASE WHEN k = 0 THEN
				CASE WHEN province_code = '' THEN 2 WHEN left(province_code, 2) = $8 THEN 0 ELSE 1 END
			END AS p,
			departed_on <= ($2::date - make_interval(months => $9))::date AS long_away
		FROM members_at
	)`

// statsPresent is the condition on members m counted at the report date $2.
var statsPresent = PresentOn("m", "$2::date")

// inScope is the condition on members m of the subtree at $1.
const inScope = `m.branch_id IN (SELECT id FROM org_units WHERE path LIKE $1 || '%')`

// scoped fills in the subtree condition. When the subtree is the whole tree (the usual
// committee report) there is nothing to filter, and probing the org units for each of a
// million members would cost more than the rest of the count.
func (s *Store) scoped(ctx context.Context, query, path string) (string, error) {
	var whole bool
	err := s.q.GetContext(ctx, &whole, `SELECT NOT EXISTS (SELECT 1 FROM org_units WHERE path NOT LIKE $1 || '%')`, path)
	if err != nil {
		return "", wrap("check the statistics scope", err)
	}
	cond := inScope
	if whole {
		cond = `$1 <> ''` // keeps $1 in use
	}
	return strings.ReplaceAll(query, "{{inScope}}", cond), nil
}

func statsArgs(p StatsParams) []any {
	return []any{p.Path, p.At.Format(time.DateOnly), pq.Array(p.AgeBounds), pq.Array(p.Genders),
		pq.Array(p.Educations), pq.Array(p.Categories), pq.Array(p.Reasons), p.HomeProvince, p.AwayMonths}
}

func (p StatsParams) check() error {
	if len(p.HomeProvince) != 2 || p.AwayMonths < 0 || len(p.Genders) == 0 {
		return fmt.Errorf("store: stats: a two-digit home province, the away months and the vocabulary are required")
	}
	return nil
}

// statsTx runs fn in a transaction tuned for the counting statements: they are cheap
// to run but costly to compile with JIT (seconds, for their many expressions), and hashing the
// mobile members wants more than the default work_mem.
func (s *Store) statsTx(ctx context.Context, fn func(tx *Store) error) error {
	return s.InTx(ctx, func(tx *Store) error {
		if _, err := tx.q.ExecContext(ctx, `SET LOCAL jit = off; SET LOCAL work_mem = '64MB'`); err != nil {
			return wrap("prepare statistics", err)
		}
		return fn(tx)
	})
}

// StatsSummary counts the members of the subtree at p.Path: its members, its outflow members
// (away at the report date) and its inflow members (mobility 流入), broken down for the 基本情况
// report. One statement: the coded attributes of each mobile member are packed into one
// integer (mixed radix) and the members grouped by it — a few thousand groups however many
// members, and a single-integer key hashes far cheaper than nine columns; the groups are
// unpacked and summed up here.
func (s *Store) StatsSummary(ctx context.Context, p StatsParams) (StatsRow, error) {
	if err := p.check(); err != nil {
		return StatsRow{}, err
	}
	r := newStatsRow(p)
	// Each digit has one more value than its codes: NULL (not applicable, e.g. the reason of a
	// 流入 member) packs as the last.
	digits := []packDigit{
		{"k", 3}, {"marked::int", 3}, {"g", len(p.Genders) + 1}, {"r", len(p.Reasons) + 1},
		{"a", len(p.AgeBounds) + 2}, {"e", len(p.Educations) + 1}, {"c", len(p.Categories) + 1},
		{"p", 4}, {"long_away::int", 3},
	}
	query := statsMobile + `
		SELECT 0 AS kind, ` + pack(digits) + ` AS code, count(*) AS n FROM mobile GROUP BY 2
		UNION ALL
		SELECT ` + fmt.Sprint(statsAll) + `, 0, count(*) FROM members m WHERE {{inScope}} AND ` + statsPresent + `
		UNION ALL
		SELECT ` + fmt.Sprint(statsMarked) + `, 0, count(*) FROM members m WHERE m.mobility = '流出' AND {{inScope}} AND ` + statsPresent
	var all, marked, markedAway int64
	err := s.statsTx(ctx, func(tx *Store) error {
		query, err := tx.scoped(ctx, query, p.Path)
		if err != nil {
			return err
		}
		rows, err := tx.q.QueryxContext(ctx, query, statsArgs(p)...)
		if err != nil {
			return wrap("count statistics", err)
		}
		defer rows.Close()
		for rows.Next() {
			var kind int
			var code, n int64
			if err := rows.Scan(&kind, &code, &n); err != nil {
				return wrap("read statistics", err)
			}
			switch kind {
			case statsAll:
				all = n
				continue
			case statsMarked:
				marked = n
				continue
			}
			d := unpack(code, digits)
			k, isMarked, g, rs, a, e, c, reg, long := d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8]
			b := &r.Out
			if k != nil && *k == statsIn {
				b = &r.In
			}
			b.Count += n
			add(b.ByGender, g, n)
			add(b.ByAge, a, n)
			add(b.ByEducation, e, n)
			add(b.ByCategory, c, n)
			if b == &r.Out {
				if isMarked != nil && *isMarked == 1 {
					markedAway += n
				}
				if rs != nil && g != nil {
					i := *rs*len(p.Genders) + *g
					add(b.ByReasonGender, &i, n)
				}
				add(b.ByRegion, reg, n)
				if long != nil && *long == 1 {
					b.LongAway += n
				}
			}
		}
		return wrap("read statistics", rows.Err())
	})
	r.Members = all - r.In.Count
	r.MarkedNotAway = marked - markedAway
	return r, err
}

// packDigit is one coded attribute in a packed code: a column of "mobile" whose values are
// 0…radix-2, or NULL.
type packDigit struct {
	col   string
	radix int
}

// pack is the SQL expression of the mixed-radix code of the digits, most significant first;
// NULL packs as radix-1.
func pack(digits []packDigit) string {
	expr := "0"
	for _, d := range digits {
		expr = fmt.Sprintf("(%s) * %d + COALESCE(%s, %d)", expr, d.radix, d.col, d.radix-1)
	}
	return expr
}

// unpack reads a packed code back: nil for NULL.
func unpack(code int64, digits []packDigit) []*int {
	out := make([]*int, len(digits))
	for i := len(digits) - 1; i >= 0; i-- {
		v := int(code % int64(digits[i].radix))
		code /= int64(digits[i].radix)
		if v != digits[i].radix-1 {
			out[i] = &v
		}
	}
	return out
}

// add counts n in bucket *i when the bucket is known and in range.
func add(counts []int64, i *int, n int64) {
	if i != nil && *i >= 0 && *i < len(counts) {
		counts[*i] += n
	}
}

// StatsByUnit counts like StatsSummary, for every org unit of the subtree that holds members
// itself (the official tables' rows), in one statement: the per-unit counts are FILTERed
// aggregates over the coded mobile members, gathered into arrays. MarkedNotAway is not set.
func (s *Store) StatsByUnit(ctx context.Context, p StatsParams) ([]StatsRow, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	nAge, nG, nE, nC := len(p.AgeBounds)+1, len(p.Genders), len(p.Educations), len(p.Categories)
	// Materialised: each FILTER below would otherwise compute the codes (the age…) again.
	query := statsMobile + `,
	coded AS MATERIALIZED (SELECT * FROM mobile),
	counted AS (
		SELECT branch_id,
			count(*) FILTER (WHERE k = 0) AS out_count,
			` + countsArray("k = 0", "r * "+fmt.Sprint(nG)+" + g", len(p.Reasons)*nG) + ` AS out_rg,
			` + countsArray("k = 0", "a", nAge) + ` AS out_age,
			` + countsArray("k = 0", "e", nE) + ` AS out_edu,
			` + countsArray("k = 0", "c", nC) + ` AS out_cat,
			` + countsArray("k = 0", "p", 3) + ` AS out_region,
			count(*) FILTER (WHERE k = 0 AND long_away) AS out_long,
			count(*) FILTER (WHERE k = 1) AS in_count,
			` + countsArray("k = 1", "g", nG) + ` AS in_gender,
			` + countsArray("k = 1", "a", nAge) + ` AS in_age,
			` + countsArray("k = 1", "e", nE) + ` AS in_edu,
			` + countsArray("k = 1", "c", nC) + ` AS in_cat
		FROM coded GROUP BY branch_id
	),
	totals AS (
		SELECT m.branch_id, count(*) AS n
		FROM members m WHERE {{inScope}} AND ` + statsPresent + `
		GROUP BY m.branch_id
	)
	SELECT t.branch_id, t.n - COALESCE(c.in_count, 0),
		COALESCE(c.out_count, 0), c.out_rg, c.out_age, c.out_edu, c.out_cat, c.out_region, COALESCE(c.out_long, 0),
		COALESCE(c.in_count, 0), c.in_gender, c.in_age, c.in_edu, c.in_cat
	FROM totals t LEFT JOIN counted c ON c.branch_id = t.branch_id
	ORDER BY t.branch_id`
	var out []StatsRow
	err := s.statsTx(ctx, func(tx *Store) error {
		query, err := tx.scoped(ctx, query, p.Path)
		if err != nil {
			return err
		}
		rows, err := tx.q.QueryxContext(ctx, query, statsArgs(p)...)
		if err != nil {
			return wrap("count statistics by org unit", err)
		}
		defer rows.Close()
		for rows.Next() {
			r := newStatsRow(p)
			o, i := &r.Out, &r.In
			if err := rows.Scan(&r.OrgUnitID, &r.Members,
				&o.Count, arr(&o.ByReasonGender), arr(&o.ByAge), arr(&o.ByEducation), arr(&o.ByCategory),
				arr(&o.ByRegion), &o.LongAway,
				&i.Count, arr(&i.ByGender), arr(&i.ByAge), arr(&i.ByEducation), arr(&i.ByCategory)); err != nil {
				return wrap("read statistics by org unit", err)
			}
			pad(&o.ByReasonGender, len(p.Reasons)*nG)
			pad(&o.ByRegion, 3)
			for _, b := range []*StatsBreakdown{o, i} {
				pad(&b.ByAge, nAge)
				pad(&b.ByEducation, nE)
				pad(&b.ByCategory, nC)
			}
			pad(&i.ByGender, nG)
			for k, n := range o.ByReasonGender {
				o.ByGender[k%nG] += n
			}
			out = append(out, r)
		}
		return wrap("read statistics by org unit", rows.Err())
	})
	return out, err
}

// countsArray is an array of n counts: element i counts the rows matching cond whose code is i.
func countsArray(cond, code string, n int) string {
	parts := make([]string, n)
	for i := range n {
		parts[i] = fmt.Sprintf(`count(*) FILTER (WHERE %s AND %s = %d)`, cond, code, i)
	}
	return "ARRAY[" + strings.Join(parts, ", ") + "]"
}

// arr scans a bigint[] (NULL: empty).
func arr(a *[]int64) *pq.Int64Array { return (*pq.Int64Array)(a) }

// pad makes a missing (NULL) array n zeros.
func pad(a *[]int64, n int) {
	if len(*a) != n {
		*a = make([]int64, n)
	}
}
