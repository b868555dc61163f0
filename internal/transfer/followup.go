package transfer

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

// The follow-up of letters: a letter out whose receipt has not come back is watched until it
// does (the sending organization stays responsible until the receiving one accepts, art. 25):
// the secretary hears once when it is about to expire (transfer.expiry_warning_days before) and
// once when it has expired, and weekly from transfer.receipt_within after the issue; a letter in
// whose receipt we have not returned, once before it is due and weekly after.

// pending is the letters waiting on a receipt as of now, read once per sweep.
func (s *Service) pending(ctx context.Context, now time.Time, scope []store.OrgUnit) ([]store.PendingTransfer, error) {
	var paths []string
	for _, u := range scope {
		paths = append(paths, u.Path)
	}
	key := struct {
		what, scope string
		now         int64
		all         bool
	}{"pending transfers", strings.Join(paths, ","), now.UnixNano(), scope == nil}
	return schedule.Memo(ctx, key, func() ([]store.PendingTransfer, error) {
		return s.st.PendingTransfers(ctx, s.dayOf(now), scope)
	})
}

func (s *Service) dayOf(now time.Time) time.Time {
	y, m, d := now.In(s.loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, s.loc)
}

// state is where a pending letter stands on a day.
type state struct {
	left      int  // days until a letter out expires (negative: expired)
	expiring  bool // out: within the warning days, not expired
	expired   bool // out
	overdue   bool // the receipt is later than receipt_within after the issue
	dueSoon   bool // in: our receipt is due within the warning days
	lateDays  int  // days since the receipt was due (when overdue)
	weeksLate int  // whole weeks since the receipt was due
	due       time.Time
}

func (s *Service) stateOf(t store.Transfer, today time.Time) state {
	issued := day(t.IssuedOn, s.loc)
	st := state{due: s.cfg.Receipt.After(issued)}
	late := daysBetween(st.due, today)
	st.overdue = late >= 0
	if st.overdue {
		st.lateDays, st.weeksLate = late, late/7
	}
	if t.Direction == store.TransferOut && t.ValidUntil != nil {
		st.left = daysBetween(today, day(*t.ValidUntil, s.loc))
		st.expired = st.left < 0
		st.expiring = !st.expired && st.left <= s.cfg.ExpiryWarningDays
	} else {
		st.dueSoon = !st.overdue && late >= -s.cfg.ExpiryWarningDays
	}
	return st
}

// note describes a pending letter for the secretary.
func (s *Service) note(t store.PendingTransfer, st state) string {
	if t.Direction == store.TransferIn {
		text := fmt.Sprintf("%s转入，介绍信%s（%s），回执应于%s前寄回", date(t.IssuedOn), t.Number, t.Org, date(st.due))
		switch {
		case st.overdue && st.lateDays == 0:
			text += "，今天到期"
		case st.overdue:
			text += fmt.Sprintf("，已逾期%d天", st.lateDays)
		}
		return text
	}
	text := fmt.Sprintf("介绍信%s，%s开往%s", t.Number, date(t.IssuedOn), t.Org)
	switch {
	case st.expired:
		text += fmt.Sprintf("，已于%s过期", date(*t.ValidUntil))
	default:
		text += fmt.Sprintf("，有效期至%s（还有%d天）", date(*t.ValidUntil), st.left)
	}
	if st.overdue {
		text += "，开出已满" + s.cfg.Receipt.String() + "仍未收到回执"
	}
	return text
}

// Followup is the transfer-followup job.
func (s *Service) Followup(spec string) schedule.Job {
	return schedule.Job{
		Name: "transfer-followup", Schedule: spec,
		Description: fmt.Sprintf("组织关系接转：介绍信到期前%d天和过期时、开出满%s未收到回执（此后每周）→ 书记；转入党员的回执待寄回 → 书记",
			s.cfg.ExpiryWarningDays, s.cfg.Receipt),
		Run:      s.followup,
		Prefetch: func(ctx context.Context, now time.Time) { s.pending(ctx, now, nil) },
	}
}

func (s *Service) followup(ctx context.Context, now time.Time) error {
	ts, err := s.pending(ctx, now, nil)
	if err != nil || len(ts) == 0 {
		return err
	}
	today := s.dayOf(now)
	type group struct {
		kind  string
		title string
		tail  string
		dues  []alerts.Due
	}
	expiring := &group{kind: "transfer.expiring", title: fmt.Sprintf("以下党员的组织关系介绍信%d天内到期，尚未收到回执", s.cfg.ExpiryWarningDays),
		tail: "已提醒本人尽快报到。收到回执请发送“回执 姓名”。"}
	expired := &group{kind: "transfer.expired", title: "以下党员的组织关系介绍信已过有效期，尚未收到回执",
		tail: "请与接收党组织核实是否已报到：已报到的，请对方寄回回执后发送“回执 姓名 日期”；未报到的，可发送“撤销转出 姓名 介绍信过期”后重新开具。"}
	overdue := &group{kind: "transfer.receipt_overdue", title: fmt.Sprintf("以下党员的组织关系介绍信开出已满%s，仍未收到回执", s.cfg.Receipt),
		tail: "转出党组织在接收党组织接收前仍负管理责任。请与接收党组织联系，催寄回执；收到后发送“回执 姓名”。"}
	inbound := &group{kind: "transfer.in_receipt", title: "以下转入党员的回执还没有寄回原党组织",
		tail: "请尽快把回执寄回；寄回后发送“已回执 姓名”。"}
	var members []notify.Message
	for _, t := range ts {
		st := s.stateOf(t.Transfer, today)
		entry := notify.Entry{Name: t.Name, Note: s.note(t, st)}
		due := func(g *group, period string) {
			g.dues = append(g.dues, alerts.Due{OrgUnitID: t.BranchID, MemberID: t.MemberID, Period: period, Entry: entry})
		}
		id := fmt.Sprintf("t%d", t.ID)
		if t.Direction == store.TransferIn {
			if st.dueSoon {
				due(inbound, id+"#due")
			}
			if st.overdue {
				due(inbound, fmt.Sprintf("%s#w%d", id, st.weeksLate))
			}
			continue
		}
		switch {
		case st.expiring:
			due(expiring, id)
			members = append(members, notify.Message{Kind: "transfer.expiring.member", Period: id, MemberID: t.MemberID, Scheduled: true,
				Text: fmt.Sprintf("%s同志，您的组织关系介绍信（编号%s）将于%s到期，请尽快持介绍信到%s报到；已经报到的，请提醒对方把回执寄回支部。",
					t.Name, t.Number, date(*t.ValidUntil), t.Org)})
		case st.expired:
			due(expired, id)
		}
		if st.overdue {
			due(overdue, fmt.Sprintf("%s#w%d", id, st.weeksLate))
		}
	}
	if _, err := notify.EnqueueBatch(ctx, s.st, members); err != nil {
		return err
	}
	detail, err := s.detail(ctx)
	if err != nil {
		return err
	}
	for _, g := range []*group{expiring, expired, overdue, inbound} {
		_, err := alerts.EnqueueGrouped(ctx, s.st, g.kind, now, g.dues, func(unit int64, entries []notify.Entry) string {
			return "【组织关系接转】" + detail(unit).Section(g.title, entries) + "\n" + g.tail
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// detail is how much the alerts of each org unit may say; set by the app (the alerts groups).
func (s *Service) detail(ctx context.Context) (func(int64) notify.Detail, error) {
	if s.Detail == nil {
		return func(int64) notify.Detail { return notify.DetailFull }, nil
	}
	return s.Detail(ctx)
}

// OutProvider lists, for the weekly digest and 逾期, the letters out waiting for a receipt that
// are about to expire, expired, or older than receipt_within.
type OutProvider struct{ S *Service }

// Title heads the section.
func (p OutProvider) Title() string {
	return "组织关系转出：介绍信将到期、已过期或回执逾期"
}

// Overdue lists the letters within scope.
func (p OutProvider) Overdue(ctx context.Context, now time.Time, scope []store.OrgUnit) ([]alerts.Item, error) {
	ts, err := p.S.pending(ctx, now, scope)
	var items []alerts.Item
	today := p.S.dayOf(now)
	for _, t := range ts {
		if t.Direction != store.TransferOut {
			continue
		}
		st := p.S.stateOf(t.Transfer, today)
		if st.expiring || st.expired || st.overdue {
			items = append(items, alerts.Item{OrgUnitID: t.BranchID, MemberID: t.MemberID, Entry: notify.Entry{Name: t.Name, Note: p.S.note(t, st)}})
		}
	}
	return items, err
}

// InProvider lists, for the weekly digest and 逾期, the members received by transfer whose
// receipt has not been returned.
type InProvider struct{ S *Service }

// Title heads the section.
func (p InProvider) Title() string { return "组织关系转入：回执未寄回" }

// Overdue lists the letters within scope.
func (p InProvider) Overdue(ctx context.Context, now time.Time, scope []store.OrgUnit) ([]alerts.Item, error) {
	ts, err := p.S.pending(ctx, now, scope)
	var items []alerts.Item
	today := p.S.dayOf(now)
	for _, t := range ts {
		if t.Direction != store.TransferIn {
			continue
		}
		st := p.S.stateOf(t.Transfer, today)
		items = append(items, alerts.Item{OrgUnitID: t.BranchID, MemberID: t.MemberID, Entry: notify.Entry{Name: t.Name, Note: p.S.note(t, st)}})
	}
	return items, err
}

// ArchiveSection is the 组织关系接转 line of 查: every letter, out and in.
func (s *Service) ArchiveSection() archive.Section {
	return archive.Section{Name: "组织关系接转", Render: func(ctx context.Context, req archive.Request) (string, error) {
		ts, err := s.st.TransfersOf(ctx, req.Member.ID)
		if err != nil || len(ts) == 0 {
			return "", err
		}
		var parts []string
		for _, t := range ts {
			if t.Direction == store.TransferIn {
				line := fmt.Sprintf("%s由%s转入（介绍信%s）", date(t.IssuedOn), t.Org, t.Number)
				if t.ReceivedOn != nil {
					line += "，回执已于" + date(*t.ReceivedOn) + "寄回"
				} else {
					line += "，回执未寄回"
				}
				parts = append(parts, line)
				continue
			}
			parts = append(parts, fmt.Sprintf("介绍信%s，%s开往%s，%s", t.Number, date(t.IssuedOn), t.Org, statusWord(t)))
		}
		return strings.Join(parts, "；"), nil
	}}
}
