package location

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Phrase vocabulary, longest first where one is a prefix of another.
var (
	// The location command (contract: "位置 广东省深圳市南山区").
	commandWords = []string{"我的位置", "当前位置", "所在位置", "所在地", "位置", "定位"}
	subjects     = []string{"我们", "本人", "我人", "我", "人"}
	adverbs      = []string{"现在", "目前", "当前", "已经", "刚刚", "今天", "昨天", "最近", "终于", "顺利", "平安", "安全", "一直", "已", "刚", "还", "也", "正"}
	verbs        = []string{"到达", "抵达", "来到", "回到", "到了", "住在", "待在", "呆在", "留在", "在", "到", "来"}
	// What members say they do at the place ("在杭州打工").
	activities = []string{"做生意", "找工作", "打工", "上班", "工作", "务工", "经商", "做事", "干活", "打拼", "出差", "开会",
		"学习", "读书", "上学", "实习", "培训", "生活", "居住", "发展", "创业", "定居", "这边", "那边", "这里", "那里", "住"}
	// Detail after the place that still says where the member is
	// ("在江西老家", "在东莞厚街镇", "在苏州工业园区").
	detailHeads = []string{"老家", "家里", "家", "附近", "一带", "市区", "城区", "县城", "城里", "乡下", "农村", "郊区",
		"开发区", "高新区", "工业园", "产业园", "园区"}
	detailEnds = []string{"街道", "社区", "开发区", "工业园", "园区", "镇", "乡", "村"}
	particles  = []string{"了", "啦", "呢", "啊", "呀", "哦", "噢", "哈", "的", "。", "！", "!", ".", "~", "～", "…"}
	// County names that are also everyday words ("我在郊区"): alone, they
	// are not taken as a place in free phrasing.
	genericNames = map[string]bool{
		"郊区": true, "城区": true, "矿区": true, "东区": true, "西区": true, "新区": true, "市中": true, "市中区": true,
		"市北": true, "市南": true, "城东": true, "城西": true, "城北": true, "城中": true, "城关": true, "城厢": true,
		"老城": true, "新城": true, "江南": true, "江北": true, "河东": true, "河西": true, "中原": true,
	}
)

// ParsePhrase extracts the place from a chat message that reports the
// member's location, using the Default resolver. See Resolver.ParsePhrase.
func ParsePhrase(text string) (place string, ok bool) { return Default().ParsePhrase(text) }

// ParsePhrase extracts the place from a chat message that reports the
// member's location; place is ready for Resolve (spaces removed; trailing
// verbs and particles dropped, other trailing detail kept).
//
//   - The command "位置 X" (also 位置：X, 定位 X, 当前位置：X) yields X
//     whether or not X resolves: the member asked to record a location, so an
//     unknown place deserves a reply saying so.
//   - Free phrasing ("我在深圳南山", "到了东莞", "现在在杭州打工", "我到北京了")
//     and a message that is only a place ("深圳南山") are accepted only when
//     the resolver confirms a place: the router tries this on messages that
//     matched no command, and a false positive is a wrong reply.
//   - Free phrasing rejects everyday words that are also county names (郊区,
//     城区), and a single name followed by text that is neither an activity
//     (打工) nor location detail (老家, 厚街镇, 工业园区): 我在新华书店,
//     我在中山公园, 我在深圳吗.
//   - A message that is only a place must name a province or city, several
//     levels (深圳南山), or a county with its suffix (南山区); it may carry
//     trailing detail only after several levels ending with a suffix
//     (广东省深圳市南山区粤海街道).
func (r *Resolver) ParsePhrase(text string) (place string, ok bool) {
	s := strings.TrimSpace(text)
	if s == "" {
		return "", false
	}
	for _, cmd := range commandWords {
		rest, found := strings.CutPrefix(s, cmd)
		if !found {
			continue
		}
		if t := trimSeparators(rest); t != rest {
			place, _ = trimTail(squeeze(cutSentence(t)))
			return place, place != ""
		}
		rest = trimPrefixes(rest, []string{"在", "是"})
		return r.confirm(rest)
	}
	if rest, found := r.afterVerb(s); found {
		return r.confirm(rest)
	}
	return r.confirmBare(s)
}

// afterVerb strips "[subject] [adverbs] verb" and returns what follows.
func (r *Resolver) afterVerb(s string) (string, bool) {
	s = trimPrefixes(s, subjects)
	for {
		t := trimPrefixes(s, adverbs)
		if t == s {
			break
		}
		s = t
	}
	for _, v := range verbs {
		if rest, ok := strings.CutPrefix(s, v); ok {
			return rest, true
		}
	}
	return "", false
}

// confirm accepts free phrasing when the text starts with a known place.
func (r *Resolver) confirm(rest string) (string, bool) {
	place, stripped := trimTail(squeeze(cutSentence(rest)))
	if place == "" {
		return "", false
	}
	norm := normalize(place)
	m := r.match(norm)
	if len(m.nodes) == 0 || m.segs == 1 && genericNames[norm[:m.end]] {
		return "", false
	}
	tail := norm[m.end:]
	switch {
	case tail == "":
		return place, true
	case hasAnyPrefix(tail, activities):
		return norm[:m.end], true
	case m.segs >= 2 || m.full || stripped || hasAnyPrefix(tail, detailHeads) || hasAnySuffix(tail, detailEnds):
		return place, true
	}
	return "", false
}

// confirmBare accepts a message that is nothing but a place.
func (r *Resolver) confirmBare(s string) (string, bool) {
	place := squeeze(s)
	for {
		t := trimSuffixes(place, particles)
		if t == place {
			break
		}
		place = t
	}
	norm := normalize(place)
	m := r.match(norm)
	if len(m.nodes) == 0 || m.short || genericNames[norm[:m.end]] {
		return "", false
	}
	// Trailing detail only after a spelled-out chain, as in a WeChat
	// location label (广东省深圳市南山区粤海街道).
	if m.end != len(norm) && (m.segs < 2 || !m.full) {
		return "", false
	}
	return place, true
}

// trimTail drops trailing particles and activities ("杭州打工了" → "杭州")
// and reports whether an activity was dropped.
func trimTail(s string) (string, bool) {
	stripped := false
	for {
		t := trimSuffixes(s, particles)
		if u := trimSuffixes(t, activities); u != t {
			stripped = true
			t = u
		}
		if t == s {
			return s, stripped
		}
		s = t
	}
}

func trimPrefixes(s string, words []string) string {
	for _, w := range words {
		if t, ok := strings.CutPrefix(s, w); ok {
			return t
		}
	}
	return s
}

func trimSuffixes(s string, words []string) string {
	for _, w := range words {
		if t, ok := strings.CutSuffix(s, w); ok {
			return t
		}
	}
	return s
}

func hasAnySuffix(s string, words []string) bool {
	for _, w := range words {
		if strings.HasSuffix(s, w) {
			return true
		}
	}
	return false
}

func hasAnyPrefix(s string, words []string) bool {
	for _, w := range words {
		if strings.HasPrefix(s, w) {
			return true
		}
	}
	return false
}

// trimSeparators drops the separators after a command word (位置：深圳).
func trimSeparators(s string) string {
	return strings.TrimLeftFunc(s, func(c rune) bool {
		return unicode.IsSpace(c) || strings.ContainsRune(":：,，", c)
	})
}

// cutSentence keeps the first clause ("深圳，明天回家" → "深圳").
func cutSentence(s string) string {
	if i := strings.IndexAny(s, "，,。！!？?；;\n"); i >= 0 {
		return s[:i]
	}
	return s
}

// squeeze removes spaces and invalid UTF-8.
func squeeze(s string) string {
	return strings.Map(func(c rune) rune {
		if unicode.IsSpace(c) || c == utf8.RuneError {
			return -1
		}
		return c
	}, s)
}
