package collect

import (
	"context"
	"fmt"
	"testing"
	"time"

	"liudong/internal/dues"
	"liudong/internal/store"
	"liudong/internal/testenv"
)

// seedCommittee fills a fresh database with n members in 50 branches and about two years of
// dues history (January 2025 to October 2026): 60% pay monthly, 20% quarterly, 10% stopped
// paying some time in 2025, 10% skip every fifth month; 1% of payments are reversed and
// entered again; 2% of members have a waiver. Everything is set-based SQL.
func seedCommittee(tb testing.TB, n int) (*store.Store, *Service) {
	tb.Helper()
	st := testenv.Store(tb)
	seedInto(tb, st, n)
	return st, New(st, dues.DefaultRules(), "安徽省六安市", shanghai)
}

func seedInto(tb testing.TB, st *store.Store, n int) {
	ctx := context.Background()
	root, _, err := st.EnsureRootOrgUnit(ctx, store.KindCommittee, "测试镇党委", "安徽省六安市")
	if err != nil {
		tb.Fatal(err)
	}
	type step struct {
		sql  string
		args []any
	}
	steps := []step{
		{`INSERT INTO org_units (parent_id, kind, name, path)
		 SELECT $1, 'branch', '第' || g || '党支部', '' FROM generate_series(1, 50) g`, []any{root.ID}},
		{`UPDATE org_units SET path = $2 || id || '/' WHERE parent_id = $1`, []any{root.ID, root.Path}},
		{`INSERT INTO members (branch_id, name, gender, birth_date, education, category, monthly_income_fen, mobility)
		 SELECT b.ids[1 + g % 50], '党员' || g, CASE WHEN g % 4 = 0 THEN '女' ELSE '男' END,
			date '1960-01-01' + (g % 15000), '高中', '在职', 200000 + (g * 7919) % 1000000,
			CASE WHEN g % 3 = 0 THEN '流出' ELSE '' END
		 FROM generate_series(1, $2::int) g, (SELECT array_agg(id ORDER BY id) AS ids FROM org_units WHERE parent_id = $1) b`, []any{root.ID, n}},
		{`INSERT INTO dues_assessments (member_id, from_month, category, base_fen, rate_bp, monthly_fen, source, reason, basis,
			roster_category, roster_income_fen, assessed_by)
		 SELECT m.id, f.from_month, '在职', m.monthly_income_fen, 100, m.monthly_income_fen / 100, '中组发〔2008〕3号',
			f.reason, 'roster', '在职', m.monthly_income_fen, 'seed'
		 FROM members m, (VALUES (date '2025-01-01', 'first'), (date '2026-01-01', 'annual')) f (from_month, reason)`, nil},
		{`INSERT INTO dues_payments (member_id, from_month, to_month, amount_fen, place, org_unit_id, paid_at, recorded_by)
		 SELECT m.id, mo::date, (mo + (p.len - 1) * interval '1 month')::date, p.len * (m.monthly_income_fen / 100),
			'home', m.branch_id, mo + interval '5 days', 'seed'
		 FROM members m
		 CROSS JOIN LATERAL (SELECT CASE WHEN m.id % 10 IN (6, 7) THEN 3 ELSE 1 END AS len,
			CASE WHEN m.id % 10 = 8 THEN date '2025-01-01' + (m.id % 12) * interval '1 month'
			     WHEN m.id % 10 IN (6, 7) THEN date '2026-07-01' ELSE date '2026-10-01' END AS last) p
		 CROSS JOIN LATERAL generate_series(date '2025-01-01', p.last, p.len * interval '1 month') mo
		 WHERE NOT (m.id % 10 = 9 AND extract(month FROM mo)::int % 5 = 0)`, nil},
		{`INSERT INTO dues_payments (member_id, from_month, to_month, amount_fen, reverses, place, org_unit_id, note, paid_at, recorded_by)
		 SELECT member_id, from_month, to_month, -amount_fen, id, place, org_unit_id, '录错', paid_at, 'seed'
		 FROM dues_payments WHERE id % 100 = 0`, nil},
		{`INSERT INTO dues_payments (member_id, from_month, to_month, amount_fen, place, org_unit_id, paid_at, recorded_by)
		 SELECT member_id, from_month, to_month, -amount_fen, place, org_unit_id, paid_at, 'seed'
		 FROM dues_payments WHERE reverses IS NOT NULL`, nil},
		{`INSERT INTO dues_exemptions (member_id, from_month, to_month, kind, reason, approved_by, recorded_by)
		 SELECT id, date '2026-03-01', date '2026-05-01', 'waive', '生活困难', '测试镇党委', 'seed' FROM members WHERE id % 50 = 0`, nil},
		{`ANALYZE`, nil},
	}
	for _, q := range steps {
		if _, err := st.DB().ExecContext(ctx, q.sql, q.args...); err != nil {
			tb.Fatalf("seed: %v\n%s", err, q.sql)
		}
	}
}

// BenchmarkStandings is the scheduler's monthly read: every member's standing in November
// 2026 (one statement), after the no-op check for due assessments.
func BenchmarkStandings(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		t0 := time.Now()
		st, s := seedCommittee(b, n)
		var payments int
		st.DB().Get(&payments, `SELECT count(*) FROM dues_payments`)
		b.Logf("%d members, %d ledger entries seeded in %v", n, payments, time.Since(t0).Round(time.Millisecond))
		month := dues.Month{Year: 2026, Month: 11}
		ctx := context.Background()
		b.Run(fmt.Sprintf("members=%d", n), func(b *testing.B) {
			for b.Loop() {
				rows, err := s.Standings(ctx, month, nil)
				if err != nil || len(rows) != n {
					b.Fatalf("%d rows, %v", len(rows), err)
				}
			}
		})
		b.Run(fmt.Sprintf("yearly-assessment/members=%d", n), func(b *testing.B) {
			year := 2027
			for b.Loop() {
				rep, err := s.AssessDue(ctx, dues.Month{Year: year, Month: 1}, nil)
				if err != nil || rep.Added != n {
					b.Fatalf("added %d, %v", rep.Added, err)
				}
				year++
			}
		})
	}
}
