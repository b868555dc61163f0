package parse

import (
	"strings"
	"time"
	"unicode/utf8"
)

// JustifiedAbsence is a secretary's record of a good reason (正当理由) for a
// member's absence, which suspends the six-month warnings until Until.
type JustifiedAbsence struct {
	Name   string
	Reason string
	Until  time.Time // last day covered, 00:00 in now's location
}

const absenceExample = "正当理由 张三 住院治疗 至2027年1月"

// ParseJustifiedAbsence reads the arguments of 正当理由: the member's name
// (first word), the reason and the end (至2027年1月, 到2027年1月底,
// 至2027-01-31, 2027年1月31日止), in any order after the name. An end
// already past is refused.
func ParseJustifiedAbsence(args string, now time.Time) (JustifiedAbsence, error) {
	name, rest := SplitName(args)
	if name == "" {
		return JustifiedAbsence{}, &Error{Msg: "请这样写：" + absenceExample}
	}
	if !IsName(name) {
		return JustifiedAbsence{}, errorf("“%s”不像是姓名，请先写党员姓名，例如：%s", name, absenceExample)
	}
	until, reason, err := findUntil(Normalize(rest), now)
	if err != nil {
		return JustifiedAbsence{}, err
	}
	if until.Before(midnight(now)) {
		return JustifiedAbsence{}, errorf("截止日期%s已经过了，请核对", FormatDate(until))
	}
	reason = strings.Join(strings.Fields(trimSeps(reason)), " ")
	if reason == "" {
		return JustifiedAbsence{}, &Error{Msg: "请写明理由，例如：" + absenceExample}
	}
	return JustifiedAbsence{Name: name, Reason: reason, Until: until}, nil
}

// findUntil finds the end of a period in s: first where an until word
// (至, 到, 直到…) starts, else a whole word that is a date or month.
func findUntil(s string, now time.Time) (time.Time, string, error) {
	var firstErr error
	for i := 0; i < len(s); {
		if _, ok := acceptAny(s, i, untilPrefixes...); ok {
			t, end, err := parseUntilAt(s, i, now)
			if err == nil {
				return t, s[:i] + " " + s[end:], nil
			}
			if err != ErrNoUntil && firstErr == nil {
				firstErr = err
			}
		}
		_, n := utf8.DecodeRuneInString(s[i:])
		i += n
	}
	for i := 0; i < len(s); i = nextWord(s, i) {
		t, end, err := parseUntilAt(s, i, now)
		if err == nil && atWordEnd(s, end) {
			return t, s[:i] + " " + s[end:], nil
		}
	}
	if firstErr != nil {
		return time.Time{}, "", firstErr
	}
	return time.Time{}, "", &Error{Msg: "请写明到什么时候为止，例如：" + absenceExample}
}

func atWordEnd(s string, i int) bool {
	if i >= len(s) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return isSep(r)
}
