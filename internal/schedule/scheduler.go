package schedule

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/robfig/cron/v3"
)

// Scheduler runs a registry's jobs on their cron schedules, in one zone, on the instance that
// holds the lease.
type Scheduler struct {
	reg   *Registry
	loc   *time.Location
	lease *Lease
	log   *slog.Logger
	now   func() time.Time
}

// NewScheduler schedules reg's jobs in loc; lease may be nil (a single instance).
func NewScheduler(reg *Registry, loc *time.Location, lease *Lease, log *slog.Logger) *Scheduler {
	return &Scheduler{reg: reg, loc: loc, lease: lease, log: log, now: time.Now}
}

// Run starts the cron loop (and the lease) and blocks until ctx ends; then it waits for
// running jobs to finish and releases the lease. Jobs with the same schedule run one after the
// other as one sweep, sharing what they compute for its clock.
func (s *Scheduler) Run(ctx context.Context) error {
	c := cron.New(cron.WithLocation(s.loc), cron.WithLogger(cronLogger{s.log}))
	var specs []string
	bySpec := map[string][]Job{}
	for _, j := range s.reg.Jobs() {
		if bySpec[j.Schedule] == nil {
			specs = append(specs, j.Schedule)
		}
		bySpec[j.Schedule] = append(bySpec[j.Schedule], j)
	}
	for _, spec := range specs {
		if _, err := c.AddJob(spec, s.wrap(ctx, bySpec[spec])); err != nil {
			return err
		}
	}
	leaseDone := make(chan struct{})
	lctx, stopLease := context.WithCancel(context.Background())
	if s.lease != nil {
		go func() {
			defer close(leaseDone)
			s.lease.Run(lctx)
		}()
	} else {
		close(leaseDone)
	}
	c.Start()
	s.log.Info("scheduler started", "jobs", len(s.reg.Jobs()), "zone", s.loc.String())
	<-ctx.Done()
	stopped := c.Stop()
	select {
	case <-stopped.Done():
	case <-time.After(30 * time.Second):
		s.log.Warn("scheduler: jobs still running at shutdown")
	}
	stopLease() // released only after the jobs stopped
	<-leaseDone
	return nil
}

// wrap turns the jobs of one schedule into a cron job that runs only on the lease holder,
// recovers from a panic in each job, and skips a run while the previous one is still running.
func (s *Scheduler) wrap(ctx context.Context, jobs []Job) cron.Job {
	var running atomic.Bool
	return cron.FuncJob(func() {
		s.runGuarded(ctx, jobs, &running)
	})
}

// runGuarded is one scheduled run of the jobs, as one sweep at one clock; it reports whether
// they ran.
func (s *Scheduler) runGuarded(ctx context.Context, jobs []Job, running *atomic.Bool) bool {
	if s.lease != nil && !s.lease.Held() {
		s.log.Debug("jobs skipped: another instance holds the scheduler lease", "jobs", names(jobs))
		return false
	}
	if !running.CompareAndSwap(false, true) {
		s.log.Warn("jobs skipped: the previous run is still running", "jobs", names(jobs))
		return false
	}
	defer running.Store(false)
	now := s.now().In(s.loc)
	sweep := WithSweep(ctx)
	defer prefetch(sweep, jobs, now)()
	for _, j := range jobs {
		start := time.Now()
		if err := runSafely(sweep, j, now); err != nil {
			s.log.Error("job failed", "job", j.Name, "err", err)
			continue
		}
		s.log.Info("job done", "job", j.Name, "took", time.Since(start).Round(time.Millisecond))
	}
	return true
}

func names(jobs []Job) []string {
	out := make([]string, len(jobs))
	for i, j := range jobs {
		out[i] = j.Name
	}
	return out
}

// cronLogger sends robfig/cron's logging to slog (its chatter at debug level).
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}
