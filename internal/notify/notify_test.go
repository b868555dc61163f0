package notify

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"liudong/bot"
	"liudong/bot/bottest"
	"liudong/internal/store"
	"liudong/internal/testenv"
)

var shanghai = mustLoad("Asia/Shanghai")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// world is a branch with a secretary (u-sec) and members bound on the fake platform.
type world struct {
	st      *store.Store
	branch  store.OrgUnit
	members map[string]int64 // handle → member id
}

func newWorld(t *testing.T, st *store.Store, handles ...string) *world {
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
	w := &world{st: st, branch: branch, members: map[string]int64{}}
	for i, h := range append([]string{"u-sec"}, handles...) {
		m := store.Member{BranchID: branch.ID, Name: fmt.Sprintf("党员%d", i), Gender: "男",
			BirthDate: time.Date(1980, 1, 1+i, 0, 0, 0, 0, time.UTC), Education: "高中"}
		if err := st.InsertMember(ctx, &m); err != nil {
			t.Fatal(err)
		}
		if err := st.BindIdentity(ctx, &store.ChatIdentity{MemberID: m.ID, Platform: "test", Account: "test", Handle: h}); err != nil {
			t.Fatal(err)
		}
		w.members[h] = m.ID
	}
	if _, err := st.GrantRole(ctx, w.members["u-sec"], branch.ID, store.RoleSecretary); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) enqueue(t *testing.T, m Message) int64 {
	t.Helper()
	id, err := Enqueue(context.Background(), w.st, m)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (w *world) dispatcher(sender bot.Sender, opts Options) *Dispatcher {
	return NewDispatcher(w.st, sender, StoreResolver{Store: w.st, Groups: NewGroups(w.st, nil, DetailMasked), Platform: "test", Account: "test"},
		discard(), opts)
}

func row(t *testing.T, st *store.Store, id int64) store.Notification {
	t.Helper()
	n, err := st.NotificationByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestQuietHours(t *testing.T) {
	q, err := ParseQuietHours("22:00", "08:00", shanghai)
	if err != nil {
		t.Fatal(err)
	}
	day, err := ParseQuietHours("12:00", "13:30", shanghai)
	if err != nil {
		t.Fatal(err)
	}
	never, _ := ParseQuietHours("00:00", "00:00", shanghai)
	for _, tc := range []struct {
		q    QuietHours
		at   string
		want bool
	}{
		{q, "2026-03-05T21:59:00+08:00", false},
		{q, "2026-03-05T22:00:00+08:00", true},
		{q, "2026-03-05T23:59:00+08:00", true},
		{q, "2026-03-06T00:00:00+08:00", true},
		{q, "2026-03-06T07:59:00+08:00", true},
		{q, "2026-03-06T08:00:00+08:00", false},
		{q, "2026-03-06T01:00:00Z", false}, // 09:00 in Shanghai
		{q, "2026-03-05T15:00:00Z", true},  // 23:00 in Shanghai
		{day, "2026-03-05T12:30:00+08:00", true},
		{day, "2026-03-05T13:30:00+08:00", false},
		{day, "2026-03-05T23:00:00+08:00", false},
		{never, "2026-03-05T23:00:00+08:00", false},
	} {
		at, _ := time.Parse(time.RFC3339, tc.at)
		if got := tc.q.Contains(at); got != tc.want {
			t.Errorf("%+v.Contains(%s) = %v, want %v", tc.q, tc.at, got, tc.want)
		}
	}
	for _, bad := range []string{"24:00", "8", "8点", ""} {
		if _, err := ParseQuietHours(bad, "08:00", shanghai); err == nil {
			t.Errorf("ParseQuietHours(%q) accepted", bad)
		}
	}
}

func TestDetail(t *testing.T) {
	entries := []Entry{{Name: "张三", Note: "广东省深圳市"}, {Name: "欧阳修", Note: ""}, {Name: "李", Note: "杭州"}}
	for _, tc := range []struct {
		d    Detail
		want string
	}{
		{DetailFull, "外出（3人）：\n· 张三：广东省深圳市\n· 欧阳修\n· 李：杭州"},
		{DetailMasked, "外出（3人）：\n· 张*：广东省深圳市\n· 欧**\n· 李*：杭州"},
		{DetailCount, "外出：3人"},
	} {
		if got := tc.d.Section("外出", entries); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.d, got, tc.want)
		}
	}
	if got := DetailMasked.Names([]string{"张三", "王小明"}); got != "张*、王**" {
		t.Errorf("masked names: %q", got)
	}
	if got := DetailCount.Names([]string{"张三", "王小明"}); got != "2人" {
		t.Errorf("count names: %q", got)
	}
	if DetailFull.Section("外出", nil) != "" {
		t.Error("an empty section should render as nothing")
	}
	many := make([]Entry, MaxListed+3)
	for i := range many {
		many[i] = Entry{Name: "张三"}
	}
	if got := DetailFull.Section("外出", many); !strings.HasSuffix(got, "……另有3人") || strings.Count(got, "· ") != MaxListed {
		t.Errorf("long list not cut: %q", got[len(got)-40:])
	}
	if _, err := ParseDetail("names"); err == nil {
		t.Error("ParseDetail accepted a bad level")
	}
}

func TestEnqueueBatchSkipsKnownKeys(t *testing.T) {
	st := testenv.Store(t)
	w := newWorld(t, st, "u-a", "u-b")
	ctx := context.Background()
	msgs := []Message{
		{Kind: "k", Period: "p1", MemberID: w.members["u-a"], Text: "a", Scheduled: true},
		{Kind: "k", Period: "p1", MemberID: w.members["u-b"], Text: "b", Scheduled: true},
		{Kind: "k", Period: "p1", OrgUnitID: w.branch.ID, Text: "org"},
	}
	ids, err := EnqueueBatch(ctx, st, msgs)
	if err != nil || len(ids) != 3 {
		t.Fatalf("first batch: %v %v", ids, err)
	}
	msgs = append(msgs, Message{Kind: "k", Period: "p2", MemberID: w.members["u-a"], Text: "a2"})
	ids, err = EnqueueBatch(ctx, st, msgs)
	if err != nil || len(ids) != 1 {
		t.Fatalf("second batch inserted %v (want only the new key), err %v", ids, err)
	}
	if id := w.enqueue(t, Message{Kind: "k", Period: "p2", MemberID: w.members["u-a"], Text: "again"}); id != 0 {
		t.Errorf("Enqueue of a known key returned id %d", id)
	}
	if _, err := EnqueueBatch(ctx, st, []Message{{Kind: "k", Period: "x", Text: "nobody"}}); err == nil {
		t.Error("a message with no recipient was accepted")
	}
	n := row(t, st, ids[0])
	if n.QuietHours || n.Recipient != fmt.Sprintf("member:%d", w.members["u-a"]) {
		t.Errorf("row stored as %+v", n)
	}
}

func TestDispatcherRetriesThenGivesUpWithReason(t *testing.T) {
	st := testenv.Store(t)
	w := newWorld(t, st, "u-a")
	p := bottest.New()
	d := w.dispatcher(p, Options{MaxAttempts: 3})
	ctx := context.Background()
	id := w.enqueue(t, Message{Kind: "k", Period: "1", MemberID: w.members["u-a"], Text: "你好"})
	p.FailNextSends(10)
	clock := time.Now()
	for attempt := 1; attempt <= 3; attempt++ {
		d.now = func() time.Time { return clock }
		if n, err := d.Drain(ctx, clock); err != nil || n != 1 {
			t.Fatalf("attempt %d: claimed %d, err %v", attempt, n, err)
		}
		r := row(t, st, id)
		if r.Attempts != attempt || r.LastError == "" {
			t.Fatalf("after attempt %d: %+v", attempt, r)
		}
		if attempt < 3 && (r.Status != store.OutboxPending || !r.NotBefore.After(clock)) {
			t.Fatalf("attempt %d not put back with a backoff: %+v", attempt, r)
		}
		clock = r.NotBefore.Add(time.Second)
	}
	r := row(t, st, id)
	if r.Status != store.OutboxFailed || !strings.Contains(r.LastError, "refused") {
		t.Fatalf("not given up with the reason: status %s, error %q", r.Status, r.LastError)
	}
	d.now = func() time.Time { return clock.Add(24 * time.Hour) }
	if n, _ := d.Drain(ctx, clock); n != 0 || len(p.Sent()) != 0 {
		t.Errorf("a failed row was sent again")
	}
}

func TestNoRecipientIsFinal(t *testing.T) {
	st := testenv.Store(t)
	w := newWorld(t, st)
	ctx := context.Background()
	m := store.Member{BranchID: w.branch.ID, Name: "未绑定", Gender: "女", BirthDate: time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), Education: "高中"}
	if err := st.InsertMember(ctx, &m); err != nil {
		t.Fatal(err)
	}
	id := w.enqueue(t, Message{Kind: "k", Period: "1", MemberID: m.ID, Text: "x"})
	d := w.dispatcher(bottest.New(), Options{MaxAttempts: 5})
	if _, err := d.Drain(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	if r := row(t, st, id); r.Status != store.OutboxFailed || !strings.Contains(r.LastError, "no recipient") {
		t.Errorf("got %s %q", r.Status, r.LastError)
	}
}

// partialSender refuses the first send to one handle.
type partialSender struct {
	bot.Sender
	mu      sync.Mutex
	refuse  string
	refused bool
}

func (s *partialSender) Send(ctx context.Context, out bot.Outgoing) error {
	s.mu.Lock()
	if out.To == s.refuse && !s.refused {
		s.refused = true
		s.mu.Unlock()
		return fmt.Errorf("network down")
	}
	s.mu.Unlock()
	return s.Sender.Send(ctx, out)
}

func TestRetryOfAnOrgRowSkipsSecretariesAlreadySent(t *testing.T) {
	st := testenv.Store(t)
	w := newWorld(t, st, "u-sec2")
	ctx := context.Background()
	if _, err := st.GrantRole(ctx, w.members["u-sec2"], w.branch.ID, store.RoleSecretary); err != nil {
		t.Fatal(err)
	}
	p := bottest.New()
	d := w.dispatcher(&partialSender{Sender: p, refuse: "u-sec2"}, Options{})
	id := w.enqueue(t, Message{Kind: "k", Period: "1", OrgUnitID: w.branch.ID, Text: "提醒"})
	if _, err := d.Drain(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	r := row(t, st, id)
	if r.Status != store.OutboxPending || len(r.Delivered) != 1 {
		t.Fatalf("after a partial send: %+v", r)
	}
	later := r.NotBefore.Add(time.Second)
	d.now = func() time.Time { return later }
	if _, err := d.Drain(ctx, later); err != nil {
		t.Fatal(err)
	}
	if got := len(p.SentTo("u-sec")); got != 1 {
		t.Errorf("the first secretary got %d copies, want 1", got)
	}
	if got := len(p.SentTo("u-sec2")); got != 1 {
		t.Errorf("the second secretary got %d copies, want 1", got)
	}
	if r := row(t, st, id); r.Status != store.OutboxSent {
		t.Errorf("status %s", r.Status)
	}
}

func TestOrgRowGoesToTheAlertsGroup(t *testing.T) {
	st := testenv.Store(t)
	w := newWorld(t, st)
	ctx := context.Background()
	p := bottest.New()
	d := w.dispatcher(p, Options{})
	// No group: the secretary's private chat.
	w.enqueue(t, Message{Kind: "k", Period: "1", OrgUnitID: w.branch.ID, Text: "私聊"})
	// A group set by chat on another bot account does not count on this one.
	if _, err := st.SetAlertGroup(ctx, store.AlertGroup{OrgUnitID: w.branch.ID, Platform: "test", Account: "other",
		GroupHandle: "@@x", GroupName: "别的号的群", SetAt: time.Now()}); err != nil && !store.IsNotFound(err) {
		t.Fatal(err)
	}
	w.enqueue(t, Message{Kind: "k", Period: "2", OrgUnitID: w.branch.ID, Text: "还是私聊"})
	if _, err := d.Drain(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	if got := p.SentTo("u-sec"); len(got) != 2 {
		t.Fatalf("secretary got %q", got)
	}
	// Configured group by org unit name.
	d = NewDispatcher(st, p, StoreResolver{Store: st, Groups: NewGroups(st, map[string]string{"第一党支部": "一支部工作群"}, DetailMasked),
		Platform: "test", Account: "test"}, discard(), Options{})
	w.enqueue(t, Message{Kind: "k", Period: "3", OrgUnitID: w.branch.ID, Text: "配置的群"})
	if _, err := d.Drain(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	if got := p.SentToGroup("一支部工作群"); len(got) != 1 || got[0] != "配置的群" {
		t.Fatalf("configured group got %q", got)
	}
	// A group set by chat on this account wins over the configuration.
	if _, err := st.SetAlertGroup(ctx, store.AlertGroup{OrgUnitID: w.branch.ID, Platform: "test", Account: "test",
		GroupHandle: "g-1", GroupName: "支委会", SetAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	w.enqueue(t, Message{Kind: "k", Period: "4", OrgUnitID: w.branch.ID, Text: "群里"})
	if _, err := d.Drain(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	if got := p.SentToGroup("g-1"); len(got) != 1 || got[0] != "群里" {
		t.Fatalf("chat-set group got %q", got)
	}
	if got := p.SentTo("u-sec"); len(got) != 2 {
		t.Errorf("the secretary got the group's alert privately too: %q", got)
	}
}

func TestQuietHoursHoldScheduledRowsOnly(t *testing.T) {
	st := testenv.Store(t)
	w := newWorld(t, st, "u-a")
	ctx := context.Background()
	p := bottest.New()
	quiet, _ := ParseQuietHours("22:00", "08:00", shanghai)
	d := w.dispatcher(p, Options{Quiet: quiet})
	scheduled := w.enqueue(t, Message{Kind: "k", Period: "s", MemberID: w.members["u-a"], Text: "定时提醒", Scheduled: true})
	event := w.enqueue(t, Message{Kind: "k", Period: "e", MemberID: w.members["u-a"], Text: "事件通知"})
	night := time.Date(2026, 3, 5, 23, 30, 0, 0, shanghai)
	if _, err := d.Drain(ctx, night); err != nil {
		t.Fatal(err)
	}
	if got := p.SentTo("u-a"); len(got) != 1 || got[0] != "事件通知" {
		t.Fatalf("at night the member got %q, want only the event notification", got)
	}
	if r := row(t, st, scheduled); r.Status != store.OutboxPending || r.Attempts != 0 {
		t.Fatalf("the scheduled row was touched at night: %+v", r)
	}
	// Deliver returns at once for a row held by quiet hours.
	dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := d.DeliverAt(dctx, []int64{scheduled}, night); err != nil {
		t.Fatalf("DeliverAt waited on a quiet-held row: %v", err)
	}
	if _, err := d.Drain(ctx, time.Date(2026, 3, 6, 8, 0, 0, 0, shanghai)); err != nil {
		t.Fatal(err)
	}
	if got := p.SentTo("u-a"); len(got) != 2 || got[1] != "定时提醒" {
		t.Fatalf("in the morning the member got %q", got)
	}
	if r := row(t, st, event); r.Status != store.OutboxSent {
		t.Errorf("event row %s", r.Status)
	}
}

// TestKillBetweenSendAndRecord stops the dispatcher right after the platform accepted a send,
// before it is recorded: the next dispatcher sends it again once (the only repeat the row ever
// gets); a second stop during that repeat gives the row up rather than send a third copy.
func TestKillBetweenSendAndRecord(t *testing.T) {
	st := testenv.Store(t)
	w := newWorld(t, st, "u-a", "u-b")
	ctx := context.Background()
	p := bottest.New()
	stale := time.Minute
	once := w.enqueue(t, Message{Kind: "k", Period: "once", MemberID: w.members["u-a"], Text: "一次"})

	killer := w.dispatcher(p, Options{Stale: stale})
	killer.killAfterSend = func() bool { return true }
	if _, err := killer.Drain(ctx, time.Now()); err != errKilled {
		t.Fatalf("killed dispatcher: %v", err)
	}
	r := row(t, st, once)
	if r.Status != store.OutboxSending || r.InFlight == nil || len(p.SentTo("u-a")) != 1 {
		t.Fatalf("after the kill: %+v, sent %d", r, len(p.SentTo("u-a")))
	}
	// Before the stale timeout nobody touches it.
	fresh := w.dispatcher(p, Options{Stale: stale})
	if n, _ := fresh.Drain(ctx, time.Now()); n != 0 {
		t.Fatalf("a live claim was taken over")
	}
	// After it, the send is repeated once.
	after := time.Now().Add(stale + time.Second)
	fresh.now = func() time.Time { return after }
	if _, err := fresh.Drain(ctx, after); err != nil {
		t.Fatal(err)
	}
	r = row(t, st, once)
	if r.Status != store.OutboxSent || r.Repeats != 1 || len(p.SentTo("u-a")) != 2 {
		t.Fatalf("after the take-over: status %s repeats %d, sent %d", r.Status, r.Repeats, len(p.SentTo("u-a")))
	}
	later := after.Add(24 * time.Hour)
	fresh.now = func() time.Time { return later }
	if n, _ := fresh.Drain(ctx, later); n != 0 || len(p.SentTo("u-a")) != 2 {
		t.Fatalf("a sent row went out again")
	}

	// Killed twice: the row is given up with the reason, two copies at most.
	twice := w.enqueue(t, Message{Kind: "k", Period: "twice", MemberID: w.members["u-b"], Text: "两次"})
	killer = w.dispatcher(p, Options{Stale: stale})
	killer.killAfterSend = func() bool { return true }
	if err := killer.DeliverAt(ctx, []int64{twice}, time.Now()); err != errKilled {
		t.Fatalf("first kill: %v", err)
	}
	killer.now = func() time.Time { return after }
	if _, err := killer.Drain(ctx, after); err != errKilled {
		t.Fatalf("second kill: %v", err)
	}
	last := w.dispatcher(p, Options{Stale: stale})
	last.now = func() time.Time { return after.Add(2 * stale) }
	if _, err := last.Drain(ctx, after.Add(2*stale)); err != nil {
		t.Fatal(err)
	}
	r = row(t, st, twice)
	if r.Status != store.OutboxFailed || !strings.Contains(r.LastError, "uncertain") || len(p.SentTo("u-b")) != 2 {
		t.Fatalf("after two kills: status %s, error %q, sent %d", r.Status, r.LastError, len(p.SentTo("u-b")))
	}
}

// A dispatcher that dies after claiming, before it starts a send, leaves nothing uncertain:
// the take-over sends once, with no repeat.
func TestKillBeforeSendIsNoRepeat(t *testing.T) {
	st := testenv.Store(t)
	w := newWorld(t, st, "u-a")
	ctx := context.Background()
	id := w.enqueue(t, Message{Kind: "k", Period: "1", MemberID: w.members["u-a"], Text: "x"})
	claimed, err := st.ClaimNotifications(ctx, store.ClaimOptions{Now: time.Now(), Limit: 10, Stale: time.Minute})
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claim: %v %v", claimed, err)
	}
	// The claim's owner is gone: its token no longer holds once taken over.
	p := bottest.New()
	d := w.dispatcher(p, Options{Stale: time.Minute})
	after := time.Now().Add(2 * time.Minute)
	d.now = func() time.Time { return after }
	if _, err := d.Drain(ctx, after); err != nil {
		t.Fatal(err)
	}
	if r := row(t, st, id); r.Status != store.OutboxSent || r.Repeats != 0 || len(p.SentTo("u-a")) != 1 {
		t.Fatalf("got %+v, sent %d", r, len(p.SentTo("u-a")))
	}
	if ok, err := st.StartSend(ctx, id, claimed[0].Attempts, "member:1", time.Now()); ok || err != nil {
		t.Errorf("the stale owner could still record: %v %v", ok, err)
	}
}
