// Package apptest runs the whole bot in a test: a fresh database, a Redis prefix, the app with
// every command, the fake platform and a dispatcher that delivers synchronously.
package apptest

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"liudong/bot"
	"liudong/bot/bottest"
	"liudong/internal/app"
	"liudong/internal/config"
	"liudong/internal/notify"
	"liudong/internal/roster"
	"liudong/internal/store"
	"liudong/internal/testenv"
)

// Harness is a running bot over the fake platform.
type Harness struct {
	T        testing.TB
	Ctx      context.Context
	App      *app.App
	Platform *bottest.Platform
	Dispatch *notify.Dispatcher
	Store    *store.Store
	// Now is the clock injected messages carry; zero means the real time.
	Now time.Time
}

// New starts a harness; edit, when given, adjusts the configuration first.
func New(t testing.TB, edit ...func(*config.Config)) *Harness {
	t.Helper()
	url := testenv.DatabaseURL(t)
	st, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	rdb, prefix := testenv.Redis(t)
	cfg := testenv.Config(t, url, prefix)
	for _, e := range edit {
		e(&cfg)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if os.Getenv("LIUDONG_TEST_LOG") != "" {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	a, err := app.New(cfg, log, st, rdb)
	if err != nil {
		t.Fatal(err)
	}
	p := bottest.New()
	d := a.Dispatcher(p)
	p.SetHandler(a.Handler(p, d, true))
	return &Harness{T: t, Ctx: context.Background(), App: a, Platform: p, Dispatch: d, Store: st}
}

// Import loads a CSV roster (header included) and fails the test on any rejected row.
func (h *Harness) Import(csv string) roster.Result {
	h.T.Helper()
	imp := roster.NewImporter(h.Store, h.App.Box, h.App.Cfg.Committee, h.App.Cfg.Location())
	res, err := imp.Import(h.Ctx, strings.NewReader(csv), "roster.csv", roster.Options{})
	if err != nil {
		h.T.Fatalf("import: %v", err)
	}
	if len(res.Rejected) > 0 {
		h.T.Fatalf("import rejected rows: %+v", res.Rejected)
	}
	return res
}

// Member finds the one member of that name.
func (h *Harness) Member(name string) store.Member {
	h.T.Helper()
	ms, err := h.Store.MembersByName(h.Ctx, name, nil)
	if err != nil || len(ms) != 1 {
		h.T.Fatalf("member %q: %d found, err %v", name, len(ms), err)
	}
	return ms[0]
}

// Bind issues a code for the named member and binds the chat handle with it.
func (h *Harness) Bind(name, handle string) {
	h.T.Helper()
	m := h.Member(name)
	code, err := h.App.Binding.IssueCode(h.Ctx, m.ID, "test", h.clock())
	if err != nil {
		h.T.Fatal(err)
	}
	reply := h.Say(handle, "绑定 "+code.Code)
	if !strings.Contains(reply, "绑定成功") {
		h.T.Fatalf("binding %s: %s", name, reply)
	}
}

func (h *Harness) clock() time.Time {
	if h.Now.IsZero() {
		return time.Now().In(h.App.Cfg.Location())
	}
	return h.Now
}

// Say sends a private message and returns the replies joined by newlines.
func (h *Harness) Say(handle, text string) string {
	h.T.Helper()
	res := h.Send(bot.Message{From: handle, Nick: handle, Text: text})
	return bottest.Texts(res.Replies)
}

// SayInGroup sends a message in a group chat.
func (h *Harness) SayInGroup(group, handle, text string) string {
	h.T.Helper()
	res := h.Send(bot.Message{From: handle, Nick: handle, Group: group, GroupName: group, Text: text})
	return bottest.Texts(res.Replies)
}

// Send injects a message stamped with the harness clock.
func (h *Harness) Send(m bot.Message) bot.Result {
	h.T.Helper()
	if m.At.IsZero() {
		m.At = h.clock()
	}
	return h.Platform.Inject(h.Ctx, m)
}
