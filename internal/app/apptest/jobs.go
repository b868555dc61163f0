package apptest

import (
	"time"

	"liudong/internal/app"
	"liudong/internal/store"
)

// RunJob runs a scheduled job with the clock now and delivers what it enqueued, quiet hours
// judged at now (as the simulator does); it returns the rows enqueued by kind.
func (h *Harness) RunJob(name string, now time.Time) map[string]int {
	h.T.Helper()
	r := &app.JobRunner{App: h.App, Dispatcher: h.Dispatch}
	counts, err := r.RunCounted(h.Ctx, name, now)
	if err != nil {
		h.T.Fatalf("job %s: %v", name, err)
	}
	out := map[string]int{}
	for _, c := range counts {
		out[c.Kind] = c.Count
	}
	return out
}

// DeliverDue sends every due notification, quiet hours judged at clock, and returns how many
// rows it handled.
func (h *Harness) DeliverDue(clock time.Time) int {
	h.T.Helper()
	n, err := h.Dispatch.Drain(h.Ctx, clock)
	if err != nil {
		h.T.Fatal(err)
	}
	return n
}

// Outbox lists the outbox rows of a kind.
func (h *Harness) Outbox(kind string) []store.Notification {
	h.T.Helper()
	ns, err := h.Store.NotificationsByKind(h.Ctx, kind)
	if err != nil {
		h.T.Fatal(err)
	}
	return ns
}
