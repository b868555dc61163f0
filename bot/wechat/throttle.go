package wechat

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"
)

// Throttle spaces the sends of one bot account. Every send (replies, notifications, greetings)
// waits for it before it goes out.
//
// internal/notify is getting the per-account throttle of the scheduler issue (at least 1.5 s plus
// jitter, a daily cap, shared by replies and notifications). Until it lands, NewIntervalThrottle
// is the stand-in; anything with this method can replace it through Options.Throttle.
type Throttle interface {
	// Wait blocks until the next send may go, or ctx ends.
	Wait(ctx context.Context) error
}

// NewIntervalThrottle lets one send through every interval plus a random part of jitter.
func NewIntervalThrottle(interval, jitter time.Duration) Throttle {
	return &intervalThrottle{interval: interval, jitter: jitter}
}

type intervalThrottle struct {
	interval, jitter time.Duration

	mu   sync.Mutex
	next time.Time
}

func (t *intervalThrottle) Wait(ctx context.Context) error {
	t.mu.Lock()
	now := time.Now()
	at := t.next
	if at.Before(now) {
		at = now
	}
	gap := t.interval
	if t.jitter > 0 {
		gap += rand.N(t.jitter)
	}
	t.next = at.Add(gap)
	t.mu.Unlock()
	return sleep(ctx, time.Until(at))
}

// Backoff is a delay doubling from Min to Max.
type Backoff struct {
	Min, Max time.Duration
}

// Delay is the wait before try n (1-based).
func (b Backoff) Delay(n int) time.Duration {
	d := b.Min
	for i := 1; i < n && d < b.Max; i++ {
		d *= 2
	}
	return min(d, b.Max)
}

// cooldown pauses every send after WeChat answers 1205 ("operate too often"), doubling the
// pause while the answer repeats.
type cooldown struct {
	backoff Backoff

	mu     sync.Mutex
	until  time.Time
	streak int
}

// trip starts (or extends) a pause and returns its length.
func (c *cooldown) trip() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.streak++
	d := c.backoff.Delay(c.streak)
	c.until = time.Now().Add(d)
	return d
}

// reset ends the streak after a send went through.
func (c *cooldown) reset() {
	c.mu.Lock()
	c.streak = 0
	c.mu.Unlock()
}

// wait blocks while a pause runs.
func (c *cooldown) wait(ctx context.Context) error {
	c.mu.Lock()
	until := c.until
	c.mu.Unlock()
	return sleep(ctx, time.Until(until))
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
