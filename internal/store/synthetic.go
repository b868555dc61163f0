package store

import (
	"context"
	"fmt"
	"time"
)

// SyntheticOptions sizes a generated database (benchmarks of the scheduler's sweep).
type SyntheticOptions struct {
	Members    int
	BranchSize int       // members per branch (default 40)
	Seed       float64   // PostgreSQL setseed for the histories, in [-1, 1]
	Today      time.Time // histories end on this day
	// Platform and Account of the generated chat bindings (70% of members).
	Platform, Account string
}

// GenerateSynthetic fills an empty database with a committee of Members members and realistic
// histories for the scheduler, set-based (a few statements, whatever the size). The members,
// the tree (branches of BranchSize under general branches) and their departures are
// SeedSynthetic's, with 30% of members away (流出) and 4% 流入; on them:
//
//   - a secretary per branch, chat bindings for 70% of members, an alerts group for one branch
//     in five, justified absences (正当理由) for 1%;
//   - departures placed in a city of their province; 0–9 location updates per member away
//     (one in five elsewhere: a move);
//   - reports: each member away reported for 80% of the past quarters of the trip (two years at
//     most) and 40% have reported this quarter;
//   - dues: a ledger from 12–24 months ago (the first assessment, then each January's) for
//     every member with a 人员类别; 60% pay monthly, 20% quarterly, 10% stopped some time ago,
//     10% skip every fifth month; 1% of payments reversed and entered again; 2% of members
//     with a waiver;
//   - organizational life at the inflow place every 40 days or so for 70% of the members away
//     (one in five of them stopped 3–13 months ago);
//   - certificates for 60% of the members away, reviewed each year but one in seven late, half
//     registered at the inflow place; and for 60% of the members back home last month, still
//     held (not handed back for inspection).
func (s *Store) GenerateSynthetic(ctx context.Context, o SyntheticOptions) error {
	if o.BranchSize <= 0 {
		o.BranchSize = 40
	}
	return s.InTx(ctx, func(tx *Store) error {
		root, _, err := tx.EnsureRootOrgUnit(ctx, KindCommittee, "基准测试党委", "安徽省六安市")
		if err != nil {
			return err
		}
		if err := tx.SeedSynthetic(ctx, root, SyntheticSpec{Members: o.Members, MembersPerBranch: o.BranchSize,
			HomeProvince: "34", Today: o.Today, OutflowShare: 0.30, InflowShare: 0.04}); err != nil {
			return err
		}
		if _, err := tx.q.ExecContext(ctx, syntheticCities); err != nil {
			return wrap("generate synthetic cities", err)
		}
		for _, st := range syntheticSteps(root, o) {
			if _, err := tx.q.ExecContext(ctx, st.query, st.args...); err != nil {
				return wrap(fmt.Sprintf("generate synthetic %s", st.what), err)
			}
		}
		return nil
	})
}

// syntheticCities are the cities departures are placed in, by province (SeedSynthetic's
// provinces; 34 is the committee's own).
const syntheticCities = `CREATE TEMPORARY TABLE synthetic_cities (province text, city text, label text) ON COMMIT DROP;
	INSERT INTO synthetic_cities VALUES
	('440000','440300','广东省深圳市'), ('440000','440100','广东省广州市'), ('440000','441900','广东省东莞市'),
	('440000','440600','广东省佛山市'), ('330000','330100','浙江省杭州市'), ('330000','330200','浙江省宁波市'),
	('320000','320500','江苏省苏州市'), ('320000','320100','江苏省南京市'), ('310000','310100','上海市'),
	('110000','110100','北京市'), ('340000','340100','安徽省合肥市'), ('340000','340200','安徽省芜湖市'),
	('340000','341500','安徽省六安市'), ('350000','350200','福建省厦门市'), ('420000','420100','湖北省武汉市'),
	('510000','510100','四川省成都市'), ('370000','370100','山东省济南市'), ('410000','410100','河南省郑州市'),
	('500000','500100','重庆市')`

type syntheticStep struct {
	what  string
	query string
	args  []any
}

func syntheticSteps(root OrgUnit, o SyntheticOptions) []syntheticStep {
	today := o.Today.Format(time.DateOnly)
	under := root.Path + "%"
	// mine selects the generated members.
	const mine = `SELECT m.id FROM members m JOIN org_units b ON b.id = m.branch_id WHERE b.path LIKE $1`
	return []syntheticStep{
		{"seed", `SELECT setseed($1)`, []any{o.Seed}},
		{"departure places", `
			WITH pick AS (
				SELECT d.id, c.city, c.label FROM departures d
				CROSS JOIN LATERAL (SELECT * FROM synthetic_cities c WHERE c.province = d.province_code
					ORDER BY random() + d.id * 0 LIMIT 1) c
				WHERE d.member_id IN (` + mine + `)
			)
			UPDATE departures d SET city_code = pick.city, place = pick.label FROM pick WHERE d.id = pick.id`, []any{under}},
		{"incomes", `UPDATE members SET monthly_income_fen = (200000 + floor(random() * 1000000))::bigint
			WHERE category IN ('在职', '个体', '离退休') AND id IN (` + mine + `)`, []any{under}},
		{"secretaries", `INSERT INTO roles (member_id, org_unit_id, role)
			SELECT min(m.id), m.branch_id, 'secretary' FROM members m WHERE m.id IN (` + mine + `) GROUP BY m.branch_id`, []any{under}},
		{"chat identities", `INSERT INTO chat_identities (member_id, platform, account, handle)
			SELECT id, $2, $3, 'u' || id FROM members
			WHERE id IN (` + mine + `) AND (random() < 0.7 OR id IN (SELECT member_id FROM roles))`,
			[]any{under, o.Platform, o.Account}},
		{"location updates", `INSERT INTO locations (member_id, reported_at, province_code, city_code, label, source)
			SELECT d.member_id,
				(d.departed_on + floor(random() * ($2::date - d.departed_on + 1))::int)::timestamp + interval '9 hours' + random() * interval '10 hours',
				CASE WHEN u.moved THEN c.province ELSE d.province_code END,
				CASE WHEN u.moved THEN c.city ELSE d.city_code END,
				CASE WHEN u.moved THEN c.label ELSE d.place END, 'text'
			FROM departures d
			CROSS JOIN LATERAL generate_series(1, floor(random() * 10)::int + d.id * 0) k
			CROSS JOIN LATERAL (SELECT random() + k * 0 < 0.2 AS moved) u
			CROSS JOIN LATERAL (SELECT * FROM synthetic_cities ORDER BY random() + k * 0 + d.id * 0 LIMIT 1) c
			WHERE d.returned_on IS NULL AND d.city_code <> '' AND d.member_id IN (` + mine + `)`, []any{under, today}},
		{"justified absences", `INSERT INTO justified_absences (member_id, reason, starts_on, until_on)
			SELECT id, '住院治疗', $2::date - 30, $2::date + floor(random() * 300)::int FROM members
			WHERE id IN (` + mine + `) AND random() < 0.01`, []any{under, today}},
		{"alert groups", `INSERT INTO alert_groups (org_unit_id, platform, account, group_handle, group_name)
			SELECT id, $2, $3, 'g' || id, name || '支委群' FROM org_units WHERE kind = 'branch' AND path LIKE $1 AND random() < 0.2`,
			[]any{under, o.Platform, o.Account}},
		{"reports", `INSERT INTO reports (member_id, period, thought, work, source, submitted_at, updated_at)
			SELECT d.member_id, to_char(q, 'YYYY') || 'Q' || extract(quarter FROM q), '认真学习', '按时完成任务', 'oneshot', t.at, t.at
			FROM departures d
			CROSS JOIN LATERAL generate_series(date_trunc('quarter', greatest(d.departed_on, $2::date - 730)),
				date_trunc('quarter', $2::date), interval '3 months') q
			CROSS JOIN LATERAL (SELECT q + floor(random() * least(85, $2::date - q::date + 1))::int * interval '1 day'
				+ interval '20 hours' AS at) t
			WHERE d.returned_on IS NULL AND d.member_id IN (` + mine + `)
			  AND random() < CASE WHEN q = date_trunc('quarter', $2::date) THEN 0.4 ELSE 0.8 END`, []any{under, today}},
		// Dues: each assessed member's start, monthly amount (中组发〔2008〕3号's brackets, farmers
		// and others the flat 0.20元) and payment pattern.
		{"dues ledgers", `CREATE TEMPORARY TABLE synthetic_dues ON COMMIT DROP AS
			SELECT m.id AS member_id, m.branch_id, m.category, m.monthly_income_fen AS income, x.start, x.r,
				CASE WHEN m.category IN ('在职', '个体') THEN
					CASE WHEN m.monthly_income_fen <= 300000 THEN 50 WHEN m.monthly_income_fen <= 500000 THEN 100
					     WHEN m.monthly_income_fen <= 1000000 THEN 150 ELSE 200 END
				WHEN m.category = '离退休' THEN CASE WHEN m.monthly_income_fen <= 500000 THEN 50 ELSE 100 END
				ELSE 0 END AS rate_bp
			FROM members m
			CROSS JOIN LATERAL (SELECT (date_trunc('month', $2::date) - (12 + floor(random() * 13))::int * interval '1 month')::date AS start,
				random() + m.id * 0 AS r) x
			WHERE m.category <> '' AND m.id IN (` + mine + `)`, []any{under, today}},
		{"dues amounts", `ALTER TABLE synthetic_dues ADD COLUMN monthly bigint;
			UPDATE synthetic_dues SET monthly = CASE WHEN rate_bp = 0 THEN 20 ELSE greatest(round(income * rate_bp / 10000.0), 1) END`, nil},
		{"dues assessments", `INSERT INTO dues_assessments (member_id, from_month, category, base_fen, rate_bp, monthly_fen, source, reason,
				basis, roster_category, roster_income_fen, assessed_by)
			SELECT s.member_id, f.from_month, s.category, coalesce(s.income, 0), s.rate_bp, s.monthly, '中组发〔2008〕3号', f.reason,
				'roster', s.category, s.income, 'system'
			FROM synthetic_dues s
			CROSS JOIN LATERAL (
				SELECT s.start AS from_month, 'first' AS reason
				UNION ALL
				SELECT make_date(y, 1, 1), 'annual' FROM generate_series(extract(year FROM s.start)::int + 1, extract(year FROM $1::date)::int) y
			) f`, []any{today}},
		{"dues payments", `INSERT INTO dues_payments (member_id, from_month, to_month, amount_fen, place, org_unit_id, paid_at, recorded_by)
			SELECT s.member_id, mo::date, (mo + (p.len - 1) * interval '1 month')::date, p.len * s.monthly,
				CASE WHEN random() < 0.2 THEN 'inflow' ELSE 'home' END, s.branch_id, mo + interval '5 days', 'seed'
			FROM synthetic_dues s
			CROSS JOIN LATERAL (SELECT CASE WHEN s.r >= 0.6 AND s.r < 0.8 THEN 3 ELSE 1 END AS len,
				CASE WHEN s.r >= 0.8 AND s.r < 0.9 THEN (s.start + floor(random() * (date_trunc('month', $1::date)::date - s.start) / 30) * interval '1 month')::date
				     WHEN s.r < 0.3 THEN date_trunc('month', $1::date)::date
				     ELSE (date_trunc('month', $1::date) - interval '1 month')::date END AS last) p
			CROSS JOIN LATERAL generate_series(s.start, p.last, p.len * interval '1 month') mo
			WHERE NOT (s.r >= 0.9 AND extract(month FROM mo)::int % 5 = 0)`, []any{today}},
		{"dues reversals", `INSERT INTO dues_payments (member_id, from_month, to_month, amount_fen, reverses, place, org_unit_id, note, paid_at, recorded_by)
			SELECT member_id, from_month, to_month, -amount_fen, id, place, org_unit_id, '录错', paid_at, 'seed'
			FROM dues_payments WHERE recorded_by = 'seed' AND reverses IS NULL AND random() < 0.01`, nil},
		{"dues re-entries", `INSERT INTO dues_payments (member_id, from_month, to_month, amount_fen, place, org_unit_id, paid_at, recorded_by)
			SELECT member_id, from_month, to_month, -amount_fen, place, org_unit_id, paid_at, 'seed'
			FROM dues_payments WHERE recorded_by = 'seed' AND reverses IS NOT NULL`, nil},
		{"dues waivers", `INSERT INTO dues_exemptions (member_id, from_month, to_month, kind, reason, approved_by, recorded_by)
			SELECT member_id, (start + interval '2 months')::date, (start + interval '4 months')::date, 'waive', '生活困难', '基准测试党委', 'seed'
			FROM synthetic_dues WHERE random() < 0.02`, nil},
		{"organizational life", `INSERT INTO org_life (member_id, held_on, place, kind, status, source, recorded_at)
			SELECT d.member_id, h::date, d.place || '某党支部', '主题党日',
				CASE WHEN random() < 0.7 THEN 'confirmed' ELSE 'pending' END, 'chat', h + interval '1 day'
			FROM departures d
			CROSS JOIN LATERAL (SELECT random() + d.id * 0 AS r, d.departed_on + 15 + floor(random() * 30)::int AS first,
				$2::date - CASE WHEN random() < 0.2 THEN 90 + floor(random() * 300)::int ELSE floor(random() * 30)::int END AS last) x
			CROSS JOIN LATERAL generate_series(x.first, x.last, interval '40 days') h
			WHERE d.returned_on IS NULL AND d.place <> '' AND x.r < 0.7 AND d.member_id IN (` + mine + `)`, []any{under, today}},
		{"certificates", `INSERT INTO certificates (member_id, number, issuer, issued_on, reviewed_on, review_base_on, inflow_on, inflow_org)
			SELECT c.member_id, 'S' || c.member_id, '基准测试党委', c.issued,
				CASE WHEN c.reviews > 0 THEN c.base END, c.base,
				CASE WHEN c.r < 0.5 THEN least(c.issued + floor(random() * 90)::int, $2::date) END,
				CASE WHEN c.r < 0.5 THEN c.place || '某党支部' ELSE '' END
			FROM (
				SELECT x.*, (x.issued + make_interval(years => x.reviews))::date AS base
				FROM (
					SELECT d.member_id, d.place, i.issued, random() AS r,
						greatest(floor(($2::date - i.issued) / 365.25)::int - CASE WHEN random() < 0.15 THEN 1 ELSE 0 END, 0) AS reviews
					FROM departures d
					CROSS JOIN LATERAL (SELECT least(d.departed_on + floor(random() * 60)::int, $2::date) AS issued) i
					WHERE d.member_id IN (` + mine + `)
					  AND ((d.returned_on IS NULL AND random() < 0.6)
					    OR (d.returned_on > $2::date - 60 AND random() < 0.6))
				) x
			) c`, []any{under, today}},
	}
}

// Analyze refreshes the planner's statistics (after a bulk load).
func (s *Store) Analyze(ctx context.Context) error {
	_, err := s.q.ExecContext(ctx, `ANALYZE`)
	return wrap("analyze", err)
}
