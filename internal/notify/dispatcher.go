package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"liudong/bot"
	"liudong/internal/store"
)

// Resolver turns an outbox row into the messages to send on this bot account.
type Resolver interface {
	Resolve(ctx context.Context, n store.Notification) ([]bot.Outgoing, error)
}

// ErrNoRecipient means the row has nobody to go to on this account (not bound, no group, no
// secretary): retrying will not help until someone binds.
var ErrNoRecipient = errors.New("notify: no recipient on this account")

// ErrRecipientUnverified means the row's recipients must re-verify their chat account first (a
// platform re-login could not re-resolve them): the row waits for them without spending attempts.
var ErrRecipientUnverified = errors.New("notify: recipient must re-verify the chat account first")

// unverifiedWait is how long a row for an unverified recipient waits before it is tried again.
const unverifiedWait = 30 * time.Minute

// errPaused ends a sweep early: the platform cannot send now (bot.ErrUnavailable).
var errPaused = errors.New("notify: platform unavailable, sweep paused")

// Dispatcher drains the outbox through one bot account.
type Dispatcher struct {
	st          *store.Store
	sender      bot.Sender
	resolve     Resolver
	log         *slog.Logger
	poll        time.Duration
	maxAttempts int
	// stale is how long a claimed row may stay unrecorded before it is claimed again.
	stale time.Duration
	now   func() time.Time
	wake  chan struct{}
}

// NewDispatcher delivers through sender; poll is the idle wait between sweeps.
func NewDispatcher(st *store.Store, sender bot.Sender, resolve Resolver, log *slog.Logger, poll time.Duration, maxAttempts int) *Dispatcher {
	return &Dispatcher{
		st: st, sender: sender, resolve: resolve, log: log, poll: poll, maxAttempts: maxAttempts,
		stale: 5 * time.Minute, now: time.Now, wake: make(chan struct{}, 1),
	}
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
		for {
			n, err := d.sweep(ctx, nil)
			if errors.Is(err, errPaused) {
				break // the platform reports its own outage; try again after the poll interval or a Wake
			}
			if err != nil {
				d.log.Error("outbox sweep failed", "err", err)
				break
			}
			if n == 0 || ctx.Err() != nil {
				break
			}
		}
		if !t.Stop() {
			select {
			case <-t.C:
			default:
			}
		}
		t.Reset(d.poll)
	}
}

// Deliver sends the given rows now and waits until each is recorded as sent or failed (another
// dispatcher may be sending some of them), up to ctx's deadline.
func (d *Dispatcher) Deliver(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	if _, err := d.sweep(ctx, ids); err != nil && !errors.Is(err, errPaused) {
		return err
	}
	for _, id := range ids {
		for {
			n, err := d.st.NotificationByID(ctx, id)
			if err != nil {
				return err
			}
			if n.Status == store.OutboxSent || n.Status == store.OutboxFailed {
				break
			}
			if n.Status == store.OutboxPending && n.NotBefore.After(d.now()) {
				break // waiting for a retry: not ours to wait for
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

// sweep claims and sends one batch; it returns how many rows it handled.
func (d *Dispatcher) sweep(ctx context.Context, ids []int64) (int, error) {
	now := d.now()
	rows, err := d.st.ClaimNotifications(ctx, now, 20, d.stale, false, ids)
	if err != nil {
		return 0, err
	}
	for i, n := range rows {
		if !d.send(ctx, n) {
			// The platform cannot send: hand the rest of the batch back untouched.
			rec := context.WithoutCancel(ctx)
			for _, rest := range rows[i+1:] {
				if err := d.st.DeferNotification(rec, rest.ID, rest.LastError, rest.NotBefore); err != nil {
					d.log.Error("outbox: claimed row not released", "id", rest.ID, "err", err)
				}
			}
			return i + 1, errPaused
		}
	}
	return len(rows), nil
}

// send delivers one row and records the outcome; false means the platform is unavailable and
// the sweep should stop.
func (d *Dispatcher) send(ctx context.Context, n store.Notification) bool {
	// Recording must happen even if ctx is being cancelled: the send already happened.
	rec := context.WithoutCancel(ctx)
	outs, err := d.resolve.Resolve(ctx, n)
	if err == nil {
		for _, out := range outs {
			if err = d.sender.Send(ctx, out); err != nil {
				break
			}
		}
	}
	if err == nil {
		if err := d.st.MarkNotificationSent(rec, n.ID, d.now()); err != nil {
			d.log.Error("outbox: sent but not recorded", "id", n.ID, "err", err)
		}
		return true
	}
	if unavailable, unverified := errors.Is(err, bot.ErrUnavailable), errors.Is(err, ErrRecipientUnverified); unavailable || unverified {
		// Nothing was sent and the row is not at fault: it waits without spending an attempt.
		notBefore := n.NotBefore
		if unverified {
			notBefore = d.now().Add(unverifiedWait)
		}
		if derr := d.st.DeferNotification(rec, n.ID, err.Error(), notBefore); derr != nil {
			d.log.Error("outbox: deferral not recorded", "id", n.ID, "err", derr)
		}
		d.log.Debug("outbox: send deferred", "id", n.ID, "kind", n.Kind, "recipient", n.Recipient, "err", err)
		return !unavailable
	}
	final := n.Attempts >= d.maxAttempts || errors.Is(err, ErrNoRecipient)
	retryAt := d.now().Add(backoff(n.Attempts))
	if err := d.st.MarkNotificationRetry(rec, n.ID, err.Error(), retryAt, final); err != nil {
		d.log.Error("outbox: failure not recorded", "id", n.ID, "err", err)
	}
	level := slog.LevelWarn
	if final {
		level = slog.LevelError
	}
	d.log.Log(ctx, level, "outbox: send failed", "id", n.ID, "kind", n.Kind, "recipient", n.Recipient,
		"attempt", n.Attempts, "final", final, "err", err)
	return true
}

// backoff is 30 s doubled per attempt, at most an hour.
func backoff(attempt int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < attempt && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// StoreResolver resolves recipients from the chat identities bound on one bot account.
type StoreResolver struct {
	Store    *store.Store
	Platform string
	Account  string
}

// Resolve sends a member's row to their private chat, and an org unit's row to its
// secretaries' private chats.
func (r StoreResolver) Resolve(ctx context.Context, n store.Notification) ([]bot.Outgoing, error) {
	var members []int64
	switch {
	case n.MemberID != nil:
		members = []int64{*n.MemberID}
	case n.OrgUnitID != nil:
		secs, err := r.Store.SecretariesOf(ctx, *n.OrgUnitID)
		if err != nil {
			return nil, err
		}
		for _, s := range secs {
			members = append(members, s.ID)
		}
	}
	var outs []bot.Outgoing
	unverified := 0
	for _, id := range members {
		ci, err := r.Store.IdentityOfMember(ctx, r.Platform, r.Account, id)
		if store.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if ci.NeedsVerify {
			unverified++ // its handle is not the member's any more
			continue
		}
		outs = append(outs, bot.Outgoing{To: ci.Handle, Text: n.Body, Image: n.Image, ImageName: imageName(n)})
	}
	if len(outs) == 0 && unverified > 0 {
		return nil, fmt.Errorf("%w (%s)", ErrRecipientUnverified, n.Recipient)
	}
	if len(outs) == 0 {
		return nil, fmt.Errorf("%w (%s)", ErrNoRecipient, n.Recipient)
	}
	return outs, nil
}

func imageName(n store.Notification) string {
	if len(n.Image) == 0 {
		return ""
	}
	return fmt.Sprintf("%s-%d.png", n.Kind, n.ID)
}
