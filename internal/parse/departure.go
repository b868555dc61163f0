package parse

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Departure is a member's notice of leaving (外出).
type Departure struct {
	Date   time.Time // 00:00 in now's location; today when not written
	Place  string    // where to, as written (省/市 words joined)
	Reason string    // one of DepartureReasons
	Note   string    // other words: employer, 照顾孙子…; may be empty
}

// DepartureReasons are the reasons of the roster (外出原因).
var DepartureReasons = []string{"务工", "经商", "求学", "其他"}

var departureReasons = newPhrases([]phrase{
	{text: "务工", value: "务工"}, {text: "打工", value: "务工"}, {text: "打零工", value: "务工"},
	{text: "上班", value: "务工"}, {text: "工作", value: "务工"}, {text: "找工作", value: "务工"},
	{text: "做工", value: "务工"}, {text: "就业", value: "务工"}, {text: "干活", value: "务工"},
	{text: "经商", value: "经商"}, {text: "做生意", value: "经商"}, {text: "生意", value: "经商"},
	{text: "做买卖", value: "经商"}, {text: "开店", value: "经商"}, {text: "创业", value: "经商"},
	{text: "求学", value: "求学"}, {text: "上学", value: "求学"}, {text: "读书", value: "求学"},
	{text: "进修", value: "求学"}, {text: "读研", value: "求学"}, {text: "上大学", value: "求学"},
	{text: "读大学", value: "求学"}, {text: "留学", value: "求学"}, {text: "深造", value: "求学"},
	{text: "学习", value: "求学"},
	{text: "其他原因", value: "其他"}, {text: "其他", value: "其他"}, {text: "其它", value: "其他"},
	{text: "探亲", value: "其他", descriptive: true}, {text: "投亲", value: "其他", descriptive: true},
	{text: "随迁", value: "其他", descriptive: true}, {text: "陪读", value: "其他", descriptive: true},
	{text: "照顾", value: "其他", descriptive: true}, {text: "带孩子", value: "其他", descriptive: true},
	{text: "带娃", value: "其他", descriptive: true}, {text: "就医", value: "其他", descriptive: true},
	{text: "看病", value: "其他", descriptive: true}, {text: "治病", value: "其他", descriptive: true},
	{text: "养病", value: "其他", descriptive: true}, {text: "养老", value: "其他", descriptive: true},
})

var errDepartureUsage = &Error{Msg: "请这样写：外出 深圳 务工（外出原因：务工、经商、求学、其他；日期不写就是今天）"}

// ParseDeparture reads the arguments of 外出: an optional date (default
// today), the place and the reason, e.g. "深圳 务工", "2026-11-01 广东东莞 经商",
// "去杭州打工". Reasons are mapped (打工/上班/工作→务工, 做生意→经商,
// 上学/读书/进修→求学); without one the reason is 其他.
func ParseDeparture(args string, now time.Time) (Departure, error) {
	s := strings.TrimSpace(Normalize(args))
	if s == "" {
		return Departure{}, errDepartureUsage
	}
	d := Departure{Reason: "其他"}
	date, rest, found, err := findDate(s, now)
	switch {
	case err != nil:
		return Departure{}, err
	case found:
		d.Date = date
	default:
		d.Date = midnight(now)
	}
	placeText := rest
	var note []string
	if p, ps, pe, ok := findPhrase(rest, departureReasons); ok {
		d.Reason = p.value
		tailEnd := pe
		for tailEnd < len(rest) {
			r, n := utf8.DecodeRuneInString(rest[tailEnd:])
			if isSep(r) {
				break
			}
			tailEnd += n
		}
		if p.descriptive {
			note = append(note, rest[ps:tailEnd])
		} else if tailEnd > pe {
			note = append(note, rest[pe:tailEnd])
		}
		before, after := rest[:ps], rest[tailEnd:]
		if trimSeps(before) != "" {
			placeText = before
			note = append(note, fields(after)...)
		} else {
			placeText = after
		}
	}
	place, more := splitPlace(placeText)
	if place == "" {
		return Departure{}, &Error{Msg: "请写明去哪里，例如：外出 深圳 务工"}
	}
	d.Place = place
	d.Note = strings.Join(append(note, more...), " ")
	return d, nil
}

var (
	provinceNames = []string{
		"北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江",
		"安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州",
		"云南", "陕西", "甘肃", "青海", "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门",
	}
	upperSuffixes = []string{"省", "自治区", "特别行政区", "市", "州", "盟", "地区"}
	lowerSuffixes = []string{"市", "区", "县", "镇", "乡", "街道", "旗", "村"}
)

// splitPlace takes the place from the first words of s: a word, joined with
// the next while they read as one address (广东省 东莞市, 广东 东莞市). The
// other words are returned as they are.
func splitPlace(s string) (place string, more []string) {
	words := fields(s)
	if len(words) == 0 {
		return "", nil
	}
	place = words[0]
	i := 1
	for ; i < len(words); i++ {
		last := words[i-1]
		if !hasAnySuffix(last, upperSuffixes) && !hasAnySuffix(words[i], lowerSuffixes) && !isProvince(last) {
			break
		}
		place += words[i]
	}
	place = cleanPlace(place)
	return place, words[i:]
}

func hasAnySuffix(s string, suffixes []string) bool {
	for _, x := range suffixes {
		if strings.HasSuffix(s, x) && len(s) > len(x) {
			return true
		}
	}
	return false
}

func isProvince(s string) bool {
	s = trimWords(s, placeFillerBefore, nil)
	for _, p := range provinceNames {
		if s == p {
			return true
		}
	}
	return false
}
