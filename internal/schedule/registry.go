// Package schedule runs liudong's jobs: a registry of named jobs that take their clock as a
// parameter (so any job can be run at any time, from the command line or the simulator), and a
// scheduler that runs them with robfig/cron in the configured zone on the one instance holding
// a Redis lease. Jobs only enqueue outbox rows; the dispatcher sends.
package schedule

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
	"time"
)

// Job is one scheduled job.
type Job struct {
	Name        string // "spring-festival": the name for `liudong jobs run` and the simulator
	Schedule    string // cron spec, from the configuration
	Description string // one line: what it does (Chinese, for operators)
	// Run does the job as of now (in the configured zone). It must be safe to run twice and
	// concurrently: it only enqueues outbox rows, whose keys make a repeat a no-op.
	Run func(ctx context.Context, now time.Time) error
	// Prefetch, when set, starts the reads Run will make through Memo: a sweep starts those of
	// all its jobs at once, in parallel, before running the jobs one after the other, which
	// find them done or wait for them. Errors are Run's to report.
	Prefetch func(ctx context.Context, now time.Time)
}

// Registry holds the jobs in registration order.
type Registry struct {
	jobs []Job
}

// NewRegistry makes an empty registry.
func NewRegistry() *Registry { return &Registry{} }

// Add registers a job; a second job of the same name panics (a wiring mistake).
func (r *Registry) Add(j Job) {
	if j.Name == "" || j.Run == nil {
		panic("schedule: job without name or Run")
	}
	for _, e := range r.jobs {
		if e.Name == j.Name {
			panic("schedule: job registered twice: " + j.Name)
		}
	}
	r.jobs = append(r.jobs, j)
}

// Jobs lists the jobs in registration order.
func (r *Registry) Jobs() []Job { return append([]Job(nil), r.jobs...) }

// Names lists the job names (the simulator's GET /sim/api/jobs).
func (r *Registry) Names() []string {
	names := make([]string, len(r.jobs))
	for i, j := range r.jobs {
		names[i] = j.Name
	}
	return names
}

// Job finds a job by name.
func (r *Registry) Job(name string) (Job, bool) {
	for _, j := range r.jobs {
		if j.Name == name {
			return j, true
		}
	}
	return Job{}, false
}

// Run runs one job at once with the given clock; a panic comes back as an error.
func (r *Registry) Run(ctx context.Context, name string, now time.Time) error {
	j, ok := r.Job(name)
	if !ok {
		return fmt.Errorf("schedule: no job named %q", name)
	}
	return runSafely(WithSweep(ctx), j, now)
}

// RunAll runs every job in order with the given clock, as one sweep; it stops at the first
// error.
func (r *Registry) RunAll(ctx context.Context, now time.Time) error {
	ctx = WithSweep(ctx)
	defer prefetch(ctx, r.jobs, now)()
	for _, j := range r.jobs {
		if err := runSafely(ctx, j, now); err != nil {
			return err
		}
	}
	return nil
}

// prefetch starts the jobs' prefetches in parallel under the sweep ctx and returns a function
// waiting for them (a job that failed early leaves no read running behind the sweep).
func prefetch(ctx context.Context, jobs []Job, now time.Time) (wait func()) {
	var wg sync.WaitGroup
	for _, j := range jobs {
		if j.Prefetch == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { recover() }() // Run meets the same panic and reports it
			j.Prefetch(ctx, now)
		}()
	}
	return wg.Wait
}

func runSafely(ctx context.Context, j Job, now time.Time) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("schedule: job %s panicked: %v\n%s", j.Name, p, debug.Stack())
		}
	}()
	if err := j.Run(ctx, now); err != nil {
		return fmt.Errorf("job %s: %w", j.Name, err)
	}
	return nil
}
