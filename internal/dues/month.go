package dues

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Month is a calendar month; dues are owed per month. The zero Month means "none".
type Month struct {
	Year  int
	Month time.Month
}

// Years outside this span are typos, not dues months.
const (
	minYear = 2000
	maxYear = 2099
)

// MonthOf returns the month t falls in (in t's location).
func MonthOf(t time.Time) Month { return Month{t.Year(), t.Month()} }

func (m Month) index() int { return m.Year*12 + int(m.Month) - 1 }

func monthAt(i int) Month { return Month{i / 12, time.Month(i%12 + 1)} }

// Add returns the month n months later (earlier when n < 0).
func (m Month) Add(n int) Month { return monthAt(m.index() + n) }

// Sub returns the number of months from o to m.
func (m Month) Sub(o Month) int { return m.index() - o.index() }

// Before reports whether m is earlier than o.
func (m Month) Before(o Month) bool { return m.index() < o.index() }

// After reports whether m is later than o.
func (m Month) After(o Month) bool { return m.index() > o.index() }

// IsZero reports whether m is the zero Month.
func (m Month) IsZero() bool { return m == Month{} }

// Valid reports whether m is a real month in a plausible year.
func (m Month) Valid() bool {
	return m.Year >= minYear && m.Year <= maxYear && m.Month >= time.January && m.Month <= time.December
}

// String formats m as "2026年11月".
func (m Month) String() string { return fmt.Sprintf("%d年%d月", m.Year, m.Month) }

// FormatMonths formats an inclusive span: "2026年11月", "2026年10月-12月",
// "2026年11月-2027年2月".
func FormatMonths(from, to Month) string {
	switch {
	case from == to:
		return from.String()
	case from.Year == to.Year:
		return fmt.Sprintf("%s-%d月", from, to.Month)
	}
	return from.String() + "-" + to.String()
}

const monthPattern = `(\d{4})(?:年(\d{1,2})月?|[-/.](\d{1,2}))`

var (
	singleMonthRe = regexp.MustCompile(`^` + monthPattern + `$`)
	// The end of a range either has its own year or ends in 月, so that
	// "2026-10-12" (a date) is not read as October to December.
	monthRangeRe = regexp.MustCompile(`^` + monthPattern + `(?:-|~|至|到|—)(?:` + monthPattern + `|(\d{1,2})月)$`)
	monthCountRe = regexp.MustCompile(`^(?:共|补交?|预交|交)?([0-9]+|[一二两三四五六七八九十]+)个月$`)
)

// ParseMonth parses "2026年11月", "2026年11月份", "2026-11", "2026/11", "2026.11".
func ParseMonth(s string) (Month, error) {
	t := normalizeMonthText(s)
	g := singleMonthRe.FindStringSubmatch(t)
	if g == nil {
		return Month{}, fmt.Errorf("月份格式不对：“%s”，请写成如2026年11月", s)
	}
	return monthFromGroups(s, g[1], g[2]+g[3])
}

// ParseMonths parses the months a payment or exemption covers: one month,
// an inclusive range ("2026年10月-12月", "2026年11月-2027年2月",
// "2026-10至2026-12"), or a count ("3个月", "三个月") starting at first,
// which the caller sets to the member's first unpaid month.
func ParseMonths(s string, first Month) (from, to Month, err error) {
	sp, err := ParseMonthSpan(s)
	if err != nil {
		return Month{}, Month{}, err
	}
	return sp.Resolve(first)
}

// MonthSpan is months as typed: a range, or a number of months whose first
// month the caller decides (Count > 0, From and To zero).
type MonthSpan struct {
	From, To Month
	Count    int
}

// ParseMonthSpan parses what ParseMonths does, leaving a count unresolved.
func ParseMonthSpan(s string) (MonthSpan, error) {
	t := normalizeMonthText(s)
	if g := monthCountRe.FindStringSubmatch(t); g != nil {
		n, ok := parseCount(g[1])
		if !ok || n < 1 || n > 24 {
			return MonthSpan{}, fmt.Errorf("月数不合理：“%s”，应为1到24个月", s)
		}
		return MonthSpan{Count: n}, nil
	}
	if g := singleMonthRe.FindStringSubmatch(t); g != nil {
		m, err := monthFromGroups(s, g[1], g[2]+g[3])
		return MonthSpan{From: m, To: m}, err
	}
	g := monthRangeRe.FindStringSubmatch(t)
	if g == nil {
		return MonthSpan{}, fmt.Errorf("月份格式不对：“%s”，请写成如2026年11月、2026年10月-12月或3个月", s)
	}
	from, err := monthFromGroups(s, g[1], g[2]+g[3])
	if err != nil {
		return MonthSpan{}, err
	}
	toYear := g[4]
	if toYear == "" {
		toYear = g[1]
	}
	to, err := monthFromGroups(s, toYear, g[5]+g[6]+g[7])
	if err != nil {
		return MonthSpan{}, err
	}
	if to.Before(from) {
		return MonthSpan{}, fmt.Errorf("起止月份颠倒：“%s”", s)
	}
	return MonthSpan{From: from, To: to}, nil
}

// Resolve returns the span's months, a count starting at first.
func (sp MonthSpan) Resolve(first Month) (from, to Month, err error) {
	if sp.Count == 0 {
		return sp.From, sp.To, nil
	}
	if !first.Valid() {
		return Month{}, Month{}, errors.New("无法确定从哪个月开始，请写明月份，如2026年11月-2027年1月")
	}
	return first, first.Add(sp.Count - 1), nil
}

func normalizeMonthText(s string) string {
	t := strings.Join(strings.Fields(foldWidth(s)), "")
	t = strings.ReplaceAll(t, "月份", "月")
	return strings.NewReplacer("–", "-", "－", "-", "〜", "~").Replace(t)
}

func monthFromGroups(orig, year, month string) (Month, error) {
	y, _ := strconv.Atoi(year)
	mo, _ := strconv.Atoi(month)
	m := Month{y, time.Month(mo)}
	if mo < 1 || mo > 12 {
		return Month{}, fmt.Errorf("月份应为1到12：“%s”", orig)
	}
	if !m.Valid() {
		return Month{}, fmt.Errorf("年份不合理：“%s”", orig)
	}
	return m, nil
}

// parseCount reads 1-99 in digits or Chinese numerals (三, 两, 十二, 二十四).
func parseCount(s string) (int, bool) {
	if n, err := strconv.Atoi(s); err == nil {
		return n, true
	}
	digit := map[rune]int{'一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}
	r := []rune(s)
	switch {
	case len(r) == 1 && r[0] == '十':
		return 10, true
	case len(r) == 1:
		n, ok := digit[r[0]]
		return n, ok
	case len(r) == 2 && r[0] == '十':
		n, ok := digit[r[1]]
		return 10 + n, ok
	case len(r) == 2 && r[1] == '十':
		n, ok := digit[r[0]]
		return 10 * n, ok
	case len(r) == 3 && r[1] == '十':
		a, ok1 := digit[r[0]]
		b, ok2 := digit[r[2]]
		return 10*a + b, ok1 && ok2
	}
	return 0, false
}

// FormatMonthList formats months (in any order) as runs: "2026年3月、2026年5月-7月".
func FormatMonthList(ms []Month) string {
	if len(ms) == 0 {
		return ""
	}
	sorted := slices.Clone(ms)
	slices.SortFunc(sorted, func(a, b Month) int { return a.Sub(b) })
	sorted = slices.Compact(sorted)
	var parts []string
	from := sorted[0]
	for i := 1; i <= len(sorted); i++ {
		if i < len(sorted) && sorted[i] == sorted[i-1].Add(1) {
			continue
		}
		parts = append(parts, FormatMonths(from, sorted[i-1]))
		if i < len(sorted) {
			from = sorted[i]
		}
	}
	return strings.Join(parts, "、")
}

// Date returns the first day of m, as a date column holds it.
func (m Month) Date() time.Time { return time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, time.UTC) }

// Value stores m in a date column as its first day; the zero Month is NULL.
func (m Month) Value() (driver.Value, error) {
	if m.IsZero() {
		return nil, nil
	}
	return fmt.Sprintf("%04d-%02d-01", m.Year, int(m.Month)), nil
}

// Scan reads a date column (NULL reads as the zero Month).
func (m *Month) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*m = Month{}
	case time.Time:
		*m = Month{v.Year(), v.Month()}
	case string:
		return m.scanText(v)
	case []byte:
		return m.scanText(string(v))
	default:
		return fmt.Errorf("dues: cannot read %T as a month", src)
	}
	return nil
}

func (m *Month) scanText(s string) error {
	text := strings.TrimSpace(s)
	if len(text) > 10 {
		text = text[:10] // "2026-11-01T00:00:00Z"
	}
	t, err := time.Parse("2006-01-02", text)
	if err != nil {
		return fmt.Errorf("dues: cannot read %q as a month", s)
	}
	*m = Month{t.Year(), t.Month()}
	return nil
}
