package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"liudong/internal/store"
	"liudong/internal/testenv"
)

type fixture struct {
	t      *testing.T
	st     *store.Store
	ctx    context.Context
	branch store.OrgUnit
	other  store.OrgUnit
}

func newFixture(t *testing.T) *fixture {
	st := testenv.Store(t)
	ctx := context.Background()
	root, _, err := st.EnsureRootOrgUnit(ctx, store.KindCommittee, "测试镇党委", "安徽省六安市")
	if err != nil {
		t.Fatal(err)
	}
	b1, _, _ := st.EnsureChildOrgUnit(ctx, root, store.KindBranch, "第一党支部")
	b2, _, _ := st.EnsureChildOrgUnit(ctx, root, store.KindBranch, "第二党支部")
	return &fixture{t: t, st: st, ctx: ctx, branch: b1, other: b2}
}

func (f *fixture) member(name, mobility string, branch store.OrgUnit) int64 {
	f.t.Helper()
	m := store.Member{BranchID: branch.ID, Name: name, Gender: "男", BirthDate: time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC),
		Education: "高中", Mobility: mobility}
	if err := f.st.InsertMember(f.ctx, &m); err != nil {
		f.t.Fatal(err)
	}
	return m.ID
}

func date(s string) time.Time {
	t, err := time.ParseInLocation(time.DateOnly, s, shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

func (f *fixture) depart(member int64, on, city, place string) int64 {
	f.t.Helper()
	d := store.Departure{MemberID: member, DepartedOn: date(on), Place: place, CityCode: city, Reason: "务工", Source: "chat"}
	if city != "" {
		d.ProvinceCode = city[:2] + "0000"
	}
	if err := f.st.InsertDeparture(f.ctx, &d); err != nil {
		f.t.Fatal(err)
	}
	return d.ID
}

// report inserts a location update (issue #3 adds the store method; the table is the
// foundation's).
func (f *fixture) report(member int64, at string, province, city, label string) {
	f.t.Helper()
	ts, err := time.Parse(time.RFC3339, at)
	if err != nil {
		f.t.Fatal(err)
	}
	_, err = f.st.DB().ExecContext(f.ctx, `INSERT INTO locations (member_id, reported_at, province_code, city_code, label, source)
		VALUES ($1, $2, $3, $4, $5, 'text')`, member, ts, province, city, label)
	if err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) stays(now string, months int, excludeRegistered bool, scope []store.OrgUnit) map[string]store.Stay {
	f.t.Helper()
	at, err := time.Parse(time.RFC3339, now)
	if err != nil {
		f.t.Fatal(err)
	}
	ss, err := f.st.Stays(f.ctx, store.StayQuery{Now: at, Zone: "Asia/Shanghai", Months: months, Scope: scope})
	if err != nil {
		f.t.Fatal(err)
	}
	out := map[string]store.Stay{}
	for _, s := range ss {
		if !excludeRegistered || !s.Registered {
			out[s.Name] = s
		}
	}
	return out
}

func TestStays(t *testing.T) {
	f := newFixture(t)
	// Departure only.
	a := f.member("甲", "流出", f.branch)
	f.depart(a, "2026-01-10", "440300", "广东省深圳市")
	// Departure and updates in the same city: the departure date counts.
	b := f.member("乙", "流出", f.branch)
	f.depart(b, "2026-01-10", "440300", "广东省深圳市")
	f.report(b, "2026-03-01T10:00:00+08:00", "440000", "440300", "广东省深圳市南山区")
	// Moved: 深圳 → 东莞 → back to 深圳: the stay starts with the first update of the last run.
	c := f.member("丙", "流出", f.branch)
	f.depart(c, "2026-01-10", "440300", "广东省深圳市")
	f.report(c, "2026-02-15T10:00:00+08:00", "440000", "441900", "广东省东莞市")
	f.report(c, "2026-03-01T00:30:00+08:00", "440000", "440300", "广东省深圳市宝安区") // 2026-02-28 16:30 UTC
	f.report(c, "2026-04-01T10:00:00+08:00", "440000", "440300", "广东省深圳市福田区")
	f.report(c, "2026-04-02T10:00:00+08:00", "440000", "", "广东省") // a province says nothing of the city
	// A departure with only the place's text, then a coded update.
	d := f.member("丁", "流出", f.branch)
	f.depart(d, "2026-01-10", "", "苏州")
	f.report(d, "2026-02-01T10:00:00+08:00", "320000", "320500", "江苏省苏州市")
	// An update from an earlier trip is ignored; so is one after the clock.
	e := f.member("戊", "流出", f.branch)
	f.report(e, "2025-06-01T10:00:00+08:00", "330000", "330100", "浙江省杭州市")
	f.depart(e, "2026-01-10", "440300", "广东省深圳市")
	f.report(e, "2026-09-01T10:00:00+08:00", "330000", "330100", "浙江省杭州市")
	// Returned: no stay.
	g := f.member("己", "流出", f.branch)
	id := f.depart(g, "2025-06-01", "440300", "广东省深圳市")
	if err := f.st.CloseDeparture(f.ctx, id, date("2026-01-01")); err != nil {
		t.Fatal(err)
	}
	// An inflow member, in another branch.
	h := f.member("庚", "流入", f.other)
	f.depart(h, "2026-01-10", "340100", "安徽省合肥市")
	// Departed after the clock.
	i := f.member("辛", "流出", f.branch)
	f.depart(i, "2026-05-01", "440300", "广东省深圳市")

	all := f.stays("2026-04-15T09:00:00+08:00", 0, false, nil)
	want := map[string]struct{ since, place, key string }{
		"甲": {"2026-01-10", "广东省深圳市", "440300"},
		"乙": {"2026-01-10", "广东省深圳市南山区", "440300"},
		"丙": {"2026-03-01", "广东省深圳市福田区", "440300"},
		"丁": {"2026-02-01", "江苏省苏州市", "320500"},
		"戊": {"2026-01-10", "广东省深圳市", "440300"},
		"庚": {"2026-01-10", "安徽省合肥市", "340100"},
	}
	if len(all) != len(want) {
		t.Errorf("got %d stays, want %d: %v", len(all), len(want), all)
	}
	for name, w := range want {
		s, ok := all[name]
		if !ok {
			t.Errorf("%s: no stay", name)
			continue
		}
		if got := s.Since.Format(time.DateOnly); got != w.since || s.Place != w.place || s.PlaceKey != w.key {
			t.Errorf("%s: since %s at %s (%s), want %s at %s (%s)", name, got, s.Place, s.PlaceKey, w.since, w.place, w.key)
		}
	}
	// Thresholds: three months on the day (2026-01-10 + 3 months = 2026-04-10).
	for _, tc := range []struct {
		now  string
		want string
	}{
		{"2026-04-09T23:59:00+08:00", ""},
		{"2026-04-10T00:00:00+08:00", "甲乙戊庚"},
		{"2026-04-09T16:00:00Z", "甲乙戊庚"}, // 2026-04-10 00:00 in Shanghai
	} {
		got := ""
		for _, n := range []string{"甲", "乙", "丙", "丁", "戊", "己", "庚", "辛"} {
			if _, ok := f.stays(tc.now, 3, false, nil)[n]; ok {
				got += n
			}
		}
		if got != tc.want {
			t.Errorf("3 months at %s: %q, want %q", tc.now, got, tc.want)
		}
	}
	if _, ok := f.stays("2026-04-15T09:00:00+08:00", 3, true, nil)["庚"]; ok {
		t.Error("an inflow member counted as unregistered")
	}
	scoped := f.stays("2026-04-15T09:00:00+08:00", 0, false, []store.OrgUnit{f.other})
	if len(scoped) != 1 || scoped["庚"].MemberID != h {
		t.Errorf("scope: %v", scoped)
	}
	// The 杭州 update of September is a move: the stay restarts there.
	if s := f.stays("2026-10-01T09:00:00+08:00", 0, false, nil)["戊"]; s.PlaceKey != "330100" || s.Since.Format(time.DateOnly) != "2026-09-01" {
		t.Errorf("戊 after moving: %+v", s)
	}
	_ = fmt.Sprint(a, c, d, e, g, i)
	// Marks of the stay's period are listed with it.
	if _, err := f.st.MarkAlerts(f.ctx, "k", []store.AlertMark{{MemberID: a, Period: "440300@2026-01-10"}, {MemberID: a, Period: "other"}}); err != nil {
		t.Fatal(err)
	}
	if s := f.stays("2026-04-15T09:00:00+08:00", 0, false, nil)["甲"]; s.Period != "440300@2026-01-10" || len(s.Marked) != 1 || s.Marked[0] != "k" {
		t.Errorf("甲's marks: %+v", s)
	}
}

func TestJustifiedAbsencePredicate(t *testing.T) {
	f := newFixture(t)
	a := f.member("甲", "流出", f.branch)
	b := f.member("乙", "流出", f.branch)
	if err := f.st.InsertJustifiedAbsence(f.ctx, &store.JustifiedAbsence{MemberID: a, Reason: "住院治疗",
		StartsOn: date("2026-03-05"), UntilOn: date("2027-01-31")}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		day  string
		want int
	}{
		{"2026-03-04", 0}, {"2026-03-05", 1}, {"2026-12-31", 1}, {"2027-01-31", 1}, {"2027-02-01", 0},
	} {
		ids, err := f.st.MembersWithJustifiedAbsence(f.ctx, []int64{a, b}, date(tc.day))
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) != tc.want || (tc.want == 1 && ids[0] != a) {
			t.Errorf("%s: covered %v, want %d (member %d)", tc.day, ids, tc.want, a)
		}
	}
	states, err := f.st.AbsenceStates(f.ctx, date("2027-06-01"))
	if err != nil {
		t.Fatal(err)
	}
	if len(states) != 1 || states[0].MemberID != a || states[0].Covered || states[0].LastEnd.Format(time.DateOnly) != "2027-01-31" {
		t.Errorf("end: %+v", states)
	}
	if _, err := f.st.JustifiedAbsenceOn(f.ctx, b, date("2026-06-01")); !store.IsNotFound(err) {
		t.Errorf("b: %v", err)
	}
}

func TestAlertGroupsAndMarks(t *testing.T) {
	f := newFixture(t)
	if _, err := f.st.SetAlertGroup(f.ctx, store.AlertGroup{OrgUnitID: f.branch.ID, Platform: "sim", Account: "sim",
		GroupHandle: "g1", GroupName: "一群", SetAt: time.Now()}); !store.IsNotFound(err) {
		t.Fatalf("first group: %v", err)
	}
	prev, err := f.st.SetAlertGroup(f.ctx, store.AlertGroup{OrgUnitID: f.branch.ID, Platform: "sim", Account: "sim",
		GroupHandle: "g2", GroupName: "二群", SetAt: time.Now()})
	if err != nil || prev.GroupName != "一群" {
		t.Fatalf("replace: %+v %v", prev, err)
	}
	g, err := f.st.AlertGroupOf(f.ctx, f.branch.ID)
	if err != nil || g.GroupName != "二群" || g.OrgUnitName != "第一党支部" {
		t.Fatalf("group: %+v %v", g, err)
	}
	a := f.member("甲", "流出", f.branch)
	b := f.member("乙", "流出", f.branch)
	got, err := f.st.MarkAlerts(f.ctx, "k", []store.AlertMark{{MemberID: a, Period: "p"}, {MemberID: b, Period: "p"}})
	if err != nil || len(got) != 2 {
		t.Fatalf("marks: %v %v", got, err)
	}
	got, err = f.st.MarkAlerts(f.ctx, "k", []store.AlertMark{{MemberID: a, Period: "p"}, {MemberID: a, Period: "q"}})
	if err != nil || len(got) != 1 || got[0].Period != "q" {
		t.Fatalf("second marks: %v %v", got, err)
	}
}

// A stay counts as registered at the inflow place when the certificate in force carries an
// inflow registration (流入登记) made during it: since the member was last reported elsewhere
// on this trip, or since the departure.
func TestStayInflowRegistration(t *testing.T) {
	f := newFixture(t)
	certify := func(member int64, inflowOn string) {
		f.t.Helper()
		c := store.Certificate{MemberID: member, Number: fmt.Sprintf("N%d", member), Issuer: "测试镇党委", IssuedOn: date("2026-01-05")}
		if err := f.st.InsertCertificate(f.ctx, &c); err != nil {
			t.Fatal(err)
		}
		if inflowOn != "" {
			if err := f.st.RegisterCertificateInflow(f.ctx, c.ID, date(inflowOn), "某某支部", "李书记", nil, member); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Registered in 深圳 on arrival, before the first update there.
	a := f.member("甲", "流出", f.branch)
	f.depart(a, "2026-01-10", "440300", "广东省深圳市")
	f.report(a, "2026-02-01T10:00:00+08:00", "440000", "440300", "广东省深圳市")
	certify(a, "2026-01-20")
	// Registered in 深圳, then moved to 东莞 (last reported in 深圳 on 1 March): unregistered there.
	b := f.member("乙", "流出", f.branch)
	f.depart(b, "2026-01-10", "440300", "广东省深圳市")
	f.report(b, "2026-03-01T10:00:00+08:00", "440000", "440300", "广东省深圳市")
	f.report(b, "2026-03-20T10:00:00+08:00", "440000", "441900", "广东省东莞市")
	certify(b, "2026-01-20")
	// Moved to 东莞 and registered there after the last report from 深圳.
	c := f.member("丙", "流出", f.branch)
	f.depart(c, "2026-01-10", "440300", "广东省深圳市")
	f.report(c, "2026-03-01T10:00:00+08:00", "440000", "440300", "广东省深圳市")
	f.report(c, "2026-03-20T10:00:00+08:00", "440000", "441900", "广东省东莞市")
	certify(c, "2026-03-10")
	// A certificate without an inflow registration; no certificate at all.
	d := f.member("丁", "流出", f.branch)
	f.depart(d, "2026-01-10", "440300", "广东省深圳市")
	certify(d, "")
	e := f.member("戊", "流出", f.branch)
	f.depart(e, "2026-01-10", "440300", "广东省深圳市")

	stays := f.stays("2026-08-01T09:00:00+08:00", 0, false, nil)
	for name, want := range map[string]bool{"甲": true, "乙": false, "丙": true, "丁": false, "戊": false} {
		if s, ok := stays[name]; !ok || s.Registered != want {
			t.Errorf("%s: registered %v, want %v (%+v)", name, s.Registered, want, s)
		}
	}
	// A certificate handed back no longer registers anyone.
	cert, err := f.st.CertificateInForce(f.ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.ReturnCertificate(f.ctx, cert.ID, date("2026-07-01"), a, ""); err != nil {
		t.Fatal(err)
	}
	if f.stays("2026-08-01T09:00:00+08:00", 0, false, nil)["甲"].Registered {
		t.Error("甲 registered with a returned certificate")
	}
}
