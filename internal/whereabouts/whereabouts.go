// Package whereabouts is the chat side of where mobile members are and what they do there:
// location updates (位置, 我在深圳南山, a shared location), departures and returns (外出, 返乡)
// and organizational life at the inflow place (参加活动, confirmed by a secretary). It also
// renders the archive lines that 查 shows. Place names are resolved by internal/location, the
// arguments read by internal/parse; all SQL is in internal/store.
package whereabouts

import (
	"context"
	"fmt"
	"strings"
	"time"

	"liudong/bot"
	"liudong/internal/archive"
	"liudong/internal/config"
	"liudong/internal/location"
	"liudong/internal/parse"
	"liudong/internal/store"
)

// Service handles the whereabouts commands.
type Service struct {
	st  *store.Store
	res *location.Resolver
	// home is the committee's region: the reference for 省内/省外.
	home      location.Region
	dropCoord bool
	loc       *time.Location
}

// New builds the service from the configuration (committee.region, location.coordinates,
// timezone).
func New(st *store.Store, cfg config.Config) (*Service, error) {
	home, err := Home(cfg.Committee.Region)
	if err != nil {
		return nil, err
	}
	return &Service{st: st, res: location.Default(), home: home,
		dropCoord: cfg.LocationUpdates.Coordinates == "drop", loc: cfg.Location()}, nil
}

// Home resolves the committee's region (config committee.region), the reference for 省内/省外.
func Home(region string) (location.Region, error) {
	cands := location.Default().Resolve(region)
	if len(cands) != 1 {
		return location.Region{}, fmt.Errorf("whereabouts: committee.region %q names %d regions, want one", region, len(cands))
	}
	return cands[0], nil
}

// ArchiveSections are the 查 summary's lines this domain contributes: last location and last
// organizational life.
func (s *Service) ArchiveSections() []archive.Section {
	return []archive.Section{
		archiveLine("最近位置", func(ctx context.Context, id int64, now time.Time) (string, error) {
			return LocationLine(ctx, s.st, s.home, id, now)
		}),
		archiveLine("最近组织生活", func(ctx context.Context, id int64, now time.Time) (string, error) {
			return OrgLifeLine(ctx, s.st, id, now)
		}),
	}
}

// archiveLine adapts a "名称：内容" line to an archive section of that name.
func archiveLine(name string, line func(ctx context.Context, memberID int64, now time.Time) (string, error)) archive.Section {
	return archive.Section{Name: name, Render: func(ctx context.Context, req archive.Request) (string, error) {
		text, err := line(ctx, req.Member.ID, req.Now)
		return strings.TrimPrefix(text, name+"："), err
	}}
}

// Register adds the members' commands (位置, 外出, 返乡, 参加活动), the secretaries' (确认活动,
// 驳回活动), the location pattern for free phrasing and shared locations, and the flow that
// asks which of several places the member meant.
func (s *Service) Register(r *bot.Router) {
	r.Add(bot.Command{
		Name: "位置", Aliases: []string{"定位", "我的位置", "当前位置", "所在位置", "所在地"}, Glued: true,
		Audience: bot.Members, Scope: bot.Private,
		Usage: "位置 广东省深圳市南山区", Summary: "报告所在地（也可以说“我在深圳南山”，或直接发送微信位置）",
		Handler: s.locationCommand,
	})
	r.AddPattern(bot.Pattern{Name: "location", Match: s.matchLocation, Handler: s.locationPattern})
	r.AddFlow(flowLocation, s.locationFlow)
	r.Add(bot.Command{
		Name: "外出", Aliases: []string{"外出登记"}, Audience: bot.Members, Scope: bot.Private,
		Usage: "外出 深圳 务工", Summary: "报告外出（日期不写就是今天；原因：务工、经商、求学、其他）",
		Handler: s.depart,
	})
	r.Add(bot.Command{
		Name: "返乡", Aliases: []string{"返乡登记", "回乡", "已返乡"}, Audience: bot.Members, Scope: bot.Private,
		Usage: "返乡", Summary: "报告已回到家乡",
		Handler: s.comeHome,
	})
	r.Add(bot.Command{
		Name: "参加活动", Aliases: []string{"组织生活"}, Audience: bot.Members, Scope: bot.Private,
		Usage: "参加活动 11月20日 深圳南山区XX支部 主题党日", Summary: "记录在流入地参加的组织生活（待书记确认）",
		Handler: s.recordOrgLife,
	})
	r.Add(bot.Command{
		Name: "确认活动", Audience: bot.Secretaries, Contacts: true, Scope: bot.Anywhere, Audit: true,
		Usage: "确认活动 张三", Summary: "确认党员报告的组织生活（可加日期只确认一次）",
		Handler: s.confirmOrgLife,
	})
	r.Add(bot.Command{
		Name: "驳回活动", Audience: bot.Secretaries, Contacts: true, Scope: bot.Anywhere, Audit: true,
		Usage: "驳回活动 张三 11月20日 当天未参加", Summary: "驳回不属实的组织生活记录（不再计入）",
		Handler: s.rejectOrgLife,
	})
}

// today is the message's calendar day at 00:00 in the configured zone.
func (s *Service) today(c *bot.Context) time.Time { return midnight(c.Now().In(s.loc)) }

func midnight(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// day reads a calendar date from the database (midnight UTC) as that day in loc.
func day(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// FormatDate writes a calendar date as members read it: 2026年11月20日. Dates from the
// database are taken as written (their year, month and day).
func FormatDate(t time.Time) string { return parse.FormatDate(t) }

// scopeWord says 省内 or 省外 of r relative to the committee's region.
func (s *Service) scopeWord(r location.Region) string { return ScopeWord(r, s.home) }

// ScopeWord is 省内 when r lies in home's province, else 省外.
func ScopeWord(r, home location.Region) string {
	if location.InProvince(r, home) {
		return "省内"
	}
	return "省外"
}

// regionOf returns the region codes a place name certainly has: the one candidate, or the
// levels all candidates share (several 朝阳 in one province keep the province). ok is false
// when the name is unknown or the candidates lie in different provinces.
func regionOf(cands []location.Region) (location.Region, bool) {
	if len(cands) == 0 {
		return location.Region{}, false
	}
	r := cands[0]
	for _, c := range cands[1:] {
		if c.ProvinceCode != r.ProvinceCode {
			return location.Region{}, false
		}
		if c.CityCode != r.CityCode {
			r.CityCode, r.City, r.CountyCode, r.County = "", "", "", ""
		}
		if c.CountyCode != r.CountyCode {
			r.CountyCode, r.County = "", ""
		}
	}
	return r, true
}

// placeName is the name of the "same place" of a region: its city, or county under a province,
// or province.
func placeName(r location.Region) string {
	switch {
	case r.City != "":
		return r.City
	case r.County != "":
		return r.County
	}
	return r.Province
}

// memberRef names a member for a secretary: 张三（第一党支部）.
func memberRef(m store.Member) string { return fmt.Sprintf("%s（%s）", m.Name, m.BranchName) }
