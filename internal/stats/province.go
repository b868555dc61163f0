package stats

import (
	"fmt"
	"strings"
)

// provinces are the province-level divisions of GB/T 2260 by the two-digit prefix of their
// codes. A stand-in for internal/location's resolver, enough to read the committee's region.
var provinces = []struct{ Code, Name, Short string }{
	{"11", "北京市", "北京"}, {"12", "天津市", "天津"}, {"13", "河北省", "河北"}, {"14", "山西省", "山西"},
	{"15", "内蒙古自治区", "内蒙古"}, {"21", "辽宁省", "辽宁"}, {"22", "吉林省", "吉林"}, {"23", "黑龙江省", "黑龙江"},
	{"31", "上海市", "上海"}, {"32", "江苏省", "江苏"}, {"33", "浙江省", "浙江"}, {"34", "安徽省", "安徽"},
	{"35", "福建省", "福建"}, {"36", "江西省", "江西"}, {"37", "山东省", "山东"}, {"41", "河南省", "河南"},
	{"42", "湖北省", "湖北"}, {"43", "湖南省", "湖南"}, {"44", "广东省", "广东"}, {"45", "广西壮族自治区", "广西"},
	{"46", "海南省", "海南"}, {"50", "重庆市", "重庆"}, {"51", "四川省", "四川"}, {"52", "贵州省", "贵州"},
	{"53", "云南省", "云南"}, {"54", "西藏自治区", "西藏"}, {"61", "陕西省", "陕西"}, {"62", "甘肃省", "甘肃"},
	{"63", "青海省", "青海"}, {"64", "宁夏回族自治区", "宁夏"}, {"65", "新疆维吾尔自治区", "新疆"},
	{"71", "台湾省", "台湾"}, {"81", "香港特别行政区", "香港"}, {"82", "澳门特别行政区", "澳门"},
}

// HomeProvince is the two-digit province prefix 省内/省外 are judged against: configured
// (stats.home_province, a 2- or 6-digit GB/T 2260 code), or read from the start of the
// committee's region (安徽省六安市 → 34).
func HomeProvince(configured, region string) (string, error) {
	if configured != "" {
		code := configured
		if len(code) == 6 {
			code = code[:2]
		}
		for _, p := range provinces {
			if p.Code == code {
				return code, nil
			}
		}
		return "", fmt.Errorf("stats.home_province: %q is not a province code of GB/T 2260 (e.g. 34 or 340000)", configured)
	}
	region = strings.TrimSpace(region)
	for _, p := range provinces {
		if strings.HasPrefix(region, p.Name) || strings.HasPrefix(region, p.Short) {
			return p.Code, nil
		}
	}
	return "", fmt.Errorf("stats.home_province: committee.region %q does not start with a province; set stats.home_province (e.g. 34 for 安徽省)", region)
}
