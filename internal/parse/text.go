package parse

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Error is a parse failure. Its message is Simplified Chinese, meant for the chat.
type Error struct {
	Msg string
}

func (e *Error) Error() string { return e.Msg }

func errorf(format string, a ...any) *Error {
	return &Error{Msg: fmt.Sprintf(format, a...)}
}

// foldRune maps full-width ASCII to ASCII, odd spaces to ' ' and the various
// middle dots to U+00B7. It returns -1 for runes to drop.
func foldRune(r rune) rune {
	switch {
	case r < 0x80:
		if r == '\t' || r == '\v' || r == '\f' {
			return ' '
		}
		return r
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFEE0
	}
	switch r {
	case 0x3000, 0x00A0, 0x202F, 0x205F, 0x1680:
		return ' '
	case 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF:
		return -1
	case 0x2022, 0x30FB, 0xFF65, 0x2027, 0x2219, 0x22C5:
		return '·'
	case 0x301C: // wave dash
		return '~'
	}
	if r >= 0x2000 && r <= 0x200A {
		return ' '
	}
	return r
}

// Normalize folds full-width ASCII to half-width, odd spaces (U+3000, NBSP…)
// to ' ', middle dots to '·', drops zero-width characters and turns \r\n and
// \r into \n. Command arguments are parsed after Normalize; report text is not
// rewritten (see ParseReport).
func Normalize(s string) string {
	clean := true
	for i := 0; i < len(s); {
		c := s[i]
		if c < 0x80 {
			if c == '\r' || c == '\t' || c == '\v' || c == '\f' {
				clean = false
				break
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if foldRune(r) != r {
			clean = false
			break
		}
		i += n
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		if r == '\r' {
			b.WriteByte('\n')
			if i < len(s) && s[i] == '\n' {
				i++
			}
			continue
		}
		if f := foldRune(r); f >= 0 {
			b.WriteRune(f)
		}
	}
	return b.String()
}

// isBlank reports whitespace and the invisible characters people paste.
func isBlank(r rune) bool {
	return unicode.IsSpace(r) || foldRune(r) == ' ' || foldRune(r) < 0
}

// isSep reports separators between arguments in normalized text.
func isSep(r rune) bool {
	switch r {
	case ' ', '\n', ',', ';', ':', '、', '。':
		return true
	}
	return false
}

func trimSeps(s string) string { return strings.TrimFunc(s, isSep) }

// trimRest drops separators before the rest of a command and spaces after
// it; trailing punctuation is the user's and stays.
func trimRest(s string) string {
	return strings.TrimRightFunc(strings.TrimLeftFunc(s, isSep), unicode.IsSpace)
}

// fields splits normalized text at separators.
func fields(s string) []string { return strings.FieldsFunc(s, isSep) }

// hasPrefixAt reports whether s[i:] starts with p.
func hasPrefixAt(s string, i int, p string) bool {
	return i <= len(s) && strings.HasPrefix(s[i:], p)
}

// acceptAny returns the end of the first of ps found at s[i:], or i.
func acceptAny(s string, i int, ps ...string) (int, bool) {
	for _, p := range ps {
		if hasPrefixAt(s, i, p) {
			return i + len(p), true
		}
	}
	return i, false
}

func skipSpaces(s string, i int) int {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return i
}

func isDigitAt(s string, i int) bool { return i < len(s) && s[i] >= '0' && s[i] <= '9' }

// digits reads ASCII digits at s[i:] (at most 9, to stay clear of overflow).
func digits(s string, i int) (n, end int) {
	end = i
	for end < len(s) && end-i < 9 && s[end] >= '0' && s[end] <= '9' {
		n = n*10 + int(s[end]-'0')
		end++
	}
	return n, end
}

var cnDigits = map[rune]int{
	'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4,
	'五': 5, '六': 6, '七': 7, '八': 8, '九': 9,
}

// cnNumber reads a Chinese numeral from 1 to 99 (十一, 二十, 廿一, 三十一) at s[i:].
func cnNumber(s string, i int) (n, end int, ok bool) {
	if i >= len(s) {
		return 0, i, false
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	j := i + size
	tens := -1
	switch {
	case r == '十':
		tens = 1
	case r == '廿':
		tens = 2
	case r == '卅':
		tens = 3
	default:
		d, isDigit := cnDigits[r]
		if !isDigit || d == 0 {
			return 0, i, false
		}
		if r2, s2 := utf8.DecodeRuneInString(s[j:]); r2 == '十' {
			tens = d
			j += s2
		} else {
			return d, j, true
		}
	}
	n = tens * 10
	if r3, s3 := utf8.DecodeRuneInString(s[j:]); j < len(s) {
		if d, isDigit := cnDigits[r3]; isDigit && d > 0 && r3 != '两' {
			n += d
			j += s3
		}
	}
	return n, j, true
}

// number reads ASCII digits or a Chinese numeral at s[i:]; width is the
// count of ASCII digits (0 for a Chinese numeral).
func number(s string, i int) (n, end, width int, ok bool) {
	if i >= len(s) {
		return 0, i, 0, false
	}
	if isDigitAt(s, i) {
		n, end = digits(s, i)
		return n, end, end - i, true
	}
	n, end, ok = cnNumber(s, i)
	return n, end, 0, ok
}

// isHan reports a Chinese character.
func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

// phrases is a word table indexed by first rune, longest words first.
type phrases map[rune][]phrase

func newPhrases(t []phrase) phrases {
	sort.SliceStable(t, func(i, j int) bool { return len(t[i].text) > len(t[j].text) })
	m := phrases{}
	for _, p := range t {
		r, _ := utf8.DecodeRuneInString(p.text)
		m[r] = append(m[r], p)
	}
	return m
}

// findPhrase finds the leftmost, then longest, phrase of table in s.
func findPhrase(s string, table phrases) (p phrase, start, end int, ok bool) {
	for i, r := range s {
		for _, t := range table[r] {
			if strings.HasPrefix(s[i:], t.text) {
				return t, i, i + len(t.text), true
			}
		}
	}
	return phrase{}, 0, 0, false
}

// phrase maps a written word to a canonical value.
type phrase struct {
	text  string
	value string
	// descriptive marks words worth keeping as a note (探亲, 照顾…).
	descriptive bool
}

// trimWords removes any of the prefixes from the start and suffixes from the
// end of s, as long as something remains.
func trimWords(s string, prefixes, suffixes []string) string {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) && utf8.RuneCountInString(s[len(p):]) >= 2 {
			s = s[len(p):]
			break
		}
	}
	for _, p := range suffixes {
		if strings.HasSuffix(s, p) && utf8.RuneCountInString(s[:len(s)-len(p)]) >= 2 {
			s = s[:len(s)-len(p)]
			break
		}
	}
	return s
}
