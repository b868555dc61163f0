package location

import (
	"strings"
	"unicode/utf8"
)

type alias struct {
	name string
	full bool
}

// Administrative suffixes, longest first, by level.
var suffixes = [...][]string{
	LevelProvince: {"特别行政区", "自治区", "省", "市"},
	LevelCity:     {"自治州", "地区", "盟", "市"},
	LevelCounty:   {"自治县", "自治旗", "新区", "林区", "特区", "区", "县", "市", "旗"},
}

// Colloquial suffix of an autonomous unit's short name: 恩施州, 石柱县.
var autonomousShort = map[string]string{"自治州": "州", "自治县": "县", "自治旗": "旗"}

// Ethnic groups named in autonomous units (广西壮族自治区, 海西蒙古族藏族自治州,
// 伊犁哈萨克自治州), longest first within a shared ending.
var ethnicGroups = []string{
	"乌孜别克", "柯尔克孜", "维吾尔", "哈萨克", "塔吉克", "塔塔尔", "达斡尔", "鄂温克", "鄂伦春",
	"俄罗斯", "土家", "蒙古", "布依", "朝鲜", "哈尼", "傈僳", "拉祜", "东乡", "纳西", "景颇",
	"仫佬", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米", "德昂", "保安", "裕固",
	"独龙", "赫哲", "门巴", "珞巴", "基诺", "高山",
	"回", "藏", "苗", "彝", "壮", "满", "侗", "瑶", "白", "傣", "黎", "佤", "畲", "水", "土", "羌", "怒", "京",
}

// shortNames derives the names people use without the administrative suffix
// (深圳市 → 深圳, 恩施土家族苗族自治州 → 恩施, 恩施州). Names shorter than two
// characters are never derived: 城区 stays 城区.
func shortNames(name string, level Level) []alias {
	var out []alias
	for _, suf := range suffixes[level] {
		stem, ok := strings.CutSuffix(name, suf)
		if !ok {
			continue
		}
		if strings.HasPrefix(suf, "自治") {
			stem = stripEthnic(stem)
		}
		if utf8.RuneCountInString(stem) < 2 {
			break
		}
		out = append(out, alias{name: stem})
		if s, ok := autonomousShort[suf]; ok {
			out = append(out, alias{name: stem + s, full: true})
		}
		break
	}
	return out
}

// stripEthnic removes trailing ethnic group names ("海西蒙古族藏族" → "海西")
// while at least two characters remain. Single-character groups count only
// with 族 (回族, not 回).
func stripEthnic(s string) string {
	for {
		next := s
		for _, g := range ethnicGroups {
			if t, ok := strings.CutSuffix(s, g+"族"); ok {
				next = t
				break
			}
			if utf8.RuneCountInString(g) > 1 {
				if t, ok := strings.CutSuffix(s, g); ok {
					next = t
					break
				}
			}
		}
		if next == s || utf8.RuneCountInString(next) < 2 {
			return s
		}
		s = next
	}
}
