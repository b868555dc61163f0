package parse

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var shanghai = time.FixedZone("CST", 8*3600)

// now is Wednesday 2026-11-25 10:00 in Shanghai.
var now = time.Date(2026, 11, 25, 10, 0, 0, 0, shanghai)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, shanghai) }

// wantErr checks err is a chat error whose message contains sub.
func wantErr(t *testing.T, err error, sub string) {
	t.Helper()
	var pe *Error
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v, want *Error containing %q", err, sub)
	}
	if !strings.Contains(pe.Msg, sub) {
		t.Fatalf("err = %q, want it to contain %q", pe.Msg, sub)
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in       string
		now      time.Time // zero: now
		want     time.Time
		wantRest string
		err      string // substring of the error message
	}{
		{in: "11月20日", want: day(2026, 11, 20)},
		{in: "11月20号", want: day(2026, 11, 20)},
		{in: "11月20", want: day(2026, 11, 20)},
		{in: "11.20", want: day(2026, 11, 20)},
		{in: "11/20", want: day(2026, 11, 20)},
		{in: "11-20", want: day(2026, 11, 20)},
		{in: "2026-11-20", want: day(2026, 11, 20)},
		{in: "2026/11/20", want: day(2026, 11, 20)},
		{in: "2026.11.20", want: day(2026, 11, 20)},
		{in: "2026-1-5", want: day(2026, 1, 5)},
		{in: "2026年11月20日", want: day(2026, 11, 20)},
		{in: "2026年11月20号", want: day(2026, 11, 20)},
		{in: "20261120", want: day(2026, 11, 20)},
		{in: "今天", want: day(2026, 11, 25)},
		{in: "昨天", want: day(2026, 11, 24)},
		{in: "前天", want: day(2026, 11, 23)},
		{in: "大前天", want: day(2026, 11, 22)},
		{in: "明天", want: day(2026, 11, 26)},
		{in: "上周六", want: day(2026, 11, 21)},
		{in: "上星期六", want: day(2026, 11, 21)},
		{in: "上礼拜六", want: day(2026, 11, 21)},
		{in: "上个星期天", want: day(2026, 11, 22)},
		{in: "上周一", want: day(2026, 11, 16)},
		{in: "上上周五", want: day(2026, 11, 13)},
		{in: "本周一", want: day(2026, 11, 23)},
		{in: "这周三", want: day(2026, 11, 25)},
		{in: "这个礼拜二", want: day(2026, 11, 24)},
		{in: "下周一", want: day(2026, 11, 30)},
		{in: "周五", want: day(2026, 11, 20)},
		{in: "星期三", want: day(2026, 11, 25)},
		{in: "礼拜天", want: day(2026, 11, 22)},
		{in: "周日", want: day(2026, 11, 22)},
		{in: "周2", want: day(2026, 11, 24)},
		{in: "3天前", want: day(2026, 11, 22)},
		{in: "三天前", want: day(2026, 11, 22)},
		{in: "两天前", want: day(2026, 11, 23)},
		{in: "十天以前", want: day(2026, 11, 15)},
		{in: "30天前", want: day(2026, 10, 26)},
		{in: "12月30日", now: time.Date(2027, 1, 2, 9, 0, 0, 0, shanghai), want: day(2026, 12, 30)},
		{in: "12月30日", want: day(2025, 12, 30)},
		{in: "11月25日", want: day(2026, 11, 25)},
		{in: "11月26日", want: day(2025, 11, 26)},
		{in: "1月5日", want: day(2026, 1, 5)},
		{in: "２月２９日", want: day(2024, 2, 29)},
		{in: "１１月２０日", want: day(2026, 11, 20)},
		{in: "２０２６－１１－２０", want: day(2026, 11, 20)},
		{in: "十一月二十日", want: day(2026, 11, 20)},
		{in: "二十号", want: day(2026, 11, 20)},
		{in: "20号", want: day(2026, 11, 20)},
		{in: "28号", want: day(2026, 10, 28)},
		{in: "31日", want: day(2026, 10, 31)},
		{in: "上个月20号", want: day(2026, 10, 20)},
		{in: "上月3日", want: day(2026, 10, 3)},
		{in: "本月3日", want: day(2026, 11, 3)},
		{in: "今年3月5日", want: day(2026, 3, 5)},
		{in: "去年12月31日", want: day(2025, 12, 31)},
		{in: "　11月20日　深圳", want: day(2026, 11, 20), wantRest: "深圳"},
		{in: "11月20日深圳南山区XX支部 主题党日", want: day(2026, 11, 20), wantRest: "深圳南山区XX支部 主题党日"},
		{in: "11月20日，深圳。", want: day(2026, 11, 20), wantRest: "深圳。"},
		{in: "11月20日：参加主题党日", want: day(2026, 11, 20), wantRest: "参加主题党日"},
		{in: "2026年11月20日下午3点 深圳", want: day(2026, 11, 20), wantRest: "深圳"},
		{in: "11.20 14:30 深圳", want: day(2026, 11, 20), wantRest: "深圳"},
		{in: "昨天晚上 党课", want: day(2026, 11, 24), wantRest: "党课"},
		{in: "11月20日 2号楼", want: day(2026, 11, 20), wantRest: "2号楼"},
		{in: "2026-11-20\r\n深圳", want: day(2026, 11, 20), wantRest: "深圳"},
		{in: "2月30日", err: "日期不存在：2月30日"},
		{in: "2027年2月29日", err: "日期不存在：2027年2月29日"},
		{in: "4月31号", err: "日期不存在"},
		{in: "13月1日", err: "没有13月"},
		{in: "11月32日", err: "没有32号"},
		{in: "20261320", err: "没有13月"},
		{in: "1899-01-01", err: "年份不对"},
		{in: "2026年11月", err: "具体哪一天"},
		{in: "11月底", err: "具体哪一天"},
		{in: "上周", err: "星期几"},
		{in: "深圳", err: ErrNoDate.Msg},
		{in: "2号楼", err: ErrNoDate.Msg},
		{in: "11.20.5", err: ErrNoDate.Msg},
		{in: "1120", err: ErrNoDate.Msg},
		{in: "上午", err: ErrNoDate.Msg},
		{in: "", err: ErrNoDate.Msg},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			n := tt.now
			if n.IsZero() {
				n = now
			}
			got, rest, err := ParseDate(tt.in, n)
			if tt.err != "" {
				wantErr(t, err, tt.err)
				return
			}
			if err != nil {
				t.Fatalf("ParseDate(%q) error: %v", tt.in, err)
			}
			if !got.Equal(tt.want) || got.Location() != shanghai {
				t.Errorf("ParseDate(%q) = %v, want %v", tt.in, got, tt.want)
			}
			if rest != tt.wantRest {
				t.Errorf("ParseDate(%q) rest = %q, want %q", tt.in, rest, tt.wantRest)
			}
		})
	}
}

func TestParseDateSentinel(t *testing.T) {
	if _, _, err := ParseDate("深圳", now); !errors.Is(err, ErrNoDate) {
		t.Fatalf("err = %v, want ErrNoDate", err)
	}
}

func TestAddMonths(t *testing.T) {
	m := yearMonth{2028, 2}
	if got := m.addMonths(11); got != (yearMonth{2029, 1}) {
		t.Errorf("addMonths(11) = %v", got)
	}
	if got := m.addMonths(-2); got != (yearMonth{2027, 12}) {
		t.Errorf("addMonths(-2) = %v", got)
	}
}
