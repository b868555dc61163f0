package stats

import (
	"fmt"

	"liudong/internal/location"
)

// HomeProvince is the two-digit province prefix 省内/省外 are judged against: configured
// (stats.home_province, a 2- or 6-digit GB/T 2260 code), or the province of the committee's
// region (安徽省六安市 → 34).
func HomeProvince(configured, region string) (string, error) {
	res := location.Default()
	if configured != "" {
		code := configured
		if len(code) == 2 {
			code += "0000"
		}
		if r, ok := res.ByCode(code); ok && len(code) == 6 && r.Level() == location.LevelProvince {
			return code[:2], nil
		}
		return "", fmt.Errorf("stats.home_province: %q is not a province code of GB/T 2260 (e.g. 34 or 340000)", configured)
	}
	cands := res.Resolve(region)
	if len(cands) == 0 || cands[0].ProvinceCode == "" {
		return "", fmt.Errorf("stats.home_province: committee.region %q names no province; set stats.home_province (e.g. 34 for 安徽省)", region)
	}
	for _, c := range cands[1:] {
		if c.ProvinceCode != cands[0].ProvinceCode {
			return "", fmt.Errorf("stats.home_province: committee.region %q is ambiguous; set stats.home_province (e.g. 34 for 安徽省)", region)
		}
	}
	return cands[0].ProvinceCode[:2], nil
}
