package whereabouts

import (
	"context"
	"fmt"
	"time"

	"liudong/internal/location"
	"liudong/internal/store"
)

// LocationLine is the member's last location update, 省内/省外, and how long at that place.
func LocationLine(ctx context.Context, st *store.Store, home location.Region, memberID int64, now time.Time) (string, error) {
	p, err := st.CurrentPlaceOf(ctx, memberID, now)
	if store.IsNotFound(err) {
		return "最近位置：未报告", nil
	}
	if err != nil {
		return "", err
	}
	r := regionFromCodes(p.ProvinceCode, p.CityCode, p.CountyCode)
	line := fmt.Sprintf("最近位置：%s（%s），%s报告", r.Label(), ScopeWord(r, home), FormatDate(p.ReportedAt.In(now.Location())))
	if days := p.DaysAt(now); days > 0 {
		line += fmt.Sprintf("，在%s已%d天", placeName(r), days)
	}
	return line, nil
}

// OrgLifeLine is the member's last organizational life that counts.
func OrgLifeLine(ctx context.Context, st *store.Store, memberID int64, now time.Time) (string, error) {
	o, err := st.LastOrgLifeOf(ctx, memberID, now)
	if store.IsNotFound(err) {
		return "最近组织生活：无记录", nil
	}
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("最近组织生活：%s %s（%s，%s）", FormatDate(o.HeldOn), o.Kind, o.Place, statusWords[o.Status]), nil
}

func regionFromCodes(province, city, county string) location.Region {
	res := location.Default()
	for _, code := range []string{county, city, province} {
		if code == "" {
			continue
		}
		if r, ok := res.ByCode(code); ok {
			return r
		}
	}
	return location.Region{}
}
