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
	Seed       float64   // PostgreSQL setseed, in [-1, 1]
	Today      time.Time // histories end on this day
	// Platform and Account of the generated chat bindings (70% of members).
	Platform, Account string
}

// GenerateSynthetic fills an empty database with a committee of Members members and realistic
// histories, set-based (a few statements, whatever the size): branches of BranchSize with a
// secretary each; 30% outflow members away since up to 1,000 days with 0–9 location updates
// (one in five elsewhere than where they went: a move), 4% inflow members; a past trip (4–8
// years ago, since returned) for 40% of all members; justified absences for 1%; an alerts group for one branch in
// five. Phase 2 adds reports, dues and certificates.
func (s *Store) GenerateSynthetic(ctx context.Context, o SyntheticOptions) error {
	if o.BranchSize <= 0 {
		o.BranchSize = 40
	}
	today := o.Today.Format(time.DateOnly)
	return s.InTx(ctx, func(tx *Store) error {
		root, _, err := tx.EnsureRootOrgUnit(ctx, KindCommittee, "基准测试党委", "安徽省六安市")
		if err != nil {
			return err
		}
		steps := []struct {
			what  string
			query string
			args  []any
		}{
			{"seed", `SELECT setseed($1)`, []any{o.Seed}},
			{"branches", `INSERT INTO org_units (parent_id, kind, name)
				SELECT $1, 'branch', '第' || g || '党支部' FROM generate_series(1, $2) g`,
				[]any{root.ID, (o.Members + o.BranchSize - 1) / o.BranchSize}},
			{"branch paths", `UPDATE org_units SET path = $2 || id || '/' WHERE parent_id = $1`, []any{root.ID, root.Path}},
			{"members", `
				WITH b AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM org_units WHERE parent_id = $1)
				INSERT INTO members (branch_id, name, gender, birth_date, education, category, mobility, monthly_income_fen, created_at)
				SELECT b.id,
					(ARRAY['王','李','张','刘','陈','杨','黄','赵','吴','周','徐','孙','马','朱','胡','郭','何','林','罗','高'])[1 + floor(random() * 20)::int]
					|| (ARRAY['伟','芳','娜','敏','静','丽','强','磊','军','洋','勇','艳','杰','娟','涛','明','超','秀英','建国','海燕'])[1 + floor(random() * 20)::int],
					CASE WHEN random() < 0.7 THEN '男' ELSE '女' END,
					DATE '1955-01-01' + (g % 18000),
					(ARRAY['研究生','大学本科','大学专科','中专','高中','初中及以下'])[1 + floor(random() * 6)::int],
					(ARRAY['在职','在职','在职','离退休','农民','学生','失业','个体'])[1 + floor(random() * 8)::int],
					CASE WHEN r < 0.30 THEN '流出' WHEN r < 0.34 THEN '流入' ELSE '' END,
					(200000 + floor(random() * 1000000))::bigint,
					now()
				FROM generate_series(1, $2) g
				CROSS JOIN LATERAL (SELECT random() + g * 0 AS r) x
				JOIN b ON b.n = (g - 1) / $3 + 1`,
				[]any{root.ID, o.Members, o.BranchSize}},
			{"secretaries", `INSERT INTO roles (member_id, org_unit_id, role)
				SELECT min(id), branch_id, 'secretary' FROM members GROUP BY branch_id`, nil},
			{"chat identities", `INSERT INTO chat_identities (member_id, platform, account, handle)
				SELECT id, $1, $2, 'u' || id FROM members WHERE random() < 0.7 OR id IN (SELECT member_id FROM roles)`,
				[]any{o.Platform, o.Account}},
			{"past trips", `INSERT INTO departures (member_id, departed_on, returned_on, place, province_code, city_code, reason, source)
				SELECT m.id, d.departed, d.departed + (60 + floor(random() * 340))::int, c.label, c.province, c.city, '务工', 'roster'
				FROM members m
				CROSS JOIN LATERAL (SELECT $1::date - (1500 + floor(random() * 1500) + m.id * 0)::int AS departed) d
				CROSS JOIN LATERAL (SELECT * FROM synthetic_cities ORDER BY random() + m.id * 0 LIMIT 1) c
				WHERE random() < 0.4`, []any{today}},
			{"open departures", `INSERT INTO departures (member_id, departed_on, place, province_code, city_code, reason, source)
				SELECT m.id, $1::date - floor(random() * 1000)::int, c.label, c.province, c.city,
					(ARRAY['务工','务工','务工','经商','求学','其他'])[1 + floor(random() * 6)::int], 'roster'
				FROM members m
				CROSS JOIN LATERAL (SELECT * FROM synthetic_cities ORDER BY random() + m.id * 0 LIMIT 1) c
				WHERE m.mobility = '流出'`, []any{today}},
			{"location updates", `INSERT INTO locations (member_id, reported_at, province_code, city_code, label, source)
				SELECT d.member_id,
					(d.departed_on + floor(random() * ($1::date - d.departed_on + 1))::int)::timestamp + interval '9 hours' + random() * interval '10 hours',
					CASE WHEN u.moved THEN c.province ELSE d.province_code END,
					CASE WHEN u.moved THEN c.city ELSE d.city_code END,
					CASE WHEN u.moved THEN c.label ELSE d.place END, 'text'
				FROM departures d
				CROSS JOIN LATERAL generate_series(1, floor(random() * 10)::int + d.id * 0) k
				CROSS JOIN LATERAL (SELECT random() + k * 0 < 0.2 AS moved) u
				CROSS JOIN LATERAL (SELECT * FROM synthetic_cities ORDER BY random() + k * 0 + d.id * 0 LIMIT 1) c
				WHERE d.returned_on IS NULL`, []any{today}},
			{"justified absences", `INSERT INTO justified_absences (member_id, reason, starts_on, until_on)
				SELECT id, '住院治疗', $1::date - 30, $1::date + floor(random() * 300)::int FROM members WHERE random() < 0.01`,
				[]any{today}},
			{"alert groups", `INSERT INTO alert_groups (org_unit_id, platform, account, group_handle, group_name)
				SELECT id, $2, $3, 'g' || id, name || '支委群' FROM org_units WHERE parent_id = $1 AND random() < 0.2`,
				[]any{root.ID, o.Platform, o.Account}},
		}
		if _, err := tx.q.ExecContext(ctx, `CREATE TEMPORARY TABLE synthetic_cities (province text, city text, label text) ON COMMIT DROP;
			INSERT INTO synthetic_cities VALUES
			('440000','440300','广东省深圳市'), ('440000','440100','广东省广州市'), ('440000','441900','广东省东莞市'),
			('440000','440600','广东省佛山市'), ('330000','330100','浙江省杭州市'), ('330000','330200','浙江省宁波市'),
			('320000','320500','江苏省苏州市'), ('320000','320100','江苏省南京市'), ('310000','310100','上海市'),
			('110000','110100','北京市'), ('340000','340100','安徽省合肥市'), ('340000','340200','安徽省芜湖市'),
			('350000','350200','福建省厦门市'), ('420000','420100','湖北省武汉市'), ('510000','510100','四川省成都市'),
			('120000','120100','天津市')`); err != nil {
			return wrap("generate synthetic cities", err)
		}
		for _, st := range steps {
			if _, err := tx.q.ExecContext(ctx, st.query, st.args...); err != nil {
				return wrap(fmt.Sprintf("generate synthetic %s", st.what), err)
			}
		}
		return nil
	})
}

// Analyze refreshes the planner's statistics (after a bulk load).
func (s *Store) Analyze(ctx context.Context) error {
	_, err := s.q.ExecContext(ctx, `ANALYZE`)
	return wrap("analyze", err)
}
