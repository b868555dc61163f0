package roster

import (
	"fmt"
	"strings"
	"time"

	"liudong/bot"
)

// The roster's field readers, for the chat commands that ask for a member's particulars (转入):
// the same words and forms as an imported roster.

// ParseGender reads 男 or 女 (also 男性, 女性).
func ParseGender(s string) (string, bool) {
	g, ok := genders[strings.TrimSpace(s)]
	return g, ok
}

// ParseEducation reads an education level as rosters write it (本科, 大专, 初中…) into the
// official levels.
func ParseEducation(s string) (string, bool) {
	e, ok := educations[strings.TrimSpace(s)]
	return e, ok
}

// ParseBirthDate reads a birth date in the roster's forms (1990-03-15, 1990年3月15日, 1990.3); it
// must be a plausible birth date before today.
func ParseBirthDate(s string, today time.Time) (time.Time, error) {
	s = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(s), "出生"), "生")
	d, err := parseDate(s)
	if err != nil {
		return time.Time{}, err
	}
	if d.Year() < 1900 || !d.Before(today) || today.Year()-d.Year() < 16 {
		return time.Time{}, fmt.Errorf("不合理")
	}
	return d, nil
}

// ParsePhone reads a mainland mobile or landline number (digits kept).
func ParsePhone(s string) (string, bool) { return normalizePhone(strings.TrimFunc(s, bot.IsSpace)) }
