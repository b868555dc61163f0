package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"liudong/internal/app"
)

func init() {
	register(command{name: "jobs", usage: "jobs list | jobs run NAME [--now T]",
		summary: "list the scheduled jobs, or run one now (it enqueues; serve sends)", run: runJobs})
}

func runJobs(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "jobs", "jobs list | jobs run NAME [--now 2026-12-20T09:00:00+08:00]")
	nowFlag := fs.String("now", "", "the job's clock: RFC3339, or 2006-01-02 15:04 / 2006-01-02 in the configured zone (default: now)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 || (pos[0] == "run" && len(pos) != 2) || (pos[0] == "list" && len(pos) != 1) || (pos[0] != "run" && pos[0] != "list") {
		fs.Usage()
		return errUsage
	}
	a, err := openApp(ctx, e)
	if err != nil {
		return err
	}
	defer a.Close()
	if pos[0] == "list" {
		w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		for _, j := range a.Jobs.Jobs() {
			fmt.Fprintf(w, "%s\t%s\t%s\n", j.Name, j.Schedule, j.Description)
		}
		return w.Flush()
	}
	loc := a.Cfg.Location()
	now := time.Now().In(loc)
	if *nowFlag != "" {
		if now, err = parseClock(*nowFlag, loc); err != nil {
			return err
		}
	}
	name := pos[1]
	if _, ok := a.Jobs.Job(name); !ok {
		return fmt.Errorf("no job named %q (liudong jobs list shows them)", name)
	}
	runner := &app.JobRunner{App: a} // no dispatcher: `serve` sends what this enqueues
	start := time.Now()
	counts, err := runner.RunCounted(ctx, name, now)
	if err != nil {
		return err
	}
	total := 0
	for _, c := range counts {
		fmt.Fprintf(e.stdout, "  %-24s %d\n", c.Kind, c.Count)
		total += c.Count
	}
	fmt.Fprintf(e.stdout, "%s at %s: %d notification(s) enqueued in %s; `liudong serve` sends them.\n",
		name, now.Format(time.RFC3339), total, time.Since(start).Round(time.Millisecond))
	return nil
}

// parseClock reads RFC3339, or a local date and time in loc.
func parseClock(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.In(loc), nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("--now: want RFC3339 (2026-12-20T09:00:00+08:00) or 2026-12-20 09:00, got %q", s)
}
