package contact

import (
	"context"
	"fmt"
	"strings"
	"time"

	"liudong/internal/alerts"
	"liudong/internal/archive"
	"liudong/internal/notify"
	"liudong/internal/schedule"
	"liudong/internal/store"
)

// ArchiveSections are the lines of 查 this domain adds: the organizations outside the committee
// the member is linked with, and the inflow organization's last assessment.
func (s *Service) ArchiveSections() []archive.Section {
	return []archive.Section{
		{Name: "流入地党组织", Render: func(ctx context.Context, req archive.Request) (string, error) {
			return s.linkLine(ctx, req, store.ContactInflow)
		}},
		{Name: "流出地党组织", Render: func(ctx context.Context, req archive.Request) (string, error) {
			if req.Member.Mobility != "流入" {
				return "", nil
			}
			h, err := s.st.MemberHomeOf(ctx, req.Member.ID)
			if store.IsNotFound(err) {
				return "未登记（流入党员请登记其组织关系所在党组织：流入登记 姓名 来自XX党委 联系人XX）", nil
			}
			if err != nil {
				return "", err
			}
			line := h.Org
			if h.CertificateNumber != "" {
				line += "，活动证编号" + h.CertificateNumber
			}
			if h.RegisteredOn != nil {
				line += "，" + date(*h.RegisteredOn) + "在本支部登记"
			}
			links, err := s.st.ContactsOfMember(ctx, req.Member.ID, store.ContactHome)
			if err != nil {
				return "", err
			}
			for _, l := range links {
				if l.Name != "" {
					line += "；联系人" + l.Name
					if l.Bound {
						line += "（已绑定）"
					} else {
						line += "（未绑定，通知由您转告）"
					}
				}
			}
			return line, nil
		}},
		{Name: "流入地表现", Render: func(ctx context.Context, req archive.Request) (string, error) {
			as, err := s.st.InflowAssessmentsOf(ctx, req.Member.ID)
			if err != nil || len(as) == 0 {
				return "", err
			}
			a := as[0]
			line := fmt.Sprintf("%s（%s%s，%s）：%s", halfYearLabel(a.Period), a.Org, a.Contact,
				date(a.RecordedAt.In(s.loc)), a.Text)
			if req.InGroup {
				// Assessments are about a person: their text is for private chat.
				line = fmt.Sprintf("%s已反馈（%s%s，%s；内容请私聊发送“查 %s”查看）", halfYearLabel(a.Period), a.Org, a.Contact,
					date(a.RecordedAt.In(s.loc)), req.Member.Name)
			}
			if len(as) > 1 {
				line += fmt.Sprintf("；共%d次反馈", len(as))
			}
			return line, nil
		}},
	}
}

func (s *Service) linkLine(ctx context.Context, req archive.Request, side string) (string, error) {
	links, err := s.st.ContactsOfMember(ctx, req.Member.ID, side)
	if err != nil || len(links) == 0 {
		return "", err
	}
	var parts []string
	for _, l := range links {
		state := "联系人未绑定"
		if l.Bound {
			state = "联系人已绑定"
		}
		parts = append(parts, fmt.Sprintf("%s，%s起，%s", s.ContactLine(l.OrgContact, !req.InGroup), date(l.Since), state))
	}
	return strings.Join(parts, "；"), nil
}

// RelayProvider lists, for the weekly digest and 逾期, the notices for 流入 members' home
// organizations kept in the past week because their contact has no chat account bound: the
// secretary passes them on.
type RelayProvider struct{ St *store.Store }

// Title heads the section.
func (RelayProvider) Title() string {
	return "请转告流出地党组织（近7天，其联系人未绑定本助手）"
}

// Overdue lists the notices within scope.
func (p RelayProvider) Overdue(ctx context.Context, now time.Time, scope []store.OrgUnit) ([]alerts.Item, error) {
	ns, err := p.St.RelayNotices(ctx, now.Add(-7*24*time.Hour), now.Add(time.Second), scope)
	items := make([]alerts.Item, len(ns))
	for i, n := range ns {
		items[i] = alerts.Item{OrgUnitID: n.BranchID, MemberID: n.MemberID,
			Entry: notify.Entry{Name: n.Name, Note: "转告" + n.Org + "：" + n.Body}}
	}
	return items, err
}

// AssessmentJob asks each bound inflow contact, in the last month of each half-year, for the
// assessment (表现) of the members he covers who have none for the half-year yet: once per
// contact and half-year.
func (s *Service) AssessmentJob(spec string) schedule.Job {
	return schedule.Job{
		Name: "inflow-assessment", Schedule: spec,
		Description: "每半年最后一个月：请流入地联系人反馈所联系党员的现实表现（表现 姓名 …）",
		Run:         s.askAssessments,
	}
}

func (s *Service) askAssessments(ctx context.Context, now time.Time) error {
	day := now.In(s.loc)
	if day.Month() != time.June && day.Month() != time.December {
		return nil
	}
	period := HalfYear(day)
	// Members registered with the contact this month are not asked about yet.
	cutoff := time.Date(day.Year(), day.Month(), 1, 0, 0, 0, 0, s.loc).AddDate(0, 0, -1)
	wanted, err := s.st.AssessmentsWanted(ctx, period, cutoff)
	if err != nil {
		return err
	}
	var msgs []notify.Message
	for contactID, ms := range wanted {
		names := make([]string, len(ms))
		for i, m := range ms {
			names[i] = m.Name
		}
		text := fmt.Sprintf("【现实表现反馈】%s党组织请您反馈以下流动党员%s在贵地的现实表现：%s。\n请逐人发送，例如：表现 %s 工作积极，按时参加组织生活。反馈会存入其档案。谢谢！",
			s.committee, halfYearLabel(period), strings.Join(names, "、"), names[0])
		msgs = append(msgs, notify.Message{Kind: "contact.assessment.ask", Period: period, ContactID: contactID, Text: text, Scheduled: true})
	}
	_, err = notify.EnqueueBatch(ctx, s.st, msgs)
	return err
}
