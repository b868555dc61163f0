package alerts_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"liudong/bot/bottest"
	"liudong/internal/alerts"
	"liudong/internal/app"
	"liudong/internal/app/apptest"
	"liudong/internal/config"
	"liudong/internal/roster"
	"liudong/internal/store"
	"liudong/internal/testenv"
)

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

// The roster: branch 1 has a secretary (王书记), two outflow members away (张三 since July,
// 李四 since October 2025), an inflow member (赵丽), a member at home (钱五) and one who went
// and came back (吴六); branch 2 has 孙二 away and its secretary 周书记.
const rosterCSV = `姓名,性别,出生日期,学历,所在党支部,流动类型,外出日期,流动地点,外出原因,职务
王书记,男,1968-05-12,大学专科,第一党支部,,,,,书记
张三,男,1990-03-15,高中,第一党支部,流出,2026-07-01,广东省深圳市南山区,务工,
李四,男,1985-11-02,初中及以下,第一党支部,流出,2025-10-10,浙江省杭州市,经商,
赵丽,女,1996-08-20,大学本科,第一党支部,流入,2026-05-01,安徽省合肥市,务工,
钱五,男,1970-01-01,高中,第一党支部,,,,,
吴六,男,1988-01-01,高中,第一党支部,流出,2026-02-01,江苏省苏州市,务工,
孙二,男,1980-01-01,高中,第二党支部,流出,2026-01-05,江苏省苏州市,务工,
周书记,女,1975-01-01,大学本科,第二党支部,,,,,书记
`

func setup(t *testing.T, edit ...func(*config.Config)) *apptest.Harness {
	t.Helper()
	return setupWith(t, rosterCSV, edit...)
}

// setupWith imports the roster and binds every member of the phase 1 roster.
func setupWith(t *testing.T, roster string, edit ...func(*config.Config)) *apptest.Harness {
	t.Helper()
	h := apptest.New(t, edit...)
	h.Import(roster)
	h.Now = at("2026-11-20 10:00")
	for name, handle := range map[string]string{"王书记": "u-wang", "张三": "u-zhang", "李四": "u-li", "赵丽": "u-zhao",
		"钱五": "u-qian", "吴六": "u-wu", "孙二": "u-sun", "周书记": "u-zhou"} {
		h.Bind(name, handle)
	}
	baseline[h] = len(h.Platform.Sent())
	return h
}

// baseline is how many messages a harness had sent when setup ended (the binding replies).
var baseline = map[*apptest.Harness]int{}

// inbox lists what a handle received in private after setup.
func inbox(h *apptest.Harness, handle string) []string {
	var out []string
	for _, s := range h.Platform.Sent()[baseline[h]:] {
		if s.Group == "" && s.To == handle {
			out = append(out, s.Text)
		}
	}
	return out
}

// returned closes a member's departure (the chat's 返乡 is issue #3's).
func returned(h *apptest.Harness, name, on string) {
	h.T.Helper()
	d, err := h.Store.OpenDeparture(h.Ctx, h.Member(name).ID)
	if err != nil {
		h.T.Fatal(err)
	}
	day, _ := time.Parse(time.DateOnly, on)
	if err := h.Store.CloseDeparture(h.Ctx, d.ID, day); err != nil {
		h.T.Fatal(err)
	}
}

func report(h *apptest.Harness, name, when, province, city, label string) {
	h.T.Helper()
	_, err := h.Store.DB().ExecContext(h.Ctx, `INSERT INTO locations (member_id, reported_at, province_code, city_code, label, source)
		VALUES ($1, $2, $3, $4, $5, 'text')`, h.Member(name).ID, at(when), province, city, label)
	if err != nil {
		h.T.Fatal(err)
	}
}

func TestSpringFestivalDates(t *testing.T) {
	for year, want := range map[int]string{2024: "2024-02-10", 2025: "2025-01-29", 2026: "2026-02-17",
		2027: "2027-02-06", 2028: "2028-01-26", 2029: "2029-02-13", 2030: "2030-02-03", 2050: "2050-01-23"} {
		got := alerts.SpringFestivalDate(year, shanghai)
		if got.Format(time.DateOnly) != want || got.Location() != shanghai {
			t.Errorf("%d: %s, want %s", year, got, want)
		}
	}
}

func TestSpringFestival(t *testing.T) {
	h := setup(t)
	returned(h, "吴六", "2026-10-01")
	// The roster records departures of outflow members only; an inflow member's one (entered
	// by chat) must still not count as "expected home".
	if err := h.Store.InsertDeparture(h.Ctx, &store.Departure{MemberID: h.Member("赵丽").ID, DepartedOn: at("2026-05-01 00:00"),
		Place: "安徽省合肥市", Reason: "务工", Source: "chat"}); err != nil {
		t.Fatal(err)
	}
	if r := h.Say("u-zhou", "正当理由 孙二 住院治疗 至2027年3月"); !strings.Contains(r, "已记录") {
		t.Fatalf("正当理由: %s", r)
	}
	// 2027's 春节 is 6 February: the window opens on 23 January.
	if got := h.RunJob("spring-festival", at("2027-01-22 09:00")); len(got) != 0 {
		t.Fatalf("15 days before: %v", got)
	}
	got := h.RunJob("spring-festival", at("2027-01-23 09:00"))
	if got["spring.invite"] != 2 || got["spring.secretary"] != 1 {
		t.Fatalf("enqueued %v, want 2 invitations and 1 notice", got)
	}
	for _, handle := range []string{"u-zhang", "u-li"} {
		msgs := inbox(h, handle)
		if len(msgs) != 1 || !strings.Contains(msgs[0], "春节座谈会") || !strings.Contains(msgs[0], "2月6日") {
			t.Errorf("%s got %q", handle, msgs)
		}
	}
	// Not invited: an inflow member, a member at home, one back home, one with a justified
	// absence over the festival.
	for _, handle := range []string{"u-zhao", "u-qian", "u-wu", "u-sun"} {
		if msgs := inbox(h, handle); len(msgs) != 0 {
			t.Errorf("%s was invited: %q", handle, msgs)
		}
	}
	notice := inbox(h, "u-wang")
	if len(notice) != 1 || !strings.Contains(notice[0], "张三") || !strings.Contains(notice[0], "李四") ||
		strings.Contains(notice[0], "赵丽") || !strings.Contains(notice[0], "外出党员（2人）") {
		t.Errorf("secretary's notice: %q", notice)
	}
	if msgs := inbox(h, "u-zhou"); len(msgs) != 1 { // only the 正当理由 reply
		t.Errorf("branch 2's secretary got %q", msgs)
	}
	// Again the next day: nothing new. A member who leaves meanwhile is invited, and the
	// secretary hears of that member only.
	if got := h.RunJob("spring-festival", at("2027-01-24 09:00")); len(got) != 0 {
		t.Fatalf("second run enqueued %v", got)
	}
	if err := h.Store.InsertDeparture(h.Ctx, &store.Departure{MemberID: h.Member("钱五").ID, DepartedOn: at("2027-01-24 00:00"),
		Place: "上海市", Reason: "务工", Source: "chat"}); err != nil {
		t.Fatal(err)
	}
	got = h.RunJob("spring-festival", at("2027-01-25 09:00"))
	if got["spring.invite"] != 1 || got["spring.secretary"] != 1 {
		t.Fatalf("after 钱五 left: %v", got)
	}
	notice = inbox(h, "u-wang")
	if len(notice) != 2 || !strings.Contains(notice[1], "钱五") || strings.Contains(notice[1], "张三") {
		t.Errorf("follow-up notice: %q", notice)
	}
	// The festival itself is past the window.
	h2 := setup(t)
	if got := h2.RunJob("spring-festival", at("2027-02-06 09:00")); len(got) != 0 {
		t.Errorf("on the festival: %v", got)
	}
	// Early January 2028 looks ahead to 26 January 2028; late December 2027 to nothing yet.
	if got := h2.RunJob("spring-festival", at("2027-12-31 09:00")); len(got) != 0 {
		t.Errorf("on 31 December: %v", got)
	}
	if got := h2.RunJob("spring-festival", at("2028-01-12 09:00")); got["spring.invite"] != 4 {
		t.Errorf("12 January 2028: %v", got)
	}
}

func TestQuietHoursHoldScheduledAlerts(t *testing.T) {
	h := setup(t)
	// A job run at 23:00 enqueues, but nothing is sent before 08:00.
	got := h.RunJob("spring-festival", at("2027-01-23 23:00"))
	if got["spring.invite"] != 4 {
		t.Fatalf("enqueued %v", got)
	}
	if msgs := inbox(h, "u-zhang"); len(msgs) != 0 {
		t.Fatalf("sent during quiet hours: %q", msgs)
	}
	if n := h.DeliverDue(at("2027-01-24 07:59")); n != 0 {
		t.Fatalf("%d rows sent before 08:00", n)
	}
	// Replies are not held.
	if r := h.Say("u-wang", "逾期"); r == "" {
		t.Fatal("no reply at night")
	}
	if n := h.DeliverDue(at("2027-01-24 08:00")); n != 6 {
		t.Fatalf("%d rows sent at 08:00, want 6 (4 invitations, 2 notices)", n)
	}
	if msgs := inbox(h, "u-zhang"); len(msgs) != 1 {
		t.Fatalf("in the morning: %q", msgs)
	}
}

func TestInflowRegistrationAndTransfer(t *testing.T) {
	h := setup(t)
	// 李四 left for 杭州 on 2025-10-10: three months on 2026-01-10, six on 2026-04-10. The
	// jobs run on their own clocks, whatever the data's age.
	if got := h.RunJob("inflow-registration", at("2026-01-09 09:10")); len(got) != 0 {
		t.Fatalf("a day early: %v", got)
	}
	got := h.RunJob("inflow-registration", at("2026-01-10 09:10"))
	if got["inflow.unregistered"] != 1 {
		t.Fatalf("three months: %v", got)
	}
	msgs := inbox(h, "u-wang")
	if len(msgs) != 1 || !strings.Contains(msgs[0], "李四") || !strings.Contains(msgs[0], "流入登记") || !strings.Contains(msgs[0], "2025年10月10日") {
		t.Fatalf("secretary: %q", msgs)
	}
	if got := h.RunJob("inflow-registration", at("2026-01-11 09:10")); len(got) != 0 {
		t.Fatalf("repeat: %v", got)
	}
	if msgs := inbox(h, "u-li"); len(msgs) != 0 {
		t.Fatalf("the member got the inflow alert: %q", msgs)
	}
	// Transfer at six months: the member and the secretary.
	if got := h.RunJob("transfer-prompt", at("2026-04-09 09:20")); len(got) != 0 {
		t.Fatalf("a day before six months: %v", got)
	}
	got = h.RunJob("transfer-prompt", at("2026-04-10 09:20"))
	if got["transfer.member"] != 1 || got["transfer.secretary"] != 1 {
		t.Fatalf("six months: %v", got)
	}
	if msgs := inbox(h, "u-li"); len(msgs) != 1 || !strings.Contains(msgs[0], "组织关系") || !strings.Contains(msgs[0], "浙江省杭州市") {
		t.Fatalf("member: %q", msgs)
	}
	if msgs := inbox(h, "u-wang"); len(msgs) != 2 || !strings.Contains(msgs[1], "李四") || !strings.Contains(msgs[1], "转接") {
		t.Fatalf("secretary: %q", msgs)
	}
	// 孙二 (branch 2, 苏州 since 2026-01-05) reached three months on 2026-04-05: branch 2's
	// secretary hears of him; branch 1's hears nothing new (李四 was reported in January).
	got = h.RunJob("inflow-registration", at("2026-04-10 09:10"))
	if got["inflow.unregistered"] != 1 {
		t.Fatalf("April: %v", got)
	}
	if msgs := inbox(h, "u-zhou"); len(msgs) != 1 || !strings.Contains(msgs[0], "孙二") {
		t.Fatalf("branch 2: %q", msgs)
	}
	if msgs := inbox(h, "u-wang"); len(msgs) != 2 {
		t.Fatalf("branch 1: %q", msgs)
	}
	// 吴六 (苏州 since 2026-02-01) on 1 May, in a message of its own.
	got = h.RunJob("inflow-registration", at("2026-05-01 09:10"))
	if msgs := inbox(h, "u-wang"); got["inflow.unregistered"] != 1 || len(msgs) != 3 ||
		!strings.Contains(msgs[2], "吴六") || strings.Contains(msgs[2], "李四") {
		t.Fatalf("May: %v %q", got, msgs)
	}
	// 李四 moves to 苏州: a new stay, alerted again three months later; the inflow member 赵丽
	// never is.
	report(h, "李四", "2026-05-01 10:00", "320000", "320500", "江苏省苏州市")
	if got := h.RunJob("inflow-registration", at("2026-07-31 09:10")); got["inflow.unregistered"] != 0 {
		t.Fatalf("before three months in 苏州: %v", got)
	}
	got = h.RunJob("inflow-registration", at("2026-08-01 09:10"))
	if got["inflow.unregistered"] != 1 {
		t.Fatalf("three months in 苏州: %v", got)
	}
	if msgs := inbox(h, "u-wang"); !strings.Contains(msgs[len(msgs)-1], "江苏省苏州市，2026年5月1日起") {
		t.Fatalf("new stay: %q", msgs[len(msgs)-1])
	}
	for _, msg := range inbox(h, "u-wang") {
		if strings.Contains(msg, "赵丽") {
			t.Errorf("the inflow member was reported: %q", msg)
		}
	}
}

func TestWeeklyDigestAndOverdue(t *testing.T) {
	h := setup(t)
	// Monday 4 May 2026: 李四 is due to transfer (6 months) and unregistered (3); 吴六 (since
	// 1 February) unregistered; in branch 2, 孙二 unregistered.
	got := h.RunJob("weekly-digest", at("2026-05-04 09:00"))
	if got["digest.weekly"] != 2 {
		t.Fatalf("digest: %v", got)
	}
	msgs := inbox(h, "u-wang")
	if len(msgs) != 1 {
		t.Fatalf("branch 1 got %d messages, want one digest", len(msgs))
	}
	d := msgs[0]
	for _, want := range []string{"【每周逾期汇总】第一党支部（2026年第19周）", "外出满6个月，应转接组织关系（1人）", "在外满3个月，流入地未登记（2人）", "李四", "吴六"} {
		if !strings.Contains(d, want) {
			t.Errorf("digest lacks %q:\n%s", want, d)
		}
	}
	if strings.Contains(d, "孙二") || strings.Contains(d, "赵丽") || strings.Contains(d, "张三") {
		t.Errorf("digest lists someone else:\n%s", d)
	}
	if msgs := inbox(h, "u-zhou"); len(msgs) != 1 || !strings.Contains(msgs[0], "孙二") || strings.Contains(msgs[0], "李四") {
		t.Fatalf("branch 2's digest: %q", msgs)
	}
	if got := h.RunJob("weekly-digest", at("2026-05-10 09:00")); len(got) != 0 { // Sunday, same ISO week
		t.Fatalf("same week again: %v", got)
	}
	if got := h.RunJob("weekly-digest", at("2026-05-11 09:00")); got["digest.weekly"] != 2 {
		t.Fatalf("next week: %v", got)
	}

	// 逾期 on demand, for the secretary's own org units; full names in private.
	h.Now = at("2026-05-04 15:00")
	r := h.Say("u-wang", "逾期")
	if !strings.Contains(r, "【第一党支部】") || !strings.Contains(r, "李四") || strings.Contains(r, "孙二") {
		t.Fatalf("逾期 (branch 1): %s", r)
	}
	if r := h.Say("u-zhou", "逾期"); !strings.Contains(r, "孙二") || strings.Contains(r, "李四") {
		t.Fatalf("逾期 (branch 2): %s", r)
	}
	if r := h.Say("u-zhang", "逾期"); !strings.Contains(r, "仅限") {
		t.Fatalf("a member's 逾期: %s", r)
	}
	h.Now = at("2025-11-01 10:00")
	if r := h.Say("u-wang", "逾期"); !strings.Contains(r, "没有逾期事项") {
		t.Fatalf("nothing due yet: %s", r)
	}
	// In the alerts group: the configured level (masked by default).
	h.Now = at("2026-05-04 15:00")
	h.SayInGroup("一支部支委群", "u-wang", "设为提醒群")
	r = h.SayInGroup("一支部支委群", "u-wang", "逾期")
	if !strings.Contains(r, "李*") || strings.Contains(r, "李四") {
		t.Fatalf("逾期 in the group: %s", r)
	}
}

func TestAlertsGroup(t *testing.T) {
	h := setup(t, func(c *config.Config) { c.Notify.Detail = "count" })
	if r := h.SayInGroup("闲聊群", "u-zhang", "设为提醒群"); !strings.Contains(r, "仅限") {
		t.Fatalf("a member set the group: %q", r)
	}
	if r := h.Say("u-wang", "设为提醒群"); !strings.Contains(r, "群聊") {
		t.Fatalf("in private: %q", r)
	}
	r := h.SayInGroup("一支部支委群", "u-wang", "设为提醒群")
	if !strings.Contains(r, "第一党支部的提醒群") || !strings.Contains(r, "只显示人数") {
		t.Fatalf("set: %q", r)
	}
	h.RunJob("inflow-registration", at("2026-05-01 09:10"))
	group := h.Platform.SentToGroup("一支部支委群")
	if len(group) != 2 || !strings.Contains(group[1], "2人") || strings.Contains(group[1], "吴") {
		t.Fatalf("group alert (counts only): %q", group)
	}
	for _, msg := range inbox(h, "u-wang") {
		if strings.Contains(msg, "流入登记") {
			t.Fatalf("the secretary got it privately too: %q", msg)
		}
	}
	// Branch 2 has no group: full names in its secretary's private chat.
	if msgs := inbox(h, "u-zhou"); len(msgs) != 1 || !strings.Contains(msgs[0], "孙二") {
		t.Fatalf("branch 2: %q", msgs)
	}
	// A later 设为提醒群 replaces the group.
	r = h.SayInGroup("新支委群", "u-wang", "设为提醒群")
	if !strings.Contains(r, "原提醒群“一支部支委群”") {
		t.Fatalf("replace: %q", r)
	}
	h.RunJob("transfer-prompt", at("2026-04-10 09:20"))
	if got := h.Platform.SentToGroup("新支委群"); len(got) != 2 {
		t.Fatalf("new group: %q", got)
	}
	if got := h.Platform.SentToGroup("一支部支委群"); len(got) != 2 {
		t.Fatalf("the old group still gets alerts: %q", got)
	}
	audit, err := h.Store.AuditByAction(h.Ctx, "alert_group.set")
	if err != nil || len(audit) != 2 {
		t.Fatalf("audit: %d %v", len(audit), err)
	}
	// It is in the database: a restarted instance sends there too.
	a2, err := app.New(h.App.Cfg, h.App.Log, h.Store, h.App.Redis)
	if err != nil {
		t.Fatal(err)
	}
	d2 := a2.Dispatcher(h.Platform)
	if err := (&app.JobRunner{App: a2, Dispatcher: d2}).Run(h.Ctx, "weekly-digest", at("2026-05-04 09:00")); err != nil {
		t.Fatal(err)
	}
	if got := h.Platform.SentToGroup("新支委群"); len(got) != 3 || !strings.Contains(got[2], "每周逾期汇总") {
		t.Fatalf("after a restart: %q", got)
	}
}

// TestConfiguredGroup: notify.groups names a group for an org unit; 设为提醒群 overrides it.
func TestConfiguredGroup(t *testing.T) {
	h := setup(t, func(c *config.Config) { c.Notify.Groups = map[string]string{"第二党支部": "二支部群"} })
	h.RunJob("inflow-registration", at("2026-04-10 09:10"))
	if got := h.Platform.SentToGroup("二支部群"); len(got) != 1 || !strings.Contains(got[0], "孙*") {
		t.Fatalf("configured group: %q", got)
	}
	if msgs := inbox(h, "u-zhou"); len(msgs) != 0 {
		t.Fatalf("privately too: %q", msgs)
	}
}

// TestExactlyOnceAcrossInstances runs every job from two app instances (two connection pools,
// one database) at once, and then again: each member and secretary gets each message once.
func TestExactlyOnceAcrossInstances(t *testing.T) {
	ctx := context.Background()
	url := testenv.DatabaseURL(t)
	rdb, prefix := testenv.Redis(t)
	cfg := testenv.Config(t, url, prefix)
	var apps []*app.App
	for i := 0; i < 2; i++ {
		st, err := store.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		a, err := app.New(cfg, discard(), st, rdb)
		if err != nil {
			t.Fatal(err)
		}
		apps = append(apps, a)
	}
	res, err := apps[0].Importer().Import(ctx, strings.NewReader(rosterCSV), "roster.csv", roster.Options{})
	if err != nil || len(res.Rejected) > 0 {
		t.Fatalf("import: %v %+v", err, res.Rejected)
	}
	members, err := apps[0].Store.Directory(ctx, "test", "test", 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range members {
		if err := apps[0].Store.BindIdentity(ctx, &store.ChatIdentity{MemberID: m.ID, Platform: "test", Account: "test", Handle: "u-" + m.Name}); err != nil {
			t.Fatal(err)
		}
	}
	clocks := []time.Time{at("2026-04-13 09:00"), at("2027-01-23 09:00")}
	for round := 0; round < 2; round++ {
		var wg sync.WaitGroup
		errs := make(chan error, 2)
		for _, a := range apps {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for _, now := range clocks {
					if err := a.Jobs.RunAll(ctx, now); err != nil {
						errs <- err
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
	}
	// Both instances dispatch at once, too.
	p := bottest.New()
	var wg sync.WaitGroup
	for _, a := range apps {
		d := a.Dispatcher(p)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := d.Drain(ctx, at("2026-04-13 10:00")); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	// April 2026: 李四 and 孙二 are due; January 2027 adds 张三 and 吴六 (3 and 6 months) and 孙二's
	// six months, and the Spring Festival invitations. Phase 2: in April, each branch's list of
	// the first quarter's missing reports (李四 and 吴六; 孙二); the six-month rule (no
	// organizational life on record) reaches 李四 at six months and 孙二 at three; in January,
	// 张三 and 吴六 at six months (first contact: reminded) and 孙二 at six (told before).
	want := map[string]int{"spring.invite": 4, "spring.secretary": 2, "inflow.unregistered": 3, "transfer.member": 4,
		"transfer.secretary": 3, "digest.weekly": 4, "report.overdue": 2, "sixmonth.member": 4, "sixmonth.note": 1,
		"sixmonth.risk": 3}
	for kind, n := range want {
		rows, err := apps[0].Store.NotificationsByKind(ctx, kind)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != n {
			t.Errorf("%s: %d rows, want %d", kind, len(rows), n)
		}
		for _, r := range rows {
			if r.Status != store.OutboxSent {
				t.Errorf("%s row %d: %s %s", kind, r.ID, r.Status, r.LastError)
			}
		}
	}
	seen := map[string]int{}
	for _, s := range p.Sent() {
		seen[s.To+"|"+s.Group+"|"+s.Text]++
	}
	if len(seen) != 30 {
		t.Errorf("%d distinct messages sent, want 30", len(seen))
	}
	for k, n := range seen {
		if n > 1 {
			t.Errorf("sent %d times: %s", n, k)
		}
	}
}

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
