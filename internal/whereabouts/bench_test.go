package whereabouts

import (
	"testing"

	"liudong/bot"
	"liudong/internal/config"
)

// What the router hands the location pattern: updates and the other chat it must turn down
// (the pattern is tried on every member's private message that matches no command).
var benchTexts = []string{
	"我在深圳南山", "到了东莞", "现在在杭州打工", "我现在在广东深圳宝安区上班", "我在朝阳",
	"广东省深圳市南山区粤海街道科技园", "目前在上海浦东工作", "我到北京了",
	"我在想一个问题", "谢谢书记", "好的收到", "我在新华书店", "这个月的党费怎么交", "明天有空吗",
}

// BenchmarkLocationPattern is the pattern's pure part per message: the match (folding,
// phrase extraction, resolution) and, for an update, the handler's extraction and resolution.
func BenchmarkLocationPattern(b *testing.B) {
	s, err := New(nil, config.Default())
	if err != nil {
		b.Fatal(err)
	}
	ctxs := make([]*bot.Context, len(benchTexts))
	for i, t := range benchTexts {
		ctxs[i] = &bot.Context{Msg: &bot.Message{Text: t}, Text: t}
	}
	b.ReportAllocs()
	i, updates := 0, 0
	for b.Loop() {
		c := ctxs[i%len(ctxs)]
		if s.matchLocation(c) {
			if place, ok := s.res.ParsePhrase(bot.FoldString(c.Text)); ok && len(s.res.Resolve(place)) > 0 {
				updates++
			}
		}
		i++
	}
	if updates == 0 {
		b.Fatal("no update recognised")
	}
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "msgs/s")
}
