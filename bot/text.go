package bot

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Fold maps a full-width ASCII variant to its half-width form (４ → 4, ： → :) and the
// ideographic space to a space; every other rune is returned as is. One rune in, one rune out,
// so positions in folded text are positions in the original.
func Fold(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFEE0
	case r == 0x3000:
		return ' '
	}
	return r
}

// FoldString folds every rune of s.
func FoldString(s string) string {
	return strings.Map(Fold, s)
}

// IsSpace reports the spaces people type, including the ideographic space, no-break space and
// the four-per-em space WeChat puts after an @mention.
func IsSpace(r rune) bool {
	return unicode.IsSpace(r) || r == 0x3000 || r == 0x2005 || r == 0x00A0 || r == 0x200B
}

// IsSeparator reports a rune that may sit between a command and its arguments.
func IsSeparator(r rune) bool {
	switch Fold(r) {
	case ':', ',', ';', '.', '、', '，', '：', '；', '。':
		return true
	}
	return IsSpace(r)
}

// Clean drops control characters (keeping newlines and tabs), normalises line ends and trims
// spaces at both ends.
func Clean(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r == '\r':
			return '\n'
		case unicode.IsControl(r), r == 0xFEFF, r == 0x200E, r == 0x200F:
			return -1
		}
		return r
	}, s)
	return strings.TrimFunc(s, IsSpace)
}

// StripMention removes a leading "@name" (and the space after it) and reports whether there
// was one.
func StripMention(s string) (string, bool) {
	if !strings.HasPrefix(s, "@") && !strings.HasPrefix(s, "＠") {
		return s, false
	}
	i := strings.IndexFunc(s, IsSpace)
	if i < 0 {
		return "", true
	}
	return strings.TrimLeftFunc(s[i:], IsSpace), true
}

// TrimSeparators removes separators at the start and spaces at the end.
func TrimSeparators(s string) string {
	return strings.TrimRightFunc(strings.TrimLeftFunc(s, IsSeparator), IsSpace)
}

// Truncate cuts s to at most n runes; it reports the original length in runes.
func Truncate(s string, n int) (string, int, bool) {
	count := utf8.RuneCountInString(s)
	if count <= n {
		return s, count, false
	}
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos], count, true
		}
		i++
	}
	return s, count, false
}

// HasContent reports whether s has anything but spaces and punctuation-free symbols such as
// emoji: letters or digits.
func HasContent(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}
