package dues

import (
	"strings"
	"testing"
	"time"
)

func ym(y int, m time.Month) Month { return Month{y, m} }

func TestMonthArithmetic(t *testing.T) {
	if got := ym(2026, 11).Add(2); got != ym(2027, 1) {
		t.Errorf("Add(2) = %v", got)
	}
	if got := ym(2027, 1).Add(-13); got != ym(2025, 12) {
		t.Errorf("Add(-13) = %v", got)
	}
	if got := ym(2027, 2).Sub(ym(2026, 11)); got != 3 {
		t.Errorf("Sub = %d", got)
	}
	if !ym(2026, 12).Before(ym(2027, 1)) || ym(2027, 1).Before(ym(2026, 12)) || !ym(2027, 1).After(ym(2026, 12)) {
		t.Error("Before/After across a year boundary")
	}
	if got := MonthOf(time.Date(2026, 11, 30, 23, 0, 0, 0, time.UTC)); got != ym(2026, 11) {
		t.Errorf("MonthOf = %v", got)
	}
	if got := ym(2026, 11).String(); got != "2026年11月" {
		t.Errorf("String = %q", got)
	}
	if !(Month{}).IsZero() || (Month{}).Valid() || ym(2026, 13).Valid() {
		t.Error("zero/invalid months")
	}
}

func TestFormatMonths(t *testing.T) {
	tests := []struct {
		from, to Month
		want     string
	}{
		{ym(2026, 11), ym(2026, 11), "2026年11月"},
		{ym(2026, 10), ym(2026, 12), "2026年10月-12月"},
		{ym(2026, 11), ym(2027, 2), "2026年11月-2027年2月"},
	}
	for _, tt := range tests {
		if got := FormatMonths(tt.from, tt.to); got != tt.want {
			t.Errorf("FormatMonths(%v, %v) = %q, want %q", tt.from, tt.to, got, tt.want)
		}
	}
}

func TestParseMonth(t *testing.T) {
	tests := []struct {
		in      string
		want    Month
		wantErr string
	}{
		{"2026年11月", ym(2026, 11), ""},
		{"2026年1月", ym(2026, 1), ""},
		{"2026年01月", ym(2026, 1), ""},
		{"2026年11月份", ym(2026, 11), ""},
		{"2026年11", ym(2026, 11), ""},
		{" 2026 年 11 月 ", ym(2026, 11), ""},
		{"２０２６年１１月", ym(2026, 11), ""},
		{"2026-11", ym(2026, 11), ""},
		{"2026/3", ym(2026, 3), ""},
		{"2026.03", ym(2026, 3), ""},
		{"2026年13月", Month{}, "1到12"},
		{"2026-00", Month{}, "1到12"},
		{"1999年5月", Month{}, "年份"},
		{"11月", Month{}, "格式不对"},
		{"2026年", Month{}, "格式不对"},
		{"2026-11-20", Month{}, "格式不对"},
		{"下个月", Month{}, "格式不对"},
	}
	for _, tt := range tests {
		got, err := ParseMonth(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseMonth(%q) = %v, %v; want error containing %q", tt.in, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseMonth(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseMonths(t *testing.T) {
	first := ym(2026, 11)
	tests := []struct {
		in       string
		first    Month
		from, to Month
		wantErr  string
	}{
		{"2026年11月", first, ym(2026, 11), ym(2026, 11), ""},
		{"2026年10月-12月", first, ym(2026, 10), ym(2026, 12), ""},
		{"2026年10月至12月", first, ym(2026, 10), ym(2026, 12), ""},
		{"2026年10-12月", first, ym(2026, 10), ym(2026, 12), ""},
		{"2026年10月～12月", first, ym(2026, 10), ym(2026, 12), ""},
		{"2026年10月—12月", first, ym(2026, 10), ym(2026, 12), ""},
		{"2026年11月-2027年2月", first, ym(2026, 11), ym(2027, 2), ""},
		{"2026年11月到2027年2月", first, ym(2026, 11), ym(2027, 2), ""},
		{"2026-11至2027-02", first, ym(2026, 11), ym(2027, 2), ""},
		{"2026-11-2027-02", first, ym(2026, 11), ym(2027, 2), ""},
		{"2026-10-12月", first, ym(2026, 10), ym(2026, 12), ""},
		{"3个月", first, ym(2026, 11), ym(2027, 1), ""},
		{"三个月", first, ym(2026, 11), ym(2027, 1), ""},
		{"两个月", first, ym(2026, 11), ym(2026, 12), ""},
		{"十二个月", first, ym(2026, 11), ym(2027, 10), ""},
		{"补交3个月", ym(2026, 5), ym(2026, 5), ym(2026, 7), ""},
		{"1个月", first, ym(2026, 11), ym(2026, 11), ""},
		{"0个月", first, Month{}, Month{}, "月数"},
		{"25个月", first, Month{}, Month{}, "月数"},
		{"3个月", Month{}, Month{}, Month{}, "从哪个月开始"},
		{"2026年12月-10月", first, Month{}, Month{}, "颠倒"},
		{"2027年2月-2026年11月", first, Month{}, Month{}, "颠倒"},
		{"2026-10-12", first, Month{}, Month{}, "格式不对"},
		{"2026年10月-13月", first, Month{}, Month{}, "1到12"},
		{"十一月", first, Month{}, Month{}, "格式不对"},
	}
	for _, tt := range tests {
		from, to, err := ParseMonths(tt.in, tt.first)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseMonths(%q) = %v, %v, %v; want error containing %q", tt.in, from, to, err, tt.wantErr)
			}
			continue
		}
		if err != nil || from != tt.from || to != tt.to {
			t.Errorf("ParseMonths(%q) = %v, %v, %v; want %v, %v", tt.in, from, to, err, tt.from, tt.to)
		}
	}
}
