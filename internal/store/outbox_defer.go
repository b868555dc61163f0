package store

import (
	"context"
	"time"
)

// DeferNotification puts a claimed row back in the queue until notBefore without counting the
// attempt: nothing was sent and the row is not at fault (the platform is logged out, or the
// recipient must re-verify first).
func (s *Store) DeferNotification(ctx context.Context, id int64, reason string, notBefore time.Time) error {
	_, err := s.q.ExecContext(ctx, `UPDATE outbox SET status = 'pending', attempts = greatest(attempts - 1, 0),
		last_error = $2, not_before = $3, claimed_at = NULL WHERE id = $1 AND status = 'sending'`, id, reason, notBefore)
	return wrap("defer notification", err)
}
