package alerts

import (
	"testing"
	"time"
)

func TestMinusMonthsClampsLikePostgreSQL(t *testing.T) {
	for _, tc := range []struct {
		day    string
		months int
		want   string
	}{
		{"2026-03-31", 1, "2026-02-28"},
		{"2024-03-31", 1, "2024-02-29"},
		{"2026-05-31", 3, "2026-02-28"},
		{"2026-01-15", 3, "2025-10-15"},
		{"2026-04-10", 6, "2025-10-10"},
		{"2026-04-10", 0, "2026-04-10"},
		{"2026-08-31", 6, "2026-02-28"},
	} {
		day, _ := time.Parse(time.DateOnly, tc.day)
		if got := minusMonths(day, tc.months).Format(time.DateOnly); got != tc.want {
			t.Errorf("%s − %d months = %s, want %s", tc.day, tc.months, got, tc.want)
		}
	}
	for _, tc := range []struct {
		since, day string
		want       int
	}{
		{"2025-10-10", "2026-04-10", 6}, {"2025-10-10", "2026-04-09", 5}, {"2026-01-31", "2026-02-28", 0}, {"2026-05-01", "2026-05-01", 0},
	} {
		s, _ := time.Parse(time.DateOnly, tc.since)
		d, _ := time.Parse(time.DateOnly, tc.day)
		if got := monthsBetween(s, d); got != tc.want {
			t.Errorf("monthsBetween(%s, %s) = %d, want %d", tc.since, tc.day, got, tc.want)
		}
	}
}
