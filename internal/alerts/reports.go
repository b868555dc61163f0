package alerts

import (
	"context"
	"fmt"
	"time"

	"liudong/internal/notify"
	"liudong/internal/report"
	"liudong/internal/store"
)

// The report window (DOMAIN.md, "Reporting in": quarterly by default, report.period): from the
// first day of a period's last month every mobile member who has not reported is invited;
// from report_reminder.days_before days before its end, reminded; after it, each branch gets
// the list of those who did not report. Members with a justified absence (正当理由) covering
// the day are left out throughout; members who left after a period ended owed no report for
// it. Messages to members need a chat binding: the others are in the branch's list.

// reminderFrom is the first day of the period's reminder window.
func (s *Service) reminderFrom(p report.Period) time.Time {
	return p.End.AddDate(0, 0, -s.cfg.ReportReminder.DaysBefore)
}

// ReportInvite invites the mobile members who have not reported yet, from the first day of the
// period's last month until the reminder window opens (the reminder takes over then); once
// per member and period.
func (s *Service) ReportInvite(ctx context.Context, now time.Time) error {
	day := s.day(now)
	p := s.reports.Period(now)
	if day.Before(p.End.AddDate(0, -1, 0)) || !day.Before(s.reminderFrom(p)) {
		return nil
	}
	due := fmt.Sprintf("%d月%d日", int(p.LastDay().Month()), p.LastDay().Day())
	return s.remindReports(ctx, now, p, "report.invite", func(m store.MissingReport) string {
		return fmt.Sprintf("%s同志，您好！%s的思想汇报现在可以提交了（%s截止）。请发送“汇报”，按提示谈谈这段时间的思想、工作、生活和学习情况；"+
			"也可以一次写好发来：\n汇报\n思想：……\n工作：……\n生活：……\n学习：……", m.Name, p.Label, due)
	})
}

// ReportReminder reminds the mobile members who have not reported, from days_before days
// before the period ends; once per member and period.
func (s *Service) ReportReminder(ctx context.Context, now time.Time) error {
	day := s.day(now)
	p := s.reports.Period(now)
	if day.Before(s.reminderFrom(p)) {
		return nil
	}
	left := store.DaysBetween(day, p.End)
	due := fmt.Sprintf("%d月%d日", int(p.LastDay().Month()), p.LastDay().Day())
	return s.remindReports(ctx, now, p, "report.reminder", func(m store.MissingReport) string {
		return fmt.Sprintf("%s同志，您好！%s的思想汇报还有%d天截止（%s），您还没有汇报。发送“汇报”即可开始，几分钟就能完成。",
			m.Name, p.Label, left, due)
	})
}

// remindReports sends text to each reachable mobile member without a report for p who has not
// had this kind of message for p.
func (s *Service) remindReports(ctx context.Context, now time.Time, p report.Period, kind string, text func(store.MissingReport) string) error {
	missing, err := s.missingReports(ctx, now, store.MissingReportQuery{Period: p.Key, DepartedBefore: p.End})
	if err != nil || len(missing) == 0 {
		return err
	}
	sent, err := s.st.RecipientsOf(ctx, kind, p.Key)
	if err != nil {
		return err
	}
	var msgs []notify.Message
	for _, m := range missing {
		msg := notify.Message{Kind: kind, Period: p.Key, MemberID: m.MemberID, Scheduled: true}
		if !m.Reachable || sent[msg.Recipient()] {
			continue
		}
		msg.Text = text(m)
		msgs = append(msgs, msg)
	}
	_, err = notify.EnqueueBatch(ctx, s.st, msgs)
	return err
}

// ReportOverdue sends each branch, within report_overdue.within_days after a period ended,
// the list of its mobile members who did not report for it; once per period, on the first run
// after it ended (a run missed then is made up by the next within the window).
func (s *Service) ReportOverdue(ctx context.Context, now time.Time) error {
	const kind = "report.overdue"
	day := s.day(now)
	prev := s.reports.Period(now).Prev()
	if !day.Before(prev.End.AddDate(0, 0, s.cfg.ReportOverdue.WithinDays)) {
		return nil
	}
	// The lists are enqueued in one transaction: one row means they all were.
	if done, err := s.st.AnyNotification(ctx, kind, prev.Key); err != nil || done {
		return err
	}
	missing, err := s.missingReports(ctx, now, store.MissingReportQuery{Period: prev.Key, DepartedBefore: prev.End})
	if err != nil || len(missing) == 0 {
		return err
	}
	detail, err := s.Detail(ctx)
	if err != nil {
		return err
	}
	var units []int64
	byUnit := map[int64][]notify.Entry{}
	for _, m := range missing {
		if byUnit[m.BranchID] == nil {
			units = append(units, m.BranchID)
		}
		byUnit[m.BranchID] = append(byUnit[m.BranchID], notify.Entry{Name: m.Name, Note: missingNote(m)})
	}
	msgs := make([]notify.Message, len(units))
	for i, u := range units {
		msgs[i] = notify.Message{Kind: kind, Period: prev.Key, OrgUnitID: u, Scheduled: true,
			Text: fmt.Sprintf("【思想汇报】%s已经结束。\n%s\n请联系他们了解情况，提醒按时汇报（本期的汇报发送“汇报”即可）。",
				prev.Label, detail(u).Section(fmt.Sprintf("以下流动党员没有提交%s的思想汇报", prev.Label), byUnit[u]))}
	}
	return s.st.InTx(ctx, func(tx *store.Store) error {
		_, err := notify.EnqueueBatch(ctx, tx, msgs)
		return err
	})
}

func missingNote(m store.MissingReport) string {
	if m.DepartedOn == nil {
		return "流出"
	}
	note := fmt.Sprintf("%d年%d月外出", m.DepartedOn.Year(), int(m.DepartedOn.Month()))
	if m.Place != "" {
		note = m.Place + "，" + note
	}
	return note
}

// reportProvider lists, for the digest and 逾期, the mobile members who did not report for the
// last period and have not reported since.
type reportProvider struct{ s *Service }

func (p reportProvider) Title() string {
	return "思想汇报逾期（上期未交，本期至今未交）"
}

func (p reportProvider) Overdue(ctx context.Context, now time.Time, scope []store.OrgUnit) ([]Item, error) {
	cur := p.s.reports.Period(now)
	prev := cur.Prev()
	missing, err := p.s.missingReports(ctx, now, store.MissingReportQuery{Period: prev.Key, NorPeriod: cur.Key,
		DepartedBefore: prev.End, Scope: scope})
	items := make([]Item, len(missing))
	for i, m := range missing {
		items[i] = Item{OrgUnitID: m.BranchID, MemberID: m.MemberID,
			Entry: notify.Entry{Name: m.Name, Note: prev.Label + "未汇报，" + missingNote(m)}}
	}
	return items, err
}
