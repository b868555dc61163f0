package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

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
// means everyone), ordered by branch and name. Two statements whatever the number of members,
// no per-member round trip:
//
//  1. one pass over the assessments and one over the ledger (aggregates per member, in a
//     transaction with a larger work_mem and without JIT, see heavyTx): each member's
//     assessments in the order made, exemptions, and the months their payments cover. A
//     member whose live payments cover every month from the start to their last payment, with
//     no exemption (nearly everyone), is "simple": the only unsettled months are those after
//     the last payment;
//  2. for the others only, their live payments (through the index).
//
// The rest is interval arithmetic per member, here rather than in SQL (where it cost seconds
// at 100,000 members): the unsettled spans ("holes") of the settled intervals (live payments
// and waivers), arrears as the holes before the month summed per assessment in force and less
// the reductions, never month by month. TestStandingsMatchLedger checks it against the Go
// ledger (internal/dues) for every member and month of random histories.
func (s *Store) DuesStandings(ctx context.Context, month dues.Month, scope []OrgUnit) ([]DuesStanding, error) {
	return s.DuesStandingsWhere(ctx, month, scope, DuesFilter{})
}

// DuesFilter narrows DuesStandingsWhere to the members in some trouble, the scheduler's daily
// read: a member is kept when any criterion set holds. The zero value keeps everyone.
type DuesFilter struct {
	// UnpaidMonths keeps members whose unbroken run of unsettled months reaching last month is
	// at least this long (UnsettledSince at or before month − UnpaidMonths).
	UnpaidMonths int
	// ArrearsMonths keeps members with at least this many months in arrears.
	ArrearsMonths int
	// Owing keeps members who owe something in the month: its dues, or arrears.
	Owing bool
}

func (f DuesFilter) any() bool { return f.UnpaidMonths > 0 || f.ArrearsMonths > 0 || f.Owing }

// within is the latest first unsettled month a simple member can have and match f (months
// numbered): a simple member's only unsettled months follow their last payment.
func (f DuesFilter) within(m int64) int64 {
	k := int64(math.MaxInt32)
	if f.UnpaidMonths > 0 {
		k = min(k, int64(f.UnpaidMonths))
	}
	if f.ArrearsMonths > 0 {
		k = min(k, int64(f.ArrearsMonths))
	}
	if f.Owing {
		k = 0
	}
	return m - k
}

// Keep reports whether a standing in month matches f.
func (f DuesFilter) Keep(st DuesStanding, month dues.Month) bool {
	if !f.any() {
		return true
	}
	return (f.UnpaidMonths > 0 && !st.UnsettledSince.IsZero() && month.Sub(st.UnsettledSince) >= f.UnpaidMonths) ||
		(f.ArrearsMonths > 0 && st.ArrearsMonths >= f.ArrearsMonths) ||
		(f.Owing && st.Assessed && ((st.Due > 0 && !st.CurrentSettled) || st.ArrearsMonths > 0))
}

// DuesStandingsWhere is DuesStandings for the members matching filter only. Most members pay
// on time: the database leaves them out at once (a simple member matches by their last
// payment alone), which saves most of the work of a full read.
func (s *Store) DuesStandingsWhere(ctx context.Context, month dues.Month, scope []OrgUnit, filter DuesFilter) ([]DuesStanding, error) {
	m := monthIndex(month)
	var rows []duesRow
	err := s.heavyTx(ctx, func(tx *Store) error {
		var args []any
		if scope != nil {
			args = append(args, pathPatterns(scope))
		} else if err := mergePlan(ctx, tx); err != nil {
			return err
		}
		if filter.any() {
			args = append(args, monthAt(filter.within(m)))
		}
		var err error
		rows, err = scanDuesRows(tx.q.QueryContext(ctx, duesRowsSQL(scope != nil, filter.any()), args...))
		return err
	})
	if err != nil {
		return nil, wrap("derive dues standings", err)
	}
	// By branch and name, in byte order (what C collation gives), cheaper here than there.
	slices.SortFunc(rows, func(a, b duesRow) int {
		return cmp.Or(strings.Compare(a.Path, b.Path), strings.Compare(a.Name, b.Name), cmp.Compare(a.MemberID, b.MemberID))
	})
	out := make([]DuesStanding, 0, len(rows))
	for i := range rows {
		if st := rows[i].standing(m); filter.Keep(st, month) {
			out = append(out, st)
		}
	}
	return out, nil
}

// duesRowsSQL reads, per member, the assessments in the order made ("month:amount:category"
// items, or "amount:category" when they all ask the same), the live exemptions, the ledger's
// aggregate, and, for the members that are not simple, their live payments ("from:to" items),
// parsed by scanDuesRows.
// Months go out as days since 2000-01-01 (monthOfDays), the cheapest way to compute them here.
// Scoped: $1 the path patterns; the ledger of the members in scope is read through the
// indexes, otherwise whole tables. Filtered: the next parameter is the latest first unsettled
// month a simple member may have (DuesFilter.within), a date. The texts differ rather than take
// optional parameters, so that a prepared statement's generic plan suits each.
func duesRowsSQL(scoped, filtered bool) string {
	memFilter, ledgerFilter, where := "", "", ""
	if scoped {
		memFilter = ` AND b.path LIKE ANY ($1::text[])`
		ledgerFilter = ` WHERE member_id IN (SELECT m.id FROM members m JOIN org_units b ON b.id = m.branch_id WHERE true` + memFilter + `)`
	}
	if filtered {
		n := 1
		if scoped {
			n = 2
		}
		where = fmt.Sprintf(` AND a.member_id IS NOT NULL AND (NOT f.simple OR COALESCE(p.max_to < $%[1]d::date, a.start <= $%[1]d::date))`, n)
	}
	return `
WITH asg AS (
	-- Nearly every member's assessments ask the same amount (the yearly one carries it on):
	-- then the amount and category are all there is to know. The others' are listed below.
	SELECT member_id, min(from_month) AS start, min(monthly_fen) AS monthly, max(monthly_fen) AS monthly_hi,
		min(category) AS category, max(category) AS category_hi
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
	SELECT e.member_id, string_agg(e.kind || ':' || (e.from_month - date '2000-01-01') || ':' || (e.to_month - date '2000-01-01')
		|| ':' || e.reduced_to_fen, ',') AS exempt
	FROM dues_exemptions e
	WHERE NOT EXISTS (SELECT 1 FROM dues_exemption_revocations v WHERE v.exemption_id = e.id)
	GROUP BY e.member_id
),
reversed AS MATERIALIZED (
	SELECT reverses AS id FROM dues_payments WHERE reverses IS NOT NULL
)
SELECT m.id, m.name, m.branch_id, b.name, b.path, m.mobility, a.start - date '2000-01-01',
	CASE WHEN a.monthly = a.monthly_hi AND a.category = a.category_hi THEN a.monthly || ':' || a.category ELSE (
		SELECT string_agg((d.from_month - date '2000-01-01') || ':' || d.monthly_fen || ':' || d.category, ',' ORDER BY d.id)
		FROM dues_assessments d WHERE d.member_id = m.id
	) END AS made,
	p.max_to - date '2000-01-01', p.live_months, x.exempt,
	CASE WHEN NOT f.simple THEN (
		-- Live payments, through the index; the reversals are few and hashed.
		SELECT string_agg((l.from_month - date '2000-01-01') || ':' || (l.to_month - date '2000-01-01'), ',' ORDER BY l.from_month)
		FROM dues_payments l
		WHERE l.member_id = m.id AND l.reverses IS NULL AND l.id NOT IN (SELECT id FROM reversed)
	) END AS live
FROM members m JOIN org_units b ON b.id = m.branch_id
LEFT JOIN asg a ON a.member_id = m.id
LEFT JOIN pay p ON p.member_id = m.id
LEFT JOIN exm x ON x.member_id = m.id
CROSS JOIN LATERAL (SELECT x.member_id IS NULL AND (p.member_id IS NULL OR p.live_months = dues_months_between(a.start, p.max_to) + 1)
	AS simple) f
WHERE m.transferred_out_on IS NULL` + memFilter + where
}

// scanDuesRows reads duesRowsSQL's rows by hand: at 100,000 members generic scanning
// (reflection, array parsing) cost more than the query.
func scanDuesRows(rs *sql.Rows, err error) ([]duesRow, error) {
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	rows := make([]duesRow, 0, 1024)
	var made, exempt, live sql.NullString
	var start, maxTo, liveMonths sql.NullInt64
	for rs.Next() {
		var r duesRow
		if err := rs.Scan(&r.MemberID, &r.Name, &r.BranchID, &r.BranchName, &r.Path, &r.Mobility, &start, &made, &maxTo, &liveMonths,
			&exempt, &live); err != nil {
			return nil, err
		}
		if maxTo.Valid {
			mt := monthOfDays(maxTo.Int64)
			r.MaxTo, r.LiveMonths = &mt, liveMonths.Int64
		}
		var f [4]int64
		var text [4]string
		for item := range fields(made) {
			switch split(item, text[:3], f[:2]) {
			case 2: // every assessment asks the same: one from the start stands for them all
				r.Made = append(r.Made, duesMade{From: monthOfDays(start.Int64), Monthly: f[0], Category: dues.Category(text[1])})
			case 3:
				r.Made = append(r.Made, duesMade{From: monthOfDays(f[0]), Monthly: f[1], Category: dues.Category(text[2])})
			default:
				return nil, fmt.Errorf("bad assessment %q", item)
			}
		}
		for item := range fields(exempt) {
			if n := split(item, text[:4], nil); n != 4 {
				return nil, fmt.Errorf("bad exemption %q", item)
			}
			f[1], f[2], f[3] = atoi(text[1]), atoi(text[2]), atoi(text[3])
			r.Exempt = append(r.Exempt, duesExempt{Kind: dues.ExemptionKind(text[0]), From: monthOfDays(f[1]), To: monthOfDays(f[2]), Reduced: f[3]})
		}
		for item := range fields(live) {
			if n := split(item, text[:2], f[:2]); n != 2 {
				return nil, fmt.Errorf("bad payment %q", item)
			}
			r.Live = append(r.Live, duesInterval{F: monthOfDays(f[0]), T: monthOfDays(f[1])})
		}
		rows = append(rows, r)
	}
	return rows, rs.Err()
}

// fields yields the comma-separated items of an aggregated column.
func fields(s sql.NullString) func(yield func(string) bool) {
	return func(yield func(string) bool) {
		if !s.Valid {
			return
		}
		for item := range strings.SplitSeq(s.String, ",") {
			if !yield(item) {
				return
			}
		}
	}
}

// split cuts a colon-separated item into text (len(text) parts at most, the last taking the
// rest) and parses the leading ones as numbers into nums; it returns the number of parts.
func split(item string, text []string, nums []int64) int {
	n := 0
	for n < len(text)-1 {
		i := strings.IndexByte(item, ':')
		if i < 0 {
			break
		}
		text[n], item = item[:i], item[i+1:]
		n++
	}
	text[n] = item
	n++
	for i := range nums {
		if i < n {
			nums[i] = atoi(text[i])
		}
	}
	return n
}

func atoi(s string) int64 {
	v, _ := strconv.ParseInt(s, 10, 64)
	return v
}

// monthOfDays numbers the month of the day days after 2000-01-01 as monthIndex does.
func monthOfDays(days int64) int64 {
	y, m, _ := time.Date(2000, 1, 1+int(days), 0, 0, 0, 0, time.UTC).Date()
	return int64(y*12 + int(m) - 1)
}

// duesRow is one member's dues records as duesRowsSQL aggregates them; months are numbered
// (monthIndex).
type duesRow struct {
	MemberID   int64
	Name       string
	BranchID   int64
	BranchName string
	Path       string
	Mobility   string
	Made       []duesMade     // assessments, in the order made
	MaxTo      *int64         // the last month any ledger entry covers (nil: no entry)
	LiveMonths int64          // the months live payments cover
	Exempt     []duesExempt   // live exemptions
	Live       []duesInterval // live payments by month, of the members that are not simple
}

type duesMade struct {
	From, Monthly int64
	Category      dues.Category
}

type duesExempt struct {
	Kind     dues.ExemptionKind
	From, To int64
	Reduced  int64
}

// duesInterval is a span of months [F, T] (a live payment, a hole); T < 0 means open-ended.
type duesInterval struct{ F, T int64 }

const openEnded = -1

func monthIndex(m dues.Month) int64 { return int64(m.Year*12 + int(m.Month) - 1) }

func monthAt(i int64) dues.Month { return dues.Month{Year: int(i / 12), Month: time.Month(i%12 + 1)} }

func (r *duesRow) start() int64 {
	start := r.Made[0].From
	for _, a := range r.Made[1:] {
		start = min(start, a.From)
	}
	return start
}

// simple: no live exemption, and the live payments, if any, cover every month from the start
// to the last one paid.
func (r *duesRow) simple() bool {
	if len(r.Made) == 0 {
		return true // never assessed: nothing to derive
	}
	return len(r.Exempt) == 0 && (r.MaxTo == nil || r.LiveMonths == *r.MaxTo-r.start()+1)
}

// terms are the assessments in force, each [F, T] at Monthly: a row is replaced by any row
// made later whose month is not later (see dues.Supersede).
func (r *duesRow) terms() []duesTerm {
	var terms []duesTerm
	laterMin := int64(math.MaxInt64)
	for i := len(r.Made) - 1; i >= 0; i-- {
		if a := r.Made[i]; a.From < laterMin {
			terms = append(terms, duesTerm{F: a.From, Monthly: a.Monthly})
			laterMin = a.From
		}
	}
	slices.Reverse(terms) // by month: each made earlier than the one after it was replaced
	for i := range terms {
		terms[i].T = math.MaxInt32
		if i+1 < len(terms) {
			terms[i].T = terms[i+1].F - 1
		}
	}
	return terms
}

type duesTerm struct {
	F, T    int64
	Monthly int64
}

// holes are the unsettled spans from the start: after the last payment for a simple member;
// otherwise the gaps between the settled intervals (live payments, given ordered by month, and
// waivers), cut to the start.
func (r *duesRow) holes() []duesInterval {
	start := r.start()
	if r.simple() {
		fu := start
		if r.MaxTo != nil {
			fu = *r.MaxTo + 1
		}
		return []duesInterval{{F: fu, T: openEnded}}
	}
	settled := make([]duesInterval, 0, len(r.Live)+len(r.Exempt))
	for _, iv := range r.Live {
		if iv.T >= start {
			settled = append(settled, duesInterval{F: max(iv.F, start), T: iv.T})
		}
	}
	for _, e := range r.Exempt {
		if e.Kind == dues.Waive && e.To >= start {
			settled = append(settled, duesInterval{F: max(e.From, start), T: e.To})
		}
	}
	slices.SortFunc(settled, func(a, b duesInterval) int { return cmp.Or(cmp.Compare(a.F, b.F), cmp.Compare(a.T, b.T)) })
	var holes []duesInterval
	next := start // the first month not known to be settled
	for _, iv := range settled {
		if iv.F > next {
			holes = append(holes, duesInterval{F: next, T: iv.F - 1})
		}
		next = max(next, iv.T+1)
	}
	return append(holes, duesInterval{F: next, T: openEnded})
}

// standing derives the member's standing in month m.
func (r *duesRow) standing(m int64) DuesStanding {
	st := DuesStanding{MemberID: r.MemberID, Name: r.Name, BranchID: r.BranchID, BranchName: r.BranchName, Mobility: r.Mobility}
	if len(r.Made) == 0 {
		return st
	}
	st.Assessed = true
	start := r.start()
	st.Start = monthAt(start)
	// The assessment in force in the month: the newest made whose month is not later.
	cur := -1
	for i, a := range r.Made {
		if a.From <= m {
			cur = i
		}
	}
	if cur >= 0 {
		st.Monthly, st.Category = dues.Fen(r.Made[cur].Monthly), r.Made[cur].Category
		st.Due = st.Monthly
		for _, e := range r.Exempt {
			if e.From <= m && m <= e.To {
				if e.Kind == dues.Waive {
					st.Due = 0
				} else {
					st.Due = min(dues.Fen(e.Reduced), st.Monthly)
				}
				break
			}
		}
	}
	holes := r.holes()
	first := holes[0].F
	open := false
	var terms []duesTerm
	var owed int64
	for _, h := range holes {
		contains := func(k int64) bool { return h.F <= k && (h.T == openEnded || h.T >= k) }
		open = open || contains(m)
		if h.F >= m {
			continue
		}
		// A hole before the month, cut at the month before it.
		to := m - 1
		if h.T != openEnded {
			to = min(h.T, m-1)
		}
		if contains(m - 1) {
			st.UnsettledSince = monthAt(h.F)
		}
		if st.ArrearsMonths == 0 {
			st.OldestArrears = monthAt(h.F)
		}
		st.ArrearsMonths += int(to - h.F + 1)
		if terms == nil {
			terms = r.terms()
		}
		owed += r.owed(h.F, to, terms)
	}
	st.Owed = dues.Fen(owed)
	st.CurrentSettled = cur < 0 || !open
	if first > start {
		st.PaidThrough = monthAt(first - 1)
	}
	switch {
	case r.simple() && r.MaxTo != nil:
		st.LastPaidMonth = monthAt(*r.MaxTo)
	case !r.simple() && len(r.Live) > 0:
		last := r.Live[0].T
		for _, iv := range r.Live {
			last = max(last, iv.T)
		}
		st.LastPaidMonth = monthAt(last)
	}
	return st
}

// owed sums the months from..to at the assessments in force, less what the reductions take
// off.
func (r *duesRow) owed(from, to int64, terms []duesTerm) int64 {
	var sum int64
	for _, t := range terms {
		f, e := max(from, t.F), min(to, t.T)
		if f > e {
			continue
		}
		sum += t.Monthly * (e - f + 1)
		for _, x := range r.Exempt {
			if x.Kind != dues.Reduce {
				continue
			}
			rf, re := max(f, x.From), min(e, x.To)
			if rf <= re {
				sum -= (t.Monthly - min(x.Reduced, t.Monthly)) * (re - rf + 1)
			}
		}
	}
	return sum
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
