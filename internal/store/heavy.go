package store

import "context"

// heavyTx runs fn in a transaction tuned for the set-based queries of the scheduler, which
// read whole tables at once: PostgreSQL's JIT compiler off (their cost estimates are large
// enough to trigger it, and compiling takes longer than it saves), a work_mem large enough for
// their hash tables and sorts to stay in memory (the default 4MB spills to disk from some
// 50,000 members on), and no parallel workers: a sweep runs its reads side by side already
// (schedule.Job.Prefetch), and on a small machine the workers only take turns with them. The
// settings end with the transaction.
func (s *Store) heavyTx(ctx context.Context, fn func(tx *Store) error) error {
	return s.InTx(ctx, func(tx *Store) error {
		if _, err := tx.q.ExecContext(ctx, `SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true),
			set_config('max_parallel_workers_per_gather', '0', true)`); err != nil {
			return wrap("tune the transaction", err)
		}
		return fn(tx)
	})
}

// mergePlan steers the rest of the transaction to merge joins of aggregates read in member
// order from the indexes, for a query reading every member's ledger: PostgreSQL's default
// there, hashing each aggregate and hashing it again to join, measured a third slower.
func mergePlan(ctx context.Context, tx *Store) error {
	_, err := tx.q.ExecContext(ctx, `SELECT set_config('enable_hashagg', 'off', true), set_config('enable_hashjoin', 'off', true)`)
	return wrap("tune the transaction", err)
}
