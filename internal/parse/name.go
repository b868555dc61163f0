package parse

import (
	"strings"

	"unicode/utf8"
)

// SplitName splits secretary command arguments into the member's name and
// the rest: "张三 已阅，继续保持", "张三：已阅", "阿不都·热合曼 2026年11月 12.5".
// The name ends at the first space, colon, comma or semicolon (full-width
// too); a name glued to the rest is not guessed (see SplitKnownName). The
// name is normalized (阿不都.热合曼 and 阿不都•热合曼 become 阿不都·热合曼); the
// rest is kept as typed, since it may be a comment sent on to the member.
func SplitName(args string) (name, rest string) {
	s := strings.TrimLeftFunc(args, isRawSep)
	i := strings.IndexFunc(s, isRawSep)
	if i < 0 {
		i = len(s)
	}
	return normalizeName(s[:i]), strings.TrimRightFunc(strings.TrimLeftFunc(s[i:], isRawSep), isBlank)
}

// isRawSep is isSep for text that was not normalized.
func isRawSep(r rune) bool {
	return isBlank(r) || isSep(foldRune(r))
}

func normalizeName(s string) string {
	return fixNameDots(strings.TrimSpace(Normalize(s)))
}

// SplitKnownName is SplitName for a name that may be glued to the rest
// ("张三已阅"): the first word if it is one of names, else the longest of
// names that args starts with. ok is false when none matches; rest is then
// args without leading separators.
func SplitKnownName(args string, names []string) (name, rest string, ok bool) {
	first, after := SplitName(args)
	s := strings.TrimLeftFunc(args, isRawSep)
	best, bestLen := "", 0
	for _, n := range names {
		n = normalizeName(n)
		if n == "" {
			continue
		}
		if n == first {
			return first, after, true
		}
		for _, dot := range nameDots {
			written := strings.ReplaceAll(n, "·", dot)
			if strings.HasPrefix(s, written) && len(written) > bestLen {
				best, bestLen = n, len(written)
			}
			if !strings.Contains(n, "·") {
				break
			}
		}
	}
	if best == "" {
		return "", s, false
	}
	return best, strings.TrimRightFunc(strings.TrimLeftFunc(s[bestLen:], isRawSep), isBlank), true
}

// nameDots are the ways people type the '·' in a name.
var nameDots = []string{"·", ".", "．", "•", "・", "･", "‧"}

// IsName reports whether s looks like a person's name: 2–4 Chinese
// characters, or Chinese parts joined by '·' (阿不都·热合曼).
func IsName(s string) bool {
	if !strings.Contains(s, "·") {
		n := utf8.RuneCountInString(s)
		return n >= 2 && n <= 4 && allHan(s)
	}
	if utf8.RuneCountInString(s) > 30 {
		return false
	}
	for _, part := range strings.Split(s, "·") {
		if part == "" || !allHan(part) {
			return false
		}
	}
	return true
}

func allHan(s string) bool {
	for _, r := range s {
		if !isHan(r) {
			return false
		}
	}
	return s != ""
}

// fixNameDots turns a '.' between two Chinese characters into '·'.
func fixNameDots(s string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	r := []rune(s)
	for i := 1; i+1 < len(r); i++ {
		if r[i] == '.' && isHan(r[i-1]) && isHan(r[i+1]) {
			r[i] = '·'
		}
	}
	return string(r)
}
