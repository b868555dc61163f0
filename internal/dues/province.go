package dues

import "strings"

// provinces lists the province-level divisions: full name, then short name.
var provinces = [][2]string{
	{"北京市", "北京"}, {"天津市", "天津"}, {"河北省", "河北"}, {"山西省", "山西"},
	{"内蒙古自治区", "内蒙古"}, {"辽宁省", "辽宁"}, {"吉林省", "吉林"}, {"黑龙江省", "黑龙江"},
	{"上海市", "上海"}, {"江苏省", "江苏"}, {"浙江省", "浙江"}, {"安徽省", "安徽"},
	{"福建省", "福建"}, {"江西省", "江西"}, {"山东省", "山东"}, {"河南省", "河南"},
	{"湖北省", "湖北"}, {"湖南省", "湖南"}, {"广东省", "广东"}, {"广西壮族自治区", "广西"},
	{"海南省", "海南"}, {"重庆市", "重庆"}, {"四川省", "四川"}, {"贵州省", "贵州"},
	{"云南省", "云南"}, {"西藏自治区", "西藏"}, {"陕西省", "陕西"}, {"甘肃省", "甘肃"},
	{"青海省", "青海"}, {"宁夏回族自治区", "宁夏"}, {"新疆维吾尔自治区", "新疆"},
	{"台湾省", "台湾"}, {"香港特别行政区", "香港"}, {"澳门特别行政区", "澳门"},
}

// NormalizeProvince returns the full name of the province s names: a full
// name, a short name ("广东"), or a place that starts with a full name
// ("安徽省六安市"). Short-name prefixes are not guessed: "海南藏族自治州" is in 青海.
func NormalizeProvince(s string) (string, bool) {
	t := strings.Join(strings.Fields(s), "")
	for _, p := range provinces {
		if t == p[1] || strings.HasPrefix(t, p[0]) {
			return p[0], true
		}
	}
	return "", false
}
