package store

import (
	"context"
	"time"
)

// Notification is one outbox row: a message to a member (private chat), to an org unit (its
// alerts group, or its secretaries) or to an organization contact outside the committee (private
// chat), sent at most once per (Kind, Recipient, Period).
type Notification struct {
	ID         int64      `db:"id"`
	Kind       string     `db:"kind"`
	Recipient  string     `db:"recipient"`
	Period     string     `db:"period"`
	MemberID   *int64     `db:"member_id"`
	OrgUnitID  *int64     `db:"org_unit_id"`
	ContactID  *int64     `db:"contact_id"`
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
	// Delivered lists the targets already sent; InFlight is the target whose send was started
	// and not recorded (set on a stale claim: that send may have happened); Repeats counts the
	// uncertain sends repeated.
	Delivered StringArray `db:"delivered"`
	InFlight  *string     `db:"in_flight"`
	Repeats   int         `db:"repeats"`
}

const notificationColumns = `id, kind, recipient, period, member_id, org_unit_id, contact_id, body, image, quiet_hours, not_before,
	status, attempts, last_error, claimed_at, sent_at, created_at, delivered, in_flight, repeats`

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
		INSERT INTO outbox (kind, recipient, period, member_id, org_unit_id, contact_id, body, image, quiet_hours, not_before)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (kind, recipient, period) DO NOTHING RETURNING id`,
		n.Kind, n.Recipient, n.Period, n.MemberID, n.OrgUnitID, n.ContactID, n.Body, n.Image, n.QuietHours, n.NotBefore)
	if noRows(err) {
		return false, nil
	}
	return err == nil, wrap("enqueue notification", err)
}

// enqueueChunk bounds one INSERT's parameter arrays.
const enqueueChunk = 5000

// EnqueueNotifications inserts many text rows in a few statements (no image), skipping keys
// already present; it returns the ids of the rows inserted.
func (s *Store) EnqueueNotifications(ctx context.Context, ns []Notification) ([]int64, error) {
	var ids []int64
	for start := 0; start < len(ns); start += enqueueChunk {
		part := ns[start:min(start+enqueueChunk, len(ns))]
		var (
			kinds, recipients, periods, bodies, notBefore StringArray
			members, orgs, contacts                       Int64Array
			quiet                                         BoolArray
		)
		for _, n := range part {
			kinds = append(kinds, n.Kind)
			recipients = append(recipients, n.Recipient)
			periods = append(periods, n.Period)
			bodies = append(bodies, n.Body)
			notBefore = append(notBefore, n.NotBefore.UTC().Format(time.RFC3339Nano))
			members = append(members, deref(n.MemberID))
			orgs = append(orgs, deref(n.OrgUnitID))
			contacts = append(contacts, deref(n.ContactID))
			quiet = append(quiet, n.QuietHours)
		}
		var got []int64
		err := s.q.SelectContext(ctx, &got, `
			INSERT INTO outbox (kind, recipient, period, member_id, org_unit_id, contact_id, body, quiet_hours, not_before)
			SELECT k, r, p, NULLIF(m, 0), NULLIF(o, 0), NULLIF(c, 0), b, q, nb
			FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::text[], $7::boolean[], $8::timestamptz[],
				$9::bigint[]) AS t (k, r, p, m, o, b, q, nb, c)
			ON CONFLICT (kind, recipient, period) DO NOTHING RETURNING id`,
			kinds, recipients, periods, members, orgs, bodies, quiet, notBefore, contacts)
		if err != nil {
			return ids, wrap("enqueue notifications", err)
		}
		ids = append(ids, got...)
	}
	return ids, nil
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// ClaimOptions selects the rows a dispatcher claims.
type ClaimOptions struct {
	Now   time.Time
	Limit int
	// Stale: a row left "sending" with no progress for this long (its sender died) is claimed again.
	Stale time.Duration
	// Quiet holds back rows that respect quiet hours.
	Quiet bool
	// IDs, when given, restricts the claim to those rows.
	IDs []int64
}

// ClaimNotifications marks up to Limit due rows as being sent (one more attempt) and returns them.
// The new attempt number is the claim's token: a dispatcher whose claim was taken over (it
// stalled past Stale) can no longer record anything.
func (s *Store) ClaimNotifications(ctx context.Context, o ClaimOptions) ([]Notification, error) {
	var ns []Notification
	err := s.InTx(ctx, func(tx *Store) error {
		err := tx.q.SelectContext(ctx, &ns, `
			SELECT `+notificationColumns+` FROM outbox
			WHERE ((status = 'pending' AND not_before <= $1) OR (status = 'sending' AND claimed_at < $1 - $3 * interval '1 millisecond'))
			  AND (NOT $4 OR NOT quiet_hours)
			  AND ($5::bigint[] IS NULL OR id = ANY ($5))
			ORDER BY not_before, id
			LIMIT $2 FOR UPDATE SKIP LOCKED`, o.Now, o.Limit, o.Stale.Milliseconds(), o.Quiet, nullableIDs(o.IDs))
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
			ns[i].ClaimedAt = &o.Now
		}
		_, err = tx.q.ExecContext(ctx, `UPDATE outbox SET status = 'sending', claimed_at = $2, attempts = attempts + 1
			WHERE id = ANY ($1)`, claimed, o.Now)
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

// owned runs an update of a claimed row and reports whether the claim (id, attempt) still held.
func (s *Store) owned(ctx context.Context, what, query string, args ...any) (bool, error) {
	res, err := s.q.ExecContext(ctx, query, args...)
	if err != nil {
		return false, wrap(what, err)
	}
	n, err := res.RowsAffected()
	return n == 1, wrap(what, err)
}

// StartSend records that the send to target is about to happen (and that the claim is alive).
func (s *Store) StartSend(ctx context.Context, id int64, attempt int, target string, now time.Time) (bool, error) {
	return s.owned(ctx, "start notification send", `UPDATE outbox SET in_flight = $3, claimed_at = $4
		WHERE id = $1 AND attempts = $2 AND status = 'sending'`, id, attempt, target, now)
}

// RecordDelivered records that the send to target happened.
func (s *Store) RecordDelivered(ctx context.Context, id int64, attempt int, target string) (bool, error) {
	return s.owned(ctx, "record notification delivery", `UPDATE outbox SET delivered = array_append(delivered, $3), in_flight = NULL
		WHERE id = $1 AND attempts = $2 AND status = 'sending'`, id, attempt, target)
}

// MarkRepeat counts a repeat of an uncertain send (the row's in-flight target is sent again).
func (s *Store) MarkRepeat(ctx context.Context, id int64, attempt int) (bool, error) {
	return s.owned(ctx, "mark notification repeat", `UPDATE outbox SET repeats = repeats + 1
		WHERE id = $1 AND attempts = $2 AND status = 'sending'`, id, attempt)
}

// MarkNotificationSent records a complete delivery.
func (s *Store) MarkNotificationSent(ctx context.Context, id int64, attempt int, at time.Time) (bool, error) {
	return s.owned(ctx, "mark notification sent", `UPDATE outbox SET status = 'sent', sent_at = $3, last_error = '', in_flight = NULL
		WHERE id = $1 AND attempts = $2 AND status = 'sending'`, id, attempt, at)
}

// MarkNotificationRetry puts a failed row back in the queue until retryAt, or gives it up
// (status failed, reason kept) when final.
func (s *Store) MarkNotificationRetry(ctx context.Context, id int64, attempt int, reason string, retryAt time.Time, final bool) (bool, error) {
	status := OutboxPending
	if final {
		status = OutboxFailed
	}
	return s.owned(ctx, "mark notification for retry", `UPDATE outbox SET status = $3, last_error = $4, not_before = $5,
		claimed_at = NULL, in_flight = NULL WHERE id = $1 AND attempts = $2 AND status = 'sending'`,
		id, attempt, status, reason, retryAt)
}

// ReleaseNotification gives a claimed row back unsent, without counting the attempt (the daily
// cap is used up): it waits until notBefore.
func (s *Store) ReleaseNotification(ctx context.Context, id int64, attempt int, notBefore time.Time) (bool, error) {
	return s.owned(ctx, "release notification", `UPDATE outbox SET status = 'pending', attempts = attempts - 1,
		not_before = $3, claimed_at = NULL WHERE id = $1 AND attempts = $2 AND status = 'sending'`, id, attempt, notBefore)
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

// LastNotificationID is the newest outbox row's id (0 for an empty outbox).
func (s *Store) LastNotificationID(ctx context.Context) (int64, error) {
	var id int64
	err := s.q.GetContext(ctx, &id, `SELECT COALESCE(max(id), 0) FROM outbox`)
	return id, wrap("fetch last notification id", err)
}

// KindCount is how many rows of one kind.
type KindCount struct {
	Kind  string `db:"kind"`
	Count int    `db:"count"`
}

// NotificationsAfter returns the ids of the rows after id, and their counts by kind.
func (s *Store) NotificationsAfter(ctx context.Context, id int64) ([]int64, []KindCount, error) {
	var ids []int64
	if err := s.q.SelectContext(ctx, &ids, `SELECT id FROM outbox WHERE id > $1 ORDER BY id`, id); err != nil {
		return nil, nil, wrap("fetch new notifications", err)
	}
	var counts []KindCount
	err := s.q.SelectContext(ctx, &counts, `SELECT kind, count(*) AS count FROM outbox WHERE id > $1 GROUP BY kind ORDER BY kind`, id)
	return ids, counts, wrap("count new notifications", err)
}

// RecipientsOf returns the recipients that already have a row of kind for period.
func (s *Store) RecipientsOf(ctx context.Context, kind, period string) (map[string]bool, error) {
	var rs []string
	err := s.q.SelectContext(ctx, &rs, `SELECT recipient FROM outbox WHERE kind = $1 AND period = $2`, kind, period)
	out := make(map[string]bool, len(rs))
	for _, r := range rs {
		out[r] = true
	}
	return out, wrap("fetch recipients", err)
}

// AnyNotification reports whether the outbox holds a row of kind for period: a job that
// enqueues a period's rows in one transaction knows from it that they are all there.
func (s *Store) AnyNotification(ctx context.Context, kind, period string) (bool, error) {
	var ok bool
	err := s.q.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM outbox WHERE kind = $1 AND period = $2)`, kind, period)
	return ok, wrap("look for notifications", err)
}
