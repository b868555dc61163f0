package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"liudong/bot"
	"liudong/internal/store"
)

// Options configures a dispatcher.
type Options struct {
	PollInterval time.Duration // idle wait between sweeps
	MaxAttempts  int           // a row is given up (status failed, reason kept) after this many failed sends
	// Stale is how long a claimed row may show no progress before another dispatcher claims it
	// again (its sender died). It must exceed SendTimeout plus the throttle's longest wait.
	Stale       time.Duration
	SendTimeout time.Duration // one platform send
	Quiet       QuietHours
	Throttle    *Throttle // nil: no throttle
}

// ErrRecipientUnverified means the row's recipients must re-verify their chat account first (a
// platform re-login could not re-resolve them): the row waits for them without spending attempts.
var ErrRecipientUnverified = errors.New("notify: recipient must re-verify the chat account first")

// unverifiedWait is how long a row for an unverified recipient waits before it is tried again.
const unverifiedWait = 30 * time.Minute

// errPaused ends a sweep early: the platform cannot send now (bot.ErrUnavailable).
var errPaused = errors.New("notify: platform unavailable, sweep paused")

// Dispatcher drains the outbox through one bot account.
type Dispatcher struct {
	st      *store.Store
	sender  bot.Sender
	resolve Resolver
	log     *slog.Logger
	opts    Options
	now     func() time.Time
	wake    chan struct{}

	mu       sync.Mutex
	capUntil time.Time // today's cap is used up: queued sends wait until then

	// killAfterSend, in tests, abandons the sweep right after a send, as a killed process would.
	killAfterSend func() bool
}

var errKilled = errors.New("notify: dispatcher killed (test)")

// NewDispatcher delivers through sender.
func NewDispatcher(st *store.Store, sender bot.Sender, resolve Resolver, log *slog.Logger, opts Options) *Dispatcher {
	if opts.Stale <= 0 {
		opts.Stale = 10 * time.Minute
	}
	if opts.SendTimeout <= 0 {
		opts.SendTimeout = time.Minute
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = 2 * time.Second
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 5
	}
	return &Dispatcher{st: st, sender: sender, resolve: resolve, log: log, opts: opts, now: time.Now, wake: make(chan struct{}, 1)}
}

// Wake makes the dispatcher sweep now instead of after its poll interval.
func (d *Dispatcher) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Run sweeps until ctx ends.
func (d *Dispatcher) Run(ctx context.Context) error {
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-d.wake:
		}
		for ctx.Err() == nil {
			n, err := d.sweep(ctx, nil, d.now())
			if errors.Is(err, errPaused) {
				break // the platform reports its own outage; try again after the poll interval or a Wake
			}
			if err != nil {
				d.log.Error("outbox sweep failed", "err", err)
				break
			}
			if n == 0 {
				break
			}
		}
		if !t.Stop() {
			select {
			case <-t.C:
			default:
			}
		}
		t.Reset(d.opts.PollInterval)
	}
}

// Deliver sends the given rows now and waits until each is recorded as sent or failed (another
// dispatcher may be sending some of them), up to ctx's deadline. Rows that must wait (quiet
// hours, a retry later, the daily cap) are left waiting.
func (d *Dispatcher) Deliver(ctx context.Context, ids []int64) error {
	return d.DeliverAt(ctx, ids, d.now())
}

// DeliverAt is Deliver with quiet hours judged at clock (a job run at a simulated time).
func (d *Dispatcher) DeliverAt(ctx context.Context, ids []int64, clock time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	for {
		// Each sweep claims some of the rows; the rest stay due until claimed.
		n, err := d.sweep(ctx, ids, clock)
		if errors.Is(err, errPaused) {
			break
		}
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
	}
	for _, id := range ids {
		for {
			n, err := d.st.NotificationByID(ctx, id)
			if err != nil {
				return err
			}
			if n.Status == store.OutboxSent || n.Status == store.OutboxFailed || d.waiting(n, clock) {
				break
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
	return nil
}

// waiting reports whether a pending row is not due at clock.
func (d *Dispatcher) waiting(n store.Notification, clock time.Time) bool {
	if n.Status != store.OutboxPending {
		return false
	}
	return n.NotBefore.After(d.now()) || (n.QuietHours && d.opts.Quiet.Contains(clock)) || d.capped(d.now())
}

// Drain sends everything due, with quiet hours judged at clock, and returns how many rows it
// handled (tests and one-shot commands).
func (d *Dispatcher) Drain(ctx context.Context, clock time.Time) (int, error) {
	total := 0
	for {
		n, err := d.sweep(ctx, nil, clock)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}

func (d *Dispatcher) capped(now time.Time) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return now.Before(d.capUntil)
}

// sweep claims and sends one batch; it returns how many rows it claimed.
func (d *Dispatcher) sweep(ctx context.Context, ids []int64, clock time.Time) (int, error) {
	now := d.now()
	if d.capped(now) {
		return 0, nil
	}
	// With a throttle a row is claimed only when it is about to be sent: a claimed row waiting
	// behind others would look stale to another dispatcher.
	limit := 20
	if d.opts.Throttle != nil && d.opts.Throttle.cfg.Wait {
		limit = 1
	}
	rows, err := d.st.ClaimNotifications(ctx, store.ClaimOptions{
		Now: now, Limit: limit, Stale: d.opts.Stale, Quiet: d.opts.Quiet.Contains(clock), IDs: ids,
	})
	if err != nil {
		return 0, err
	}
	for i, n := range rows {
		err := d.send(ctx, n)
		var capErr *CapError
		switch {
		case errors.As(err, &capErr):
			d.mu.Lock()
			d.capUntil = capErr.Until
			d.mu.Unlock()
			d.log.Warn("outbox: daily send cap reached; queued notifications wait", "until", capErr.Until, "sent_today", capErr.Count)
			d.release(ctx, rows[i+1:], capErr.Until)
			return len(rows), nil
		case errors.Is(err, errKilled):
			return len(rows), err
		case errors.Is(err, errPaused):
			// The platform cannot send: hand the rest of the batch back untouched.
			d.release(ctx, rows[i+1:], now)
			return len(rows), err
		case err != nil:
			d.release(ctx, rows[i+1:], now)
			return len(rows), nil
		}
	}
	return len(rows), nil
}

// release gives claimed rows back unsent, without counting the attempt.
func (d *Dispatcher) release(ctx context.Context, rows []store.Notification, until time.Time) {
	for _, n := range rows {
		if _, err := d.st.ReleaseNotification(context.WithoutCancel(ctx), n.ID, n.Attempts, until); err != nil {
			d.log.Error("outbox: release failed", "id", n.ID, "err", err)
		}
	}
}

// send delivers one claimed row to each of its targets not yet sent. It returns a *CapError
// (the row was released), ctx's error (released; shutting down), or nil (sent or recorded as
// failed).
func (d *Dispatcher) send(ctx context.Context, n store.Notification) error {
	// Recording must happen even if ctx is being cancelled: the send already happened.
	rec := context.WithoutCancel(ctx)
	// A previous sender stopped between starting a send and recording it: the platform may or
	// may not have delivered it. A row repeats such a send once at most; the next such stop
	// gives the row up rather than risk a third copy.
	if n.InFlight != nil && n.Repeats >= 1 {
		reason := fmt.Sprintf("delivery uncertain: a sender stopped again while sending to %s after one repeat; not sent again", *n.InFlight)
		d.record(rec, n, errors.New(reason), true)
		return nil
	}
	targets, err := d.resolve.Resolve(ctx, n)
	if errors.Is(err, ErrRecipientUnverified) {
		// Not the row's fault: it waits for the member to re-verify without spending an attempt.
		if _, derr := d.st.DeferNotification(rec, n.ID, n.Attempts, err.Error(), d.now().Add(unverifiedWait)); derr != nil {
			d.log.Error("outbox: deferral not recorded", "id", n.ID, "err", derr)
		}
		return nil
	}
	for _, t := range targets {
		if err != nil {
			break
		}
		if slices.Contains(n.Delivered, t.Key) {
			continue
		}
		var slot Slot
		if d.opts.Throttle != nil {
			slot, err = d.opts.Throttle.Wait(ctx)
			var capErr *CapError
			if errors.As(err, &capErr) || ctx.Err() != nil {
				until := d.now()
				if capErr != nil {
					until = capErr.Until
				}
				d.release(ctx, []store.Notification{n}, until)
				return err
			}
			if err != nil {
				break
			}
		}
		var owned bool
		if n.InFlight != nil && *n.InFlight == t.Key {
			// Counted only now that the repeat is about to happen (a capped row sends nothing).
			if owned, err = d.st.MarkRepeat(rec, n.ID, n.Attempts); err != nil || !owned {
				slot.Done(ctx)
				if err != nil {
					d.log.Error("outbox: repeat not recorded; the row waits for the stale timeout", "id", n.ID, "err", err)
				}
				return nil
			}
			d.log.Warn("outbox: repeating a send whose result was never recorded", "id", n.ID, "kind", n.Kind,
				"recipient", n.Recipient, "target", t.Key)
		}
		owned, err = d.st.StartSend(rec, n.ID, n.Attempts, t.Key, d.now())
		if err == nil && !owned {
			slot.Done(ctx)
			d.log.Warn("outbox: claim taken over by another dispatcher; stopping", "id", n.ID)
			return nil
		}
		if err != nil {
			slot.Done(ctx)
			break
		}
		sctx, cancel := context.WithTimeout(ctx, d.opts.SendTimeout)
		err = d.sender.Send(sctx, t.Out)
		cancel()
		if derr := slot.Done(ctx); derr != nil {
			d.log.Warn("outbox: throttle not updated", "err", derr)
		}
		if errors.Is(err, bot.ErrUnavailable) {
			// Logged out: nothing was sent. The row waits, its attempt not counted.
			if _, rerr := d.st.AbandonSend(rec, n.ID, n.Attempts, err.Error(), n.NotBefore); rerr != nil {
				d.log.Error("outbox: unsent row not released", "id", n.ID, "err", rerr)
			}
			d.log.Debug("outbox: send deferred, platform unavailable", "id", n.ID, "kind", n.Kind, "err", err)
			return errPaused
		}
		if d.killAfterSend != nil && d.killAfterSend() {
			return errKilled
		}
		if err != nil {
			break
		}
		if _, err = d.st.RecordDelivered(rec, n.ID, n.Attempts, t.Key); err != nil {
			break
		}
	}
	if err == nil {
		if _, err := d.st.MarkNotificationSent(rec, n.ID, n.Attempts, d.now()); err != nil {
			d.log.Error("outbox: sent but not recorded", "id", n.ID, "err", err)
		}
		return nil
	}
	d.record(rec, n, err, n.Attempts >= d.opts.MaxAttempts || errors.Is(err, ErrNoRecipient))
	return nil
}

// record puts a failed row back for a retry with backoff, or gives it up when final.
func (d *Dispatcher) record(ctx context.Context, n store.Notification, cause error, final bool) {
	retryAt := d.now().Add(backoff(n.Attempts))
	if _, err := d.st.MarkNotificationRetry(ctx, n.ID, n.Attempts, cause.Error(), retryAt, final); err != nil {
		d.log.Error("outbox: failure not recorded", "id", n.ID, "err", err)
	}
	level := slog.LevelWarn
	switch {
	case errors.Is(cause, ErrNoRecipient):
		level = slog.LevelInfo // a member who has not bound a chat account: common, not a fault
	case final:
		level = slog.LevelError
	}
	d.log.Log(ctx, level, "outbox: send failed", "id", n.ID, "kind", n.Kind, "recipient", n.Recipient,
		"attempt", n.Attempts, "final", final, "err", cause)
}

// backoff is 30 s doubled per attempt, at most an hour.
func backoff(attempt int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < attempt && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}
