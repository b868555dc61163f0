// Package stats writes the 基本情况 report of an org unit's mobile members — the paragraph in
// the branches' own form, the official tables and a chart — from counts done in PostgreSQL.
//
// Who is counted, for an org unit and a report date D (the unit's subtree, by the branch
// holding each member's formal relationship, members.branch_id):
//   - 流出: a departure open at D (departed_on ≤ D, not returned by D), whatever the roster's
//     流动类型 says; so a report for an earlier date is reproducible from the departures.
//     Members marked 流出 but not away at D are not counted; the paragraph's note says how many.
//   - 流入: members registered with mobility 流入 (their relationship lies elsewhere). No
//     arrival date is recorded yet, so they are counted at any D.
//   - 党员总数: the unit's members, 流入 members excluded.
//   - Every count takes the members present at D: not transferred out by D (已转出 from the
//     receipt's date), and, for a member received by transfer, received by D.
//
// The breakdowns (reason with gender, age at D, education, 省内/省外, away 3 months or more)
// are of the 流出 members. 省内 compares a departure's province code with the committee's
// province; a departure without a province code is 地点不详.
package stats

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/image/font"

	"liudong/internal/config"
	"liudong/internal/store"
)

// Service builds reports from the store.
type Service struct {
	st   *store.Store
	home string
	// flowHome is the committee's region, which the flows (跨省, 县内…) are judged from.
	flowHome flowHome
	loc      *time.Location
	log      *slog.Logger
	fonts    *fontSource
	// warn logs the missing font once.
	warn sync.Once
}

// New builds the service; the committee's province must be known (stats.home_province or
// committee.region).
func New(st *store.Store, cfg config.Config, log *slog.Logger) (*Service, error) {
	home, err := HomeProvince(cfg.Stats.HomeProvince, cfg.Committee.Region)
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.Default()
	}
	return &Service{st: st, home: home, flowHome: homeRegion(cfg.Committee.Region, home), loc: cfg.Location(), log: log,
		fonts: &fontSource{setting: cfg.Stats.Font}}, nil
}

// Location is the zone report dates are in.
func (s *Service) Location() *time.Location { return s.loc }

func (s *Service) params(unit store.OrgUnit, d Date, ages []int) store.StatsParams {
	return store.StatsParams{Path: unit.Path, At: d.Day, HomeProvince: s.home, AwayMonths: AwayMonths,
		AgeBounds: ages, Genders: genders, Educations: educations, Categories: categories, Reasons: reasons}
}

// Summary counts the unit's subtree as of d.
func (s *Service) Summary(ctx context.Context, unit store.OrgUnit, d Date) (Summary, error) {
	r, err := s.st.StatsSummary(ctx, s.params(unit, d, fineBounds()))
	if err != nil {
		return Summary{}, err
	}
	return summarise(unit.Name, d, r), nil
}

// Chart draws the summary's figures as a PNG. Without a CJK font it returns nil and logs why
// (once): the caller sends the text alone.
func (s *Service) Chart(sum Summary) []byte {
	png, err := s.fonts.Chart(sum)
	switch {
	case errors.Is(err, ErrNoFont):
		s.warn.Do(func() { s.log.Warn("stats: charts disabled, sending text only", "err", err) })
		return nil
	case err != nil:
		s.log.Error("stats: chart not drawn, sending text only", "err", err)
		return nil
	}
	return png
}

// Face returns a face of the chart font at size (points at 72 dpi), or an error wrapping
// ErrNoFont: other documents (the letter of transfer) are drawn with the same font.
func (s *Service) Face(size float64) (font.Face, error) {
	mk, _, err := s.fonts.load()
	if err != nil {
		return nil, err
	}
	return mk(size)
}

// FontPath is the font the charts use, or why there is none.
func (s *Service) FontPath() (string, error) {
	_, path, err := s.fonts.load()
	return path, err
}

// Unit finds an org unit by name for the command line: a name, or a path of names from the
// committee down ("第一党总支/第一党支部") when names repeat.
func (s *Service) Unit(ctx context.Context, name string) (store.OrgUnit, error) {
	names := splitNames(name)
	if len(names) == 0 {
		return store.OrgUnit{}, errors.New("请写出党组织名称")
	}
	matches, err := s.st.OrgUnitsByName(ctx, names[len(names)-1])
	if err != nil {
		return store.OrgUnit{}, err
	}
	if len(matches) == 1 && len(names) == 1 {
		return matches[0], nil
	}
	// A path, or namesakes: the whole tree tells them apart.
	units, err := s.st.AllOrgUnits(ctx)
	if err != nil {
		return store.OrgUnit{}, err
	}
	matches = matchUnits(units, name)
	switch len(matches) {
	case 0:
		return store.OrgUnit{}, fmt.Errorf("没有名为“%s”的党组织", name)
	case 1:
		return matches[0], nil
	}
	path := pathNamer(units)
	msg := fmt.Sprintf("有%d个党组织名为“%s”，请写出上级，例如：", len(matches), name)
	for i, u := range matches {
		if i > 0 {
			msg += "、"
		}
		msg += "“" + path(u, store.OrgUnit{}) + "”"
	}
	return store.OrgUnit{}, errors.New(msg)
}
