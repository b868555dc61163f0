package parse

import (
	"strings"
	"time"
	"unicode"
)

// OrgLife is one organizational life (组织生活) a member attended.
type OrgLife struct {
	Date  time.Time // 00:00 in now's location
	Place string    // where, or which inflow organisation, as written
	Kind  string    // one of OrgLifeKinds
}

// OrgLifeKinds are the kinds of organizational life recorded.
var OrgLifeKinds = []string{"主题党日", "支部党员大会", "党小组会", "党课", "组织生活会", "民主评议", "志愿服务", "其他"}

var orgLifeAliases = newPhrases([]phrase{
	{text: "主题党日活动", value: "主题党日"}, {text: "主题党日", value: "主题党日"},
	{text: "党日活动", value: "主题党日"}, {text: "党日", value: "主题党日"},
	{text: "支部党员大会", value: "支部党员大会"}, {text: "支部大会", value: "支部党员大会"},
	{text: "党员大会", value: "支部党员大会"},
	{text: "党小组会议", value: "党小组会"}, {text: "党小组会", value: "党小组会"},
	{text: "小组会", value: "党小组会"},
	{text: "专题党课", value: "党课"}, {text: "微党课", value: "党课"}, {text: "党课", value: "党课"},
	{text: "组织生活会", value: "组织生活会"},
	{text: "民主评议党员", value: "民主评议"}, {text: "民主评议", value: "民主评议"},
	{text: "志愿服务活动", value: "志愿服务"}, {text: "志愿服务", value: "志愿服务"},
	{text: "志愿者活动", value: "志愿服务"}, {text: "志愿活动", value: "志愿服务"},
	{text: "其他活动", value: "其他"}, {text: "其他", value: "其他"}, {text: "其它", value: "其他"},
})

const orgLifeExample = "参加活动 11月20日 深圳南山区XX支部 主题党日"

var (
	errOrgLifeUsage = &Error{Msg: "请这样写：" + orgLifeExample}
	errOrgLifeDate  = &Error{Msg: "请写明活动日期（当天可以写“今天”），例如：" + orgLifeExample}
	errOrgLifeKind  = &Error{Msg: "请写明活动类型：主题党日、支部党员大会、党小组会、党课、组织生活会、民主评议、志愿服务或其他。例如：" + orgLifeExample}
	errOrgLifePlace = &Error{Msg: "请写明在哪里参加（地点或党组织），例如：" + orgLifeExample}
)

// ParseOrgLife reads the arguments of 参加活动: a date (required; 今天 is
// fine), the place and the kind, e.g. "11月20日 深圳南山区XX支部 主题党日" or
// "昨天 主题党日 东莞长安镇党群服务中心". The date may be any word; the kind is
// found anywhere; what remains is the place. A date after today is refused.
func ParseOrgLife(args string, now time.Time) (OrgLife, error) {
	s := strings.TrimSpace(Normalize(args))
	if s == "" {
		return OrgLife{}, errOrgLifeUsage
	}
	date, rest, found, err := findDate(s, now)
	if err != nil {
		return OrgLife{}, err
	}
	if !found {
		return OrgLife{}, errOrgLifeDate
	}
	if date.After(midnight(now)) {
		return OrgLife{}, errorf("活动日期%s还没到，请核对后再发", FormatDate(date))
	}
	kind, ks, ke, ok := findPhrase(rest, orgLifeAliases)
	if !ok {
		return OrgLife{}, errOrgLifeKind
	}
	if other, _, _, ok := findPhrase(rest[ke:], orgLifeAliases); ok && other.value != kind.value {
		return OrgLife{}, errorf("一次只能记录一种活动（写了%s和%s），请分开发送", kind.value, other.value)
	}
	rest = rest[:ks] + " " + rest[ke:]
	for {
		again, as, ae, ok := findPhrase(rest, orgLifeAliases)
		if !ok || again.value != kind.value {
			break
		}
		rest = rest[:as] + " " + rest[ae:]
	}
	place := cleanPlace(rest)
	if place == "" {
		return OrgLife{}, errOrgLifePlace
	}
	return OrgLife{Date: date, Place: place, Kind: kind.value}, nil
}

var (
	placeFillerBefore = []string{"前往", "去往", "在", "于", "到", "去", "赴", "往", "至"}
	placeFillerAfter  = []string{
		"参加了", "参与了", "开展了", "召开的", "举办的", "组织的",
		"参加", "参与", "开展", "召开", "举办", "组织", "的", "去", "了",
	}
)

// cleanPlace joins the words of s with single spaces, drops filler words
// (在…参加) and returns "" when no letter is left.
func cleanPlace(s string) string {
	p := trimWords(strings.Join(fields(s), " "), placeFillerBefore, placeFillerAfter)
	p = strings.TrimSpace(p)
	if strings.IndexFunc(p, unicode.IsLetter) < 0 {
		return ""
	}
	return p
}
