package store_test

import (
	"context"
	"testing"
	"time"

	"liudong/internal/store"
	"liudong/internal/testenv"
)

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 9, 0, 0, 0, shanghai) }

// members creates a branch and n members in it.
func members(t testing.TB, st *store.Store, n int) []int64 {
	t.Helper()
	ctx := context.Background()
	root, _, err := st.EnsureRootOrgUnit(ctx, store.KindCommittee, "测试镇党委", "安徽省六安市")
	if err != nil {
		t.Fatal(err)
	}
	branch, _, err := st.EnsureChildOrgUnit(ctx, root, store.KindBranch, "第一党支部")
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, n)
	for i := range ids {
		m := store.Member{BranchID: branch.ID, Name: "党员" + string(rune('甲'+i)), Gender: "男",
			BirthDate: time.Date(1990, 1, 1+i, 0, 0, 0, 0, time.UTC), Education: "高中"}
		if err := st.InsertMember(ctx, &m); err != nil {
			t.Fatal(err)
		}
		ids[i] = m.ID
	}
	return ids
}

func locate(t *testing.T, st *store.Store, member int64, at time.Time, province, city, county string) {
	t.Helper()
	l := &store.Location{MemberID: member, ReportedAt: at, ProvinceCode: province, CityCode: city, CountyCode: county,
		Label: "x", Source: store.LocationText}
	if err := st.InsertLocation(context.Background(), l); err != nil {
		t.Fatal(err)
	}
}

func TestCurrentPlaces(t *testing.T) {
	st := testenv.Store(t)
	ctx := context.Background()
	ids := members(t, st, 4)
	a, b, c, none := ids[0], ids[1], ids[2], ids[3]
	_ = none
	// a: 深圳 (two districts) → 东莞 → 深圳: at 深圳 since the return.
	locate(t, st, a, day(2026, 3, 1), "440000", "440300", "440305")
	locate(t, st, a, day(2026, 4, 1), "440000", "440300", "440306")
	locate(t, st, a, day(2026, 5, 1), "440000", "441900", "")
	locate(t, st, a, day(2026, 6, 1), "440000", "440300", "")
	// b: 杭州 all along, the last update a district.
	locate(t, st, b, day(2026, 1, 10), "330000", "330100", "")
	locate(t, st, b, day(2026, 7, 10), "330000", "330100", "330106")
	// c: 仙桃 (a county directly under 湖北省: the county is the place), then 湖北 alone.
	locate(t, st, c, day(2026, 2, 1), "420000", "", "429004")
	locate(t, st, c, day(2026, 2, 20), "420000", "", "429004")
	locate(t, st, c, day(2026, 8, 1), "420000", "", "")
	// a is away: a departure open since 2026-02-20.
	d := &store.Departure{MemberID: a, DepartedOn: time.Date(2026, 2, 20, 0, 0, 0, 0, shanghai), Place: "深圳", Reason: "务工", Source: "chat"}
	if err := st.InsertDeparture(ctx, d); err != nil {
		t.Fatal(err)
	}

	now := day(2026, 9, 1)
	ps, err := st.CurrentPlaces(ctx, store.PlaceQuery{At: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 3 {
		t.Fatalf("places %+v", ps)
	}
	want := map[int64]struct {
		place, since string
		days         int
		away         bool
	}{
		a: {"440300", "2026-06-01", 92, true},
		b: {"330100", "2026-01-10", 234, false},
		c: {"420000", "2026-08-01", 31, false},
	}
	for _, p := range ps {
		w := want[p.MemberID]
		if p.PlaceCode != w.place || p.Since.In(shanghai).Format(time.DateOnly) != w.since || p.DaysAt(now) != w.days || (p.AwaySince != nil) != w.away {
			t.Errorf("member %d: %+v since %s days %d away %v; want %+v", p.MemberID, p.Location, p.Since, p.DaysAt(now), p.AwaySince, w)
		}
	}

	// The one-member query agrees with the set-based one, at every moment of the history.
	for _, id := range []int64{a, b, c} {
		for at := day(2026, 1, 1); at.Before(day(2026, 10, 1)); at = at.AddDate(0, 0, 9) {
			one, err := st.CurrentPlaceOf(ctx, id, at)
			set, _ := st.CurrentPlaces(ctx, store.PlaceQuery{At: at, MemberIDs: []int64{id}})
			switch {
			case store.IsNotFound(err) && len(set) == 0:
			case err != nil || len(set) != 1 || one.ID != set[0].ID || !one.Since.Equal(set[0].Since) ||
				(one.AwaySince == nil) != (set[0].AwaySince == nil):
				t.Errorf("member %d at %s: one %+v %v, set %+v", id, at, one, err, set)
			}
		}
	}

	// As of an earlier moment: a was in 东莞 then.
	p, err := st.CurrentPlaceOf(ctx, a, day(2026, 5, 15))
	if err != nil || p.PlaceCode != "441900" || p.DaysAt(day(2026, 5, 15)) != 14 {
		t.Errorf("a on 5-15: %+v %v", p, err)
	}
	if _, err := st.CurrentPlaceOf(ctx, a, day(2026, 1, 1)); !store.IsNotFound(err) {
		t.Errorf("before any update: %v", err)
	}
	// Six months at the same place by 2026-09-01: only b.
	long, err := st.CurrentPlaces(ctx, store.PlaceQuery{At: now, StayedSince: now.AddDate(0, -6, 0)})
	if err != nil || len(long) != 1 || long[0].MemberID != b {
		t.Errorf("stayed six months: %+v %v", long, err)
	}
	// Chosen members; an empty list asks about no one.
	some, _ := st.CurrentPlaces(ctx, store.PlaceQuery{At: now, MemberIDs: []int64{c, none}})
	if len(some) != 1 || some[0].MemberID != c {
		t.Errorf("chosen: %+v", some)
	}
	if empty, _ := st.CurrentPlaces(ctx, store.PlaceQuery{At: now, MemberIDs: []int64{}}); len(empty) != 0 {
		t.Errorf("empty list: %+v", empty)
	}
	// After the return a is no longer away.
	if err := st.CloseDeparture(ctx, d.ID, time.Date(2026, 8, 20, 0, 0, 0, 0, shanghai)); err != nil {
		t.Fatal(err)
	}
	if p, _ := st.CurrentPlaceOf(ctx, a, now); p.AwaySince != nil {
		t.Errorf("returned but away: %+v", p)
	}
	if p, _ := st.CurrentPlaceOf(ctx, a, day(2026, 8, 19)); p.AwaySince == nil || p.AwaySince.Format(time.DateOnly) != "2026-02-20" {
		t.Errorf("away on 8-19: %+v", p.AwaySince)
	}
}

func TestDaysBetween(t *testing.T) {
	cases := []struct {
		a, b time.Time
		want int
	}{
		{day(2026, 1, 1), day(2026, 1, 1), 0},
		{time.Date(2026, 1, 1, 23, 59, 0, 0, shanghai), time.Date(2026, 1, 2, 0, 1, 0, 0, shanghai), 1},
		// 2026-01-01 20:00 UTC is already 2 January in Shanghai.
		{time.Date(2026, 1, 1, 20, 0, 0, 0, time.UTC), day(2026, 1, 3), 1},
		{day(2026, 3, 1), day(2026, 2, 1), -28},
		{day(2024, 1, 1), day(2025, 1, 1), 366},
	}
	for _, tc := range cases {
		if got := store.DaysBetween(tc.a, tc.b); got != tc.want {
			t.Errorf("DaysBetween(%s, %s) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
