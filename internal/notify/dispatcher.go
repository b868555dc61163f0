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
	if _, err := d.sweep(ctx, ids); err != nil {
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
	for _, n := range rows {
		d.send(ctx, n)
	}
	return len(rows), nil
}

func (d *Dispatcher) send(ctx context.Context, n store.Notification) {
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
		return
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
	for _, id := range members {
		ci, err := r.Store.IdentityOfMember(ctx, r.Platform, r.Account, id)
		if store.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		outs = append(outs, bot.Outgoing{To: ci.Handle, Text: n.Body, Image: n.Image, ImageName: imageName(n)})
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
