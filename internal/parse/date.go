package parse

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

var (
	// ErrNoDate: the text does not start with a date.
	ErrNoDate = &Error{Msg: "没有看懂日期，可以这样写：11月20日、2026-11-20、昨天、上周六"}

	errNeedDay     = &Error{Msg: "请写到具体哪一天，例如：11月20日"}
	errNeedWeekday = &Error{Msg: "请写明星期几，例如：上周六"}
)

// yearMonth is a calendar month.
type yearMonth struct {
	Year  int
	Month time.Month
}

// monthOf returns the month t falls in (in t's location).
func monthOf(t time.Time) yearMonth { return yearMonth{t.Year(), t.Month()} }

// addMonths returns the month n months later (earlier for negative n).
func (m yearMonth) addMonths(n int) yearMonth {
	return monthOf(time.Date(m.Year, m.Month+time.Month(n), 1, 0, 0, 0, 0, time.UTC))
}

// ParseDate reads a date at the start of s, relative to now, and returns it
// at 00:00 in now's location together with the rest of the (normalized) text.
// A time of day right after the date is read and dropped. On error, rest is
// the normalized input.
func ParseDate(s string, now time.Time) (date time.Time, rest string, err error) {
	s = strings.TrimLeftFunc(Normalize(s), unicode.IsSpace)
	t, end, err := parseDateAt(s, 0, now)
	if err != nil {
		return time.Time{}, s, err
	}
	return t, trimRest(s[end:]), nil
}

func midnight(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

func addDays(day time.Time, n int) time.Time {
	y, m, d := day.Date()
	return time.Date(y, m, d+n, 0, 0, 0, 0, day.Location())
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func checkYear(y int) error {
	if y < 1900 || y > 2100 {
		return errorf("年份不对：%d年", y)
	}
	return nil
}

func parseDateAt(s string, i int, now time.Time) (time.Time, int, error) {
	if t, end, matched, err := relativeDay(s, i, now); matched {
		if err != nil {
			return time.Time{}, i, err
		}
		return t, skipTime(s, end), nil
	}
	c, end, ok := scanCal(s, i, now)
	if !ok {
		return time.Time{}, i, ErrNoDate
	}
	if c.day == 0 {
		return time.Time{}, i, errNeedDay
	}
	t, err := c.resolveDay(now)
	if err != nil {
		return time.Time{}, i, err
	}
	return t, skipTime(s, end), nil
}

type offsetWord struct {
	text string
	off  int
}

// Longest first where one word starts another.
var (
	dayWords = []offsetWord{
		{"大前天", -3}, {"大后天", 3}, {"前天", -2}, {"昨天", -1}, {"昨日", -1},
		{"今天", 0}, {"今日", 0}, {"当天", 0}, {"明天", 1}, {"明日", 1}, {"后天", 2},
	}
	yearWords  = []offsetWord{{"今年", 0}, {"去年", -1}, {"前年", -2}, {"明年", 1}, {"后年", 2}}
	monthWords = []offsetWord{
		{"上上个月", -2}, {"上个月", -1}, {"上月", -1}, {"本月", 0}, {"这个月", 0},
		{"这月", 0}, {"当月", 0}, {"下个月", 1}, {"下月", 1},
	}
)

// relativeDay reads day words (昨天), N天前 and week forms (上周六, 周五).
// matched is false when s[i:] starts with none of them.
func relativeDay(s string, i int, now time.Time) (t time.Time, end int, matched bool, err error) {
	today := midnight(now)
	for _, w := range dayWords {
		if hasPrefixAt(s, i, w.text) {
			return addDays(today, w.off), i + len(w.text), true, nil
		}
	}
	if n, k, _, ok := number(s, i); ok {
		if k, ok := acceptAny(s, k, "天"); ok {
			sign := 0
			if e, ok := acceptAny(s, k, "以前", "之前", "前"); ok {
				sign, k = -1, e
			} else if e, ok := acceptAny(s, k, "以后", "之后", "后"); ok {
				sign, k = 1, e
			}
			if sign != 0 {
				if n > 36600 {
					return time.Time{}, i, true, errorf("%d天太久了，请直接写日期", n)
				}
				return addDays(today, sign*n), k, true, nil
			}
		}
	}
	return weekDay(s, i, today)
}

func weekDay(s string, i int, today time.Time) (t time.Time, end int, matched bool, err error) {
	j, weeks, explicit := i, 0, true
	switch {
	case hasPrefixAt(s, j, "上上"):
		weeks, j = -2, j+len("上上")
	case hasPrefixAt(s, j, "上"):
		weeks, j = -1, j+len("上")
	case hasPrefixAt(s, j, "下"):
		weeks, j = 1, j+len("下")
	case hasPrefixAt(s, j, "本"):
		j += len("本")
	case hasPrefixAt(s, j, "这"):
		j += len("这")
	default:
		explicit = false
	}
	if explicit {
		j, _ = acceptAny(s, j, "个")
	}
	j, ok := acceptAny(s, j, "星期", "礼拜", "周")
	if !ok {
		return time.Time{}, i, false, nil
	}
	wd, e, ok := weekdayAt(s, j)
	if !ok {
		if explicit {
			return time.Time{}, i, true, errNeedWeekday
		}
		return time.Time{}, i, false, nil
	}
	todayWd := int(today.Weekday())
	if todayWd == 0 {
		todayWd = 7
	}
	if explicit {
		monday := addDays(today, 1-todayWd)
		return addDays(monday, weeks*7+wd-1), e, true, nil
	}
	return addDays(today, -((todayWd - wd + 7) % 7)), e, true, nil
}

// weekdayAt reads 一…六, 日/天/七 or 1…7 as Monday=1 … Sunday=7.
func weekdayAt(s string, i int) (wd, end int, ok bool) {
	r, n := utf8.DecodeRuneInString(s[i:])
	switch r {
	case '一':
		wd = 1
	case '二':
		wd = 2
	case '三':
		wd = 3
	case '四':
		wd = 4
	case '五':
		wd = 5
	case '六':
		wd = 6
	case '日', '天', '七':
		wd = 7
	default:
		if r >= '1' && r <= '7' && !isDigitAt(s, i+1) {
			wd = int(r - '0')
		}
	}
	return wd, i + n, wd != 0
}

// cal is a calendar phrase as written, before it is resolved against now.
type cal struct {
	year, month, day int
	hasYear          bool
	yearEnd          bool // 年底
	monthEnd         bool // 月底
}

func isDateSep(b byte) bool { return b == '-' || b == '/' || b == '.' }

// scanCal reads 2026年11月20日, 2026-11-20, 20261120, 11月20日, 11.20, 20号,
// 2026年11月, 2026-11, 上个月20号, 今年底 and the like at s[i:].
func scanCal(s string, i int, now time.Time) (c cal, end int, ok bool) {
	for _, w := range monthWords {
		if hasPrefixAt(s, i, w.text) {
			m := monthOf(now).addMonths(w.off)
			c = cal{year: m.Year, month: int(m.Month), hasYear: true}
			c, end = scanDay(s, i+len(w.text), c)
			return c, end, true
		}
	}
	j := i
	for _, w := range yearWords {
		if hasPrefixAt(s, j, w.text) {
			c.year, c.hasYear = now.Year()+w.off, true
			j += len(w.text)
			break
		}
	}
	if !c.hasYear && isDigitAt(s, j) {
		n, k := digits(s, j)
		switch k - j {
		case 8:
			c = cal{year: n / 10000, month: n / 100 % 100, day: n % 100, hasYear: true}
			return c, k, true
		case 4:
			if e, ok := acceptAny(s, k, "年"); ok {
				c.year, c.hasYear, j = n, true, e
			} else if k < len(s) && isDateSep(s[k]) && isDigitAt(s, k+1) {
				c.year, c.hasYear = n, true
				return scanSepMonth(s, k+1, c, i)
			} else {
				return cal{}, i, false
			}
		}
	}
	if c.hasYear {
		if e, ok := acceptAny(s, j, "年底", "年末", "底", "末"); ok {
			c.yearEnd = true
			return c, e, true
		}
	}
	n, k, width, ok := number(s, j)
	if !ok || width > 2 {
		return cal{}, i, false
	}
	if e, ok := acceptAny(s, k, "月"); ok {
		c.month = n
		c, end = scanDay(s, e, c)
		return c, end, true
	}
	if c.hasYear {
		return cal{}, i, false
	}
	if width > 0 && k < len(s) && isDateSep(s[k]) {
		d, e := digits(s, k+1)
		if w := e - (k + 1); w >= 1 && w <= 2 && !hasPrefixAt(s, e, "月") &&
			!(e < len(s) && isDateSep(s[e]) && isDigitAt(s, e+1)) {
			c.month, c.day = n, d
			e, _ = acceptAny(s, e, "日", "号")
			return c, e, true
		}
		return cal{}, i, false
	}
	if e, ok := acceptAny(s, k, "日", "号"); ok && standsAlone(s, e) {
		c.day = n
		return c, e, true
	}
	return cal{}, i, false
}

// scanSepMonth reads the month (and day) of 2026-11-20 / 2026.11 at s[j:].
func scanSepMonth(s string, j int, c cal, start int) (cal, int, bool) {
	m, k := digits(s, j)
	if w := k - j; w < 1 || w > 2 {
		return cal{}, start, false
	}
	c.month = m
	if k < len(s) && isDateSep(s[k]) {
		d, e := digits(s, k+1)
		if w := e - (k + 1); w >= 1 && w <= 2 {
			c.day = d
			e, _ = acceptAny(s, e, "日", "号")
			return c, e, true
		}
		return c, k, true
	}
	if e, ok := acceptAny(s, k, "月底", "月末", "底", "末"); ok {
		c.monthEnd = true
		return c, e, true
	}
	return c, k, true
}

// scanDay reads what may follow a month: 份, 底, a day.
func scanDay(s string, j int, c cal) (cal, int) {
	j, _ = acceptAny(s, j, "份")
	if e, ok := acceptAny(s, j, "底", "末"); ok {
		c.monthEnd = true
		return c, e
	}
	d, k, width, ok := number(s, j)
	if !ok || width > 2 {
		return c, j
	}
	if e, ok := acceptAny(s, k, "日", "号"); ok {
		c.day = d
		return c, e
	}
	if !hasPrefixAt(s, k, "月") && !hasPrefixAt(s, k, "年") && !(k < len(s) && isDateSep(s[k])) {
		c.day = d
		return c, k
	}
	return c, j
}

// standsAlone reports whether s[i:] starts at a word boundary.
func standsAlone(s string, i int) bool {
	if i >= len(s) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

var maxDaysIn = [13]int{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

func (c cal) checkMonth() error {
	if c.month < 1 || c.month > 12 {
		return errorf("没有%d月，请检查月份", c.month)
	}
	return nil
}

func (c cal) resolveDay(now time.Time) (time.Time, error) {
	loc, today := now.Location(), midnight(now)
	if c.month != 0 || c.hasYear {
		if err := c.checkMonth(); err != nil {
			return time.Time{}, err
		}
	}
	if c.day < 1 || c.day > 31 {
		return time.Time{}, errorf("没有%d号，请检查日期", c.day)
	}
	if c.hasYear {
		if err := checkYear(c.year); err != nil {
			return time.Time{}, err
		}
		if c.day > daysIn(c.year, time.Month(c.month)) {
			return time.Time{}, errorf("日期不存在：%d年%d月%d日", c.year, c.month, c.day)
		}
		return time.Date(c.year, time.Month(c.month), c.day, 0, 0, 0, 0, loc), nil
	}
	if c.month == 0 {
		m := monthOf(now)
		for range 13 {
			if c.day <= daysIn(m.Year, m.Month) {
				if t := time.Date(m.Year, m.Month, c.day, 0, 0, 0, 0, loc); !t.After(today) {
					return t, nil
				}
			}
			m = m.addMonths(-1)
		}
		return time.Time{}, errorf("没有%d号，请检查日期", c.day)
	}
	if c.day > maxDaysIn[c.month] {
		return time.Time{}, errorf("日期不存在：%d月%d日", c.month, c.day)
	}
	y := now.Year()
	for range 9 {
		if c.day <= daysIn(y, time.Month(c.month)) {
			if t := time.Date(y, time.Month(c.month), c.day, 0, 0, 0, 0, loc); !t.After(today) {
				return t, nil
			}
		}
		y--
	}
	return time.Time{}, errorf("日期不存在：%d月%d日", c.month, c.day)
}

var dayPeriods = []string{
	"上午", "下午", "中午", "晚上", "早上", "早晨", "傍晚", "凌晨", "夜里", "夜间", "晚间", "白天", "全天", "晚",
}

// skipTime passes over a time of day after a date (下午, 14:30, 3点半); it
// returns j when there is none.
func skipTime(s string, j int) int {
	k := skipSpaces(s, j)
	matched := false
	if e, ok := acceptAny(s, k, dayPeriods...); ok {
		k, matched = skipSpaces(s, e), true
	}
	if h, e, width, ok := number(s, k); ok && width <= 2 && h <= 24 {
		switch {
		case e+2 < len(s) && s[e] == ':' && isDigitAt(s, e+1) && isDigitAt(s, e+2) && !isDigitAt(s, e+3):
			return e + 3
		case hasPrefixAt(s, e, "点") || hasPrefixAt(s, e, "时"):
			e += len("点")
			if f, ok := acceptAny(s, e, "半", "整"); ok {
				return f
			}
			if _, f, w, ok := number(s, e); ok && w <= 2 {
				f, _ = acceptAny(s, f, "分")
				return f
			}
			return e
		}
	}
	if matched {
		return k
	}
	return j
}

// FormatDate writes a calendar date the way members read it: 2026年11月20日 (a date from the
// database is taken as written: its year, month and day).
func FormatDate(t time.Time) string {
	return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day())
}

// findDate finds a date at the start of s or of any word of s and returns s
// without it. Without a date, found is false; err is then set only when a
// word looked like a date but was wrong (2月30日).
func findDate(s string, now time.Time) (t time.Time, rest string, found bool, err error) {
	var firstErr error
	for i := 0; i < len(s); {
		d, end, err := parseDateAt(s, i, now)
		if err == nil {
			return d, strings.TrimSpace(strings.TrimSpace(s[:i]) + " " + trimRest(s[end:])), true, nil
		}
		if err != ErrNoDate && firstErr == nil {
			firstErr = err
		}
		i = nextWord(s, i)
	}
	return time.Time{}, s, false, firstErr
}

// nextWord returns the start of the word after the one at s[i:].
func nextWord(s string, i int) int {
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if isSep(r) {
			break
		}
		i += n
	}
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !isSep(r) {
			break
		}
		i += n
	}
	return i
}
