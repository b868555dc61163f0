package alerts_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"liudong/internal/app"
	"liudong/internal/store"
	"liudong/internal/testenv"
)

// BenchmarkSweep runs every job (the whole sweep) over generated databases of 10k and 100k
// members (1M with LIUDONG_BENCH_1M=1), at 25 January 2027: inside the Spring Festival window,
// so every job has work. "cold" starts from an empty outbox each time (the first sweep after a
// roster import: everything is due and enqueued); "warm" repeats a sweep whose rows are already
// in the outbox (the daily steady state). Run with -benchtime=3x.
//
// Besides wall time it reports the CPU time the sweep used in PostgreSQL (db-cpu-ms/op, read
// from /proc for the one connection the benchmark allows) and in this process (go-cpu-ms/op):
// on a shared machine the wall time says more about the neighbours than about the sweep.
func BenchmarkSweep(b *testing.B) {
	sizes := []int{10_000, 100_000}
	if os.Getenv("LIUDONG_BENCH_1M") != "" {
		sizes = append(sizes, 1_000_000)
	}
	now := time.Date(2027, 1, 25, 9, 0, 0, 0, shanghai)
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
			if err := st.Analyze(ctx); err != nil {
				b.Fatal(err)
			}
			b.Logf("generated %d members in %s", n, time.Since(start).Round(time.Millisecond))
			// One connection: the sweep is sequential, and its backend's CPU time is measurable.
			st.DB().SetMaxOpenConns(1)
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
			run("sweep-cold", true, func() error { return a.Jobs.RunAll(ctx, now) })
			run("sweep-warm", false, func() error { return a.Jobs.RunAll(ctx, now) })
			for _, name := range a.Jobs.Names() {
				run("cold/"+name, true, func() error { return a.Jobs.Run(ctx, name, now) })
				run("warm/"+name, false, func() error { return a.Jobs.Run(ctx, name, now) })
			}
		})
	}
}

// cpuMeter sums the CPU time of this process and of the database backend serving st's single
// connection.
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
	var pid int
	if err := m.st.DB().GetContext(m.ctx, &pid, `SELECT pg_backend_pid()`); err != nil {
		return [2]time.Duration{-1, goCPU}
	}
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return [2]time.Duration{-1, goCPU} // the database runs elsewhere
	}
	f := strings.Fields(string(raw)[strings.LastIndex(string(raw), ")")+2:])
	var utime, stime int64
	fmt.Sscan(f[11], &utime)
	fmt.Sscan(f[12], &stime)
	return [2]time.Duration{time.Duration(utime+stime) * 10 * time.Millisecond, goCPU} // USER_HZ = 100
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
