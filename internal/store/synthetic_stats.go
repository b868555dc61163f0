package store

import (
	"context"
	"fmt"
	"time"
)

// SyntheticSpec sizes a generated organisation for benchmarks and load tests.
type SyntheticSpec struct {
	Members int
	// MembersPerBranch and BranchesPerGeneral shape the tree: committee → general branches →
	// branches (defaults 50 and 100).
	MembersPerBranch   int
	BranchesPerGeneral int
	// HomeProvince is the two-digit province code of the committee (省内 departures use it).
	HomeProvince string
	// Today anchors ages and departure dates.
	Today time.Time
	// OutflowShare and InflowShare are the shares of members marked 流出 (away) and 流入
	// (defaults 0.12 and 0.02, a rural committee's).
	OutflowShare, InflowShare float64
}

// SeedSynthetic fills the database under root with generated members and departures, in
// PostgreSQL (generate_series), with fixed pseudo-random distributions close to a rural
// committee's: about 12% of members marked 流出 and away (务工 mostly, 60% within the
// province, 5% without a known place), 2% 流入 (both shares can be set), and a returned
// departure in the history of one member in ten. GenerateSynthetic builds the scheduler's
// histories on it. For benchmarks and load tests only: it adds, and never touches existing rows.
func (s *Store) SeedSynthetic(ctx context.Context, root OrgUnit, spec SyntheticSpec) error {
	if spec.MembersPerBranch <= 0 {
		spec.MembersPerBranch = 50
	}
	if spec.BranchesPerGeneral <= 0 {
		spec.BranchesPerGeneral = 100
	}
	if spec.OutflowShare <= 0 {
		spec.OutflowShare = 0.12
	}
	if spec.InflowShare <= 0 {
		spec.InflowShare = 0.02
	}
	branches := (spec.Members + spec.MembersPerBranch - 1) / spec.MembersPerBranch
	generals := (branches + spec.BranchesPerGeneral - 1) / spec.BranchesPerGeneral
	today := spec.Today.Format(time.DateOnly)
	steps := []struct {
		what  string
		query string
		args  []any
	}{
		{"create general branches", `
			INSERT INTO org_units (parent_id, kind, name)
			SELECT $1, 'general_branch', '合成第' || g || '党总支' FROM generate_series(1, $2) g`,
			[]any{root.ID, generals}},
		{"create branches", `
			INSERT INTO org_units (parent_id, kind, name)
			SELECT gb.id, 'branch', '合成第' || b || '党支部'
			FROM generate_series(1, $2) b
			JOIN org_units gb ON gb.parent_id = $1 AND gb.name = '合成第' || ((b - 1) / $3 + 1) || '党总支'`,
			[]any{root.ID, branches, spec.BranchesPerGeneral}},
		{"set paths", `
			UPDATE org_units o SET path = p.path || o.id || '/'
			FROM org_units p WHERE o.parent_id = p.id AND o.path = '' AND p.path <> ''`, nil},
		{"set paths", `
			UPDATE org_units o SET path = p.path || o.id || '/'
			FROM org_units p WHERE o.parent_id = p.id AND o.path = '' AND p.path <> ''`, nil},
		// random() after setseed: the same data on every run (INSERT … SELECT runs in one process).
		{"create members", `
			WITH ids AS (
				SELECT array_agg(id ORDER BY id) AS ids FROM org_units
				WHERE kind = 'branch' AND path LIKE $4 || '%' AND name LIKE '合成第%'
			)
			INSERT INTO members (branch_id, name, gender, birth_date, education, category, mobility)
			SELECT ids[1 + (i - 1) / $3], '合成党员' || i,
				CASE WHEN r1 < 0.7 THEN '男' ELSE '女' END,
				$2::date - ((18 + floor(power(r2, 1.3) * 72)) * 365.25 + r3 * 365)::int,
				CASE WHEN r4 < 0.03 THEN '研究生' WHEN r4 < 0.25 THEN '大学本科' WHEN r4 < 0.45 THEN '大学专科'
					WHEN r4 < 0.52 THEN '中专' WHEN r4 < 0.70 THEN '高中' ELSE '初中及以下' END,
				CASE WHEN r5 < 0.35 THEN '在职' WHEN r5 < 0.60 THEN '离退休' WHEN r5 < 0.88 THEN '农民'
					WHEN r5 < 0.91 THEN '学生' WHEN r5 < 0.93 THEN '失业' WHEN r5 < 0.98 THEN '个体' ELSE '' END,
				CASE WHEN r6 < $5::float8 THEN '流出' WHEN r6 < $5::float8 + $6::float8 THEN '流入' ELSE '' END
			FROM ids, (
				SELECT i, random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5, random() AS r6
				FROM generate_series(1, $1) i
			) x`,
			[]any{spec.Members, today, spec.MembersPerBranch, root.Path, spec.OutflowShare, spec.InflowShare}},
		// Most of the 流出 members are away now; one in a hundred came back last month (the
		// roster still says 流出).
		{"create departures", `
			INSERT INTO departures (member_id, departed_on, province_code, reason, returned_on, source)
			SELECT id, d, CASE WHEN rp < 0.05 THEN '' WHEN rp < 0.65 THEN $2 || '0000'
					ELSE (ARRAY['11','31','32','33','35','37','41','42','44','50','51'])[1 + floor(rq * 11)::int] || '0000' END,
				CASE WHEN rr < 0.70 THEN '务工' WHEN rr < 0.85 THEN '经商' WHEN rr < 0.93 THEN '求学' ELSE '其他' END,
				CASE WHEN rb < 0.01 THEN $1::date - 20 END, 'roster'
			FROM (
				SELECT m.id, $1::date - (30 + floor(power(random(), 1.5) * 1500))::int AS d,
					random() AS rp, random() AS rq, random() AS rr, random() AS rb
				FROM members m JOIN org_units b ON b.id = m.branch_id
				WHERE m.mobility = '流出' AND b.path LIKE $3 || '%' AND m.name LIKE '合成党员%'
			) x`,
			[]any{today, spec.HomeProvince, root.Path}},
		// One member in ten went away years ago and came back.
		{"create returned departures", `
			INSERT INTO departures (member_id, departed_on, province_code, reason, returned_on, source)
			SELECT id, d, $2 || '0000', '务工', d + 30 + (random() * 400)::int, 'roster'
			FROM (
				SELECT m.id, $1::date - 2000 - (random() * 2000)::int AS d, random() AS r
				FROM members m JOIN org_units b ON b.id = m.branch_id
				WHERE b.path LIKE $3 || '%' AND m.name LIKE '合成党员%'
			) x WHERE r < 0.10`,
			[]any{today, spec.HomeProvince, root.Path}},
	}
	err := s.InTx(ctx, func(tx *Store) error {
		if _, err := tx.q.ExecContext(ctx, `SELECT setseed(0.42)`); err != nil {
			return wrap("seed random", err)
		}
		for _, st := range steps {
			if _, err := tx.q.ExecContext(ctx, st.query, st.args...); err != nil {
				return wrap(fmt.Sprintf("synthetic data: %s", st.what), err)
			}
		}
		return nil
	})
	if err != nil || s.tx != nil {
		return err
	}
	// Fresh statistics and visibility map, as a database that has been running would have.
	_, err = s.db.ExecContext(ctx, `VACUUM ANALYZE org_units, members, departures`)
	return wrap("vacuum", err)
}
