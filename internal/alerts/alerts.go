// Package alerts decides what is due and for whom: the scheduled jobs (Spring Festival
// invitations, inflow registration and transfer prompts, the report window, the six-month
// rule, dues notices, certificate reviews and inspections, the weekly digest), the overdue
// providers the digest and the secretary's 逾期 are composed from, and the grouping of
// member-level alerts into one message per org unit. Jobs only enqueue outbox rows.
package alerts

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strconv"
	"time"

	"liudong/internal/config"
	"liudong/internal/dues/collect"
	"liudong/internal/notify"
	"liudong/internal/report"
	"liudong/internal/schedule"
	"liudong/internal/store"
)

// Service holds what the jobs and 逾期 need.
type Service struct {
	st           *store.Store
	groups       *notify.Groups
	cfg          config.Schedule
	reviewMonths int // certificate.review_months
	loc          *time.Location
	log          *slog.Logger
	reports      *report.Service
	dues         *collect.Service
	providers    []Provider
}

// Domains are the services whose data the jobs read besides the store.
type Domains struct {
	Reports *report.Service
	Dues    *collect.Service
}

// New builds the service with its overdue providers, in the order of their sections in the
// weekly digest and 逾期: transfer due, inflow registration due, reports overdue, dues
// arrears, 年审 due, certificates not inspected, six-month warnings. More are added with
// AddProvider.
func New(st *store.Store, groups *notify.Groups, cfg config.Config, log *slog.Logger, d Domains) *Service {
	s := &Service{st: st, groups: groups, cfg: cfg.Schedule, reviewMonths: cfg.Certificate.ReviewMonths, loc: cfg.Location(),
		log: log, reports: d.Reports, dues: d.Dues}
	s.AddProvider(StayProvider{St: st, Loc: s.loc, Months: cfg.Schedule.Transfer.Months, ExcludeTransferring: true,
		Label: fmt.Sprintf("外出满%d个月，应转接组织关系", cfg.Schedule.Transfer.Months)})
	s.AddProvider(StayProvider{St: st, Loc: s.loc, Months: cfg.Schedule.InflowRegistration.Months, ExcludeRegistered: true,
		Label: fmt.Sprintf("在外满%d个月，流入地未登记", cfg.Schedule.InflowRegistration.Months)})
	s.AddProvider(reportProvider{s})
	s.AddProvider(duesProvider{s})
	s.AddProvider(reviewProvider{s})
	s.AddProvider(inspectionProvider{s})
	s.AddProvider(sixMonthProvider{s})
	return s
}

// AddProvider appends an overdue provider: its section follows the earlier ones in the weekly
// digest and in 逾期.
func (s *Service) AddProvider(p Provider) { s.providers = append(s.providers, p) }

// RegisterJobs adds this package's jobs to the registry.
func (s *Service) RegisterJobs(reg *schedule.Registry) {
	stays := func(ctx context.Context, now time.Time) { currentStays(ctx, s.st, now, s.loc.String(), nil) }
	reg.Add(schedule.Job{
		Name: "spring-festival", Schedule: s.cfg.SpringFestival.Spec,
		Description: fmt.Sprintf("春节前%d天起：邀请外出党员参加春节座谈会，并把名单告诉书记", s.cfg.SpringFestival.LeadDays),
		Run:         s.SpringFestival,
	})
	reg.Add(schedule.Job{
		Name: "inflow-registration", Schedule: s.cfg.InflowRegistration.Spec,
		Description: fmt.Sprintf("在同一城市满%d个月、流入地未登记的党员 → 书记", s.cfg.InflowRegistration.Months),
		Run:         s.InflowRegistration, Prefetch: stays,
	})
	reg.Add(schedule.Job{
		Name: "transfer-prompt", Schedule: s.cfg.Transfer.Spec,
		Description: fmt.Sprintf("在同一城市满%d个月 → 提醒党员本人和书记转接组织关系", s.cfg.Transfer.Months),
		Run:         s.TransferPrompt, Prefetch: stays,
	})
	s.registerPhase2(reg)
	reg.Add(schedule.Job{
		Name: "weekly-digest", Schedule: s.cfg.WeeklyDigest.Spec,
		Description: "每周逾期汇总：每个党组织一条消息，发到提醒群（没有提醒群则私聊书记）",
		Run:         s.WeeklyDigest, Prefetch: s.prefetchOverdue,
	})
}

// registerPhase2 adds the report window, six-month, dues and certificate jobs.
func (s *Service) registerPhase2(reg *schedule.Registry) {
	c := s.cfg
	for _, j := range []schedule.Job{
		{Name: "report-invite", Schedule: c.ReportInvite.Spec, Run: s.ReportInvite, Prefetch: s.prefetchMissingReports,
			Description: "每期最后一个月月初起：邀请流动党员提交思想汇报"},
		{Name: "report-reminder", Schedule: c.ReportReminder.Spec, Run: s.ReportReminder, Prefetch: s.prefetchMissingReports,
			Description: fmt.Sprintf("每期截止前%d天起：提醒还没有汇报的流动党员", c.ReportReminder.DaysBefore)},
		{Name: "report-overdue", Schedule: c.ReportOverdue.Spec, Run: s.ReportOverdue,
			Description: fmt.Sprintf("每期结束后%d天内：把未汇报的流动党员名单发给各支部（一次）", c.ReportOverdue.WithinDays)},
		{Name: "six-month", Schedule: c.SixMonth.Spec, Run: s.SixMonth, Prefetch: s.prefetchLapses,
			Description: fmt.Sprintf("六个月规定：未参加组织生活或未交党费满%d个月提醒本人并告诉书记，满%d个月预警，满%d个月脱党风险",
				c.SixMonth.RemindMonths, c.SixMonth.WarnMonths, c.SixMonth.RiskMonths)},
		{Name: "dues-notice", Schedule: c.DuesNotice.Spec, Run: s.DuesNotice, Prefetch: s.prefetchLapses,
			Description: fmt.Sprintf("每月%d日起：告诉每位党员本月党费和欠缴；欠缴满%d个月的告诉书记", c.DuesNotice.Day, c.DuesNotice.SecretaryMonths)},
		{Name: "certificate-review", Schedule: c.CertificateReview.Spec, Run: s.CertificateReview,
			Prefetch:    func(ctx context.Context, now time.Time) { s.reviewsDue(ctx, now, nil) },
			Description: fmt.Sprintf("活动证%d天内到期年审（或已逾期）→ 党员本人和书记", c.CertificateReview.Days)},
		{Name: "certificate-inspection", Schedule: c.CertificateInspection.Spec, Run: s.CertificateInspection,
			Prefetch:    func(ctx context.Context, now time.Time) { s.uninspected(ctx, now, nil) },
			Description: fmt.Sprintf("返乡满%d天、活动证未交回查验 → 党员本人和书记", c.CertificateInspection.Days)},
	} {
		reg.Add(j)
	}
}

// Detail returns, per org unit, how much its alerts may say about members (the configured
// level for org units with an alerts group, full names otherwise); read once per sweep.
func (s *Service) Detail(ctx context.Context) (func(orgUnitID int64) notify.Detail, error) {
	return schedule.Memo(ctx, "alert detail", func() (func(int64) notify.Detail, error) {
		return s.groups.DetailFunc(ctx)
	})
}

// day is now's date at midnight in the configured zone.
func (s *Service) day(now time.Time) time.Time {
	y, m, d := now.In(s.loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, s.loc)
}

// Due is a member-level condition to report to the secretary of the member's org unit.
type Due struct {
	OrgUnitID int64
	MemberID  int64
	// Period makes the condition unique for the member: a stay ("440300@2025-09-01"), a year.
	Period string
	Entry  notify.Entry
}

// EnqueueGrouped reports the dues not reported before, one message per org unit: in one
// transaction it marks each (kind, member, period) and enqueues, per org unit, compose(unit,
// newly marked entries). A second run, or a concurrent one, finds the marks taken and sends
// nothing. It returns the ids of the rows enqueued.
func EnqueueGrouped(ctx context.Context, st *store.Store, kind string, now time.Time, dues []Due,
	compose func(orgUnitID int64, entries []notify.Entry) string) ([]int64, error) {
	if len(dues) == 0 {
		return nil, nil
	}
	var ids []int64
	err := st.InTx(ctx, func(tx *store.Store) error {
		marks := make([]store.AlertMark, len(dues))
		for i, d := range dues {
			marks[i] = store.AlertMark{MemberID: d.MemberID, Period: d.Period}
		}
		fresh, err := tx.MarkAlerts(ctx, kind, marks)
		if err != nil || len(fresh) == 0 {
			return err
		}
		isFresh := make(map[store.AlertMark]bool, len(fresh))
		for _, m := range fresh {
			isFresh[m] = true
		}
		byUnit := map[int64][]Due{}
		var units []int64
		for _, d := range dues {
			if !isFresh[store.AlertMark{MemberID: d.MemberID, Period: d.Period}] {
				continue
			}
			if byUnit[d.OrgUnitID] == nil {
				units = append(units, d.OrgUnitID)
			}
			byUnit[d.OrgUnitID] = append(byUnit[d.OrgUnitID], d)
		}
		msgs := make([]notify.Message, 0, len(units))
		for _, u := range units {
			ds := byUnit[u]
			entries := make([]notify.Entry, len(ds))
			first := ds[0].MemberID
			for i, d := range ds {
				entries[i] = d.Entry
				first = min(first, d.MemberID)
			}
			// A member is marked once, so no two groups share their smallest member: the key
			// is unique to this group.
			period := now.Format(time.DateOnly) + "#m" + strconv.FormatInt(first, 10)
			msgs = append(msgs, notify.Message{Kind: kind, Period: period, OrgUnitID: u, Text: compose(u, entries), Scheduled: true})
		}
		ids, err = notify.EnqueueBatch(ctx, tx, msgs)
		return err
	})
	return ids, err
}

// orgUnits maps every org unit by id.
func (s *Service) orgUnits(ctx context.Context) (map[int64]store.OrgUnit, error) {
	us, err := s.st.AllOrgUnits(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[int64]store.OrgUnit, len(us))
	for _, u := range us {
		m[u.ID] = u
	}
	return m, nil
}

// byPath sorts org unit ids in tree order.
func byPath(ids []int64, units map[int64]store.OrgUnit) {
	sort.Slice(ids, func(i, j int) bool { return units[ids[i]].Path < units[ids[j]].Path })
}

// cnDate writes a date the way the replies do: 2025年9月1日.
func cnDate(t time.Time) string {
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// monthsBetween counts whole months from since to day.
func monthsBetween(since, day time.Time) int {
	n := (day.Year()-since.Year())*12 + int(day.Month()) - int(since.Month())
	if day.Day() < since.Day() {
		n--
	}
	return max(n, 0)
}

// prefetchLapses starts the reads of the six-month rule and the dues notices.
func (s *Service) prefetchLapses(ctx context.Context, now time.Time) {
	gather(
		func() { s.standings(ctx, now, nil) },
		func() { s.orgLifeLapses(ctx, now, nil) },
		func() { s.absences(ctx, now) },
		func() { s.reachable(ctx, now) },
	)
}

// prefetchMissingReports starts the read of this period's missing reports, within the
// invitation and reminder windows.
func (s *Service) prefetchMissingReports(ctx context.Context, now time.Time) {
	p := s.reports.Period(now)
	if !s.day(now).Before(p.End.AddDate(0, -1, 0)) {
		s.missingReports(ctx, now, store.MissingReportQuery{Period: p.Key, DepartedBefore: p.End})
	}
}

// prefetchOverdue starts the reads of every provider for the whole committee (the digest).
func (s *Service) prefetchOverdue(ctx context.Context, now time.Time) {
	cur := s.reports.Period(now)
	prev := cur.Prev()
	gather(
		func() { currentStays(ctx, s.st, now, s.loc.String(), nil) },
		func() {
			s.missingReports(ctx, now, store.MissingReportQuery{Period: prev.Key, NorPeriod: cur.Key, DepartedBefore: prev.End})
		},
		func() { s.prefetchLapses(ctx, now) },
		func() { s.reviewsDue(ctx, now, nil) },
		func() { s.uninspected(ctx, now, nil) },
	)
}
