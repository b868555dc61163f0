package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"liudong/internal/store"
	"liudong/internal/testenv"
)

// ageAt is the age in whole years at d, as PostgreSQL's age() and the branches reckon it: a
// birthday on 29 February comes on 1 March in other years.
func ageAt(birth, d time.Time) int {
	age := d.Year() - birth.Year()
	if d.Month() < birth.Month() || (d.Month() == birth.Month() && d.Day() < birth.Day()) {
		age--
	}
	return age
}

func TestStatsAgeAtReportDate(t *testing.T) {
	ctx := context.Background()
	st := testenv.Store(t)
	root, _, err := st.EnsureRootOrgUnit(ctx, store.KindCommittee, "测试镇党委", "安徽省")
	if err != nil {
		t.Fatal(err)
	}
	date := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	type probe struct {
		birth, at string
		age       int
	}
	probes := []probe{
		{"1991-11-30", "2026-11-30", 35}, {"1991-11-30", "2026-11-29", 35},
		{"2000-02-29", "2027-02-28", 27}, {"2000-02-29", "2027-03-01", 27},
		{"2000-02-29", "2028-02-29", 28}, {"2000-02-29", "2028-02-28", 28},
		{"2027-03-01", "2028-02-29", 1}, {"2027-02-28", "2028-02-29", 1},
		{"1960-01-01", "2026-12-31", 66}, {"1960-01-01", "2026-12-31", 67},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 60 {
		birth := date("1930-01-01").AddDate(0, 0, rng.IntN(365*80))
		at := date("2020-01-01").AddDate(0, 0, rng.IntN(365*8))
		probes = append(probes, probe{birth.Format(time.DateOnly), at.Format(time.DateOnly), ageAt(birth, at) + rng.IntN(3) - 1})
	}
	for i, p := range probes {
		b, _, err := st.EnsureChildOrgUnit(ctx, root, store.KindBranch, fmt.Sprintf("第%d党支部", i+1))
		if err != nil {
			t.Fatal(err)
		}
		m := store.Member{BranchID: b.ID, Name: "甲", Gender: "男", BirthDate: date(p.birth), Education: "高中", Mobility: "流入"}
		if err := st.InsertMember(ctx, &m); err != nil {
			t.Fatal(err)
		}
		r, err := st.StatsSummary(ctx, store.StatsParams{Path: b.Path, At: date(p.at), HomeProvince: "34",
			AgeBounds: []int{p.age}, Genders: []string{"男", "女"}, Educations: []string{"高中"}, Categories: []string{""},
			Reasons: []string{"务工"}})
		if err != nil {
			t.Fatal(err)
		}
		want := []int64{1, 0}
		if ageAt(date(p.birth), date(p.at)) >= p.age {
			want = []int64{0, 1}
		}
		if got := r.In.ByAge; len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
			t.Errorf("born %s, at %s, aged %d or more: buckets %v, want %v", p.birth, p.at, p.age, got, want)
		}
	}
}
