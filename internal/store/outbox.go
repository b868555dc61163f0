package store

import (
	"context"
	"time"
)

// Notification is one outbox row: a message to a member (private chat) or to an org unit (its
// alerts group, or its secretaries), sent at most once per (Kind, Recipient, Period).
type Notification struct {
	ID         int64      `db:"id"`
	Kind       string     `db:"kind"`
	Recipient  string     `db:"recipient"`
	Period     string     `db:"period"`
	MemberID   *int64     `db:"member_id"`
	OrgUnitID  *int64     `db:"org_unit_id"`
	Body       string     `db:"body"`
	Image      []byte     `db:"image"`
	QuietHours bool       `db:"quiet_hours"`
	NotBefore  time.Time  `db:"not_before"`
	Status     string     `db:"status"`
	Attempts   int        `db:"attempts"`
	LastError  string     `db:"last_error"`
	ClaimedAt  *time.Time `db:"claimed_at"`
	SentAt     *time.Time `db:"sent_at"`
	CreatedAt  time.Time  `db:"created_at"`
}

const notificationColumns = `id, kind, recipient, period, member_id, org_unit_id, body, image, quiet_hours, not_before,
	status, attempts, last_error, claimed_at, sent_at, created_at`

// Outbox statuses.
const (
	OutboxPending = "pending"
	OutboxSending = "sending"
	OutboxSent    = "sent"
	OutboxFailed  = "failed"
)

// EnqueueNotification inserts the row unless its key exists; inserted is false for a repeat.
func (s *Store) EnqueueNotification(ctx context.Context, n *Notification) (inserted bool, err error) {
	err = s.q.GetContext(ctx, &n.ID, `
		INSERT INTO outbox (kind, recipient, period, member_id, org_unit_id, body, image, quiet_hours, not_before)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (kind, recipient, period) DO NOTHING RETURNING id`,
		n.Kind, n.Recipient, n.Period, n.MemberID, n.OrgUnitID, n.Body, n.Image, n.QuietHours, n.NotBefore)
	if noRows(err) {
		return false, nil
	}
	return err == nil, wrap("enqueue notification", err)
}

// ClaimNotifications marks up to limit due rows as being sent and returns them. Rows left in
// "sending" longer than stale (the sender died between send and record) are claimed again.
// With quiet set, rows that respect quiet hours are left waiting. ids, when given, restricts
// the claim to those rows.
func (s *Store) ClaimNotifications(ctx context.Context, now time.Time, limit int, stale time.Duration, quiet bool, ids []int64) ([]Notification, error) {
	var ns []Notification
	err := s.InTx(ctx, func(tx *Store) error {
		err := tx.q.SelectContext(ctx, &ns, `
			SELECT `+notificationColumns+` FROM outbox
			WHERE ((status = 'pending' AND not_before <= $1) OR (status = 'sending' AND claimed_at < $1 - $3 * interval '1 millisecond'))
			  AND (NOT $4 OR NOT quiet_hours)
			  AND ($5::bigint[] IS NULL OR id = ANY ($5))
			ORDER BY not_before, id
			LIMIT $2 FOR UPDATE SKIP LOCKED`, now, limit, stale.Milliseconds(), quiet, nullableIDs(ids))
		if err != nil {
			return wrap("claim notifications", err)
		}
		if len(ns) == 0 {
			return nil
		}
		claimed := make(Int64Array, len(ns))
		for i := range ns {
			claimed[i] = ns[i].ID
			ns[i].Status = OutboxSending
			ns[i].Attempts++
			ns[i].ClaimedAt = &now
		}
		_, err = tx.q.ExecContext(ctx, `UPDATE outbox SET status = 'sending', claimed_at = $2, attempts = attempts + 1
			WHERE id = ANY ($1)`, claimed, now)
		return wrap("claim notifications", err)
	})
	return ns, err
}

func nullableIDs(ids []int64) any {
	if ids == nil {
		return nil
	}
	return Int64Array(ids)
}

// MarkNotificationSent records a delivery.
func (s *Store) MarkNotificationSent(ctx context.Context, id int64, at time.Time) error {
	_, err := s.q.ExecContext(ctx, `UPDATE outbox SET status = 'sent', sent_at = $2, last_error = '' WHERE id = $1`, id, at)
	return wrap("mark notification sent", err)
}

// MarkNotificationRetry puts a failed row back in the queue until retryAt, or gives it up
// (status failed) when final.
func (s *Store) MarkNotificationRetry(ctx context.Context, id int64, reason string, retryAt time.Time, final bool) error {
	status := OutboxPending
	if final {
		status = OutboxFailed
	}
	_, err := s.q.ExecContext(ctx, `UPDATE outbox SET status = $2, last_error = $3, not_before = $4, claimed_at = NULL
		WHERE id = $1`, id, status, reason, retryAt)
	return wrap("mark notification for retry", err)
}

// NotificationByID fetches one outbox row.
func (s *Store) NotificationByID(ctx context.Context, id int64) (Notification, error) {
	var n Notification
	err := s.q.GetContext(ctx, &n, `SELECT `+notificationColumns+` FROM outbox WHERE id = $1`, id)
	return n, wrap("fetch notification", err)
}

// NotificationsByKind lists outbox rows of a kind, oldest first (for tests and operators).
func (s *Store) NotificationsByKind(ctx context.Context, kind string) ([]Notification, error) {
	var ns []Notification
	err := s.q.SelectContext(ctx, &ns, `SELECT `+notificationColumns+` FROM outbox WHERE kind = $1 ORDER BY id`, kind)
	return ns, wrap("fetch notifications", err)
}
