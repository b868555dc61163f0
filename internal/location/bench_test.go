package location

import (
	"runtime"
	"testing"
	"time"
)

// A mix of what the router passes on: location updates and other chat.
var benchMessages = []string{
	"位置 广东省深圳市南山区",
	"我在深圳南山",
	"到了东莞",
	"现在在杭州打工",
	"我现在在广东深圳宝安区上班",
	"已到达苏州",
	"目前在上海浦东工作",
	"我到北京了",
	"我在朝阳",
	"广东省深圳市南山区粤海街道科技园",
	"我在想一个问题",
	"谢谢书记",
	"好的收到",
	"我在新华书店",
	"这个月的党费怎么交",
	"明天有空吗",
}

// One message as the router handles it: extract, then resolve.
func BenchmarkParseAndResolve(b *testing.B) {
	r := Default()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if place, ok := r.ParsePhrase(benchMessages[i%len(benchMessages)]); ok {
			r.Resolve(place)
		}
		i++
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(i)/1e3, "µs/msg")
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "msgs/s")
}

func BenchmarkResolve(b *testing.B) {
	r := Default()
	texts := []string{"广东省深圳市南山区", "深圳南山", "朝阳", "北京市朝阳区", "南山区科技园", "火星"}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		r.Resolve(texts[i%len(texts)])
		i++
	}
}

// The cost of Default's first use.
func BenchmarkNewResolver(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := newResolver(regionsTSV); err != nil {
			b.Fatal(err)
		}
	}
}

// Logs (never asserts) the build time and retained heap of a resolver.
func TestBuildCost(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	r, err := newResolver(regionsTSV)
	elapsed := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	t.Logf("build: %v, %d divisions, %d names, retained heap %.2f MB",
		elapsed, len(r.nodes), len(r.names), float64(after.HeapAlloc-before.HeapAlloc)/(1<<20))
	runtime.KeepAlive(r)
}
