package wechat

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
)

type memSessions struct {
	mu    sync.Mutex
	saved []string
}

func (m *memSessions) Load(context.Context) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.saved) == 0 {
		return nil, nil
	}
	return []byte(m.saved[len(m.saved)-1]), nil
}

func (m *memSessions) Save(_ context.Context, b []byte) error {
	m.mu.Lock()
	m.saved = append(m.saved, string(b))
	m.mu.Unlock()
	return nil
}

func (m *memSessions) last() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.saved) == 0 {
		return ""
	}
	return m.saved[len(m.saved)-1]
}

// A dump is saved only once the messages received before it are handled: after a crash the
// stored SyncKey makes WeChat deliver again whatever was still queued.
func TestDumpsWaitForTheirMessages(t *testing.T) {
	mem := &memSessions{}
	h := &hotStorage{store: mem, log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		prepare: func(b []byte) []byte { return append([]byte("prepared:"), b...) }}

	// The login's dump is saved at once, through the prepare hook.
	h.Write([]byte("login"))
	if mem.last() != "prepared:login" {
		t.Fatalf("saved %q", mem.saved)
	}
	// Batch 1: a dump, then two messages handed over, then the next poll.
	h.Write([]byte("d1"))
	a, b := h.enqueued(), h.enqueued()
	h.batchEnd()
	if mem.last() != "prepared:login" {
		t.Fatal("d1 saved before its messages were handled")
	}
	// Batch 2 arrives while batch 1 is still being handled.
	h.Write([]byte("d2"))
	c := h.enqueued()
	h.batchEnd()
	// The second worker finishes batch 2 first: nothing can be saved yet.
	h.handled(c)
	h.handled(b)
	if mem.last() != "prepared:login" {
		t.Fatalf("saved %q before message %d was handled", mem.last(), a)
	}
	// With every message handled, the newest dump is saved (d1 is skipped, d2 covers it).
	h.handled(a)
	if got := mem.saved; got[len(got)-1] != "d2" || len(got) != 2 {
		t.Fatalf("saved %q", got)
	}
	// A dump whose batch never completed (the process stopped mid-batch) is never saved.
	h.Write([]byte("d3"))
	h.enqueued()
	if mem.last() != "d2" {
		t.Fatalf("saved %q", mem.last())
	}
	// A dump with an empty batch (contacts changed, no message) is saved at the next poll.
	h2 := &hotStorage{store: mem, log: h.log}
	h2.Write([]byte("login2"))
	h2.Write([]byte("e1"))
	h2.batchEnd()
	if mem.last() != "e1" {
		t.Fatalf("saved %q", mem.last())
	}
}

func TestHotStorageReadsTheStoredSessionOnce(t *testing.T) {
	mem := &memSessions{saved: []string{`{"UUID":"x"}`}}
	h := &hotStorage{store: mem, read: true}
	got, err := io.ReadAll(h)
	if err != nil || string(got) != `{"UUID":"x"}` {
		t.Fatalf("read %q, %v", got, err)
	}
	empty := &hotStorage{store: &memSessions{}, read: true}
	if _, err := io.ReadAll(empty); err != errNoStoredSession {
		t.Fatalf("empty store: %v", err)
	}
	qr := &hotStorage{store: mem, read: false}
	if got, err := io.ReadAll(qr); err != nil || len(got) != 0 {
		t.Fatalf("QR login storage read %q, %v", got, err)
	}
}
