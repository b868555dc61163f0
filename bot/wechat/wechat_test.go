package wechat_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"liudong/bot"
	"liudong/bot/wechat"
	"liudong/bot/wechat/wxfake"
	"liudong/internal/secret"
	"liudong/internal/testenv"
)

func TestQRLoginMessagesAndReplies(t *testing.T) {
	fo := fakeOptions()
	fo.AutoConfirm = false
	f := newFake(t, fo)
	_, log := newLogs()
	opts := testOptions(f, log)
	var qr syncBuffer
	var qrURLs []string
	opts.QR = &qr
	opts.OnQR = func(url string) {
		qrURLs = append(qrURLs, url) // the supervisor's goroutine
		if err := f.ConfirmScan(); err != nil {
			t.Errorf("ConfirmScan: %v", err)
		}
	}
	r := run(t, opts, func(r *running) bot.HandleFunc {
		return func(ctx context.Context, m *bot.Message) bot.Result {
			r.got <- m
			if m.Text == "[图片]" {
				return bot.Result{}
			}
			reply := bot.Outgoing{To: m.From, Group: m.Group, Text: "收到：" + m.Text}
			if m.Location != nil {
				reply.Text = "位置：" + m.Location.Label
			}
			if err := r.p.Send(ctx, reply); err != nil {
				t.Errorf("reply: %v", err)
			}
			return bot.Result{}
		}
	})
	r.waitOnline()
	if len(qrURLs) != 1 || !strings.HasPrefix(qrURLs[0], "https://login.weixin.qq.com/qrcode/") {
		t.Fatalf("QR URLs: %q", qrURLs)
	}
	if out := qr.String(); !strings.Contains(out, "█") || !strings.Contains(out, qrURLs[0]) || !strings.Contains(out, "扫码") {
		t.Errorf("QR code not drawn:\n%s", out)
	}
	if c := r.p.Counts(); c.QRLogins != 1 || !c.Online {
		t.Errorf("counts %+v", c)
	}

	// A friend writes.
	if _, err := f.SendText("zhang", "党费"); err != nil {
		t.Fatal(err)
	}
	m := r.next()
	want := bot.Message{Platform: "wechat", Account: "test-account", From: f.UserName("zhang"), Nick: "张三", Remark: "张三(深圳)", Text: "党费"}
	if m.Platform != want.Platform || m.Account != want.Account || m.From != want.From || m.Nick != want.Nick ||
		m.Remark != want.Remark || m.Text != want.Text || m.Group != "" || m.AvatarID == "" || m.ID == "" || m.At.IsZero() {
		t.Errorf("private message %+v", m)
	}
	// A group member writes a multi-line command: the text arrives intact.
	if _, err := f.SendGroupText("alerts", "zhao", "汇报:\n思想：<好>&学习"); err != nil {
		t.Fatal(err)
	}
	g := r.next()
	if g.Group != f.UserName("alerts") || g.GroupName != "一支部书记群" || g.From != f.UserName("zhao") || g.Nick != "赵六" ||
		g.Text != "汇报:\n思想：<好>&学习" {
		t.Errorf("group message %+v", g)
	}
	// Locations, from a friend and in a group.
	if _, err := f.SendLocation("wang", "广东省深圳市南山区科技园", 22.540503, 113.934528); err != nil {
		t.Fatal(err)
	}
	l := r.next()
	if l.Location == nil || l.Location.Lat != 22.540503 || l.Location.Lng != 113.934528 || l.Location.Label != "广东省深圳市南山区科技园" || l.Text != "" {
		t.Errorf("location %+v %+v", l, l.Location)
	}
	if _, err := f.SendGroupLocation("alerts", "张书记", "东莞市:长安镇", 22.81, 113.8); err != nil {
		t.Fatal(err)
	}
	gl := r.next()
	if gl.Location == nil || gl.Location.Lat != 22.81 || gl.Location.Lng != 113.8 || gl.Location.Label != "东莞市:长安镇" || gl.From != f.UserName("zhang") {
		t.Errorf("group location %+v %+v", gl, gl.Location)
	}

	// The replies reach the right chats; in a group the member is addressed.
	sent, err := f.WaitSent(4, waitFor)
	if err != nil {
		t.Fatal(err)
	}
	wantSent := []struct{ to, text string }{
		{"zhang", "收到：党费"},
		{"alerts", "@赵六(流动)\u2005收到：汇报:\n思想：<好>&学习"},
		{"wang", "位置：广东省深圳市南山区科技园"},
		{"alerts", "@张书记\u2005位置：东莞市:长安镇"},
	}
	for i, w := range wantSent {
		if sent[i].To != w.to || sent[i].Text != w.text {
			t.Errorf("sent[%d] = %s %q, want %s %q", i, sent[i].To, sent[i].Text, w.to, w.text)
		}
	}

	// System messages, the account's own messages and official accounts are not handed over;
	// a picture is, as a marker.
	must(t)(f.SendSystem("zhang", "收到红包，请在手机上查看"))
	must(t)(f.SendFromPhone("zhang", "我在手机上打的字"))
	must(t)(f.SendImage("li", testPNG(t)))
	if p := r.next(); p.Text != "[图片]" || p.From != f.UserName("li") {
		t.Errorf("picture %+v", p)
	}
	r.none()
}

func TestFriendRequestAcceptedAndGreeted(t *testing.T) {
	f := newFake(t, fakeOptions())
	_, log := newLogs()
	r := run(t, testOptions(f, log), nil)
	r.waitOnline()
	if _, err := f.SendFriendRequest("新党员", "", "我是第一党支部的"); err != nil {
		t.Fatal(err)
	}
	sent, err := f.WaitSent(1, waitFor)
	if err != nil {
		t.Fatal(err)
	}
	if !f.IsFriend("新党员") || sent[0].To != "新党员" || !strings.Contains(sent[0].Text, "绑定 123456") {
		t.Fatalf("greeting %+v (friend: %v)", sent[0], f.IsFriend("新党员"))
	}
	// The new friend can write at once; the system notice of the new friendship is skipped.
	must(t)(f.SendText("新党员", "绑定 123456"))
	if m := r.next(); m.Text != "绑定 123456" || m.Nick != "新党员" {
		t.Errorf("message from the new friend %+v", m)
	}
	r.none()
	if c := r.p.Counts(); c.FriendsAccepted != 1 {
		t.Errorf("counts %+v", c)
	}
}

func TestFriendRequestLeftAloneWhenNotConfigured(t *testing.T) {
	f := newFake(t, fakeOptions())
	logs, log := newLogs()
	opts := testOptions(f, log)
	opts.AutoAcceptFriends = false
	r := run(t, opts, nil)
	r.waitOnline()
	if _, err := f.SendFriendRequest("陌生人", "", "加个好友"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "log line", func() bool { return len(logs.find("friend request left alone")) == 1 })
	if f.IsFriend("陌生人") || len(f.Sent()) != 0 {
		t.Errorf("accepted anyway: friend %v, sent %+v", f.IsFriend("陌生人"), f.Sent())
	}
}

func TestMessagesOfOneSenderStayInOrder(t *testing.T) {
	f := newFake(t, fakeOptions())
	_, log := newLogs()
	opts := testOptions(f, log)
	opts.Workers, opts.Queue = 4, 2 // a tiny queue: intake pauses while the workers catch up
	got := make(chan string, 100)
	r := run(t, opts, func(*running) bot.HandleFunc {
		return func(_ context.Context, m *bot.Message) bot.Result {
			time.Sleep(2 * time.Millisecond)
			got <- m.Nick + ":" + m.Text
			return bot.Result{}
		}
	})
	r.waitOnline()
	for i := range 30 {
		must(t)(f.SendText("zhang", fmt.Sprint(i)))
		must(t)(f.SendText("wang", fmt.Sprint(i)))
	}
	next := map[string]int{}
	for range 60 {
		select {
		case s := <-got:
			who, n, _ := strings.Cut(s, ":")
			if n != fmt.Sprint(next[who]) {
				t.Fatalf("%s's message %s arrived when %d was due", who, n, next[who])
			}
			next[who]++
		case <-time.After(waitFor):
			t.Fatalf("only %v arrived", next)
		}
	}
}

func TestHotLoginFromRedis(t *testing.T) {
	f := newFake(t, fakeOptions())
	rdb, prefix := testenv.Redis(t)
	box, err := secret.New(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	key := prefix + "wechat:session:test"
	_, log := newLogs()
	opts := testOptions(f, log)
	opts.Sessions = wechat.NewRedisSessions(rdb, key, box)

	first := run(t, opts, nil)
	first.waitOnline()
	if c := first.p.Counts(); c.QRLogins != 1 || c.HotLogins != 0 {
		t.Fatalf("first run: %+v", first.p.Counts())
	}
	zhang := f.UserName("zhang")
	first.stop()
	waitNoSyncLoops(t)

	// The stored session is encrypted: no cookie or key in the clear.
	raw, err := rdb.Get(context.Background(), key).Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), "wxsid") || strings.Contains(string(raw), "Skey") || len(raw) < 100 {
		t.Errorf("stored session not sealed: %.80q", raw)
	}

	// A message arrives while the bot is down; the restarted bot logs in without a QR code.
	must(t)(f.SendText("zhang", "离线时发的"))
	jslogins := countRequests(f, "/jslogin")
	opts.OnQR = func(string) { t.Error("a QR code was shown") }
	second := run(t, opts, func(r *running) bot.HandleFunc {
		return func(ctx context.Context, m *bot.Message) bot.Result {
			// Images work after a hot login too (openwechat's jar dump loses the upload cookie).
			err := r.p.Send(ctx, bot.Outgoing{To: m.From, Text: "补发：" + m.Text, Image: testPNG(t)})
			if err != nil {
				t.Errorf("reply: %v", err)
			}
			return bot.Result{}
		}
	})
	second.waitOnline()
	if c := second.p.Counts(); c.HotLogins != 1 || c.QRLogins != 0 || f.Logins() != 1 || countRequests(f, "/jslogin") != jslogins {
		t.Fatalf("second run: %+v, fake logins %d", c, f.Logins())
	}
	if f.UserName("zhang") != zhang {
		t.Error("hot login changed the session")
	}
	sent, err := f.WaitSent(2, waitFor)
	if err != nil {
		t.Fatal(err)
	}
	if sent[0].Text != "补发：离线时发的" || sent[1].Type != 3 || sent[1].To != "zhang" {
		t.Errorf("sent %+v", sent)
	}
}

func TestRefusedStoredSessionFallsBackToQR(t *testing.T) {
	f := newFake(t, fakeOptions())
	rdb, prefix := testenv.Redis(t)
	logs, log := newLogs()
	opts := testOptions(f, log)
	opts.Sessions = wechat.NewRedisSessions(rdb, prefix+"wechat:session", nil)
	r := run(t, opts, nil)
	r.waitOnline()
	old := f.UserName("zhang")

	// WeChat expires the session: the running bot sees 1101, its stored session is refused,
	// and it asks for a QR scan (which the fake confirms).
	f.RefuseHotLogin()
	eventually(t, "a second login", func() bool { return f.Logins() == 2 && r.p.Health().OK })
	if c := r.p.Counts(); c.QRLogins != 2 || c.HotLogins != 0 || c.Logouts != 1 {
		t.Errorf("counts %+v", c)
	}
	if len(logs.find("logged out", "1101")) == 0 || len(logs.find("stored session refused")) == 0 {
		t.Errorf("logs: %q", logs.find("wechat"))
	}
	if f.UserName("zhang") == old {
		t.Fatal("same UserName after a new login")
	}
	must(t)(f.SendText("zhang", "还在吗"))
	if m := r.next(); m.From != f.UserName("zhang") || m.Text != "还在吗" {
		t.Errorf("after the new login: %+v", m)
	}
}

func TestTooOftenBacksOff(t *testing.T) {
	f := newFake(t, fakeOptions())
	_, log := newLogs()
	opts := testOptions(f, log)
	opts.TooOftenTries = 3
	r := run(t, opts, nil)
	r.waitOnline()
	ctx := context.Background()
	zhang := f.UserName("zhang")

	// Twice "too often", then accepted: the send pauses and goes out once.
	f.FailSend(1205, 2)
	if err := r.p.Send(ctx, bot.Outgoing{To: zhang, Text: "一"}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if sent := f.Sent(); len(sent) != 1 || sent[0].Text != "一" {
		t.Errorf("sent %+v", sent)
	}
	if n := countRequests(f, "/webwxsendmsg"); n != 3 {
		t.Errorf("%d send requests, want 3", n)
	}
	if c := r.p.Counts(); c.TooOften != 2 || c.Sent != 1 {
		t.Errorf("counts %+v", c)
	}
	// Refused every time: the message is held back as "unavailable", not dropped as failed.
	f.FailSend(1205, 10)
	err := r.p.Send(ctx, bot.Outgoing{To: zhang, Text: "二"})
	if !errors.Is(err, bot.ErrUnavailable) {
		t.Fatalf("Send = %v, want ErrUnavailable", err)
	}
	f.FailSend(0, 0)
	if err := r.p.Send(ctx, bot.Outgoing{To: zhang, Text: "二"}); err != nil {
		t.Fatal(err)
	}
	if sent := f.Sent(); len(sent) != 2 || sent[1].Text != "二" {
		t.Errorf("sent %+v", sent)
	}
}

func TestSendToGroupsByName(t *testing.T) {
	f := newFake(t, fakeOptions())
	logs, log := newLogs()
	opts := testOptions(f, log)
	opts.Groups = []string{"一支部书记群", "同名群", "不存在的群"}
	r := run(t, opts, nil)
	r.waitOnline()
	ctx := context.Background()
	if err := r.p.Send(ctx, bot.Outgoing{Group: "一支部书记群", Text: "逾期提醒", Image: testPNG(t)}); err != nil {
		t.Fatal(err)
	}
	sent, err := f.WaitSent(2, waitFor)
	if err != nil {
		t.Fatal(err)
	}
	if sent[0].To != "alerts" || !sent[0].Group || sent[0].Text != "逾期提醒" || sent[1].To != "alerts" || sent[1].Type != 3 {
		t.Errorf("sent %+v", sent)
	}
	if err := r.p.Send(ctx, bot.Outgoing{Group: "同名群", Text: "x"}); err == nil || !strings.Contains(err.Error(), "2 groups") {
		t.Errorf("duplicate name: %v", err)
	}
	if err := r.p.Send(ctx, bot.Outgoing{Group: "不存在的群", Text: "x"}); err == nil || errors.Is(err, bot.ErrUnavailable) {
		t.Errorf("missing group: %v", err)
	}
	if len(logs.find("level=ERROR", "several groups", "同名群")) == 0 || len(logs.find("level=ERROR", "not found", "不存在的群")) == 0 {
		t.Errorf("group checks not logged: %q", logs.find("group"))
	}
	// A group handle of an earlier login still reaches the group, by its name.
	old := f.UserName("alerts")
	must1(t, f.KickOut("1101"))
	eventually(t, "a new login", func() bool { return f.Logins() == 2 && r.p.Health().OK })
	if err := r.p.Send(ctx, bot.Outgoing{Group: old, Text: "重新登录后"}); err != nil {
		t.Fatal(err)
	}
	if sent, err := f.WaitSent(3, waitFor); err != nil || sent[2].To != "alerts" || sent[2].ToUserName == old {
		t.Errorf("sent %+v, %v", sent, err)
	}
}

func TestRepeated1102AfterLoginIsReportedAsRestriction(t *testing.T) {
	for _, c := range []struct {
		name   string
		window time.Duration
		want   int
	}{
		{"right after login", time.Hour, 2}, // from the second logout in a row on
		{"long after login", time.Nanosecond, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFake(t, fakeOptions())
			logs, log := newLogs()
			opts := testOptions(f, log)
			opts.RestrictWindow = c.window
			r := run(t, opts, nil)
			for i := 1; i <= 3; i++ {
				eventually(t, "login", func() bool { return f.Logins() == i && r.p.Health().OK })
				must1(t, f.KickOut("1102"))
			}
			eventually(t, "the fourth login", func() bool { return f.Logins() == 4 && r.p.Health().OK })
			if n := len(logs.find("level=ERROR", "restricting this account")); n != c.want {
				t.Errorf("%d restriction warnings after three logouts, want %d", n, c.want)
			}
		})
	}
}

func TestSendWhileLoggedOutWaitsThenFailsUnavailable(t *testing.T) {
	f := newFake(t, fakeOptions())
	_, log := newLogs()
	opts := testOptions(f, log)
	opts.OfflineWait = 50 * time.Millisecond
	p := wechat.New(opts)
	err := p.Send(context.Background(), bot.Outgoing{To: "@x", Text: "x"})
	if !errors.Is(err, bot.ErrUnavailable) {
		t.Fatalf("Send before login = %v", err)
	}
	if h := p.Health(); h.OK || h.State != "starting" {
		t.Errorf("health %+v", h)
	}
}

func must(t *testing.T) func(string, error) {
	return func(_ string, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
}

func must1(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func countRequests(f *wxfake.Fake, suffix string) int {
	n := 0
	for _, r := range f.Requests() {
		if strings.HasSuffix(r, suffix) {
			n++
		}
	}
	return n
}

// Messages still queued when the process stops are fetched again by the next hot login: the
// stored session only acknowledges messages that were handled.
func TestQueuedMessagesSurviveAStop(t *testing.T) {
	f := newFake(t, fakeOptions())
	rdb, prefix := testenv.Redis(t)
	_, log := newLogs()
	opts := testOptions(f, log)
	opts.Sessions = wechat.NewRedisSessions(rdb, prefix+"wechat:session", nil)
	opts.Workers = 1
	opts.DrainTimeout = 200 * time.Millisecond
	stuck := make(chan struct{})
	first := run(t, opts, func(r *running) bot.HandleFunc {
		return func(ctx context.Context, m *bot.Message) bot.Result {
			r.got <- m
			if m.Text == "卡住" {
				close(stuck)
				<-ctx.Done() // the handler is still busy when the process stops
			}
			return bot.Result{}
		}
	})
	first.waitOnline()
	must(t)(f.SendText("zhang", "一"))
	if m := first.next(); m.Text != "一" {
		t.Fatalf("got %q", m.Text)
	}
	must(t)(f.SendText("zhang", "卡住"))
	<-stuck
	must(t)(f.SendText("wang", "二"))
	must(t)(f.SendText("li", "三"))
	eventually(t, "the messages queued", func() bool { return first.p.Counts().Received == 4 })
	first.stop()
	waitNoSyncLoops(t)

	second := run(t, opts, nil)
	second.waitOnline()
	if c := second.p.Counts(); c.HotLogins != 1 {
		t.Fatalf("counts %+v", c)
	}
	var got []string
	for range 3 {
		got = append(got, second.next().Text)
	}
	if strings.Join(got, ",") != "卡住,二,三" {
		t.Errorf("after the restart: %q", got)
	}
	second.none() // "一" was handled: not fetched again
}

// flakySync fails synccheck requests while down is set, as a network outage would.
type flakySync struct {
	next http.RoundTripper
	down atomic.Bool
	hits atomic.Int64
}

func (f *flakySync) RoundTrip(req *http.Request) (*http.Response, error) {
	if f.down.Load() && strings.HasSuffix(req.URL.Path, "/synccheck") {
		f.hits.Add(1)
		return nil, errors.New("connection reset by peer")
	}
	return f.next.RoundTrip(req)
}

func TestSyncOutageBacksOffAndShowsInHealth(t *testing.T) {
	f := newFake(t, fakeOptions())
	logs, log := newLogs()
	opts := testOptions(f, log)
	tr := &flakySync{next: f}
	opts.Transport = tr
	opts.Retry = wechat.Backoff{Min: 100 * time.Millisecond, Max: 100 * time.Millisecond}
	r := run(t, opts, nil)
	r.waitOnline()
	tr.down.Store(true)
	eventually(t, "degraded", func() bool { return r.p.Health().State == "degraded" })
	if h := r.p.Health(); h.OK || !strings.Contains(h.Detail, "收不到") {
		t.Errorf("health %+v", h)
	}
	// openwechat tries each request 5 times; between rounds the adapter pauses 100 ms instead
	// of polling again at once (which would make thousands of requests here).
	time.Sleep(200 * time.Millisecond)
	if n := tr.hits.Load(); n > 5*12 {
		t.Errorf("%d synccheck requests in about 400 ms: not backing off", n)
	}
	tr.down.Store(false)
	eventually(t, "online again", func() bool { return r.p.Health().OK })
	must(t)(f.SendText("zhang", "恢复了"))
	if m := r.next(); m.Text != "恢复了" {
		t.Errorf("after the outage: %+v", m)
	}
	if len(logs.find("level=ERROR", "cannot reach WeChat")) != 1 || r.p.Counts().Logouts != 0 {
		t.Errorf("logs %q, counts %+v", logs.find("sync"), r.p.Counts())
	}
}
