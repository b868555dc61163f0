package store_test

import (
	"context"
	"testing"
	"time"

	"liudong/internal/store"
	"liudong/internal/testenv"
)

// seedWhereabouts fills a database the size the scheduler runs over: 100,000 members in 100
// branches, 5 location updates each over a year (moving city now and then), an organizational
// life every other month, a departure each and a certificate for every second member.
func seedWhereabouts(b *testing.B) *store.Store {
	b.Helper()
	st := testenv.Store(b)
	ctx := context.Background()
	root, _, err := st.EnsureRootOrgUnit(ctx, store.KindCommittee, "基准镇党委", "安徽省六安市")
	if err != nil {
		b.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO org_units (parent_id, kind, name, path) SELECT $1, 'branch', '支部' || g, '' FROM generate_series(1, 100) g`,
		`UPDATE org_units SET path = '/' || parent_id || '/' || id || '/' WHERE parent_id = $1`,
		`INSERT INTO members (branch_id, name, gender, birth_date, education)
			SELECT (SELECT min(id) FROM org_units WHERE parent_id = $1) + g % 100, '党员' || g, '男', date '1980-01-01' + g % 9000, '高中'
			FROM generate_series(1, 100000) g`,
	} {
		if _, err := st.DB().ExecContext(ctx, q, root.ID); err != nil {
			b.Fatal(err)
		}
	}
	for _, q := range []string{
		`INSERT INTO locations (member_id, reported_at, province_code, city_code, county_code, label, source)
			SELECT m.id, timestamptz '2026-01-01 09:00+08' + (k * 70 + m.id % 30) * interval '1 day',
				'440000', CASE WHEN (m.id + k) % 4 = 0 THEN '441900' ELSE '440300' END, '', '深圳', 'text'
			FROM members m, generate_series(0, 4) k`,
		`INSERT INTO org_life (member_id, held_on, place, kind, recorded_at)
			SELECT m.id, date '2026-01-05' + (k * 60 + m.id % 20)::int, '深圳南山区XX支部', '主题党日', now()
			FROM members m, generate_series(0, 5) k WHERE m.id % 7 <> 0`,
		`INSERT INTO departures (member_id, departed_on, place, reason, source, returned_on)
			SELECT id, date '2025-12-01' + (id % 30)::int, '深圳', '务工', 'chat', CASE WHEN id % 5 = 0 THEN date '2026-10-01' END FROM members`,
		`INSERT INTO certificates (member_id, number, issuer, issued_on, review_base_on)
			SELECT id, 'B' || id, '基准镇党委', date '2025-12-01' + (id % 365)::int, date '2025-12-01' + (id % 365)::int FROM members WHERE id % 2 = 0`,
		`ANALYZE locations, org_life, departures, certificates, members`,
	} {
		if _, err := st.DB().ExecContext(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	return st
}

// The scheduler's set-based questions over 100,000 members. Each iteration is one statement.
func BenchmarkWhereaboutsQueries100k(b *testing.B) {
	st := seedWhereabouts(b)
	ctx := context.Background()
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, shanghai)
	b.Run("CurrentPlaces", func(b *testing.B) {
		for b.Loop() {
			ps, err := st.CurrentPlaces(ctx, store.PlaceQuery{At: at})
			if err != nil || len(ps) != 100000 {
				b.Fatalf("%d %v", len(ps), err)
			}
		}
	})
	b.Run("CurrentPlacesStayedSixMonths", func(b *testing.B) {
		for b.Loop() {
			if _, err := st.CurrentPlaces(ctx, store.PlaceQuery{At: at, StayedSince: at.AddDate(0, -6, 0)}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("CurrentPlaceOfOne", func(b *testing.B) {
		for b.Loop() {
			if _, err := st.CurrentPlaceOf(ctx, 4242, at); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("LastOrgLives", func(b *testing.B) {
		for b.Loop() {
			if ls, err := st.LastOrgLives(ctx, at, nil); err != nil || len(ls) == 0 {
				b.Fatal(err)
			}
		}
	})
	b.Run("CertificatesReviewDue30d", func(b *testing.B) {
		for b.Loop() {
			if _, err := st.CertificatesReviewDue(ctx, at, 30, 12, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("CertificatesNotInspected14d", func(b *testing.B) {
		for b.Loop() {
			if us, err := st.CertificatesNotInspected(ctx, at, 14, nil); err != nil || len(us) == 0 {
				b.Fatalf("%d %v", len(us), err)
			}
		}
	})
}
