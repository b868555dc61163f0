package schedule

import (
	"context"
	"sync"
)

// A sweep is one run of several jobs at one clock (the jobs sharing a cron spec, RunAll). Jobs
// share what they compute for that clock through Memo: the current stays, say, are read once
// for the inflow, transfer and digest jobs, not three times. Jobs may declare their reads
// (Job.Prefetch): a sweep starts them all at once, so that independent reads use every core.
type sweep struct {
	mu    sync.Mutex
	items map[any]*memoItem
}

type memoItem struct {
	once sync.Once
	v    any
	err  error
}

type sweepKey struct{}

// WithSweep starts a sweep: Memo calls under the returned context share results.
func WithSweep(ctx context.Context) context.Context {
	if _, ok := ctx.Value(sweepKey{}).(*sweep); ok {
		return ctx
	}
	return context.WithValue(ctx, sweepKey{}, &sweep{items: map[any]*memoItem{}})
}

// Memo returns fn's result for key, computed once per sweep (and not kept at all outside one);
// callers asking at once wait for the one computing it. The key must include everything the
// result depends on, the clock first of all.
func Memo[T any](ctx context.Context, key any, fn func() (T, error)) (T, error) {
	s, ok := ctx.Value(sweepKey{}).(*sweep)
	if !ok {
		return fn()
	}
	s.mu.Lock()
	it := s.items[key]
	if it == nil {
		it = &memoItem{}
		s.items[key] = it
	}
	s.mu.Unlock()
	it.once.Do(func() { it.v, it.err = fn() })
	if it.err != nil {
		var zero T
		return zero, it.err
	}
	return it.v.(T), nil
}
