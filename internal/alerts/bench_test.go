package alerts_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"liudong/internal/app"
	"liudong/internal/schedule"
	"liudong/internal/store"
	"liudong/internal/testenv"
)

// BenchmarkSweep runs the jobs over generated databases of 10k and 100k members (1M with
// LIUDONG_BENCH_1M=1; LIUDONG_BENCH_SIZES=10000,100000 picks others) with histories up to
// 14 January 2028 (store.GenerateSynthetic), at 09:00 that day: inside the Spring Festival
// window and the first days of a quarter, so that every job but the two of the report window
// has work (those run at 22 December 2027, the reminder window, in report-window).
//
//   - daily: the jobs scheduled at 09:00 every day, as the scheduler runs them (one sweep, their
//     reads started at once); weekly: the digest (Mondays 09:30); all: every job as one sweep.
//   - cold starts from an empty outbox each time: the first run after a roster import, when
//     everything is due, including the month's dues notices. warm repeats a run whose rows are
//     already in the outbox: the steady state of a day.
//
// Besides wall time it reports the CPU time the sweep used in PostgreSQL (db-cpu-ms/op, the
// backends of the benchmark's database, read from /proc) and in this process (go-cpu-ms/op):
// on a shared machine the wall time says more about the neighbours than about the sweep.
// Run with -benchtime=3x.
func BenchmarkSweep(b *testing.B) {
	sizes := []int{10_000, 100_000}
	if os.Getenv("LIUDONG_BENCH_1M") != "" {
		sizes = append(sizes, 1_000_000)
	}
	if v := os.Getenv("LIUDONG_BENCH_SIZES"); v != "" {
		sizes = nil
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n <= 0 {
				b.Fatalf("LIUDONG_BENCH_SIZES: %q is not a number of members", f)
			}
			sizes = append(sizes, n)
		}
	}
	now := time.Date(2028, 1, 14, 9, 0, 0, 0, shanghai)
	reminders := time.Date(2027, 12, 22, 9, 0, 0, 0, shanghai)
	for _, n := range sizes {
		b.Run(fmt.Sprintf("members=%d", n), func(b *testing.B) {
			ctx := context.Background()
			url := testenv.DatabaseURL(b)
			st, err := store.Open(ctx, url)
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			rdb, prefix := testenv.Redis(b)
			a, err := app.New(testenv.Config(b, url, prefix), discard(), st, rdb)
			if err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			if err := st.GenerateSynthetic(ctx, store.SyntheticOptions{Members: n, Seed: 0.42, Today: now,
				Platform: "sim", Account: "sim"}); err != nil {
				b.Fatal(err)
			}
			if _, err := st.DB().ExecContext(ctx, `VACUUM ANALYZE`); err != nil {
				b.Fatal(err)
			}
			b.Logf("generated %d members in %s", n, time.Since(start).Round(time.Millisecond))
			var daily, weekly []schedule.Job
			for _, j := range a.Jobs.Jobs() {
				if j.Schedule == a.Cfg.Schedule.WeeklyDigest.Spec {
					weekly = append(weekly, j)
				} else {
					daily = append(daily, j)
				}
			}
			cpu := newCPUMeter(ctx, st)
			clear := func(b *testing.B) {
				b.StopTimer()
				cpu.pause()
				if _, err := st.DB().ExecContext(ctx, `TRUNCATE outbox, alert_marks`); err != nil {
					b.Fatal(err)
				}
				cpu.resume()
				b.StartTimer()
			}
			rows := func() int {
				var c int
				st.DB().GetContext(ctx, &c, `SELECT count(*) FROM outbox`)
				return c
			}
			run := func(name string, cold bool, fn func() error) {
				b.Run(name, func(b *testing.B) {
					cpu.start()
					for i := 0; i < b.N; i++ {
						if cold {
							clear(b)
						}
						if err := fn(); err != nil {
							b.Fatal(err)
						}
					}
					cpu.report(b)
					b.ReportMetric(float64(rows()), "rows")
				})
			}
			sweep := func(jobs []schedule.Job, at time.Time) func() error {
				reg := schedule.NewRegistry()
				for _, j := range jobs {
					reg.Add(j)
				}
				return func() error { return reg.RunAll(ctx, at) }
			}
			for _, s := range []struct {
				name string
				jobs []schedule.Job
			}{{"daily", daily}, {"weekly", weekly}, {"all", a.Jobs.Jobs()}} {
				run(s.name+"-cold", true, sweep(s.jobs, now))
				run(s.name+"-warm", false, sweep(s.jobs, now))
			}
			var window []schedule.Job
			for _, j := range daily {
				if strings.HasPrefix(j.Name, "report-") {
					window = append(window, j)
				}
			}
			run("report-window-cold", true, sweep(window, reminders))
			run("report-window-warm", false, sweep(window, reminders))
			for _, j := range a.Jobs.Jobs() {
				run("cold/"+j.Name, true, sweep([]schedule.Job{j}, now))
				run("warm/"+j.Name, false, sweep([]schedule.Job{j}, now))
			}
		})
	}
}

// cpuMeter sums the CPU time of this process and of the database backends serving the
// benchmark's database.
type cpuMeter struct {
	ctx       context.Context
	st        *store.Store
	db, goCPU time.Duration
	mark      [2]time.Duration
}

func newCPUMeter(ctx context.Context, st *store.Store) *cpuMeter { return &cpuMeter{ctx: ctx, st: st} }

func (m *cpuMeter) now() [2]time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	goCPU := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	var pids []int
	if err := m.st.DB().SelectContext(m.ctx, &pids, `SELECT pid FROM pg_stat_activity WHERE datname = current_database()`); err != nil {
		return [2]time.Duration{-1, goCPU}
	}
	var ticks int64
	for _, pid := range pids {
		raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return [2]time.Duration{-1, goCPU} // the database runs elsewhere
		}
		f := strings.Fields(string(raw)[strings.LastIndex(string(raw), ")")+2:])
		var utime, stime int64
		fmt.Sscan(f[11], &utime)
		fmt.Sscan(f[12], &stime)
		ticks += utime + stime
	}
	return [2]time.Duration{time.Duration(ticks) * 10 * time.Millisecond, goCPU} // USER_HZ = 100
}

func (m *cpuMeter) start()  { m.db, m.goCPU = 0, 0; m.mark = m.now() }
func (m *cpuMeter) pause()  { n := m.now(); m.db += n[0] - m.mark[0]; m.goCPU += n[1] - m.mark[1] }
func (m *cpuMeter) resume() { m.mark = m.now() }

func (m *cpuMeter) report(b *testing.B) {
	m.pause()
	if m.mark[0] >= 0 {
		b.ReportMetric(float64(m.db.Milliseconds())/float64(b.N), "db-cpu-ms/op")
	}
	b.ReportMetric(float64(m.goCPU.Milliseconds())/float64(b.N), "go-cpu-ms/op")
}
