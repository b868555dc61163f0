package store

import (
	"context"

	"liudong/internal/dues"
)

// DuesStanding is where one member stands with their dues in a month, derived from the ledger.
type DuesStanding struct {
	MemberID   int64  `db:"member_id"`
	Name       string `db:"name"`
	BranchID   int64  `db:"branch_id"`
	BranchName string `db:"branch_name"`
	Mobility   string `db:"mobility"`
	// Assessed is false for a member whose dues were never assessed (the roster lacks 人员类别
	// or 月收入 and no secretary has assessed them): every other field is then zero.
	Assessed bool          `db:"assessed"`
	Category dues.Category `db:"category"`
	Monthly  dues.Fen      `db:"monthly_fen"` // assessed amount in force in the month; 0 before the start
	Due      dues.Fen      `db:"due_fen"`     // the month's amount after exemptions: 0 when waived
	// CurrentSettled: the month is paid (in advance or on time), waived, or before the start.
	CurrentSettled bool       `db:"current_settled"`
	Start          dues.Month `db:"start_month"`  // first month dues are owed
	PaidThrough    dues.Month `db:"paid_through"` // end of the unbroken settled run from the start; zero if none
	// LastPaidMonth is the latest month a live payment covers (zero if none): with the
	// arrears, what the six-month rule looks at.
	LastPaidMonth dues.Month `db:"last_paid_month"`
	// Arrears: unsettled months before the month, their number, sum and the oldest of them.
	ArrearsMonths int        `db:"arrears_months"`
	Owed          dues.Fen   `db:"owed_fen"`
	OldestArrears dues.Month `db:"oldest_arrears"`
}

// DuesStandings derives every member's standing in month, within the subtrees of scope (nil
// means everyone), ordered by branch and name. Set-based, in one transaction of a few
// statements whatever the number of members; intermediate results are temporary tables, so
// that the planner knows their sizes:
//
//  1. dues_mem: the members in scope;
//  2. dues_first: one pass over assessments and ledger. A member whose live payments cover
//     every month from the start to their last payment, with no exemption (nearly everyone),
//     is "simple": the only unsettled months are those after the last payment;
//  3. dues_live, dues_holes: the unsettled spans of every assessed member — one open span for
//     the simple ones; for the others, the gaps between their settled intervals (live payments
//     read through the index, and waivers) ordered with a running maximum;
//  4. the answer: arrears are the holes before the month, summed per assessment in force and
//     less the reductions, by interval arithmetic (never month by month).
func (s *Store) DuesStandings(ctx context.Context, month dues.Month, scope []OrgUnit) ([]DuesStanding, error) {
	var patterns any
	if scope != nil {
		patterns = pathPatterns(scope)
	}
	var out []DuesStanding
	err := s.withoutJIT(ctx, func(tx *Store) error {
		steps := []struct {
			sql  string
			args []any
		}{
			{standingsMembersSQL, []any{patterns}},
			{`ANALYZE pg_temp.dues_mem`, nil},
			{standingsFirstSQL, []any{month, scope == nil}},
			{`ANALYZE pg_temp.dues_first`, nil},
			{standingsLiveSQL, nil},
			{`ANALYZE pg_temp.dues_live`, nil},
			{standingsHolesSQL, nil},
			{`ANALYZE pg_temp.dues_holes`, nil},
		}
		for _, st := range steps {
			if _, err := tx.q.ExecContext(ctx, st.sql, st.args...); err != nil {
				return wrap("derive dues standings", err)
			}
		}
		return wrap("derive dues standings", tx.q.SelectContext(ctx, &out, standingsSQL, month))
	})
	return out, err
}

// withoutJIT runs fn in a transaction with PostgreSQL's JIT compiler off: the planner's cost
// estimates for these queries are large enough to trigger it, and compiling takes seconds.
func (s *Store) withoutJIT(ctx context.Context, fn func(tx *Store) error) error {
	return s.InTx(ctx, func(tx *Store) error {
		if _, err := tx.q.ExecContext(ctx, `SET LOCAL jit = off`); err != nil {
			return wrap("turn off JIT", err)
		}
		return fn(tx)
	})
}

const standingsMembersSQL = `
CREATE TEMP TABLE dues_mem ON COMMIT DROP AS
SELECT m.id, m.name, m.branch_id, b.name AS branch_name, b.path, m.mobility
FROM members m JOIN org_units b ON b.id = m.branch_id
WHERE ($1::text[] IS NULL OR b.path LIKE ANY ($1::text[]))`

// standingsFirstSQL: $1 the month, $2 whether every member is in scope (the passes over the
// ledger then need no join). Months are numbered (dues_month_index) from here on.
const standingsFirstSQL = `
CREATE TEMP TABLE dues_first ON COMMIT DROP AS
WITH asg AS (
	SELECT a.member_id, min(a.from_month) AS start, max(a.id) FILTER (WHERE a.from_month <= $1::date) AS cur_id
	FROM dues_assessments a
	WHERE $2::bool OR a.member_id IN (SELECT id FROM dues_mem)
	GROUP BY a.member_id
),
pay AS (
	-- A reversal repeats the months of the payment it cancels, so the signed sum counts the
	-- months paid by live payments (which never overlap).
	SELECT p.member_id,
		sum(CASE WHEN p.reverses IS NULL THEN 1 ELSE -1 END * (dues_months_between(p.from_month, p.to_month) + 1)) AS live_months,
		max(p.to_month) AS max_to
	FROM dues_payments p
	WHERE $2::bool OR p.member_id IN (SELECT id FROM dues_mem)
	GROUP BY p.member_id
),
exm AS (
	SELECT DISTINCT e.member_id FROM dues_exemptions e
	WHERE NOT EXISTS (SELECT 1 FROM dues_exemption_revocations v WHERE v.exemption_id = e.id)
),
whole AS (
	-- Live payments cover start..max_to exactly when they add up to its length; the month
	-- max_to is then paid too.
	SELECT s.member_id, p.live_months = dues_months_between(s.start, p.max_to) + 1 AS whole
	FROM asg s JOIN pay p ON p.member_id = s.member_id
)
SELECT s.member_id, dues_month_index(s.start) AS start, c.monthly_fen AS monthly, c.category,
	x.member_id IS NULL AND coalesce(w.whole, true) AS simple,
	dues_month_index(coalesce((p.max_to + interval '1 month')::date, s.start)) AS first_unsettled,
	CASE WHEN w.whole THEN dues_month_index(p.max_to) END AS last_month
FROM asg s
LEFT JOIN dues_assessments c ON c.id = s.cur_id
LEFT JOIN pay p ON p.member_id = s.member_id
LEFT JOIN whole w ON w.member_id = s.member_id
LEFT JOIN exm x ON x.member_id = s.member_id
WHERE $2::bool OR s.member_id IN (SELECT id FROM dues_mem)`

// standingsLiveSQL reads the live payments of the members that are not simple, member by
// member through the index; the reversals are few and checked against a hashed list.
const standingsLiveSQL = `
CREATE TEMP TABLE dues_live ON COMMIT DROP AS
SELECT p.member_id, dues_month_index(p.from_month) AS f, dues_month_index(p.to_month) AS t
FROM dues_first x
CROSS JOIN LATERAL (
	-- OFFSET 0 keeps this a per-member index scan: the planner would rather read the whole
	-- ledger to join it, for the few members concerned.
	SELECT p.id, p.member_id, p.from_month, p.to_month FROM dues_payments p
	WHERE p.member_id = x.member_id AND p.reverses IS NULL OFFSET 0) p
WHERE NOT x.simple
  AND p.id NOT IN (SELECT r.reverses FROM dues_payments r WHERE r.reverses IS NOT NULL)`

// standingsHolesSQL lists the unsettled spans [h_from, h_to] (h_to NULL: open-ended) of the
// members that are not simple (a simple member's only one is from first_unsettled on).
const standingsHolesSQL = `
CREATE TEMP TABLE dues_holes ON COMMIT DROP AS
WITH slow AS (
	SELECT member_id, start FROM dues_first WHERE NOT simple
),
settled AS (
	-- Intervals before the start are cut to it.
	SELECT i.member_id, greatest(i.f, sm.start) AS f, i.t
	FROM (
		SELECT member_id, f, t FROM dues_live
		UNION ALL
		SELECT e.member_id, dues_month_index(e.from_month), dues_month_index(e.to_month)
		FROM slow x JOIN dues_exemptions e ON e.member_id = x.member_id
		WHERE e.kind = 'waive' AND NOT EXISTS (SELECT 1 FROM dues_exemption_revocations v WHERE v.exemption_id = e.id)
	) i
	JOIN slow sm ON sm.member_id = i.member_id
	WHERE i.t >= sm.start
),
runs AS (
	SELECT member_id, f, t,
		max(t) OVER w AS reach,
		lead(f) OVER w AS next_f,
		min(f) OVER (PARTITION BY member_id) AS min_f
	FROM settled
	WINDOW w AS (PARTITION BY member_id ORDER BY f, t ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
)
-- Before the first settled interval (or everything, with none).
SELECT sm.member_id, sm.start AS h_from, r.min_f - 1 AS h_to
FROM slow sm LEFT JOIN (SELECT DISTINCT member_id, min_f FROM runs) r ON r.member_id = sm.member_id
WHERE r.min_f IS NULL OR r.min_f > sm.start
UNION ALL
-- After each interval that the next one does not reach.
SELECT member_id, reach + 1, next_f - 1 FROM runs WHERE next_f IS NULL OR next_f > reach + 1`

// standingsSQL: $1 the month.
const standingsSQL = `
WITH m AS (
	SELECT dues_month_index($1::date) AS idx
),
holes AS (
	SELECT member_id, first_unsettled AS h_from, NULL::integer AS h_to FROM dues_first WHERE simple
	UNION ALL
	SELECT member_id, h_from, h_to FROM dues_holes
),
gaps AS (
	-- Holes before the month, cut at the month before it.
	SELECT h.member_id, h.h_from, least(coalesce(h.h_to, m.idx - 1), m.idx - 1) AS h_to
	FROM holes h, m WHERE h.h_from < m.idx
),
hole_sums AS (
	SELECT h.member_id, min(h.h_from) AS first_unsettled,
		bool_or(h.h_from <= m.idx AND (h.h_to IS NULL OR h.h_to >= m.idx)) AS current_open
	FROM dues_holes h, m GROUP BY h.member_id
),
firsts AS (
	SELECT f.member_id, f.start, f.monthly, f.category, f.simple,
		CASE WHEN f.simple THEN f.first_unsettled ELSE hs.first_unsettled END AS first_unsettled,
		CASE WHEN f.simple THEN f.first_unsettled <= m.idx ELSE coalesce(hs.current_open, false) END AS current_open,
		CASE WHEN f.simple THEN f.last_month END AS last_month
	FROM dues_first f CROSS JOIN m LEFT JOIN hole_sums hs ON hs.member_id = f.member_id
),
slow_last AS (
	SELECT member_id, max(t) AS last_month FROM dues_live GROUP BY member_id
),
terms AS (
	-- The assessments in force, each until the next: a row is replaced by any row made later
	-- whose month is not later (see dues.Supersede).
	SELECT x.member_id, x.t_from, x.monthly_fen,
		coalesce(lead(x.t_from) OVER (PARTITION BY x.member_id ORDER BY x.t_from) - 1, 2147483647) AS t_to
	FROM (
		SELECT a.member_id, dues_month_index(a.from_month) AS t_from, a.monthly_fen,
			min(a.from_month) OVER (PARTITION BY a.member_id ORDER BY a.id DESC
				ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS later_min, a.from_month
		FROM dues_assessments a JOIN dues_first f ON f.member_id = a.member_id
	) x
	WHERE x.later_min IS NULL OR x.from_month < x.later_min
),
reductions AS (
	SELECT e.member_id, dues_month_index(e.from_month) AS r_from, dues_month_index(e.to_month) AS r_to, e.reduced_to_fen
	FROM dues_exemptions e
	WHERE e.kind = 'reduce' AND e.member_id IN (SELECT member_id FROM gaps)
	  AND NOT EXISTS (SELECT 1 FROM dues_exemption_revocations v WHERE v.exemption_id = e.id)
),
owed_terms AS (
	-- Each hole at the assessments in force...
	SELECT g.member_id, g.h_from, g.h_to, t.t_from, t.t_to, t.monthly_fen,
		greatest(g.h_from, t.t_from) AS o_from, least(g.h_to, t.t_to) AS o_to
	FROM gaps g JOIN terms t ON t.member_id = g.member_id
	WHERE greatest(g.h_from, t.t_from) <= least(g.h_to, t.t_to)
),
arrears AS (
	SELECT member_id, sum(months)::integer AS months, min(oldest) AS oldest, sum(owed)::bigint AS owed
	FROM (
		SELECT member_id, h_to - h_from + 1 AS months, h_from AS oldest, 0 AS owed FROM gaps
		UNION ALL
		SELECT member_id, 0, NULL, monthly_fen * (o_to - o_from + 1) FROM owed_terms
		UNION ALL
		-- ... less what the reductions take off.
		SELECT o.member_id, 0, NULL,
			-(o.monthly_fen - least(r.reduced_to_fen, o.monthly_fen))
				* (least(o.o_to, r.r_to) - greatest(o.o_from, r.r_from) + 1)
		FROM owed_terms o JOIN reductions r ON r.member_id = o.member_id
		WHERE greatest(o.o_from, r.r_from) <= least(o.o_to, r.r_to)
	) parts
	GROUP BY member_id
)
SELECT mem.id AS member_id, mem.name, mem.branch_id, mem.branch_name, mem.mobility,
	f.member_id IS NOT NULL AS assessed,
	coalesce(f.category, '') AS category,
	coalesce(f.monthly, 0) AS monthly_fen,
	CASE WHEN f.monthly IS NULL OR cx.kind = 'waive' THEN 0
	     WHEN cx.kind = 'reduce' THEN least(cx.reduced_to_fen, f.monthly)
	     ELSE f.monthly END AS due_fen,
	CASE WHEN f.member_id IS NULL THEN false
	     WHEN f.monthly IS NULL THEN true
	     ELSE NOT f.current_open END AS current_settled,
	dues_month_date(f.start) AS start_month,
	CASE WHEN f.first_unsettled > f.start THEN dues_month_date(f.first_unsettled - 1) END AS paid_through,
	dues_month_date(coalesce(f.last_month, sl.last_month)) AS last_paid_month,
	coalesce(ar.months, 0) AS arrears_months,
	coalesce(ar.owed, 0) AS owed_fen,
	dues_month_date(ar.oldest) AS oldest_arrears
FROM dues_mem mem
CROSS JOIN m
LEFT JOIN firsts f ON f.member_id = mem.id
LEFT JOIN slow_last sl ON sl.member_id = mem.id
LEFT JOIN LATERAL (
	SELECT e.kind, e.reduced_to_fen FROM dues_exemptions e
	WHERE NOT f.simple -- simple members have no exemption
	  AND e.member_id = mem.id AND e.from_month <= $1::date AND e.to_month >= $1::date
	  AND NOT EXISTS (SELECT 1 FROM dues_exemption_revocations v WHERE v.exemption_id = e.id)
	LIMIT 1) cx ON true
LEFT JOIN arrears ar ON ar.member_id = mem.id
ORDER BY mem.path, mem.name, mem.id`

// DuesBooks is every dues record of the members in some org units, for reports.
type DuesBooks struct {
	Members     []Member // ordered by branch and name
	Assessments map[int64][]DuesAssessment
	Payments    map[int64][]DuesPayment
	Exemptions  map[int64][]DuesExemption
}

// DuesBooksUnder loads the dues records of every member within the subtrees of scope, in four
// statements.
func (s *Store) DuesBooksUnder(ctx context.Context, scope []OrgUnit) (DuesBooks, error) {
	b := DuesBooks{
		Assessments: map[int64][]DuesAssessment{},
		Payments:    map[int64][]DuesPayment{},
		Exemptions:  map[int64][]DuesExemption{},
	}
	patterns := pathPatterns(scope)
	const inScope = ` IN (SELECT m.id FROM members m JOIN org_units b ON b.id = m.branch_id WHERE b.path LIKE ANY ($1))`
	if err := s.q.SelectContext(ctx, &b.Members, `SELECT `+memberColumns+memberFrom+`
		WHERE b.path LIKE ANY ($1) ORDER BY b.path, m.name, m.id`, patterns); err != nil {
		return b, wrap("fetch members for dues", err)
	}
	var as []DuesAssessment
	if err := s.q.SelectContext(ctx, &as, `SELECT `+duesAssessmentColumns+` FROM dues_assessments
		WHERE member_id`+inScope+` ORDER BY member_id, id`, patterns); err != nil {
		return b, wrap("fetch dues assessments", err)
	}
	for _, a := range as {
		b.Assessments[a.MemberID] = append(b.Assessments[a.MemberID], a)
	}
	var ps []DuesPayment
	if err := s.q.SelectContext(ctx, &ps, `SELECT `+duesPaymentColumns+duesPaymentFrom+`
		WHERE p.member_id`+inScope+` ORDER BY p.member_id, p.id`, patterns); err != nil {
		return b, wrap("fetch dues payments", err)
	}
	for _, p := range ps {
		b.Payments[p.MemberID] = append(b.Payments[p.MemberID], p)
	}
	var es []DuesExemption
	if err := s.q.SelectContext(ctx, &es, `SELECT `+duesExemptionColumns+duesExemptionFrom+`
		WHERE e.member_id`+inScope+` ORDER BY e.member_id, e.id`, patterns); err != nil {
		return b, wrap("fetch dues exemptions", err)
	}
	for _, e := range es {
		b.Exemptions[e.MemberID] = append(b.Exemptions[e.MemberID], e)
	}
	return b, nil
}
