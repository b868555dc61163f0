package report

import (
	"fmt"
	"strconv"
	"time"
)

// Cadence is how often mobile members report: quarterly by default (local practice), half-yearly
// or yearly (the central rule asks for at least once a year).
type Cadence string

const (
	Quarterly  Cadence = "quarterly"
	HalfYearly Cadence = "half-yearly"
	Yearly     Cadence = "yearly"
)

// ParseCadence reads the report.period configuration value.
func ParseCadence(s string) (Cadence, error) {
	switch c := Cadence(s); c {
	case Quarterly, HalfYearly, Yearly:
		return c, nil
	}
	return "", fmt.Errorf("report: unknown period %q (want quarterly, half-yearly or yearly)", s)
}

// months is the length of one period in months.
func (c Cadence) months() int {
	switch c {
	case HalfYearly:
		return 6
	case Yearly:
		return 12
	}
	return 3
}

// This names the current period in a reply: 本季度, 本半年, 今年.
func (c Cadence) This() string {
	switch c {
	case HalfYearly:
		return "本半年"
	case Yearly:
		return "今年"
	}
	return "本季度"
}

// previous names the period before the current one: 上季度, 上半年度, 去年.
func (c Cadence) previous() string {
	switch c {
	case HalfYearly:
		return "上一个半年"
	case Yearly:
		return "去年"
	}
	return "上季度"
}

// Period is one reporting period in the configured time zone: [Start, End).
type Period struct {
	Key   string    // "2026Q2", "2026H1" or "2026": what reports are stored under
	Start time.Time // its first instant
	End   time.Time // the first instant of the next period
	Label string    // "2026年第二季度", "2026年上半年", "2026年"
}

// PeriodOf returns the period containing t, reckoned in loc: a report sent at 00:30 on
// 1 April in Shanghai belongs to the second quarter even though it is still March in UTC.
func PeriodOf(t time.Time, c Cadence, loc *time.Location) Period {
	t = t.In(loc)
	n := c.months()
	first := (int(t.Month())-1)/n*n + 1
	return periodFrom(t.Year(), first, c, loc)
}

func periodFrom(year, firstMonth int, c Cadence, loc *time.Location) Period {
	start := time.Date(year, time.Month(firstMonth), 1, 0, 0, 0, 0, loc)
	p := Period{Start: start, End: start.AddDate(0, c.months(), 0)}
	y := strconv.Itoa(year)
	switch c {
	case HalfYearly:
		half := (firstMonth-1)/6 + 1
		p.Key = fmt.Sprintf("%sH%d", y, half)
		p.Label = y + "年" + [...]string{"上半年", "下半年"}[half-1]
	case Yearly:
		p.Key, p.Label = y, y+"年"
	default:
		q := (firstMonth-1)/3 + 1
		p.Key = fmt.Sprintf("%sQ%d", y, q)
		p.Label = y + "年第" + [...]string{"一", "二", "三", "四"}[q-1] + "季度"
	}
	return p
}

// ParsePeriod reads a period key ("2026Q2", "2026H1", "2026") in loc.
func ParsePeriod(key string, loc *time.Location) (Period, error) {
	bad := fmt.Errorf("report: bad period key %q", key)
	if len(key) < 4 {
		return Period{}, bad
	}
	year, err := strconv.Atoi(key[:4])
	if err != nil || year < 1900 {
		return Period{}, bad
	}
	switch rest := key[4:]; {
	case rest == "":
		return periodFrom(year, 1, Yearly, loc), nil
	case len(rest) == 2 && rest[0] == 'Q' && rest[1] >= '1' && rest[1] <= '4':
		return periodFrom(year, int(rest[1]-'1')*3+1, Quarterly, loc), nil
	case len(rest) == 2 && rest[0] == 'H' && (rest[1] == '1' || rest[1] == '2'):
		return periodFrom(year, int(rest[1]-'1')*6+1, HalfYearly, loc), nil
	}
	return Period{}, bad
}

// Cadence is the kind of period this is.
func (p Period) Cadence() Cadence {
	switch {
	case len(p.Key) == 4:
		return Yearly
	case len(p.Key) == 6 && p.Key[4] == 'H':
		return HalfYearly
	}
	return Quarterly
}

// Next is the period after p.
func (p Period) Next() Period { return PeriodOf(p.End, p.Cadence(), p.Start.Location()) }

// Prev is the period before p.
func (p Period) Prev() Period {
	return PeriodOf(p.Start.Add(-time.Nanosecond), p.Cadence(), p.Start.Location())
}

// Contains reports whether t falls in the period.
func (p Period) Contains(t time.Time) bool { return !t.Before(p.Start) && t.Before(p.End) }

// LastDay is the period's last calendar day (for "截至6月30日").
func (p Period) LastDay() time.Time { return p.End.AddDate(0, 0, -1) }

// String is the key.
func (p Period) String() string { return p.Key }
