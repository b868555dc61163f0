package notify

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"liudong/bot"
	"liudong/bot/bottest"
	"liudong/internal/store"
	"liudong/internal/testenv"
)

// TestThrottleSpacing sends 60 queued messages through two dispatchers (two instances on one
// bot account) sharing the throttle in Redis: no two sends the fake platform recorded are
// closer than the minimum interval.
func TestThrottleSpacing(t *testing.T) {
	st := testenv.Store(t)
	rdb, prefix := testenv.Redis(t)
	w := newWorld(t, st, "u-a", "u-b", "u-c")
	ctx := context.Background()
	const minInterval = 20 * time.Millisecond
	var msgs []Message
	for i := 0; i < 60; i++ {
		h := []string{"u-a", "u-b", "u-c"}[i%3]
		msgs = append(msgs, Message{Kind: "k", Period: fmt.Sprint(i), MemberID: w.members[h], Text: fmt.Sprint(i), Scheduled: true})
	}
	if _, err := EnqueueBatch(ctx, st, msgs); err != nil {
		t.Fatal(err)
	}
	p := bottest.New()
	cfg := ThrottleConfig{MinInterval: minInterval, Jitter: 5 * time.Millisecond, DailyCap: 1000, Wait: true, Location: shanghai}
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for i := 0; i < 2; i++ {
		d := w.dispatcher(p, Options{Throttle: NewThrottle(rdb, prefix, "test", "test", cfg)})
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := d.Drain(ctx, time.Date(2026, 3, 5, 10, 0, 0, 0, shanghai)); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	sent := p.Sent()
	if len(sent) != 60 {
		t.Fatalf("sent %d messages, want 60", len(sent))
	}
	for i := 1; i < len(sent); i++ {
		if gap := sent[i].At.Sub(sent[i-1].At); gap < minInterval {
			t.Errorf("sends %d and %d only %s apart (minimum %s)", i-1, i, gap, minInterval)
		}
	}
}

// TestRepliesSkipTheWaitButCount: a reply is sent at once even right after a queued send, but
// the next queued send keeps the minimum distance from it, and it counts toward the cap.
func TestRepliesSkipTheWaitButCount(t *testing.T) {
	rdb, prefix := testenv.Redis(t)
	ctx := context.Background()
	const minInterval = 300 * time.Millisecond
	th := NewThrottle(rdb, prefix, "test", "acct", ThrottleConfig{MinInterval: minInterval, DailyCap: 100, Wait: true, Location: shanghai})
	p := bottest.New()
	replies := ReplySender{Sender: p, Throttle: th}

	slot, err := th.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p.Send(ctx, bot.Outgoing{To: "u-q", Text: "queued 1"})
	slot.Done(ctx)
	start := time.Now()
	if err := replies.Send(ctx, bot.Outgoing{To: "u-r", Text: "reply"}); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took >= minInterval {
		t.Errorf("the reply waited %s", took)
	}
	slot, err = th.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p.Send(ctx, bot.Outgoing{To: "u-q", Text: "queued 2"})
	slot.Done(ctx)
	sent := p.Sent()
	if gap := sent[2].At.Sub(sent[1].At); gap < minInterval {
		t.Errorf("the queued send came %s after the reply (minimum %s)", gap, minInterval)
	}
	if n, err := th.SentToday(ctx); err != nil || n != 3 {
		t.Errorf("counted %d sends today, want 3 (the reply included): %v", n, err)
	}
}

// TestDailyCap: once the cap is used up queued rows wait for the next day without losing an
// attempt, while replies still go out (and are counted).
func TestDailyCap(t *testing.T) {
	st := testenv.Store(t)
	rdb, prefix := testenv.Redis(t)
	w := newWorld(t, st, "u-a")
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		w.enqueue(t, Message{Kind: "k", Period: fmt.Sprint(i), MemberID: w.members["u-a"], Text: fmt.Sprint(i), Scheduled: true})
	}
	th := NewThrottle(rdb, prefix, "test", "test", ThrottleConfig{MinInterval: 10 * time.Millisecond, DailyCap: 3, Wait: true, Location: shanghai})
	p := bottest.New()
	d := w.dispatcher(p, Options{Throttle: th})
	if _, err := d.Drain(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	if got := len(p.Sent()); got != 3 {
		t.Fatalf("sent %d under a cap of 3", got)
	}
	rows, err := st.NotificationsByKind(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}
	y, m, dd := time.Now().In(shanghai).Date()
	tomorrow := time.Date(y, m, dd+1, 0, 0, 0, 0, shanghai)
	// The row claimed when the cap was found used up is put back until tomorrow; the other was
	// never claimed. Neither lost an attempt.
	waiting, released := 0, 0
	for _, r := range rows {
		if r.Status == store.OutboxPending {
			waiting++
			if r.NotBefore.Equal(tomorrow) {
				released++
			}
			if r.Attempts != 0 {
				t.Errorf("capped row %d lost an attempt", r.ID)
			}
		}
	}
	if waiting != 2 || released != 1 {
		t.Errorf("%d rows waiting (want 2), %d put back until %s (want 1)", waiting, released, tomorrow)
	}
	if n, err := d.Drain(ctx, time.Now()); n != 0 || err != nil || len(p.Sent()) != 3 {
		t.Errorf("the capped dispatcher sent more: %d %v", n, err)
	}
	if err := (ReplySender{Sender: p, Throttle: th}).Send(ctx, bot.Outgoing{To: "u-a", Text: "回复"}); err != nil {
		t.Fatal(err)
	}
	if got := len(p.Sent()); got != 4 {
		t.Errorf("the reply over the cap was not sent")
	}
	if n, _ := th.SentToday(ctx); n != 4 {
		t.Errorf("counted %d, want 4", n)
	}
}

// TestThrottleOffNeverWaits: with waiting off (simulator, tests) sends are counted only.
func TestThrottleOffNeverWaits(t *testing.T) {
	rdb, prefix := testenv.Redis(t)
	ctx := context.Background()
	th := NewThrottle(rdb, prefix, "sim", "sim", ThrottleConfig{MinInterval: time.Hour, DailyCap: 1, Location: shanghai})
	start := time.Now()
	for i := 0; i < 3; i++ {
		slot, err := th.Wait(ctx)
		if err != nil {
			t.Fatal(err)
		}
		slot.Done(ctx)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("an unthrottled account waited %s", took)
	}
	if n, _ := th.SentToday(ctx); n != 3 {
		t.Errorf("counted %d, want 3", n)
	}
}

// TestCapDuringARepeatCountsNoRepeat: a row whose send was cut off is taken over on a day
// whose cap is used up: it is put back without counting the repeat, and repeated once later.
func TestCapDuringARepeatCountsNoRepeat(t *testing.T) {
	st := testenv.Store(t)
	rdb, prefix := testenv.Redis(t)
	w := newWorld(t, st, "u-a")
	ctx := context.Background()
	p := bottest.New()
	id := w.enqueue(t, Message{Kind: "k", Period: "1", MemberID: w.members["u-a"], Text: "x"})
	killer := w.dispatcher(p, Options{Stale: time.Minute})
	killer.killAfterSend = func() bool { return true }
	if _, err := killer.Drain(ctx, time.Now()); err != errKilled {
		t.Fatal(err)
	}
	capped := NewThrottle(rdb, prefix, "test", "test", ThrottleConfig{MinInterval: 10 * time.Millisecond, DailyCap: 1, Wait: true, Location: shanghai})
	if slot, err := capped.Wait(ctx); err != nil {
		t.Fatal(err)
	} else {
		slot.Done(ctx)
	}
	after := time.Now().Add(2 * time.Minute)
	d := w.dispatcher(p, Options{Stale: time.Minute, Throttle: capped})
	d.now = func() time.Time { return after }
	if _, err := d.Drain(ctx, after); err != nil {
		t.Fatal(err)
	}
	r := row(t, st, id)
	if r.Status != store.OutboxPending || r.Repeats != 0 || r.InFlight == nil || len(p.Sent()) != 1 {
		t.Fatalf("capped take-over: %+v, sent %d", r, len(p.Sent()))
	}
	fresh := w.dispatcher(p, Options{Stale: time.Minute, Throttle: NewThrottle(rdb, prefix+"next-day:", "test", "test",
		ThrottleConfig{MinInterval: 10 * time.Millisecond, DailyCap: 10, Wait: true, Location: shanghai})})
	later := r.NotBefore.Add(time.Second)
	fresh.now = func() time.Time { return later }
	if _, err := fresh.Drain(ctx, later); err != nil {
		t.Fatal(err)
	}
	if r := row(t, st, id); r.Status != store.OutboxSent || r.Repeats != 1 || len(p.Sent()) != 2 {
		t.Fatalf("next day: %+v, sent %d", r, len(p.Sent()))
	}
}
