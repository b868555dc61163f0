package report

import (
	"context"
	"fmt"
	"strings"

	"liudong/internal/archive"
	"liudong/internal/store"
)

// ArchiveSection is the reports line of the secretary's 查: this period's report (or that there
// is none yet), the last one before it with its review, and how many of the last year's periods
// have a report.
func (s *Service) ArchiveSection() archive.Section {
	return archive.Section{Name: "思想汇报", Render: func(ctx context.Context, req archive.Request) (string, error) {
		now := req.Now
		p := s.Period(now)
		perYear := 12 / s.cadence.months()
		reports, err := s.st.LatestReports(ctx, req.Member.ID, perYear+1)
		if err != nil {
			return "", err
		}
		var parts []string
		var current *store.Report
		var earlier []store.Report
		for i := range reports {
			if reports[i].Period == p.Key {
				current = &reports[i]
			} else {
				earlier = append(earlier, reports[i])
			}
		}
		if current != nil {
			parts = append(parts, fmt.Sprintf("%s（%s）%s已汇报，%s", s.cadence.This(), p.Label, day(current.SubmittedAt, now), reviewLine(*current, now)))
		} else {
			parts = append(parts, fmt.Sprintf("%s（%s）尚未汇报", s.cadence.This(), p.Label))
		}
		if len(earlier) > 0 {
			last := earlier[0]
			lp, _ := s.ParsePeriod(last.Period)
			parts = append(parts, fmt.Sprintf("上一次：%s，%s提交，%s", labelOr(lp, last.Period), day(last.SubmittedAt, now), reviewLine(last, now)))
		} else if current == nil {
			parts = append(parts, "从未汇报")
		}
		if perYear > 1 {
			recent := map[string]bool{}
			q := p
			for range perYear {
				recent[q.Key] = true
				q = q.Prev()
			}
			n := 0
			for _, r := range reports {
				if recent[r.Period] {
					n++
				}
			}
			unit := map[Cadence]string{Quarterly: "个季度", HalfYearly: "个半年"}[s.cadence]
			parts = append(parts, fmt.Sprintf("近%d%s（含%s）汇报%d次", perYear, unit, s.cadence.This(), n))
		}
		return strings.Join(parts, "；"), nil
	}}
}
