package report_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"liudong/bot"
	"liudong/internal/app/apptest"
	"liudong/internal/report"
	"liudong/internal/store"
)

const benchMembers = 240

var (
	surnames = []rune("赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜")
	given    = []rune("伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华")
)

// benchRoster is a roster of n mobile members in four branches.
func benchRoster(n int) (string, []string) {
	var b strings.Builder
	b.WriteString("姓名,性别,出生日期,学历,所在党支部,流动类型,外出日期,流动地点,外出原因\n")
	names := make([]string, 0, n)
	for i := range n {
		name := string(surnames[i%len(surnames)]) + string(given[(i/len(surnames))%len(given)]) + string(given[(i*7+3)%len(given)])
		names = append(names, name)
		fmt.Fprintf(&b, "%s,男,19%02d-0%d-1%d,高中,第%d党支部,流出,2026-0%d-01,广东省深圳市,务工\n",
			name, 60+i%40, 1+i%9, i%10, 1+i%4, 1+i%4)
	}
	return b.String(), names
}

// BenchmarkMessagePath measures the whole message path — router, middleware (persist, identify,
// serialise, audit), handler, PostgreSQL, Redis, reply — for many bound members reporting at
// once. Each member cycles through a one-shot report (a second one this quarter, so the bot
// asks 替换/补充/取消 and keeps a Redis conversation), “替换” (a transaction writing a revision,
// the new text and an audit row) and 我的汇报 (a read). Reported: messages/s over the wall
// clock, and the p50/p99 latency of one message.
func BenchmarkMessagePath(b *testing.B) {
	h := apptest.New(b)
	h.Now = may10
	csv, names := benchRoster(benchMembers)
	h.Import(csv)
	handles := make([]string, len(names))
	ctx := context.Background()
	for i, name := range names {
		handles[i] = fmt.Sprintf("u-bench-%d", i)
		h.Bind(name, handles[i])
		// Every member has this quarter's report already: each one-shot below is a second one.
		m := h.Member(name)
		if _, err := h.App.Reports.Submit(ctx, report.Submission{MemberID: m.ID, Period: h.App.Reports.Period(may10),
			Content: store.ReportContent{Thought: "坚定", Work: "在深圳务工"}, Source: report.SourceOneShot,
			Mode: report.ModeNew, At: may10}); err != nil {
			b.Fatal(err)
		}
	}
	oneShot := "汇报\n一、思想方面\n始终坚定理想信念，坚决拥护党的领导。\n二、工作方面\n在深圳市南山区一家电子厂担任班组长。\n三、生活方面：家庭和睦，身体健康。\n四、学习方面\n每天登录学习强国，参加流入地党课。"
	script := []struct{ text, want string }{
		{oneShot, "替换"},
		{"替换", "已替换"},
		{"我的汇报", "书记批阅"},
	}

	// 8 goroutines per core by default: 16 on the 2-core machine.
	par := 8
	if v, err := strconv.Atoi(os.Getenv("LIUDONG_BENCH_PARALLELISM")); err == nil && v > 0 {
		par = v
	}
	b.SetParallelism(par)
	goroutines := par * runtime.GOMAXPROCS(0)
	var (
		worker    atomic.Int64
		mu        sync.Mutex
		latencies []time.Duration
		failures  atomic.Int64
		firstFail atomic.Value
	)
	cpu0 := sampleCPU(b, h)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		w := int(worker.Add(1) - 1)
		// Members are split between workers, so a member's script runs in order.
		var mine []int
		for i := w; i < len(handles); i += goroutines {
			mine = append(mine, i)
		}
		local := make([]time.Duration, 0, 1024)
		steps := make([]int, len(mine))
		k := 0
		for pb.Next() {
			idx := k % len(mine)
			member := mine[idx]
			step := script[steps[idx]%len(script)]
			t0 := time.Now()
			res := h.Platform.Inject(ctx, bot.Message{From: handles[member], Nick: handles[member], Text: step.text, At: may10})
			local = append(local, time.Since(t0))
			if got := bottestText(res); !strings.Contains(got, step.want) {
				failures.Add(1)
				firstFail.CompareAndSwap(nil, fmt.Sprintf("%s %q → %q", handles[member], step.text, got))
			}
			steps[idx]++
			k++
		}
		mu.Lock()
		latencies = append(latencies, local...)
		mu.Unlock()
	})
	elapsed := time.Since(start)
	b.StopTimer()
	cpu1 := sampleCPU(b, h)
	if n := failures.Load(); n > 0 {
		b.Fatalf("%d unexpected replies, first: %v", n, firstFail.Load())
	}
	slices.Sort(latencies)
	pct := func(p float64) float64 {
		if len(latencies) == 0 {
			return 0
		}
		return float64(latencies[int(float64(len(latencies)-1)*p)].Microseconds()) / 1000
	}
	b.ReportMetric(float64(len(latencies))/elapsed.Seconds(), "msgs/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(worker.Load()), "goroutines")
	if cpu0.ok && cpu1.ok {
		n := float64(len(latencies))
		bot := cpu1.process - cpu0.process
		var pg time.Duration
		for pid, t := range cpu1.backends {
			pg += t - cpu0.backends[pid]
		}
		b.ReportMetric(float64(bot.Microseconds())/n, "bot-cpu-µs/msg")
		b.ReportMetric(float64(pg.Microseconds())/n, "pg-cpu-µs/msg")
	}
}

// cpuSample is the CPU time used so far by this process and by the PostgreSQL backends serving
// the test database (the server is shared with other tests: only our own backends count).
type cpuSample struct {
	ok       bool
	process  time.Duration
	backends map[int]time.Duration
}

func sampleCPU(b *testing.B, h *apptest.Harness) cpuSample {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return cpuSample{}
	}
	s := cpuSample{ok: true, backends: map[int]time.Duration{},
		process: time.Duration(ru.Utime.Nano() + ru.Stime.Nano())}
	var pids []int
	if err := h.Store.DB().Select(&pids, `SELECT pid FROM pg_stat_activity WHERE datname = current_database()`); err != nil {
		b.Logf("no backend pids: %v", err)
		return cpuSample{}
	}
	for _, pid := range pids {
		raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return cpuSample{} // PostgreSQL on another machine or user: no figure
		}
		// Fields after the command name: state is field 3; utime and stime are 14 and 15.
		f := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+2:]))
		ut, _ := strconv.ParseInt(f[11], 10, 64)
		stt, _ := strconv.ParseInt(f[12], 10, 64)
		s.backends[pid] = time.Duration(ut+stt) * (time.Second / 100) // USER_HZ
	}
	return s
}

func bottestText(res bot.Result) string {
	parts := make([]string, len(res.Replies))
	for i, r := range res.Replies {
		parts[i] = r.Text
	}
	return strings.Join(parts, "\n")
}
