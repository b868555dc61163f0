package notify

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Detail is how much an alert shown in a group chat says about members: full names, masked
// names (张*), or counts only. Private chats with a secretary always get full names.
type Detail string

const (
	DetailFull   Detail = "full"
	DetailMasked Detail = "masked"
	DetailCount  Detail = "count"
)

// ParseDetail reads a configured level.
func ParseDetail(s string) (Detail, error) {
	switch d := Detail(s); d {
	case DetailFull, DetailMasked, DetailCount:
		return d, nil
	}
	return "", fmt.Errorf("want full, masked or count, got %q", s)
}

// Entry is one member in an alert: the name and what is due ("广东省深圳市，2025年9月1日起").
type Entry struct {
	Name string
	Note string
}

// MaskName keeps the first character: 张三 → 张*, 欧阳修 → 欧**.
func MaskName(name string) string {
	first, size := utf8.DecodeRuneInString(name)
	if size == 0 {
		return ""
	}
	rest := utf8.RuneCountInString(name[size:])
	return string(first) + strings.Repeat("*", max(rest, 1))
}

// Name renders one member's name at this level ("" for counts only).
func (d Detail) Name(name string) string {
	switch d {
	case DetailFull:
		return name
	case DetailMasked:
		return MaskName(name)
	}
	return ""
}

// MaxListed bounds the members listed in one section of a chat message; the rest are counted.
const MaxListed = 50

// Section renders a titled list of members: "title（N人）：" then one "· 张三：note" line per
// member, or "title：N人" for counts only. An empty list renders as "".
func (d Detail) Section(title string, entries []Entry) string {
	if len(entries) == 0 {
		return ""
	}
	if d == DetailCount {
		return fmt.Sprintf("%s：%d人", title, len(entries))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s（%d人）：", title, len(entries))
	for i, e := range entries {
		if i == MaxListed {
			fmt.Fprintf(&b, "\n……另有%d人", len(entries)-MaxListed)
			break
		}
		b.WriteString("\n· ")
		b.WriteString(d.Name(e.Name))
		if e.Note != "" {
			b.WriteString("：")
			b.WriteString(e.Note)
		}
	}
	return b.String()
}

// Names renders names joined with "、" (or "N人" for counts only).
func (d Detail) Names(names []string) string {
	if d == DetailCount {
		return fmt.Sprintf("%d人", len(names))
	}
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = d.Name(n)
	}
	return strings.Join(out, "、")
}
