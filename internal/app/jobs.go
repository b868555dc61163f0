package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"liudong/internal/notify"
	"liudong/internal/schedule"
	"liudong/internal/store"
)

// JobRunner runs one job on demand (the simulator's POST /sim/api/jobs/{name}, tests): it
// enqueues, then, with a Dispatcher, delivers what the run enqueued before returning, with
// quiet hours judged at the job's clock.
type JobRunner struct {
	App        *App
	Dispatcher *notify.Dispatcher
}

// Names lists the jobs.
func (r *JobRunner) Names() []string { return r.App.Jobs.Names() }

// Run runs the job named with the clock now.
func (r *JobRunner) Run(ctx context.Context, name string, now time.Time) error {
	_, err := r.RunCounted(ctx, name, now)
	return err
}

// RunCounted runs the job and returns how many rows of each kind it enqueued.
func (r *JobRunner) RunCounted(ctx context.Context, name string, now time.Time) ([]store.KindCount, error) {
	st := r.App.Store
	before, err := st.LastNotificationID(ctx)
	if err != nil {
		return nil, err
	}
	if err := r.App.Jobs.Run(ctx, name, now.In(r.App.Cfg.Location())); err != nil {
		return nil, err
	}
	ids, counts, err := st.NotificationsAfter(ctx, before)
	if err != nil || r.Dispatcher == nil {
		return counts, err
	}
	dctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	return counts, r.Dispatcher.DeliverAt(dctx, ids, now)
}

// Scheduler runs the jobs on their schedules on the instance holding the Redis lease.
func (a *App) Scheduler() *schedule.Scheduler {
	lease := schedule.NewLease(a.Redis, a.Cfg.RedisPrefix+"schedule:lease", a.Cfg.Schedule.LeaseTTL, a.Log)
	return schedule.NewScheduler(a.Jobs, a.Cfg.Location(), lease, a.Log)
}

// LogAlertCoverage logs, of the org units holding members, those whose alerts go to their
// secretaries' private chats (no alerts group by chat or configuration), and those with neither
// a group nor a secretary: their alerts go to the nearest ancestor's secretaries, or nowhere.
func (a *App) LogAlertCoverage(ctx context.Context) error {
	units, err := a.Store.AlertCoverages(ctx)
	if err != nil {
		return err
	}
	configured := a.Groups.Configured()
	known := map[string]bool{}
	var neither, private []string
	for _, u := range units {
		known[u.Name] = true
		inGroup := u.HasGroup || configured[u.Name] != ""
		switch {
		case u.Members == 0:
			// Alerts are addressed to the org unit holding the members.
		case !inGroup && !u.HasSecretary:
			neither = append(neither, fmt.Sprintf("%s（%d人）", u.Name, u.Members))
		case !inGroup:
			private = append(private, u.Name)
		}
	}
	for unit := range configured {
		if !known[unit] {
			a.Log.Warn("notify.groups names an org unit that does not exist", "org_unit", unit)
		}
	}
	if len(private) > 0 {
		a.Log.Info("org units without an alerts group: alerts go to their secretaries' private chats", "org_units", private)
	}
	if len(neither) > 0 {
		a.Log.Log(ctx, slog.LevelWarn, "org units with neither an alerts group nor a secretary: their alerts go to the nearest ancestor's secretary, or nowhere",
			"org_units", neither)
	}
	return nil
}
