package parse

import (
	"strings"
	"unicode"
)

// Section is one of the four topics of a report (思想汇报).
type Section int

// The sections, in the order the bot asks for them.
const (
	Thought Section = iota // 思想
	Work                   // 工作
	Life                   // 生活
	Study                  // 学习
)

// Sections lists the sections in order.
var Sections = [...]Section{Thought, Work, Life, Study}

var sectionNames = [...]string{"思想", "工作", "生活", "学习"}

func (s Section) String() string {
	if s < 0 || int(s) >= len(sectionNames) {
		return "?"
	}
	return sectionNames[s]
}

// SectionSet is a set of sections.
type SectionSet uint8

// Has reports whether s contains sec.
func (s SectionSet) Has(sec Section) bool { return s&(1<<sec) != 0 }

// Len is the number of sections in s.
func (s SectionSet) Len() int {
	n := 0
	for _, sec := range Sections {
		if s.Has(sec) {
			n++
		}
	}
	return n
}

// Report is a report split by section. Fields are trimmed; a section written
// more than once is joined with "\n", as are its lines.
type Report struct {
	Thought, Work, Life, Study string
	// Free holds the text outside every section: all of it when no label was
	// found, else what came before the first label and the closing of a
	// letter (此致/敬礼/汇报人…).
	Free string
	// Found holds the sections whose label appeared, even with no text after it.
	Found SectionSet
}

// Section returns the text of one section.
func (r Report) Section(sec Section) string {
	switch sec {
	case Thought:
		return r.Thought
	case Work:
		return r.Work
	case Life:
		return r.Life
	case Study:
		return r.Study
	}
	return ""
}

func (r *Report) setSection(sec Section, v string) {
	switch sec {
	case Thought:
		r.Thought = v
	case Work:
		r.Work = v
	case Life:
		r.Life = v
	case Study:
		r.Study = v
	}
}

// ParseReport splits a report into its sections. A label is a section name
// at the start of a line, optionally numbered or bracketed and followed by
// 方面/上/情况/汇报…, then a colon, comma, space or the end of the line:
// "思想：", "一、思想方面", "1.工作情况：", "（一）生活上", "【学习】",
// "学习方面,". Inside a line only a name followed by a colon after sentence
// punctuation or a space ("…。工作：…") or a 【】/[] label counts, so "我在工作中加
// 强学习" is not split. Lines up to the next label belong to the current
// section. The member's text is kept as written, punctuation included.
func ParseReport(text string) Report {
	r, _ := scanReport(text, false)
	return r
}

var errEditUsage = &Error{Msg: "请写明修改哪一部分，例如：修改汇报 工作：……（可以修改思想、工作、生活、学习）"}

// ParseSectionEdit reads the argument of 修改汇报: a section label, then the
// new text ("工作：…", "学习 …", "生活，…"). Only one section may be given.
func ParseSectionEdit(text string) (Section, string, error) {
	f, off := foldText(text)
	i := 0
	for i < len(f) && (f[i] == ' ' || f[i] == '\n') {
		i++
	}
	end := i
	for end < len(f) && f[end] != '\n' {
		end++
	}
	sec, j, ok := matchLabel(f, i, end, labelMode{lineStart: true, lenient: true})
	if !ok {
		return 0, "", errEditUsage
	}
	r, labels := scanReport(text[off[j]:], true)
	if len(labels) > 0 {
		return 0, "", &Error{Msg: "一次只能修改一个部分，请分开发送，例如：修改汇报 工作：……"}
	}
	if r.Free == "" {
		return 0, "", errorf("%s的新内容是空的，请这样写：修改汇报 %s：……", sec, sec)
	}
	return sec, r.Free, nil
}

// foldText returns the runes used for matching (full-width folded, blanks
// as ' ', line breaks as '\n') and the byte offset of each in text, plus
// len(text) at the end, so that matches map back to the original.
func foldText(text string) (f []rune, off []int32) {
	n := 0
	for i := 0; i < len(text); i++ {
		if text[i]&0xC0 != 0x80 {
			n++
		}
	}
	f = make([]rune, 0, n)
	off = make([]int32, 0, n+1)
	for i, r := range text {
		off = append(off, int32(i))
		switch {
		case r >= 0x4E00 && r <= 0x9FFF, r > ' ' && r < 0x7F:
		case r == '\n' || r == '\r' || r == 0x85 || r == 0x2028 || r == 0x2029:
			r = '\n'
		case isBlank(r):
			r = ' '
		default:
			r = foldRune(r)
		}
		f = append(f, r)
	}
	off = append(off, int32(len(text)))
	return f, off
}

// salutations open a report letter (尊敬的党组织：).
var salutations = [][]rune{[]rune("尊敬的"), []rune("敬爱的"), []rune("亲爱的")}

// closingWords start the closing of a report letter.
var closingWords = [][]rune{[]rune("此致"), []rune("敬礼"), []rune("汇报人"), []rune("报告人")}

type piece struct {
	label int // index into hits; -1 before the first label, -2 in the closing
	text  string
}

type labelHit struct {
	sec   Section
	text  string
	title bool // a lone 思想汇报 on the first line
	// greeted: the line after the title is a salutation, so the title is
	// the letter's heading.
	greeted bool
}

// scanReport splits text; it also returns the label texts it consumed, so
// that tests can check no other text is lost. midLine means the text
// continues a line, so its first line has no line-start label.
func scanReport(text string, midLine bool) (Report, []string) {
	f, off := foldText(text)
	hits := make([]labelHit, 0, 8)
	pieces := make([]piece, 0, 16)
	cur := -1
	emit := func(a, b int) {
		if t := strings.TrimFunc(text[off[a]:off[b]], isBlank); t != "" {
			pieces = append(pieces, piece{cur, t})
		}
	}
	for start := 0; start <= len(f); {
		end := start
		for end < len(f) && f[end] != '\n' {
			end++
		}
		i := start
		for i < end && f[i] == ' ' {
			i++
		}
		if i < end {
			lineStart := !(midLine && start == 0)
			if len(hits) == 1 && hits[0].title && len(pieces) == 0 && startsWithAny(f, i, end, salutations) {
				hits[0].greeted = true
			}
			if lineStart && startsWithAny(f, i, end, closingWords) {
				cur = -2
			} else if sec, j, ok := matchLabel(f, i, end, labelMode{lineStart: lineStart}); ok {
				title := len(hits) == 0 && len(pieces) == 0 && sec == Thought &&
					strings.TrimSpace(string(f[i:end])) == "思想汇报"
				hits = append(hits, labelHit{sec: sec, text: text[off[i]:off[j]], title: title})
				cur = len(hits) - 1
				i = j
			}
			from := i
			for k := i; k < end; k++ {
				if !isStrongOpen(f[k]) && (k == start || !isInlineBoundary(f[k-1]) || !mayStartLabel(f[k])) {
					continue
				}
				if sec, j, ok := matchLabel(f, k, end, labelMode{}); ok {
					emit(from, k)
					hits = append(hits, labelHit{sec: sec, text: text[off[k]:off[j]]})
					cur = len(hits) - 1
					from, k = j, j-1
				}
			}
			emit(from, end)
		}
		start = end + 1
	}

	if len(hits) > 0 && hits[0].title {
		demote := hits[0].greeted
		for _, h := range hits[1:] {
			demote = demote || h.sec == Thought
		}
		if demote {
			pieces = append([]piece{{-1, hits[0].text}}, pieces...)
			for i := range pieces {
				if pieces[i].label == 0 {
					pieces[i].label = -1
				}
			}
			hits[0].text = ""
		}
	}

	var r Report
	var parts [len(Sections)][]string
	var free []string
	for _, p := range pieces {
		if p.label < 0 {
			free = append(free, p.text)
		} else {
			sec := hits[p.label].sec
			parts[sec] = append(parts[sec], p.text)
		}
	}
	labels := make([]string, 0, len(hits))
	for _, h := range hits {
		if h.text != "" {
			labels = append(labels, h.text)
			r.Found |= 1 << h.sec
		}
	}
	for _, sec := range Sections {
		r.setSection(sec, strings.Join(parts[sec], "\n"))
	}
	r.Free = strings.Join(free, "\n")
	return r, labels
}

type labelMode struct {
	lineStart bool // at the start of a line: space or nothing may follow the name
	lenient   bool // a comma may follow a bare name (修改汇报 工作，…)
}

var sectionKeywords = []struct {
	text []rune
	sec  Section
}{
	{[]rune("思想政治"), Thought}, {[]rune("政治思想"), Thought}, {[]rune("思想"), Thought},
	{[]rune("本职工作"), Work}, {[]rune("工作"), Work},
	{[]rune("日常生活"), Life}, {[]rune("家庭生活"), Life}, {[]rune("生活"), Life},
	{[]rune("理论学习"), Study}, {[]rune("政治学习"), Study}, {[]rune("学习"), Study},
}

var (
	suffixFirst  = [][]rune{[]rune("方面"), []rune("上")}
	suffixSecond = [][]rune{
		[]rune("情况"), []rune("汇报"), []rune("表现"), []rune("状况"), []rune("动态"),
		[]rune("近况"), []rune("小结"), []rune("总结"), []rune("心得"), []rune("体会"), []rune("认识"),
	}
	runeDe = []rune("的")
)

// closerOf returns the bracket closing r, or 0.
func closerOf(r rune) rune {
	switch r {
	case '【':
		return '】'
	case '[':
		return ']'
	case '〔':
		return '〕'
	case '「':
		return '」'
	case '『':
		return '』'
	case '(':
		return ')'
	case '〖':
		return '〗'
	}
	return 0
}

// isStrongOpen reports brackets that make a label even inside a sentence.
func isStrongOpen(r rune) bool { return r == '【' || r == '[' || r == '〔' || r == '〖' }

func isInlineBoundary(r rune) bool {
	switch r {
	case ' ', '。', '!', '?', ';', ',', '…':
		return true
	}
	return false
}

func mayStartLabel(r rune) bool {
	switch r {
	case '思', '政', '工', '本', '生', '日', '家', '学', '理', '(', '第', '「', '『':
		return true
	}
	return isOpenEnum(r) || (r >= '0' && r <= '9') || (r >= 0x2460 && r <= 0x2473)
}

// isOpenEnum reports the Chinese numerals used in numbering (一 … 十).
func isOpenEnum(r rune) bool {
	switch r {
	case '零', '〇', '一', '二', '两', '三', '四', '五', '六', '七', '八', '九', '十':
		return true
	}
	return false
}

func hasRunes(f []rune, i, end int, p []rune) (int, bool) {
	if end-i < len(p) {
		return i, false
	}
	for k, r := range p {
		if f[i+k] != r {
			return i, false
		}
	}
	return i + len(p), true
}

func startsWithAny(f []rune, i, end int, words [][]rune) bool {
	for _, w := range words {
		if _, ok := hasRunes(f, i, end, w); ok {
			return true
		}
	}
	return false
}

func skipSp(f []rune, i, end int) int {
	for i < end && f[i] == ' ' {
		i++
	}
	return i
}

// matchLabel matches a section label at f[i:end] and returns where it ends
// (after its colon or comma, if any).
func matchLabel(f []rune, i, end int, mode labelMode) (Section, int, bool) {
	j := i
	numbered := false
	if e, ok := matchEnum(f, j, end); ok {
		numbered, j = true, skipSp(f, e, end)
	}
	var closer rune
	if j < end {
		if c := closerOf(f[j]); c != 0 {
			closer, j = c, skipSp(f, j+1, end)
		}
	}
	sec, j, ok := matchKeyword(f, j, end)
	if !ok {
		return 0, i, false
	}
	suffixed := false
	if e, ok := matchSuffix(f, j, end); ok {
		suffixed, j = true, e
	}
	if closer != 0 {
		j = skipSp(f, j, end)
		if j >= end || f[j] != closer {
			return 0, i, false
		}
		j++
		if k := skipSp(f, j, end); k < end && isLabelPunct(f[k]) {
			j = k + 1
		}
		return sec, j, true
	}
	k := skipSp(f, j, end)
	if k < end && f[k] == ':' {
		return sec, k + 1, true
	}
	if !mode.lineStart {
		return 0, i, false
	}
	if k == end {
		return sec, end, true
	}
	if k == j && isLabelPunct(f[k]) && (numbered || suffixed || mode.lenient) {
		return sec, k + 1, true
	}
	if k > j {
		return sec, k, true
	}
	return 0, i, false
}

func isLabelPunct(r rune) bool {
	switch r {
	case ':', ',', '、', '.', '。', '-':
		return true
	}
	return false
}

func matchKeyword(f []rune, i, end int) (Section, int, bool) {
	for _, kw := range sectionKeywords {
		if e, ok := hasRunes(f, i, end, kw.text); ok {
			return kw.sec, e, true
		}
	}
	return 0, i, false
}

func matchSuffix(f []rune, i, end int) (int, bool) {
	k := i
	for _, s := range suffixFirst {
		if e, ok := hasRunes(f, k, end, s); ok {
			k = e
			break
		}
	}
	m := k
	if e, ok := hasRunes(f, m, end, runeDe); ok {
		m = e
	}
	for _, s := range suffixSecond {
		if e, ok := hasRunes(f, m, end, s); ok {
			return e, true
		}
	}
	return k, k > i
}

// matchEnum matches the numbering before a label: 一、 1. 1、 1) （一） (1) ① 第一，
func matchEnum(f []rune, i, end int) (int, bool) {
	if i >= end {
		return i, false
	}
	r := f[i]
	switch {
	case r == '(':
		j, ok := numeral(f, i+1, end)
		if !ok || j >= end || f[j] != ')' {
			return i, false
		}
		j++
		if j < end && (f[j] == '、' || f[j] == '.') {
			j++
		}
		return j, true
	case r >= 0x2460 && r <= 0x2473: // ① … ⑳
		j := i + 1
		if j < end && (f[j] == '、' || f[j] == '.') {
			j++
		}
		return j, true
	case r == '第':
		j, ok := numeral(f, i+1, end)
		if !ok || j >= end || (f[j] != '、' && f[j] != ',' && f[j] != '.') {
			return i, false
		}
		return j + 1, true
	}
	j, ok := numeral(f, i, end)
	if !ok || j >= end {
		return i, false
	}
	switch f[j] {
	case '、', '.', ')', ',':
		return j + 1, true
	}
	return i, false
}

// numeral matches 1–2 ASCII digits or 1–3 Chinese numerals.
func numeral(f []rune, i, end int) (int, bool) {
	j := i
	for j < end && j-i < 2 && f[j] >= '0' && f[j] <= '9' {
		j++
	}
	if j > i {
		return j, j < end && !unicode.IsDigit(f[j]) || j == end
	}
	for j < end && j-i < 3 && isOpenEnum(f[j]) {
		j++
	}
	return j, j > i
}
