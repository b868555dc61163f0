package stats

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Date is a report date: a calendar day, and whether the report is "as of the end of a month".
type Date struct {
	Day time.Time // midnight, in the configured zone
	// MonthEnd is set when Day is the last day of its month: the label names the month only.
	MonthEnd bool
}

// Label is how the paragraph names the date: 2026年11月, or 2026年11月20日 mid-month.
func (d Date) Label() string {
	if d.MonthEnd {
		return fmt.Sprintf("%d年%d月", d.Day.Year(), d.Day.Month())
	}
	return fmt.Sprintf("%d年%d月%d日", d.Day.Year(), d.Day.Month(), d.Day.Day())
}

func (d Date) String() string { return d.Day.Format(time.DateOnly) }

func midnight(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

func lastOfMonth(y int, m time.Month, loc *time.Location) time.Time {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, loc)
}

func dateOf(day time.Time) Date {
	return Date{Day: day, MonthEnd: day.Equal(lastOfMonth(day.Year(), day.Month(), day.Location()))}
}

// ErrFuture refuses a report date after today.
var ErrFuture = errors.New("stats: report date in the future")

var (
	reMonthCN = regexp.MustCompile(`^(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月(?:份)?(?:\s*(\d{1,2})\s*[日号])?(?:底|末)?$`)
	reISO     = regexp.MustCompile(`^(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?$`)
	reYear    = regexp.MustCompile(`^(\d{4})\s*年(?:底|末)?$`)
)

// ParseDate reads a report date as people write it: 2026年11月, 11月 (the latest November not in
// the future), 2026年11月30日, 2026-11, 2026-11-30, 2026年 (the end of that year). A month
// means its last day, or today for the current month. today is midnight in the configured zone.
func ParseDate(s string, today time.Time) (Date, error) {
	s = strings.TrimSpace(s)
	today = midnight(today)
	loc := today.Location()
	var year, month, day int
	yearOnly := false
	if m := reMonthCN.FindStringSubmatch(s); m != nil {
		year, _ = strconv.Atoi(m[1])
		month, _ = strconv.Atoi(m[2])
		day, _ = strconv.Atoi(m[3])
		if m[1] == "" {
			year = today.Year()
			if month > int(today.Month()) {
				year--
			}
		}
	} else if m := reISO.FindStringSubmatch(s); m != nil {
		year, _ = strconv.Atoi(m[1])
		month, _ = strconv.Atoi(m[2])
		day, _ = strconv.Atoi(m[3])
	} else if m := reYear.FindStringSubmatch(s); m != nil {
		year, _ = strconv.Atoi(m[1])
		month, yearOnly = 12, true
	} else {
		return Date{}, fmt.Errorf("看不懂日期“%s”，请写成 2026年11月 或 2026-11-30", s)
	}
	if month < 1 || month > 12 || year < 1949 {
		return Date{}, fmt.Errorf("日期“%s”不存在", s)
	}
	var d time.Time
	if day == 0 {
		d = lastOfMonth(year, time.Month(month), loc)
		if year == today.Year() && (time.Month(month) == today.Month() || yearOnly) {
			d = today // the current month (or year): as of today
		}
	} else {
		d = time.Date(year, time.Month(month), day, 0, 0, 0, 0, loc)
		if d.Day() != day {
			return Date{}, fmt.Errorf("日期“%s”不存在", s)
		}
	}
	if d.After(today) {
		return Date{}, fmt.Errorf("%w: %s", ErrFuture, d.Format(time.DateOnly))
	}
	return dateOf(d), nil
}

// Today is the report date of a report "as of now".
func Today(now time.Time) Date { return dateOf(midnight(now)) }
