package collect

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"liudong/internal/dues"
	"liudong/internal/store"
	"liudong/internal/testenv"
)

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

func ym(y int, m time.Month) dues.Month { return dues.Month{Year: y, Month: m} }

// fixture is a committee with one branch and a service over a fresh database.
type fixture struct {
	t      *testing.T
	ctx    context.Context
	st     *store.Store
	s      *Service
	branch store.OrgUnit
	n      int
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	st := testenv.Store(t)
	root, _, err := st.EnsureRootOrgUnit(ctx, store.KindCommittee, "测试镇党委", "安徽省六安市")
	if err != nil {
		t.Fatal(err)
	}
	branch, _, err := st.EnsureChildOrgUnit(ctx, root, store.KindBranch, "第一党支部")
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, ctx: ctx, st: st, s: New(st, dues.DefaultRules(), "安徽省六安市", shanghai), branch: branch}
}

func (f *fixture) member(category string, income int64) store.Member {
	f.t.Helper()
	f.n++
	m := store.Member{BranchID: f.branch.ID, Name: fmt.Sprintf("党员%d", f.n), Gender: "男",
		BirthDate: time.Date(1980, 1, f.n%28+1, 0, 0, 0, 0, time.UTC), Education: "高中", Category: category}
	if income > 0 {
		m.MonthlyIncomeFen = &income
	}
	if err := f.st.InsertMember(f.ctx, &m); err != nil {
		f.t.Fatal(err)
	}
	return m
}

var secretary = Actor{Name: "测试"}

func (f *fixture) pay(m store.Member, from, to dues.Month, amount dues.Fen, at dues.Month, note string) store.DuesPayment {
	f.t.Helper()
	res, err := f.s.RecordPayment(f.ctx, secretary, m.ID, PaymentInput{
		Months: dues.MonthSpan{From: from, To: to}, Amount: amount, Note: note, PaidAt: at.Date().Add(10 * 24 * time.Hour)})
	if err != nil {
		f.t.Fatalf("pay %v-%v %v: %v", from, to, amount, err)
	}
	return res.Entry
}

func (f *fixture) standing(m store.Member, month dues.Month) store.DuesStanding {
	f.t.Helper()
	rows, err := f.s.Standings(f.ctx, month, []store.OrgUnit{f.branch})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, r := range rows {
		if r.MemberID == m.ID {
			return r
		}
	}
	f.t.Fatalf("no standing for %s", m.Name)
	return store.DuesStanding{}
}

// TestLedgerThroughTheStore records entries with the service and reads them back both ways:
// the member's ledger (Go) and the set-based standings (SQL).
func TestLedgerThroughTheStore(t *testing.T) {
	f := newFixture(t)
	m := f.member("在职", 4000_00)

	// First look in October 2026 starts the ledger then.
	if _, err := f.s.Account(f.ctx, m.ID, ym(2026, 10)); err != nil {
		t.Fatal(err)
	}
	f.pay(m, ym(2026, 10), ym(2026, 11), 80_00, ym(2026, 11), "")
	// Advance across the year boundary: December to March.
	f.pay(m, ym(2026, 12), ym(2027, 3), 160_00, ym(2026, 12), "")
	check := func(name string, month dues.Month, paidThrough dues.Month, arrears int, owed dues.Fen, settled bool) {
		t.Helper()
		a, err := f.s.Account(f.ctx, m.ID, month)
		if err != nil {
			t.Fatal(err)
		}
		st, err := a.Status(month)
		if err != nil {
			t.Fatal(err)
		}
		if st.PaidThrough != paidThrough || len(st.Arrears) != arrears || st.Owed != owed || st.CurrentSettled != settled {
			t.Errorf("%s: ledger %+v", name, st)
		}
		sd := f.standing(m, month)
		if sd.PaidThrough != paidThrough || sd.ArrearsMonths != arrears || sd.Owed != owed || sd.CurrentSettled != settled {
			t.Errorf("%s: standing %+v", name, sd)
		}
	}
	check("advance", ym(2026, 12), ym(2027, 3), 0, 0, true)
	check("next year", ym(2027, 3), ym(2027, 3), 0, 0, true)
	// Arrears accumulate after March.
	check("arrears", ym(2027, 7), ym(2027, 3), 3, 120_00, false)

	// A reversal takes the advance out again.
	a, _ := f.s.Account(f.ctx, m.ID, ym(2027, 7))
	var advance int64
	for _, p := range a.Payments {
		if p.From == ym(2026, 12) {
			advance = p.ID
		}
	}
	if _, err := f.s.Reverse(f.ctx, secretary, m.ID, PaymentRef{ID: advance}, "重复登记", ym(2027, 7).Date()); err != nil {
		t.Fatal(err)
	}
	check("reversed", ym(2027, 7), ym(2026, 11), 7, 280_00, false)
	// Reversal is a new entry: the payment stays, and the table refuses edits.
	if _, err := f.st.DB().Exec(`UPDATE dues_payments SET amount_fen = 1 WHERE id = $1`, advance); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Errorf("UPDATE of a payment: %v", err)
	}
	if _, err := f.st.DB().Exec(`DELETE FROM dues_payments WHERE id = $1`, advance); err == nil {
		t.Error("DELETE of a payment accepted")
	}

	// An exemption: December–February waived, the rest owed.
	if _, err := f.s.Exempt(f.ctx, secretary, m.ID, dues.Exemption{From: ym(2026, 12), To: ym(2027, 2), Kind: dues.Waive,
		Reason: "住院治疗", ApprovedBy: "测试镇党委"}, ym(2027, 7).Date()); err != nil {
		t.Fatal(err)
	}
	check("waived", ym(2027, 7), ym(2027, 2), 4, 160_00, false)
	// 补交 of the four months and this one.
	f.pay(m, ym(2027, 3), ym(2027, 7), 200_00, ym(2027, 7), "")
	check("settled", ym(2027, 7), ym(2027, 7), 0, 0, true)
	sd := f.standing(m, ym(2027, 8))
	if sd.LastPaidMonth != ym(2027, 7) || sd.Monthly != 40_00 || sd.Due != 40_00 || sd.Start != ym(2026, 10) {
		t.Errorf("standing in August: %+v", sd)
	}
}

// TestStandingsMatchLedger builds random histories straight into the tables and checks that
// the set-based standings agree with the Go ledger for every member and month.
func TestStandingsMatchLedger(t *testing.T) {
	f := newFixture(t)
	rng := rand.New(rand.NewPCG(4, 2026))
	const members = 40
	var ms []store.Member
	for range members {
		ms = append(ms, f.member("在职", 4000_00))
	}
	ms = append(ms, f.member("", 0)) // never assessed
	base := ym(2025, 6)
	for i, m := range ms[:members] {
		randomHistory(t, f, rng, m.ID, base, i%2 == 0)
	}
	t0 := time.Now()
	accounts := map[int64]*Account{}
	for _, m := range ms {
		a, err := f.s.load(f.ctx, f.st, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		accounts[m.ID] = a
	}
	t.Logf("loaded in %v", time.Since(t0))
	// The histories must exercise what the SQL derives, or agreement proves little.
	var holes, reduced, waived, advance, lapsed, narrowed int
	for month := base.Add(-2); !month.After(base.Add(30)); month = month.Add(1) {
		rows, err := f.st.DuesStandings(f.ctx, month, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != len(ms) {
			t.Fatalf("%v: %d standings for %d members", month, len(rows), len(ms))
		}
		// The scheduler's filtered reads keep exactly the members the filter keeps.
		for _, filter := range []store.DuesFilter{{UnpaidMonths: 3}, {ArrearsMonths: 2}, {Owing: true}, {UnpaidMonths: 5, ArrearsMonths: 4}} {
			some, err := f.st.DuesStandingsWhere(f.ctx, month, nil, filter)
			if err != nil {
				t.Fatal(err)
			}
			var want []store.DuesStanding
			for _, r := range rows {
				if filter.Keep(r, month) {
					want = append(want, r)
				}
			}
			if fmt.Sprint(some) != fmt.Sprint(want) {
				t.Fatalf("%v, %+v:\n got %v\nwant %v", month, filter, some, want)
			}
			if len(some) > 0 && len(some) < len(rows) {
				narrowed++
			}
		}
		for _, got := range rows {
			a := accounts[got.MemberID]
			want := expectedStanding(t, a, month)
			switch {
			case got.ArrearsMonths > 0 && got.LastPaidMonth.After(got.OldestArrears):
				holes++
			case got.Due > 0 && got.Due < got.Monthly:
				reduced++
			case got.Assessed && got.Due == 0 && got.Monthly > 0:
				waived++
			case got.PaidThrough.After(month):
				advance++
			}
			if !got.UnsettledSince.IsZero() && got.UnsettledSince.After(got.OldestArrears) {
				lapsed++ // a run of unsettled months after an earlier hole
			}
			got.Name, got.BranchID, got.BranchName, got.Mobility = "", 0, "", ""
			if got != want {
				t.Fatalf("%s in %v:\n sql %+v\n  go %+v", a.Member.Name, month, got, want)
			}
		}
	}
	if holes == 0 || reduced == 0 || waived == 0 || advance == 0 || lapsed == 0 || narrowed < 50 {
		t.Errorf("histories too plain: %d with holes, %d reduced, %d waived, %d paid ahead, %d lapsed after a hole, %d filtered reads narrowed",
			holes, reduced, waived, advance, lapsed, narrowed)
	}
	t.Logf("%d with holes, %d reduced, %d waived, %d paid ahead, %d lapsed after a hole", holes, reduced, waived, advance, lapsed)
}

func expectedStanding(t *testing.T, a *Account, month dues.Month) store.DuesStanding {
	want := store.DuesStanding{MemberID: a.Member.ID}
	if !a.Assessed() {
		return want
	}
	want.Assessed = true
	start, err := a.Ledger.StartMonth()
	if err != nil {
		t.Fatal(err)
	}
	want.Start = start
	st, err := a.Ledger.Status(month)
	if err != nil {
		t.Fatal(err)
	}
	want.PaidThrough = st.PaidThrough
	want.ArrearsMonths, want.Owed = len(st.Arrears), st.Owed
	if len(st.Arrears) > 0 {
		want.OldestArrears = st.Arrears[0].Month
	}
	// The run of unsettled months that reaches last month.
	for i, prev := len(st.Arrears)-1, month.Add(-1); i >= 0 && st.Arrears[i].Month == prev; i, prev = i-1, prev.Add(-1) {
		want.UnsettledSince = prev
	}
	if cur := a.InForce(month); cur != nil {
		want.Category, want.Monthly = cur.Category, cur.Monthly
		want.Due, want.CurrentSettled = st.Current.Due, st.CurrentSettled
	} else {
		want.CurrentSettled = true
	}
	for _, p := range a.Payments {
		if p.Reverses == nil && p.ReversedBy == nil && p.To.After(want.LastPaidMonth) {
			want.LastPaidMonth = p.To
		}
	}
	return want
}

// randomHistory writes assessments, exemptions (some revoked), payments (with holes) and
// reversals that keep the ledger's invariants, as the service would. A plain history has
// contiguous payments only (the standings' fast path), yet several assessments.
func randomHistory(t *testing.T, f *fixture, rng *rand.Rand, memberID int64, base dues.Month, plain bool) {
	ctx, st := f.ctx, f.st
	start := base.Add(rng.IntN(6))
	assess := func(from dues.Month, monthly dues.Fen) {
		row := store.DuesAssessment{MemberID: memberID, From: from, Category: dues.Employed, Monthly: monthly,
			Source: dues.NationalSource, Reason: store.AssessSecretary, Basis: store.BasisSecretary, AssessedBy: "test"}
		if _, err := st.InsertDuesAssessment(ctx, &row); err != nil {
			t.Fatal(err)
		}
	}
	assess(start, dues.Fen(1000+rng.IntN(5000)))
	for range rng.IntN(3) {
		assess(start.Add(rng.IntN(30)-3), dues.Fen(1000+rng.IntN(5000)))
	}
	// Exemptions never overlap while live.
	cursor := start.Add(rng.IntN(4))
	for range 1 + rng.IntN(2) {
		if plain {
			break
		}
		from := cursor.Add(rng.IntN(6))
		to := from.Add(rng.IntN(4))
		e := store.DuesExemption{MemberID: memberID, From: from, To: to, Kind: dues.Waive, Reason: "困难", ApprovedBy: "镇党委", RecordedBy: "test"}
		if rng.IntN(2) == 0 {
			e.Kind, e.ReducedTo = dues.Reduce, dues.Fen(100+rng.IntN(6000))
		}
		if err := st.InsertDuesExemption(ctx, &e); err != nil {
			t.Fatal(err)
		}
		if rng.IntN(4) == 0 {
			if err := st.RevokeDuesExemption(ctx, e.ID, "录错", "test", nil, nil); err != nil {
				t.Fatal(err)
			}
		}
		cursor = to.Add(1)
	}
	// Payments from the start on, with holes; some reversed and paid again.
	m := start
	for range rng.IntN(12) {
		if !plain {
			m = m.Add(rng.IntN(3) / 2 * (1 + rng.IntN(3))) // a hole now and then
		}
		to := m.Add(rng.IntN(4))
		p := store.DuesPayment{MemberID: memberID, From: m, To: to, Amount: dues.Fen(1 + rng.IntN(10000)), Place: store.PaidAtHome,
			PaidAt: m.Date(), RecordedBy: "test"}
		if err := st.InsertDuesPayment(ctx, &p); err != nil {
			t.Fatal(err)
		}
		if !plain && rng.IntN(5) == 0 {
			r := store.DuesPayment{MemberID: memberID, From: p.From, To: p.To, Amount: -p.Amount, Reverses: &p.ID,
				Place: p.Place, Note: "录错", PaidAt: p.PaidAt, RecordedBy: "test"}
			if err := st.InsertDuesPayment(ctx, &r); err != nil {
				t.Fatal(err)
			}
			if rng.IntN(2) == 0 {
				continue // months left unpaid
			}
			again := p
			again.ID = 0
			if err := st.InsertDuesPayment(ctx, &again); err != nil {
				t.Fatal(err)
			}
		}
		m = to.Add(1)
	}
}

// TestProvincialRule: the committee's region selects the provincial rule, and the assessment
// keeps it as its basis.
func TestProvincialRule(t *testing.T) {
	f := newFixture(t)
	rules := dues.DefaultRules()
	rules.Provinces["安徽省"] = dues.ProvinceRules{Source: "安徽省委组织部文件", Categories: map[dues.Category]dues.CategoryRule{
		dues.Farmer: {Flat: 50},
	}}
	if err := rules.Validate(); err != nil {
		t.Fatal(err)
	}
	anhui := New(f.st, rules, "安徽省六安市", shanghai)
	farmer, worker := f.member("农民", 0), f.member("在职", 4000_00)
	for _, tt := range []struct {
		s       *Service
		m       store.Member
		monthly dues.Fen
		explain string
	}{
		{anhui, farmer, 50, "农民，按安徽省规定每月0.50元"},
		{anhui, worker, 40_00, "在职，税后月收入4,000.00元，按1%计，每月40.00元"},
	} {
		a, err := tt.s.Account(f.ctx, tt.m.ID, ym(2026, 11))
		if err != nil {
			t.Fatal(err)
		}
		cur := a.InForce(ym(2026, 11))
		if cur == nil || cur.Monthly != tt.monthly || cur.Assessment().Explain() != tt.explain {
			t.Errorf("%s: %+v", tt.m.Name, cur)
		}
	}
	// The same rules for a committee elsewhere: the national amount.
	elsewhere := New(f.st, rules, "浙江省杭州市", shanghai)
	other := f.member("农民", 0)
	a, err := elsewhere.Account(f.ctx, other.ID, ym(2026, 11))
	if err != nil {
		t.Fatal(err)
	}
	if cur := a.InForce(ym(2026, 11)); cur.Monthly != 20 || cur.Province != "" || cur.Source != dues.NationalSource {
		t.Errorf("elsewhere: %+v", cur)
	}
}
