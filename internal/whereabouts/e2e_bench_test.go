package whereabouts_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"liudong/bot"
	"liudong/internal/app/apptest"
)

// BenchmarkLocationUpdateEndToEnd is one location update through the whole path: router,
// middleware (inbound row, identify), the handler's read and insert in PostgreSQL, and the
// reply; "help" is the same path with the 帮助 command, which touches no table of its own (the
// middleware's share). It reports the 99th percentile latency besides the mean.
func BenchmarkLocationUpdateEndToEnd(b *testing.B) {
	h := apptest.New(b)
	h.Now = time.Date(2026, 11, 25, 10, 0, 0, 0, shanghai)
	h.Import(roster)
	h.Bind("张三", "u-zhang")
	n := 0
	run := func(b *testing.B, texts []string, want string) {
		lat := make([]time.Duration, 0, 4096)
		i := 0
		for b.Loop() {
			n++
			start := time.Now()
			res := h.Send(bot.Message{From: "u-zhang", ID: fmt.Sprintf("bench-%d", n), Text: texts[i%len(texts)]})
			lat = append(lat, time.Since(start))
			if len(res.Replies) != 1 || !strings.Contains(res.Replies[0].Text, want) {
				b.Fatalf("reply %+v", res.Replies)
			}
			i++
		}
		slices.Sort(lat)
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "msgs/s")
	}
	b.Run("location", func(b *testing.B) {
		run(b, []string{"我在深圳南山", "到了东莞", "现在在杭州打工", "位置 广东省深圳市南山区"}, "已记录您的位置")
	})
	b.Run("help", func(b *testing.B) { run(b, []string{"帮助"}, "张三同志") })
}
