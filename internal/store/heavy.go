package store

import "context"

// heavyTx runs fn in a transaction tuned for the set-based queries of the scheduler and the
// reports, which read whole tables at once: PostgreSQL's JIT compiler off (their cost
// estimates are large enough to trigger it, and compiling takes longer than it saves) and a
// work_mem large enough for their hash tables and sorts to stay in memory (the default 4MB
// spills to disk from some 50,000 members on). Both settings end with the transaction.
func (s *Store) heavyTx(ctx context.Context, fn func(tx *Store) error) error {
	return s.InTx(ctx, func(tx *Store) error {
		if _, err := tx.q.ExecContext(ctx, `SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true)`); err != nil {
			return wrap("tune the transaction", err)
		}
		return fn(tx)
	})
}
