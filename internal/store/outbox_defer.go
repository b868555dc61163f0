package store

import (
	"context"
	"time"
)

// AbandonSend gives a claimed row back after a send that did not happen (the platform is logged
// out): pending until notBefore, the attempt not counted, nothing in flight.
func (s *Store) AbandonSend(ctx context.Context, id int64, attempt int, reason string, notBefore time.Time) (bool, error) {
	return s.owned(ctx, "abandon notification send", `UPDATE outbox SET status = 'pending', attempts = attempts - 1,
		last_error = $3, not_before = $4, claimed_at = NULL, in_flight = NULL
		WHERE id = $1 AND attempts = $2 AND status = 'sending'`, id, attempt, reason, notBefore)
}

// DeferNotification gives a claimed row back unsent until notBefore, its attempt not counted,
// with the reason kept (its recipient must re-verify first).
func (s *Store) DeferNotification(ctx context.Context, id int64, attempt int, reason string, notBefore time.Time) (bool, error) {
	return s.owned(ctx, "defer notification", `UPDATE outbox SET status = 'pending', attempts = attempts - 1,
		last_error = $3, not_before = $4, claimed_at = NULL
		WHERE id = $1 AND attempts = $2 AND status = 'sending'`, id, attempt, reason, notBefore)
}
