package alerts

import (
	"context"
	"fmt"
	"strings"
	"time"

	"liudong/internal/dues"
	"liudong/internal/notify"
	"liudong/internal/store"
)

// Dues (中组发〔2008〕3号): paid monthly. From dues_notice.day of each month every assessed
// member who owes something — the month's dues not yet paid, or arrears — gets one notice with
// the exact amounts; members paid up (in advance, say) or waived get none, nor do members
// without a chat binding. The month's notices are enqueued in one transaction, on the first
// run from that day on (a run missed on the day is made up by the next); a member who binds or
// starts to owe later in the month hears at the next month's. The secretary hears, once a
// month, of the members in arrears for dues_notice.secretary_months or more, except those
// with a justified absence (正当理由).

// DuesNotice sends the month's notices and the secretary's arrears list.
func (s *Service) DuesNotice(ctx context.Context, now time.Time) error {
	due, err := s.duesNoticesDue(ctx, now)
	if err != nil || !due {
		return err
	}
	day := s.day(now)
	month := dues.MonthOf(day)
	period := duesPeriod(day)
	standings, err := s.standings(ctx, now, nil)
	if err != nil {
		return err
	}
	reach, err := s.reachable(ctx, now)
	if err != nil {
		return err
	}
	absent, err := s.absences(ctx, now)
	if err != nil {
		return err
	}
	var msgs []notify.Message
	var arrears []notice
	for _, st := range standings {
		if !owes(st) {
			continue
		}
		if reach[st.MemberID] {
			msgs = append(msgs, notify.Message{Kind: "dues.notice", Period: period, MemberID: st.MemberID, Scheduled: true,
				Text: duesNotice(st, month)})
		}
		if st.ArrearsMonths >= s.cfg.DuesNotice.SecretaryMonths && !absent[st.MemberID].Covered {
			arrears = append(arrears, notice{Due: Due{OrgUnitID: st.BranchID, MemberID: st.MemberID, Period: period,
				Entry: notify.Entry{Name: st.Name, Note: arrearsNote(st)}}})
		}
	}
	detail, err := s.Detail(ctx)
	if err != nil {
		return err
	}
	return s.st.InTx(ctx, func(tx *store.Store) error {
		if _, err := notify.EnqueueBatch(ctx, tx, msgs); err != nil {
			return err
		}
		return s.tellIn(ctx, tx, now, "dues.arrears", "", nil, arrears, func(unit int64, entries []notify.Entry) string {
			return fmt.Sprintf("【党费欠缴】%s\n请与他们联系补交；确有困难的，可按规定申请减免（“减免 姓名 月份 免交 原因 批准单位”）。",
				detail(unit).Section(fmt.Sprintf("截至%s，以下党员欠缴党费%d个月以上", month.Add(-1), s.cfg.DuesNotice.SecretaryMonths), entries))
		})
	})
}

// owes reports whether the member owes anything in the month: its dues, or arrears.
func owes(st store.DuesStanding) bool {
	return st.Assessed && ((st.Due > 0 && !st.CurrentSettled) || st.ArrearsMonths > 0)
}

// duesNotice is the member's monthly notice: the message members hear most often, so it says
// exactly what is owed and nothing else.
func duesNotice(st store.DuesStanding, month dues.Month) string {
	var b strings.Builder
	fmt.Fprintf(&b, "【党费提醒】%s同志，您好！", st.Name)
	switch {
	case st.Monthly == 0:
		// Assessed from a later month: only arrears can be owed.
	case st.Due == 0:
		fmt.Fprintf(&b, "%s的党费免交。", month)
	case st.CurrentSettled:
		fmt.Fprintf(&b, "%s的党费%s已交。", month, st.Due)
	case st.Due < st.Monthly:
		fmt.Fprintf(&b, "%s应交党费%s（每月%s，本月减交）。", month, st.Due, st.Monthly)
	default:
		fmt.Fprintf(&b, "%s应交党费%s（%s，每月%s）。", month, st.Due, st.Category, st.Monthly)
	}
	current := dues.Fen(0)
	if st.Due > 0 && !st.CurrentSettled {
		current = st.Due
	}
	if st.ArrearsMonths > 0 {
		fmt.Fprintf(&b, "另有欠缴%d个月（%s起），共%s", st.ArrearsMonths, st.OldestArrears, st.Owed)
		if current > 0 {
			fmt.Fprintf(&b, "，合计应交%s", current+st.Owed)
		}
		b.WriteString("。")
	}
	if !st.PaidThrough.IsZero() {
		fmt.Fprintf(&b, "目前已缴至%s。", st.PaidThrough)
	}
	b.WriteString("\n请交给支部书记；在外地的，可持《流动党员活动证》在流入地党组织交纳。发送“党费”查看明细。")
	return b.String()
}

func arrearsNote(st store.DuesStanding) string {
	return fmt.Sprintf("欠缴%d个月（%s起），共%s", st.ArrearsMonths, st.OldestArrears, st.Owed)
}

// duesProvider lists, for the digest and 逾期, the members in arrears for
// dues_notice.secretary_months or more (justified absences left out).
type duesProvider struct{ s *Service }

func (p duesProvider) Title() string {
	return fmt.Sprintf("欠缴党费满%d个月", p.s.cfg.DuesNotice.SecretaryMonths)
}

func (p duesProvider) Overdue(ctx context.Context, now time.Time, scope []store.OrgUnit) ([]Item, error) {
	standings, err := p.s.standings(ctx, now, scope)
	if err != nil {
		return nil, err
	}
	absent, err := p.s.absences(ctx, now)
	if err != nil {
		return nil, err
	}
	var items []Item
	for _, st := range standings {
		if st.Assessed && st.ArrearsMonths >= p.s.cfg.DuesNotice.SecretaryMonths && !absent[st.MemberID].Covered {
			items = append(items, Item{OrgUnitID: st.BranchID, MemberID: st.MemberID, Entry: notify.Entry{Name: st.Name, Note: arrearsNote(st)}})
		}
	}
	return items, nil
}
