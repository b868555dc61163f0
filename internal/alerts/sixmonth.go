package alerts

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"liudong/internal/dues"
	"liudong/internal/notify"
	"liudong/internal/schedule"
	"liudong/internal/store"
)

// The six-month rule (党章 第九条): a member who, without good reason, for six months in a row
// takes no part in organizational life, or pays no dues, or does no assigned work, is regarded
// as having left the Party. Branches act early (DOMAIN.md): at six_month.remind_months the
// member is reminded and the secretary told, at warn_months the secretary warned, at
// risk_months (6) the secretary alerted: 脱党风险.
//
// What liudong can see, and how months are counted:
//   - Organizational life: liudong records the organizational life mobile members attend at
//     the inflow place (参加活动); a member at home attends the branch's, which is not recorded.
//     So this criterion applies to members away (an open departure, or marked 流出 with none on
//     record), not to 流入 members (their home branch keeps them). Months count from the last
//     organizational life on record, or from the departure when there is none since (for a
//     member marked 流出 with no departure on record, from the day liudong learned of them).
//   - Dues: for every assessed member, months count from the first of the unbroken run of
//     unpaid months that reaches last month (the month in progress is not late). The ledger
//     starts with the member's first assessment, so months before liudong kept it do not
//     count; a member never assessed (未核定) has no dues record and is left to 党费未交.
//   - A justified absence (正当理由) covering the day suspends both; after it ends, months
//     count from the day after its end (organizational life) or the month after its last month
//     (dues): the absence excuses the months it covered, and the member gets the full period
//     again.
//
// Each criterion is a lapse of its own, keyed by when it began ("orglife@2026-07-01",
// "dues@2026-11"): a payment or an organizational life ends it, and a later one is new. At
// each threshold the secretary hears of a lapse once; one first seen late (at 6 months, after
// liudong started) is reported at the highest threshold reached only.

// Lapse kinds: the member's reminder and the secretary's three thresholds.
const (
	sixMonthMember  = "sixmonth.member"
	sixMonthNote    = "sixmonth.note"
	sixMonthWarning = "sixmonth.warning"
	sixMonthRisk    = "sixmonth.risk"
)

// lapse is one member's months without organizational life, or without dues.
type lapse struct {
	MemberID int64
	Name     string
	BranchID int64
	OrgLife  bool      // else dues
	Since    time.Time // the first day (month, for dues) of the lapse
	Last     string    // what came before: "最近一次2026年7月1日", "外出以来没有记录"
	Months   int
}

func (l lapse) key() string {
	if l.OrgLife {
		return "orglife@" + l.Since.Format(time.DateOnly)
	}
	return "dues@" + l.Since.Format("2006-01")
}

// note says what the lapse is, for the secretary.
func (l lapse) note() string {
	if l.OrgLife {
		return fmt.Sprintf("%d个月未参加组织生活（%s）", l.Months, l.Last)
	}
	return fmt.Sprintf("%d个月未交党费（%d年%d月起未交）", l.Months, l.Since.Year(), int(l.Since.Month()))
}

// lapses lists every lapse of at least remind_months within scope as of now, by branch and
// member, read once per sweep.
func (s *Service) lapses(ctx context.Context, now time.Time, scope []store.OrgUnit) ([]lapse, error) {
	return schedule.Memo(ctx, keyOf("lapses", now, scope, ""), func() ([]lapse, error) {
		day := s.day(now)
		month := dues.MonthOf(day)
		absent, err := s.absences(ctx, now)
		if err != nil {
			return nil, err
		}
		away, err := s.orgLifeLapses(ctx, now, scope)
		if err != nil {
			return nil, err
		}
		standings, err := s.standings(ctx, now, scope)
		if err != nil {
			return nil, err
		}
		least := s.cfg.SixMonth.RemindMonths
		var out []lapse
		for _, a := range away {
			ab, hasAbsence := absent[a.MemberID]
			if ab.Covered {
				continue
			}
			l := lapse{MemberID: a.MemberID, Name: a.Name, BranchID: a.BranchID, OrgLife: true, Since: a.Away,
				Last: fmt.Sprintf("%s外出以来没有记录", cnDate(a.Away))}
			if a.LastOrgLife != nil && !a.LastOrgLife.Before(a.Away) {
				l.Since, l.Last = *a.LastOrgLife, "最近一次"+cnDate(*a.LastOrgLife)
			}
			if hasAbsence && !ab.LastEnd.Before(l.Since) {
				l.Since = ab.LastEnd.AddDate(0, 0, 1)
				l.Last = fmt.Sprintf("正当理由至%s", cnDate(ab.LastEnd))
			}
			if l.Months = monthsBetween(l.Since, day); l.Months >= least {
				out = append(out, l)
			}
		}
		for _, st := range standings {
			if !st.Assessed || st.UnsettledSince.IsZero() {
				continue
			}
			ab, hasAbsence := absent[st.MemberID]
			if ab.Covered {
				continue
			}
			since := st.UnsettledSince
			if hasAbsence {
				if after := dues.MonthOf(ab.LastEnd).Add(1); after.After(since) {
					since = after
				}
			}
			if n := month.Sub(since); n >= least {
				out = append(out, lapse{MemberID: st.MemberID, Name: st.Name, BranchID: st.BranchID, Since: since.Date(), Months: n})
			}
		}
		slices.SortStableFunc(out, func(a, b lapse) int {
			return cmp.Or(cmp.Compare(a.BranchID, b.BranchID), strings.Compare(a.Name, b.Name), cmp.Compare(a.MemberID, b.MemberID))
		})
		return out, nil
	})
}

// level is the highest threshold a lapse has reached, as an alert kind ("" below the first).
func (s *Service) level(months int) string {
	c := s.cfg.SixMonth
	switch {
	case months >= c.RiskMonths:
		return sixMonthRisk
	case months >= c.WarnMonths:
		return sixMonthWarning
	case months >= c.RemindMonths:
		return sixMonthNote
	}
	return ""
}

// SixMonth reports each lapse at each threshold once: to the member at the first contact, to
// the secretary in one message per org unit and threshold.
func (s *Service) SixMonth(ctx context.Context, now time.Time) error {
	ls, err := s.lapses(ctx, now, nil)
	if err != nil || len(ls) == 0 {
		return err
	}
	byLevel := map[string][]notice{}
	for _, l := range ls {
		lv := s.level(l.Months)
		byLevel[lv] = append(byLevel[lv], notice{
			Due:    Due{OrgUnitID: l.BranchID, MemberID: l.MemberID, Period: l.key(), Entry: notify.Entry{Name: l.Name, Note: l.note()}},
			Member: s.lapseMessage(l),
		})
	}
	if err := s.tellInflowContacts(ctx, byLevel); err != nil {
		return err
	}
	detail, err := s.Detail(ctx)
	if err != nil {
		return err
	}
	c := s.cfg.SixMonth
	levels := []struct {
		kind, title, head, tail string
	}{
		{sixMonthNote, fmt.Sprintf("以下党员已%d个月以上没有参加组织生活或没有交纳党费", c.RemindMonths), "【六个月规定提醒】",
			"已提醒本人。请了解情况，帮助他们按时参加组织生活、交纳党费。"},
		{sixMonthWarning, fmt.Sprintf("以下党员已%d个月以上没有参加组织生活或没有交纳党费", c.WarnMonths), "【六个月规定预警】",
			fmt.Sprintf("再过%d个月将满6个月，请尽快与本人联系。", c.RiskMonths-c.WarnMonths)},
		{sixMonthRisk, fmt.Sprintf("以下党员已%d个月以上没有参加组织生活或没有交纳党费", c.RiskMonths), "【脱党风险】",
			"党章第九条：党员没有正当理由，连续六个月不参加党的组织生活，或不交纳党费，或不做党所分配的工作，就被认为是自行脱党。" +
				"请尽快核实情况：确有正当理由的，发送“正当理由 姓名 原因 至X年X月”记录；否则由支部大会讨论处理。"},
	}
	all := []string{sixMonthNote, sixMonthWarning, sixMonthRisk}
	for _, lv := range levels {
		var earlier []string
		for _, k := range all {
			if k != lv.kind {
				earlier = append(earlier, k)
			}
		}
		err := s.tell(ctx, now, lv.kind, sixMonthMember, earlier, byLevel[lv.kind], func(unit int64, entries []notify.Entry) string {
			return lv.head + "\n" + detail(unit).Section(lv.title, entries) + "\n" + lv.tail
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// tellInflowContacts tells the bound inflow contacts covering lapsed members (流入地联系人), once
// per lapse and threshold: the home branch's notices about the member reach the organization
// where he takes part.
func (s *Service) tellInflowContacts(ctx context.Context, byLevel map[string][]notice) error {
	var dues []Due
	for lv, ns := range byLevel {
		for _, n := range ns {
			d := n.Due
			d.Period += "#" + lv
			dues = append(dues, d)
		}
	}
	msgs, err := s.inflowContactNotices(ctx, dues, "sixmonth.contact", func(d Due) string {
		return fmt.Sprintf("【六个月规定提醒】在贵组织登记的流动党员%s：%s。请督促其参加贵组织的组织生活、按时交纳党费；参加后可发送“确认活动 %s”确认，"+
			"在当地收缴党费后可发送“收党费 %s 月份 金额 流入地收缴”登记。", d.Entry.Name, d.Entry.Note, d.Entry.Name, d.Entry.Name)
	})
	if err != nil {
		return err
	}
	_, err = notify.EnqueueBatch(ctx, s.st, msgs)
	return err
}

// lapseMessage is the member's reminder.
func (s *Service) lapseMessage(l lapse) string {
	if l.OrgLife {
		return fmt.Sprintf("%s同志，您好！支部的记录显示，您已经%d个月没有参加组织生活了（%s）。外出期间请就近参加流入地党组织的组织生活，"+
			"参加后发送“参加活动 日期 地点 内容”告诉支部，例如：参加活动 11月20日 深圳南山区XX支部 主题党日。有困难请与支部书记联系。",
			l.Name, l.Months, l.Last)
	}
	return fmt.Sprintf("%s同志，您好！支部的记录显示，您自%d年%d月起已经%d个月没有交纳党费了。请尽快与支部书记联系补交；"+
		"持《流动党员活动证》的也可以在流入地党组织交纳。发送“党费”查看应交金额。", l.Name, l.Since.Year(), int(l.Since.Month()), l.Months)
}

// sixMonthProvider lists, for the digest and 逾期, every lapse of remind_months or more.
type sixMonthProvider struct{ s *Service }

func (p sixMonthProvider) Title() string {
	return fmt.Sprintf("六个月规定（未参加组织生活或未交党费满%d个月）", p.s.cfg.SixMonth.RemindMonths)
}

func (p sixMonthProvider) Overdue(ctx context.Context, now time.Time, scope []store.OrgUnit) ([]Item, error) {
	ls, err := p.s.lapses(ctx, now, scope)
	items := make([]Item, len(ls))
	for i, l := range ls {
		note := l.note()
		if l.Months >= p.s.cfg.SixMonth.RiskMonths {
			note = "【脱党风险】" + note
		}
		items[i] = Item{OrgUnitID: l.BranchID, MemberID: l.MemberID, Entry: notify.Entry{Name: l.Name, Note: note}}
	}
	return items, err
}
