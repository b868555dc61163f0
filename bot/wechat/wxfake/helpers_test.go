package wxfake

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eatmoreapple/openwechat"
)

const waitFor = 5 * time.Second

func testOptions() Options {
	return Options{
		Self: Contact{ID: "me", NickName: "支部助手"},
		Uin:  2712345678,
		Friends: []Contact{
			{ID: "zhang", NickName: "张三", RemarkName: "张三(深圳)", Sex: 1, Province: "广东", City: "深圳"},
			{ID: "li", NickName: "李四"},
			{ID: "wang", NickName: "王五👍"},
			{ID: "li2", NickName: "李四"}, // same nickname as "li"
		},
		Groups: []Group{
			{ID: "alerts", NickName: "一支部书记群", Members: []Member{
				{Contact: Contact{ID: "zhang"}, DisplayName: "张书记"},
				{Contact: Contact{ID: "zhao", NickName: "赵六"}, DisplayName: "赵六(流动)"},
			}},
			{ID: "quiet", NickName: "未保存的群", Unsaved: true, Members: []Member{
				{Contact: Contact{ID: "li"}},
				{Contact: Contact{ID: "zhao"}},
			}},
		},
		MPs:             []Contact{{ID: "news", NickName: "党建新闻"}},
		AutoConfirm:     true,
		PollWait:        50 * time.Millisecond,
		LoginPollWait:   50 * time.Millisecond,
		ContactPageSize: 3,
	}
}

func newFake(t *testing.T, opts Options) *Fake {
	t.Helper()
	f := New(opts)
	t.Cleanup(func() {
		// Runs after the bots' cleanups (LIFO): bots are stopped first.
		if u := f.Unhandled(); len(u) > 0 {
			t.Errorf("unhandled requests: %v", u)
		}
		f.Close()
	})
	return f
}

// seen is what a test learns about a message. Everything that touches
// openwechat's contact cache is computed in the handler, on the sync
// goroutine, as the adapter must do.
type seen struct {
	msg       *openwechat.Message
	sender    *openwechat.User
	senderErr error
	member    *openwechat.User // group messages
	memberErr error
	hookErr   error
}

type testBot struct {
	t    *testing.T
	bot  *openwechat.Bot
	seen chan seen
	stop context.CancelFunc

	mu   sync.Mutex
	hook func(*openwechat.Message) error
}

// newBot prepares a Desktop bot against the fake; the caller logs it in.
// Cleanup cancels its context (never Bot.Exit: that races inside openwechat)
// and waits until its sync goroutine is gone.
func newBot(t *testing.T, f *Fake, prepares ...openwechat.BotPreparer) *testBot {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	prepares = append([]openwechat.BotPreparer{openwechat.Desktop, openwechat.WithContextOption(ctx)}, prepares...)
	b := openwechat.DefaultBot(prepares...)
	b.UUIDCallback = func(string) {}
	b.ScanCallBack = nil
	b.LoginCallBack = nil
	b.SyncCheckCallback = nil
	f.Install(b)
	tb := &testBot{t: t, bot: b, seen: make(chan seen, 128), stop: cancel}
	b.MessageHandler = tb.handle
	t.Cleanup(func() {
		cancel()
		waitNoSyncLoops(t)
	})
	return tb
}

func (tb *testBot) setHook(h func(*openwechat.Message) error) {
	tb.mu.Lock()
	tb.hook = h
	tb.mu.Unlock()
}

func (tb *testBot) handle(msg *openwechat.Message) {
	s := seen{msg: msg}
	if !msg.IsFriendAdd() && !msg.StatusNotify() {
		s.sender, s.senderErr = msg.Sender()
		if msg.IsComeFromGroup() {
			s.member, s.memberErr = msg.SenderInGroup()
		}
	}
	tb.mu.Lock()
	hook := tb.hook
	tb.mu.Unlock()
	if hook != nil {
		s.hookErr = hook(msg)
	}
	tb.seen <- s
}

// next returns the next message other than MsgType 51 status notices.
func (tb *testBot) next() seen {
	tb.t.Helper()
	timer := time.NewTimer(waitFor)
	defer timer.Stop()
	for {
		select {
		case s := <-tb.seen:
			if s.msg.StatusNotify() {
				continue
			}
			return s
		case <-timer.C:
			tb.t.Fatal("no message received")
		}
	}
}

func (tb *testBot) login() {
	tb.t.Helper()
	if err := tb.bot.Login(); err != nil {
		tb.t.Fatalf("Login: %v", err)
	}
}

// crash waits for the bot to stop by itself and returns openwechat's reason.
// (Bot.Block does the same but reads Bot.self, racing with the sync
// goroutine's ExitWith.)
func (tb *testBot) crash() error {
	tb.t.Helper()
	select {
	case <-tb.bot.Context().Done():
		return tb.bot.CrashReason()
	case <-time.After(waitFor):
		tb.t.Fatal("bot still running")
		return nil
	}
}

func waitNoSyncLoops(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	for {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		if !bytes.Contains(buf, []byte("openwechat.(*Bot).runMessageLoop")) {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("openwechat sync goroutine still running:\n%s", buf)
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// memStorage is an in-memory HotReloadStorage. Like openwechat's file
// storage, every Write replaces the content and Read starts from the top
// (a bytes.Buffer would append dumps and serve the oldest).
type memStorage struct {
	mu   sync.Mutex
	data []byte
	r    *bytes.Reader
}

func (m *memStorage) Write(p []byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.data = append([]byte(nil), p...)
	m.r = nil
	return len(p), nil
}

func (m *memStorage) Read(p []byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.r == nil {
		m.r = bytes.NewReader(m.data)
	}
	return m.r.Read(p)
}

func (m *memStorage) rewind() {
	m.mu.Lock()
	m.r = nil
	m.mu.Unlock()
}

func testPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 7), uint8(y * 13), uint8(x ^ y), 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func countRequests(f *Fake, path string) int {
	n := 0
	for _, r := range f.Requests() {
		if strings.HasSuffix(r, path) {
			n++
		}
	}
	return n
}
