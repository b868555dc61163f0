package report

import (
	"testing"
	"time"
)

func TestPeriodOf(t *testing.T) {
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		at      time.Time
		cadence Cadence
		key     string
		label   string
		start   string
		end     string
	}{
		// 00:30 on 1 April in Shanghai is still 31 March in UTC: the second quarter.
		{time.Date(2026, 3, 31, 16, 30, 0, 0, time.UTC), Quarterly, "2026Q2", "2026年第二季度", "2026-04-01", "2026-07-01"},
		{time.Date(2026, 3, 31, 15, 59, 59, 0, time.UTC), Quarterly, "2026Q1", "2026年第一季度", "2026-01-01", "2026-04-01"},
		{time.Date(2026, 12, 31, 23, 59, 0, 0, sh), Quarterly, "2026Q4", "2026年第四季度", "2026-10-01", "2027-01-01"},
		{time.Date(2026, 7, 1, 0, 0, 0, 0, sh), Quarterly, "2026Q3", "2026年第三季度", "2026-07-01", "2026-10-01"},
		{time.Date(2026, 6, 30, 16, 0, 0, 0, time.UTC), HalfYearly, "2026H2", "2026年下半年", "2026-07-01", "2027-01-01"},
		{time.Date(2026, 6, 30, 15, 0, 0, 0, time.UTC), HalfYearly, "2026H1", "2026年上半年", "2026-01-01", "2026-07-01"},
		{time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC), Yearly, "2027", "2027年", "2027-01-01", "2028-01-01"},
		{time.Date(2026, 5, 5, 12, 0, 0, 0, sh), Yearly, "2026", "2026年", "2026-01-01", "2027-01-01"},
	}
	for _, tc := range tests {
		p := PeriodOf(tc.at, tc.cadence, sh)
		if p.Key != tc.key || p.Label != tc.label || p.Start.Format(time.DateOnly) != tc.start || p.End.Format(time.DateOnly) != tc.end {
			t.Errorf("%s %s: got %s %s %s–%s", tc.at, tc.cadence, p.Key, p.Label, p.Start.Format(time.DateOnly), p.End.Format(time.DateOnly))
		}
		if p.Start.Location() != sh || !p.Contains(tc.at) || p.Contains(p.End) || !p.Contains(p.Start) {
			t.Errorf("%s: bounds %v", p.Key, p)
		}
		back, err := ParsePeriod(p.Key, sh)
		if err != nil || back != p {
			t.Errorf("ParsePeriod(%s) = %v, %v; want %v", p.Key, back, err, p)
		}
		if p.Cadence() != tc.cadence {
			t.Errorf("%s: cadence %s", p.Key, p.Cadence())
		}
		if p.Next().Prev() != p || p.Next().Start != p.End {
			t.Errorf("%s: next/prev", p.Key)
		}
	}
}

func TestPeriodSequence(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	p := PeriodOf(time.Date(2025, 11, 5, 0, 0, 0, 0, sh), Quarterly, sh)
	var keys []string
	for range 5 {
		keys = append(keys, p.Key)
		p = p.Next()
	}
	if got := keys; got[0] != "2025Q4" || got[1] != "2026Q1" || got[4] != "2026Q4" {
		t.Fatalf("next: %v", got)
	}
	if q := PeriodOf(time.Date(2026, 1, 10, 0, 0, 0, 0, sh), Quarterly, sh).Prev(); q.Key != "2025Q4" || q.LastDay().Format(time.DateOnly) != "2025-12-31" {
		t.Fatalf("prev: %v last day %v", q.Key, q.LastDay())
	}
	if h := PeriodOf(time.Date(2026, 2, 1, 0, 0, 0, 0, sh), HalfYearly, sh).Prev(); h.Key != "2025H2" {
		t.Fatalf("half-year prev: %v", h.Key)
	}
}

func TestParsePeriodRejects(t *testing.T) {
	for _, key := range []string{"", "26Q1", "2026Q5", "2026Q0", "2026H3", "2026X1", "2026Q12", "abcd"} {
		if _, err := ParsePeriod(key, time.UTC); err == nil {
			t.Errorf("%q accepted", key)
		}
	}
	if _, err := ParseCadence("monthly"); err == nil {
		t.Error("monthly accepted")
	}
}
