package wechat_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"log/slog"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"liudong/bot"
	"liudong/bot/wechat"
	"liudong/bot/wechat/wxfake"
)

const waitFor = 10 * time.Second

func fakeOptions() wxfake.Options {
	return wxfake.Options{
		Self: wxfake.Contact{ID: "me", NickName: "支部助手"},
		Friends: []wxfake.Contact{
			{ID: "zhang", NickName: "张三", RemarkName: "张三(深圳)"},
			{ID: "li", NickName: "李四", RemarkName: "李四"},
			{ID: "li2", NickName: "李四", RemarkName: "李四"},
			{ID: "wang", NickName: "王五👍"},
		},
		Groups: []wxfake.Group{
			{ID: "alerts", NickName: "一支部书记群", Members: []wxfake.Member{
				{Contact: wxfake.Contact{ID: "zhang"}, DisplayName: "张书记"},
				{Contact: wxfake.Contact{ID: "zhao", NickName: "赵六"}, DisplayName: "赵六(流动)"},
			}},
			{ID: "twin1", NickName: "同名群", Members: []wxfake.Member{{Contact: wxfake.Contact{ID: "wang"}}}},
			{ID: "twin2", NickName: "同名群", Members: []wxfake.Member{{Contact: wxfake.Contact{ID: "li"}}}},
		},
		AutoConfirm:   true,
		PollWait:      50 * time.Millisecond,
		LoginPollWait: 50 * time.Millisecond,
	}
}

// newFake builds a fake WeChat, closed after the test's bots have stopped.
func newFake(t *testing.T, opts wxfake.Options) *wxfake.Fake {
	t.Helper()
	f := wxfake.New(opts)
	t.Cleanup(func() {
		waitNoSyncLoops(t)
		if u := f.Unhandled(); len(u) > 0 {
			t.Errorf("requests the fake does not serve: %v", u)
		}
		f.Close()
	})
	return f
}

// testOptions are adapter options for tests: fast retries, no throttle.
func testOptions(f *wxfake.Fake, log *slog.Logger) wechat.Options {
	return wechat.Options{
		Account:           "test-account",
		Log:               log,
		AutoAcceptFriends: true,
		Throttle:          wechat.NewIntervalThrottle(0, 0),
		Retry:             wechat.Backoff{Min: 10 * time.Millisecond, Max: 100 * time.Millisecond},
		TooOften:          wechat.Backoff{Min: 10 * time.Millisecond, Max: 50 * time.Millisecond},
		OfflineWait:       5 * time.Second,
		Location:          time.FixedZone("CST", 8*3600),
		Transport:         f,
	}
}

// running is an adapter running in the background.
type running struct {
	t      *testing.T
	p      *wechat.Platform
	cancel context.CancelFunc
	done   chan struct{}
	got    chan *bot.Message
}

// run starts the adapter with the handler handler builds (nil: one that records messages for
// next). It is stopped at the end of the test, or by stop.
func run(t *testing.T, opts wechat.Options, handler func(r *running) bot.HandleFunc) *running {
	t.Helper()
	r := &running{t: t, p: wechat.New(opts), done: make(chan struct{}), got: make(chan *bot.Message, 256)}
	handle := func(_ context.Context, m *bot.Message) bot.Result {
		r.got <- m
		return bot.Result{}
	}
	if handler != nil {
		handle = handler(r)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go func() {
		defer close(r.done)
		if err := r.p.Run(ctx, handle); err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	t.Cleanup(r.stop)
	return r
}

func (r *running) stop() {
	r.cancel()
	select {
	case <-r.done:
	case <-time.After(waitFor):
		r.t.Error("Run did not return")
	}
}

// waitOnline waits until the adapter is online.
func (r *running) waitOnline() {
	r.t.Helper()
	select {
	case <-r.p.Ready():
	case <-time.After(waitFor):
		r.t.Fatalf("not online: %+v", r.p.Health())
	}
	eventually(r.t, "online", func() bool { return r.p.Health().OK })
}

// next returns the next message handed to the app.
func (r *running) next() *bot.Message {
	r.t.Helper()
	select {
	case m := <-r.got:
		return m
	case <-time.After(waitFor):
		r.t.Fatal("no message handed over")
		return nil
	}
}

// none checks that no message is handed over for a moment.
func (r *running) none() {
	r.t.Helper()
	select {
	case m := <-r.got:
		r.t.Fatalf("unexpected message %+v", m)
	case <-time.After(300 * time.Millisecond):
	}
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
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
			t.Errorf("openwechat sync goroutine still running")
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// logs records log lines for assertions (and prints them with LIUDONG_TEST_LOG set).
type logs struct {
	mu    sync.Mutex
	lines []string
}

func newLogs() (*logs, *slog.Logger) {
	l := &logs{}
	var h slog.Handler = slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug})
	if os.Getenv("LIUDONG_TEST_LOG") != "" {
		h = slog.NewTextHandler(multiWriter{l, os.Stderr}, &slog.HandlerOptions{Level: slog.LevelDebug})
	}
	return l, slog.New(h)
}

type multiWriter struct {
	a *logs
	b *os.File
}

func (m multiWriter) Write(p []byte) (int, error) {
	m.b.Write(p)
	return m.a.Write(p)
}

func (l *logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	l.lines = append(l.lines, string(p))
	l.mu.Unlock()
	return len(p), nil
}

// find returns the log lines containing every part.
func (l *logs) find(parts ...string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
next:
	for _, line := range l.lines {
		for _, p := range parts {
			if !strings.Contains(line, p) {
				continue next
			}
		}
		out = append(out, line)
	}
	return out
}

func testPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := 0; i < 64; i++ {
		img.Set(i%8, i/8, color.RGBA{uint8(i * 4), 0, 0, 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// syncBuffer is a goroutine-safe bytes.Buffer.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
