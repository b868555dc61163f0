package wechat_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"liudong/bot/wechat"
	"liudong/bot/wechat/wxfake"
	"liudong/internal/app"
	"liudong/internal/config"
	"liudong/internal/notify"
	"liudong/internal/roster"
	"liudong/internal/store"
	"liudong/internal/testenv"
)

const e2eRoster = `姓名,性别,出生日期,学历,所在党支部,手机号码,职务
王书记,男,1970-01-01,大学本科,第一党支部,13800000001,书记
张三,男,1990-03-15,高中,第一党支部,13912345678,
李四,男,1985-11-02,初中及以下,第二党支部,,
`

// world is the whole bot (app, dispatcher, WeChat adapter) against a fake WeChat.
type world struct {
	t     *testing.T
	ctx   context.Context
	fake  *wxfake.Fake
	app   *app.App
	st    *store.Store
	p     *wechat.Platform
	d     *notify.Dispatcher
	logs  *logs
	stop  context.CancelFunc
	done  chan struct{}
	sent  int // fake sends already looked at
	clock time.Time
}

func newWorld(t *testing.T, fo wxfake.Options, editCfg func(*config.Config), editOpts func(*wechat.Options)) *world {
	t.Helper()
	f := newFake(t, fo)
	url := testenv.DatabaseURL(t)
	st, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	rdb, prefix := testenv.Redis(t)
	cfg := testenv.Config(t, url, prefix)
	cfg.Platform = "wechat"
	cfg.WeChat.Account = "支部助手"
	// The throttle's spacing is tested in internal/notify; here it only has to let sends through.
	cfg.Notify.MinInterval, cfg.Notify.Jitter = 10*time.Millisecond, 0
	lg, log := newLogs()
	if editCfg != nil {
		editCfg(&cfg)
	}
	a, err := app.New(cfg, log, st, rdb)
	if err != nil {
		t.Fatal(err)
	}
	imp := roster.NewImporter(st, a.Box, cfg.Committee, cfg.Location())
	if res, err := imp.Import(context.Background(), strings.NewReader(e2eRoster), "roster.csv", roster.Options{}); err != nil || len(res.Rejected) > 0 {
		t.Fatalf("import: %v %+v", err, res.Rejected)
	}
	w := &world{t: t, ctx: context.Background(), fake: f, app: a, st: st, logs: lg, done: make(chan struct{})}
	p, err := a.WeChat(w.ctx, nil, func() { w.d.Wake() }, func(o *wechat.Options) {
		o.Transport = f
		o.Throttle = wechat.NewIntervalThrottle(0, 0)
		o.Retry = wechat.Backoff{Min: 10 * time.Millisecond, Max: 100 * time.Millisecond}
		o.TooOften = wechat.Backoff{Min: 10 * time.Millisecond, Max: 50 * time.Millisecond}
		if editOpts != nil {
			editOpts(o)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	w.p = p
	w.d = a.Dispatcher(p)
	ctx, cancel := context.WithCancel(context.Background())
	w.stop = cancel
	handle := a.Handler(p, w.d, false)
	go func() {
		defer close(w.done)
		done := make(chan struct{})
		go func() { w.d.Run(ctx); close(done) }()
		p.Run(ctx, handle)
		<-done
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-w.done:
		case <-time.After(waitFor):
			t.Error("the bot did not stop")
		}
	})
	select {
	case <-p.Ready():
	case <-time.After(waitFor):
		t.Fatalf("not online: %+v", p.Health())
	}
	return w
}

// say sends a private message from a fake contact and returns the bot's reply texts to it.
func (w *world) say(from, text string) string {
	w.t.Helper()
	if _, err := w.fake.SendText(from, text); err != nil {
		w.t.Fatal(err)
	}
	return w.replies(from)
}

// replies waits for the bot's next message(s) to a contact and returns their texts.
func (w *world) replies(to string) string {
	w.t.Helper()
	deadline := time.Now().Add(waitFor)
	for {
		sent := w.fake.Sent()
		var out []string
		for _, s := range sent[w.sent:] {
			if s.To == to {
				out = append(out, s.Text)
			}
		}
		if len(out) > 0 {
			// Let a second part of the same answer land, then take everything.
			time.Sleep(100 * time.Millisecond)
			sent = w.fake.Sent()
			out = out[:0]
			for _, s := range sent[w.sent:] {
				if s.To == to {
					out = append(out, s.Text)
				}
			}
			w.sent = len(sent)
			return strings.Join(out, "\n")
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("no reply to %s; sent so far: %+v", to, sent)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (w *world) member(name string) store.Member {
	w.t.Helper()
	ms, err := w.st.MembersByName(w.ctx, name, nil)
	if err != nil || len(ms) != 1 {
		w.t.Fatalf("member %s: %v %v", name, ms, err)
	}
	return ms[0]
}

// bind binds a fake contact to a member through WeChat, with a fresh binding code.
func (w *world) bind(contact, name string) {
	w.t.Helper()
	code, err := w.app.Binding.IssueCode(w.ctx, w.member(name).ID, "test", time.Now())
	if err != nil {
		w.t.Fatal(err)
	}
	if got := w.say(contact, "绑定 "+code.Code); !strings.Contains(got, "绑定成功") {
		w.t.Fatalf("binding %s: %q", name, got)
	}
}

func (w *world) identity(name string) store.ChatIdentity {
	w.t.Helper()
	ci, err := w.st.IdentityOfMember(w.ctx, "wechat", "支部助手", w.member(name).ID)
	if err != nil {
		w.t.Fatal(err)
	}
	return ci
}

// relogin kicks the session out and waits for the adapter's next login to be online.
func (w *world) relogin(retcode string) {
	w.t.Helper()
	n := w.fake.Logins()
	if err := w.fake.KickOut(retcode); err != nil {
		w.t.Fatal(err)
	}
	eventually(w.t, "a new login", func() bool { return w.fake.Logins() > n && w.p.Health().OK })
}

func TestBindingThroughWeChatSurvivesRelogin(t *testing.T) {
	w := newWorld(t, fakeOptions(), func(cfg *config.Config) {
		cfg.Notify.Groups = map[string]string{"第一党支部": "一支部书记群"}
	}, nil)
	// An unknown sender is told how to bind; then binds with a code.
	if got := w.say("zhang", "你好"); !strings.Contains(got, "绑定") {
		t.Fatalf("unbound: %q", got)
	}
	w.bind("zhang", "张三")
	ci := w.identity("张三")
	if ci.Handle != w.fake.UserName("zhang") || ci.Nickname != "张三" || ci.Remark != "张三(深圳)" || ci.AvatarID == "" || ci.NeedsVerify {
		t.Fatalf("stored identity %+v", ci)
	}
	if got := w.say("zhang", "帮助"); !strings.Contains(got, "张三同志") {
		t.Fatalf("help: %q", got)
	}

	// WeChat logs the bot out; the stored session is dead, so the bot logs in by QR code and
	// every UserName changes. 张三 changed his nickname meanwhile, but his avatar and the remark
	// the bot's owner gave him still say who he is: he is still 张三, without being asked.
	old := ci.Handle
	must1(t, w.fake.UpdateContact("zhang", func(c *wxfake.Contact) { c.NickName = "张三在深圳" }))
	w.relogin("1101")
	if w.fake.UserName("zhang") == old {
		t.Fatal("UserName unchanged")
	}
	if got := w.say("zhang", "帮助"); !strings.Contains(got, "张三同志") {
		t.Fatalf("after re-login: %q", got)
	}
	if ci := w.identity("张三"); ci.Handle != w.fake.UserName("zhang") || ci.NeedsVerify || ci.Nickname != "张三在深圳" {
		t.Fatalf("identity after re-login %+v", ci)
	}

	// An org unit's notification goes to its configured group.
	branch := w.member("张三").BranchID
	id, err := notify.Enqueue(w.ctx, w.st, notify.Message{Kind: "test.alert", Period: "1", OrgUnitID: branch, Text: "一支部逾期提醒"})
	if err != nil || id == 0 {
		t.Fatal(id, err)
	}
	w.d.Wake()
	if got := w.replies("alerts"); got != "一支部逾期提醒" {
		t.Fatalf("group alert: %q", got)
	}
}

func TestLookAlikeNicknameMustReverify(t *testing.T) {
	fo := fakeOptions()
	fo.Friends[0].RemarkName = "" // 张三 has no remark name
	w := newWorld(t, fo, nil, nil)
	w.bind("li", "李四")    // 李四: nickname 李四, remark 李四; li2 has the same nickname and remark
	w.bind("zhang", "张三") // 张三 has a phone number in the roster

	// While the bot is logged out, 李四 changes his avatar and 张三 his nickname.
	must1(t, w.fake.UpdateContact("li", func(c *wxfake.Contact) { c.AvatarID = "777000111" }))
	must1(t, w.fake.UpdateContact("zhang", func(c *wxfake.Contact) { c.NickName = "张三丰" }))
	w.relogin("1102")
	// li and li2 now match 李四's binding equally well; 张三丰 shares only the avatar: both wait.
	for _, name := range []string{"李四", "张三"} {
		if ci := w.identity(name); !ci.NeedsVerify || strings.HasPrefix(ci.Handle, "@") {
			t.Fatalf("%s: %+v", name, ci)
		}
	}
	// A notification for 李四 waits for him instead of going to a look-alike.
	if _, err := notify.Enqueue(w.ctx, w.st, notify.Message{Kind: "test.notice", Period: "1", MemberID: w.member("李四").ID, Text: "党费通知"}); err != nil {
		t.Fatal(err)
	}
	w.d.Wake()
	eventually(t, "the notice deferred", func() bool {
		ns, _ := w.st.NotificationsByKind(w.ctx, "test.notice")
		return len(ns) == 1 && ns[0].Status == store.OutboxPending && strings.Contains(ns[0].LastError, "re-verify")
	})
	if ns, _ := w.st.NotificationsByKind(w.ctx, "test.notice"); ns[0].Attempts != 0 {
		t.Errorf("deferral spent an attempt: %+v", ns[0])
	}

	// The look-alike is asked to confirm, never treated as 李四, never told whose record it is.
	got := w.say("li2", "党费")
	if !strings.Contains(got, "出生日期") || strings.Contains(got, "李四") {
		t.Fatalf("look-alike: %q", got)
	}
	if got := w.say("li2", "1985年1月1日"); !strings.Contains(got, "不一致") || !strings.Contains(got, "还可以再试") {
		t.Fatalf("wrong birth date: %q", got)
	}
	// The real 李四 confirms with his birth date (no phone on file) and is himself again.
	if got := w.say("li", "帮助"); !strings.Contains(got, "出生日期") {
		t.Fatalf("real 李四 asked: %q", got)
	}
	if got := w.say("li", "1985-11-02"); !strings.Contains(got, "身份已确认：李四同志") {
		t.Fatalf("real 李四 confirms: %q", got)
	}
	if got := w.say("li", "帮助"); !strings.Contains(got, "李四同志") {
		t.Fatalf("李四 after confirming: %q", got)
	}
	if ci := w.identity("李四"); ci.NeedsVerify || ci.Handle != w.fake.UserName("li") || ci.AvatarID != "777000111" {
		t.Fatalf("李四's identity %+v", ci)
	}
	// The look-alike is now just a stranger.
	if got := w.say("li2", "帮助"); !strings.Contains(got, "还没有绑定") {
		t.Fatalf("look-alike afterwards: %q", got)
	}

	// 张三 (renamed) confirms with birth date and the last four digits of his phone.
	if got := w.say("zhang", "你好"); !strings.Contains(got, "出生日期") {
		t.Fatalf("张三 asked: %q", got)
	}
	if got := w.say("zhang", "１９９０年３月１５日"); !strings.Contains(got, "后4位") {
		t.Fatalf("张三 birth date: %q", got)
	}
	if got := w.say("zhang", "0000"); !strings.Contains(got, "不对") {
		t.Fatalf("张三 wrong phone: %q", got)
	}
	if got := w.say("zhang", "5678"); !strings.Contains(got, "身份已确认：张三同志") {
		t.Fatalf("张三 phone: %q", got)
	}
	if ci := w.identity("张三"); ci.NeedsVerify || ci.Nickname != "张三丰" {
		t.Fatalf("张三's identity %+v", ci)
	}
	audits, err := w.st.AuditByAction(w.ctx, "member.reverify")
	if err != nil || len(audits) != 2 {
		t.Errorf("reverify audits: %d %v", len(audits), err)
	}
}

func TestVerificationLocksOutGuessers(t *testing.T) {
	w := newWorld(t, fakeOptions(), func(cfg *config.Config) {
		cfg.Binding.MaxFailures = 2
	}, nil)
	w.bind("li", "李四")
	must1(t, w.fake.UpdateContact("li", func(c *wxfake.Contact) { c.AvatarID = "1" }))
	w.relogin("1101")
	w.say("li2", "你好")
	w.say("li2", "1980-01-01")
	if got := w.say("li2", "1980-01-02"); !strings.Contains(got, "暂停") {
		t.Fatalf("second wrong answer: %q", got)
	}
	if got := w.say("li2", "1985-11-02"); !strings.Contains(got, "错误次数过多") {
		t.Fatalf("locked out: %q", got)
	}
	// The lockout is per chat account: the real 李四 can still confirm.
	w.say("li", "你好")
	if got := w.say("li", "1985年11月2日"); !strings.Contains(got, "身份已确认") {
		t.Fatalf("李四: %q", got)
	}
}

func TestOutboxResumesAfterLogoutWithoutDuplicates(t *testing.T) {
	w := newWorld(t, fakeOptions(), nil, func(o *wechat.Options) {
		// Slow enough for the logout to land in the middle of the run.
		o.Throttle = wechat.NewIntervalThrottle(20*time.Millisecond, 0)
	})
	w.bind("zhang", "张三")
	zhang := w.member("张三").ID
	before := len(w.fake.Sent())
	const n = 12
	for i := 1; i <= n; i++ {
		if _, err := notify.Enqueue(w.ctx, w.st, notify.Message{Kind: "test.notice", Period: fmt.Sprint(i), MemberID: zhang, Text: fmt.Sprintf("通知%02d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	w.d.Wake()
	// Log the bot out in the middle of the run.
	if _, err := w.fake.WaitSent(before+3, waitFor); err != nil {
		t.Fatal(err)
	}
	must1(t, w.fake.KickOut("1102"))
	// And make WeChat refuse a send as too frequent after the re-login.
	eventually(t, "a new login", func() bool { return w.fake.Logins() == 2 })
	w.fake.FailSend(1205, 1)

	sent, err := w.fake.WaitSent(before+n, waitFor)
	if err != nil {
		ns, _ := w.st.NotificationsByKind(w.ctx, "test.notice")
		for _, row := range ns {
			t.Logf("row %d %s attempts %d not_before %s err %q", row.ID, row.Status, row.Attempts, row.NotBefore.Format("15:04:05.000"), row.LastError)
		}
		t.Logf("health %+v", w.p.Health())
		for _, l := range w.logs.find("wechat") {
			t.Log(l)
		}
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // a duplicate would show up now
	count := map[string]int{}
	for _, s := range w.fake.Sent()[before:] {
		if s.To != "zhang" {
			t.Errorf("sent to %s: %+v", s.To, s)
		}
		count[s.Text]++
	}
	for i := 1; i <= n; i++ {
		if c := count[fmt.Sprintf("通知%02d", i)]; c != 1 {
			t.Errorf("通知%02d sent %d times", i, c)
		}
	}
	if len(sent) < before+n {
		t.Fatal("missing sends")
	}
	ns, err := w.st.NotificationsByKind(w.ctx, "test.notice")
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range ns {
		// Failures while logged out or told to slow down did not count as attempts.
		if row.Status != store.OutboxSent || row.Attempts != 1 {
			t.Errorf("row %d: %s after %d attempts (%s)", row.ID, row.Status, row.Attempts, row.LastError)
		}
	}
	if c := w.p.Counts(); c.Logouts != 1 || c.TooOften != 1 {
		t.Errorf("counts %+v", c)
	}
	if len(w.logs.find("level=ERROR", "logged out", "1102")) == 0 {
		t.Error("the logout was not logged at error level")
	}
}
