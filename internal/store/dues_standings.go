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
	// UnsettledSince is the first month of the unbroken run of unsettled months that reaches
	// the month before this one (zero when that month is settled): the six-month rule's "no
	// dues since".
	UnsettledSince dues.Month `db:"unsettled_since"`
}

// DuesStandings derives every member's standing in month, within the subtrees of scope (nil
// means everyone), ordered by branch and name. Set-based, one statement whatever the number of
// members, in a transaction with a larger work_mem and without JIT (see heavyTx):
//
//  1. one pass over each member's assessments and ledger (an index-only scan of the ledger).
//     A member whose live payments cover every month from the start to their last payment,
//     with no exemption (nearly everyone), is "simple": the only unsettled months are those
//     after the last payment, and everything follows in closed form;
//  2. for the others only, the settled intervals (live payments read through the index, and
//     waivers) ordered with a running maximum give the unsettled spans ("holes");
//  3. arrears are the holes before the month, summed per assessment in force and less the
//     reductions, by interval arithmetic (never month by month), for the members with arrears.
func (s *Store) DuesStandings(ctx context.Context, month dues.Month, scope []OrgUnit) ([]DuesStanding, error) {
	var out []DuesStanding
	err := s.heavyTx(ctx, func(tx *Store) error {
		if scope == nil {
			return tx.q.SelectContext(ctx, &out, standingsSQL(false), month)
		}
		return tx.q.SelectContext(ctx, &out, standingsSQL(true), month, pathPatterns(scope))
	})
	return out, wrap("derive dues standings", err)
}

// standingsSQL is the standings statement: $1 the month, $2 (scoped) the path patterns. The
// scoped text reads the ledger of the members in scope only, through the indexes; the other
// reads whole tables. Two texts rather than one with an optional filter, so that a prepared
// statement's generic plan is the right one for each.
func standingsSQL(scoped bool) string {
	memFilter, ledgerFilter := "", ""
	if scoped {
		memFilter = ` WHERE b.path LIKE ANY ($2::text[])`
		ledgerFilter = ` WHERE member_id IN (SELECT id FROM mem)`
	}
	return `
WITH mem AS MATERIALIZED (
	SELECT m.id, m.name, m.branch_id, b.name AS branch_name, b.path, m.mobility
	FROM members m JOIN org_units b ON b.id = m.branch_id` + memFilter + `
),
asg AS (
	SELECT member_id, min(from_month) AS start, max(id) FILTER (WHERE from_month <= $1::date) AS cur_id
	FROM dues_assessments` + ledgerFilter + `
	GROUP BY member_id
),
pay AS (
	-- A reversal repeats the months of the payment it cancels, so the signed sum counts the
	-- months paid by live payments (which never overlap).
	SELECT member_id, max(to_month) AS max_to,
		sum(CASE WHEN reverses IS NULL THEN 1 ELSE -1 END * (dues_months_between(from_month, to_month) + 1)) AS live_months
	FROM dues_payments` + ledgerFilter + `
	GROUP BY member_id
),
exm AS (
	SELECT DISTINCT e.member_id FROM dues_exemptions e
	WHERE NOT EXISTS (SELECT 1 FROM dues_exemption_revocations v WHERE v.exemption_id = e.id)
),
f AS MATERIALIZED (
	-- Months are numbered (dues_month_index) from here on. fu: the first unsettled month of a
	-- simple member (the month after the last payment, or the start); last: their last paid.
	SELECT s.member_id, dues_month_index(s.start) AS start, c.monthly_fen AS monthly, c.category,
		x.member_id IS NULL AND (p.member_id IS NULL OR p.live_months = dues_months_between(s.start, p.max_to) + 1) AS simple,
		CASE WHEN p.member_id IS NULL THEN dues_month_index(s.start) ELSE dues_month_index(p.max_to) + 1 END AS fu,
		dues_month_index(p.max_to) AS last
	FROM asg s
	LEFT JOIN dues_assessments c ON c.id = s.cur_id
	LEFT JOIN pay p ON p.member_id = s.member_id
	LEFT JOIN exm x ON x.member_id = s.member_id
),
m AS (
	SELECT dues_month_index($1::date) AS idx
),
slow AS MATERIALIZED (
	SELECT member_id, start FROM f WHERE NOT simple
),
live AS MATERIALIZED (
	-- The live payments of the members that are not simple, member by member through the
	-- index (OFFSET 0 keeps it so: the planner would rather read the whole ledger); the
	-- reversals are few and checked against a hashed list.
	SELECT p.member_id, dues_month_index(p.from_month) AS f, dues_month_index(p.to_month) AS t
	FROM slow x
	CROSS JOIN LATERAL (
		SELECT p.id, p.member_id, p.from_month, p.to_month FROM dues_payments p
		WHERE p.member_id = x.member_id AND p.reverses IS NULL OFFSET 0) p
	WHERE p.id NOT IN (SELECT r.reverses FROM dues_payments r WHERE r.reverses IS NOT NULL)
),
runs AS (
	-- The settled intervals (live payments and waivers), cut to the start.
	SELECT member_id, f, t,
		max(t) OVER w AS reach,
		lead(f) OVER w AS next_f,
		min(f) OVER (PARTITION BY member_id) AS min_f
	FROM (
		SELECT i.member_id, greatest(i.f, sm.start) AS f, i.t
		FROM (
			SELECT member_id, f, t FROM live
			UNION ALL
			SELECT e.member_id, dues_month_index(e.from_month), dues_month_index(e.to_month)
			FROM slow x JOIN dues_exemptions e ON e.member_id = x.member_id
			WHERE e.kind = 'waive' AND NOT EXISTS (SELECT 1 FROM dues_exemption_revocations v WHERE v.exemption_id = e.id)
		) i
		JOIN slow sm ON sm.member_id = i.member_id
		WHERE i.t >= sm.start
	) settled
	WINDOW w AS (PARTITION BY member_id ORDER BY f, t ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
holes AS MATERIALIZED (
	-- The unsettled spans [h_from, h_to] (h_to NULL: open-ended) of every member: one open span
	-- for a simple member; for the others, before the first settled interval (or everything,
	-- with none) and after each interval that the next one does not reach.
	SELECT member_id, fu AS h_from, NULL::integer AS h_to FROM f WHERE simple
	UNION ALL
	SELECT sm.member_id, sm.start, r.min_f - 1
	FROM slow sm LEFT JOIN (SELECT DISTINCT member_id, min_f FROM runs) r ON r.member_id = sm.member_id
	WHERE r.min_f IS NULL OR r.min_f > sm.start
	UNION ALL
	SELECT member_id, reach + 1, next_f - 1 FROM runs WHERE next_f IS NULL OR next_f > reach + 1
),
hole_sums AS (
	-- Per member: the first unsettled month, whether the month and the month before it are
	-- unsettled (since when, for the latter), and the holes before the month, cut at the month
	-- before it.
	SELECT h.member_id, min(h.h_from) AS first_unsettled,
		bool_or(h.h_from <= m.idx AND (h.h_to IS NULL OR h.h_to >= m.idx)) AS current_open,
		min(h.h_from) FILTER (WHERE h.h_from < m.idx AND (h.h_to IS NULL OR h.h_to >= m.idx - 1)) AS open_since,
		sum(least(coalesce(h.h_to, m.idx - 1), m.idx - 1) - h.h_from + 1) FILTER (WHERE h.h_from < m.idx) AS months,
		min(h.h_from) FILTER (WHERE h.h_from < m.idx) AS oldest
	FROM holes h, m GROUP BY h.member_id
),
gaps AS (
	SELECT h.member_id, h.h_from, least(coalesce(h.h_to, m.idx - 1), m.idx - 1) AS h_to
	FROM holes h, m WHERE h.h_from < m.idx
),
terms AS (
	-- The assessments in force, each until the next: a row is replaced by any row made later
	-- whose month is not later (see dues.Supersede). Only for members with arrears.
	SELECT x.member_id, x.t_from, x.monthly_fen,
		coalesce(lead(x.t_from) OVER (PARTITION BY x.member_id ORDER BY x.t_from) - 1, 2147483647) AS t_to
	FROM (
		SELECT a.member_id, dues_month_index(a.from_month) AS t_from, a.monthly_fen,
			min(a.from_month) OVER (PARTITION BY a.member_id ORDER BY a.id DESC
				ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS later_min, a.from_month
		FROM dues_assessments a WHERE a.member_id IN (SELECT member_id FROM gaps)
	) x
	WHERE x.later_min IS NULL OR x.from_month < x.later_min
),
owed_terms AS (
	-- Each hole at the assessments in force...
	SELECT g.member_id, t.monthly_fen, greatest(g.h_from, t.t_from) AS o_from, least(g.h_to, t.t_to) AS o_to
	FROM gaps g JOIN terms t ON t.member_id = g.member_id
	WHERE greatest(g.h_from, t.t_from) <= least(g.h_to, t.t_to)
),
owed AS (
	SELECT member_id, sum(owed)::bigint AS owed
	FROM (
		SELECT member_id, monthly_fen * (o_to - o_from + 1) AS owed FROM owed_terms
		UNION ALL
		-- ... less what the reductions take off.
		SELECT o.member_id, -(o.monthly_fen - least(r.reduced_to_fen, o.monthly_fen))
				* (least(o.o_to, dues_month_index(r.to_month)) - greatest(o.o_from, dues_month_index(r.from_month)) + 1)
		FROM owed_terms o
		JOIN dues_exemptions r ON r.member_id = o.member_id AND r.kind = 'reduce'
			AND NOT EXISTS (SELECT 1 FROM dues_exemption_revocations v WHERE v.exemption_id = r.id)
		WHERE greatest(o.o_from, dues_month_index(r.from_month)) <= least(o.o_to, dues_month_index(r.to_month))
	) parts
	GROUP BY member_id
),
slow_last AS (
	SELECT member_id, max(t) AS last FROM live GROUP BY member_id
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
	     ELSE NOT coalesce(hs.current_open, false) END AS current_settled,
	dues_month_date(f.start) AS start_month,
	CASE WHEN hs.first_unsettled > f.start THEN dues_month_date(hs.first_unsettled - 1) END AS paid_through,
	dues_month_date(CASE WHEN f.simple THEN f.last ELSE sl.last END) AS last_paid_month,
	coalesce(hs.months, 0) AS arrears_months,
	coalesce(ow.owed, 0) AS owed_fen,
	dues_month_date(hs.oldest) AS oldest_arrears,
	dues_month_date(hs.open_since) AS unsettled_since
FROM mem
LEFT JOIN f ON f.member_id = mem.id
LEFT JOIN hole_sums hs ON hs.member_id = mem.id
LEFT JOIN slow_last sl ON sl.member_id = mem.id
LEFT JOIN owed ow ON ow.member_id = mem.id
LEFT JOIN LATERAL (
	SELECT e.kind, e.reduced_to_fen FROM dues_exemptions e
	WHERE NOT f.simple -- simple members have no exemption
	  AND e.member_id = mem.id AND e.from_month <= $1::date AND e.to_month >= $1::date
	  AND NOT EXISTS (SELECT 1 FROM dues_exemption_revocations v WHERE v.exemption_id = e.id)
	LIMIT 1) cx ON true
ORDER BY mem.path, mem.name, mem.id`
}

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
