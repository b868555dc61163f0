package parse

import (
	"strings"
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

// nameDots are the ways people type the '·' in a name.
var nameDots = []string{"·", ".", "．", "•", "・", "･", "‧"}

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
