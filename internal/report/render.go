package report

import (
	"fmt"
	"strings"
	"time"

	"liudong/bot"
	"liudong/internal/parse"
	"liudong/internal/store"
)

// freeLabel heads the text outside the four sections.
const freeLabel = "其他"

// full lists every section in full, marking the empty ones: the guided summary and 我的汇报.
// A free report (no sections at all) is shown as one text.
func full(c store.ReportContent, empty string) string {
	var b strings.Builder
	if onlyFree(c) {
		b.WriteString(c.Free)
		return b.String()
	}
	for _, sec := range parse.Sections {
		text := Section(c, sec)
		if text == "" {
			text = empty
		}
		fmt.Fprintf(&b, "【%s】%s\n", sec, text)
	}
	if c.Free != "" {
		fmt.Fprintf(&b, "【%s】%s\n", freeLabel, c.Free)
	}
	return strings.TrimRight(b.String(), "\n")
}

// echo lists what was stored per section, each cut short: the reply to a one-shot report.
func echo(c store.ReportContent) string {
	var b strings.Builder
	for _, sec := range parse.Sections {
		text := Section(c, sec)
		if text == "" {
			text = "（未填写）"
		} else {
			text = excerpt(text, 40)
		}
		fmt.Fprintf(&b, "【%s】%s\n", sec, text)
	}
	if c.Free != "" {
		fmt.Fprintf(&b, "【%s】%s\n", freeLabel, excerpt(c.Free, 40))
	}
	return strings.TrimRight(b.String(), "\n")
}

// excerpt cuts text to n runes on one line, saying how long it was.
func excerpt(text string, n int) string {
	flat := strings.Join(strings.Fields(text), " ")
	cut, count, truncated := bot.Truncate(flat, n)
	if !truncated {
		return flat
	}
	return fmt.Sprintf("%s……（共%d字）", cut, count)
}

func onlyFree(c store.ReportContent) bool {
	return c.Thought == "" && c.Work == "" && c.Life == "" && c.Study == "" && c.Free != ""
}

// missing names the empty sections: "生活、学习".
func missing(c store.ReportContent) []string {
	var out []string
	for _, sec := range parse.Sections {
		if Section(c, sec) == "" {
			out = append(out, sec.String())
		}
	}
	return out
}

// day formats a date for replies: 4月3日, with the year when it is not the year of now.
func day(t, now time.Time) string {
	t = t.In(now.Location())
	if t.Year() != now.Year() {
		return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day())
	}
	return fmt.Sprintf("%d月%d日", t.Month(), t.Day())
}

// reviewLine says whether and how the report was reviewed.
func reviewLine(r store.Report, now time.Time) string {
	if !r.Reviewed() {
		return "尚未批阅"
	}
	s := fmt.Sprintf("%s于%s批阅", r.ReviewerName, day(*r.ReviewedAt, now))
	if r.ReviewComment != "" {
		s += "，批语：" + r.ReviewComment
	}
	return s
}
