// Package lostcontact watches for mobile members who have lost contact with the organization
// (《中国共产党党员教育管理工作条例》2019 art. 24: more than six months without contact — the
// branch looks for the member; one who cannot be found is, after the branch meeting and the
// committee's approval, 停止党籍). liudong only knows the contacts it records — a chat message,
// a report, a location update, organizational life, a dues payment, the inflow organization's
// assessment, a contact the secretary recorded (已联系) — and lists them; the branch decides.
// This is distinct from the six-month rule of 党章 art. 9 (internal/alerts).
package lostcontact

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"liudong/bot"
	"liudong/internal/alerts"
	"liudong/internal/archive"
	"liudong/internal/config"
	"liudong/internal/contact"
	"liudong/internal/member"
	"liudong/internal/notify"
	"liudong/internal/parse"
	"liudong/internal/schedule"
	"liudong/internal/store"
)

// Service holds the rule's configuration.
type Service struct {
	st     *store.Store
	months int
	spec   string
	loc    *time.Location
	// Detail says how much the alerts of an org unit may say (the alerts groups' level).
	Detail func(ctx context.Context) (func(orgUnitID int64) notify.Detail, error)
}

// New builds the service from schedule.lost_contact.
func New(st *store.Store, cfg config.Config) *Service {
	return &Service{st: st, months: cfg.Schedule.LostContact.Months, spec: cfg.Schedule.LostContact.Spec, loc: cfg.Location()}
}

// Lost is a member with no contact on record for more than the period.
type Lost struct {
	store.LastContact
	// Last is the latest contact of any kind (or when liudong started keeping the record).
	Last     time.Time
	LastKind string
	Months   int
}

func (s *Service) day(now time.Time) time.Time {
	y, m, d := now.In(s.loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, s.loc)
}

// kinds lists a member's last contacts of each kind, by name, as dates in loc (nil: none).
func (s *Service) kinds(l store.LastContact) []struct {
	name string
	at   *time.Time
} {
	in := func(t *time.Time) *time.Time {
		if t == nil {
			return nil
		}
		d := t.In(s.loc)
		return &d
	}
	asDay := func(t *time.Time) *time.Time {
		if t == nil {
			return nil
		}
		d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, s.loc)
		return &d
	}
	return []struct {
		name string
		at   *time.Time
	}{
		{"消息", in(l.Message)}, {"思想汇报", in(l.Report)}, {"位置", in(l.Location)}, {"组织生活", asDay(l.OrgLife)},
		{"党费", in(l.Dues)}, {"流入地反馈", in(l.Assessment)}, {"书记联系", asDay(l.Secretary)},
	}
}

// last is the latest contact of any kind, and which.
func (s *Service) last(l store.LastContact) (time.Time, string) {
	best := time.Date(l.KnownSince.Year(), l.KnownSince.Month(), l.KnownSince.Day(), 0, 0, 0, 0, s.loc)
	kind := "建档"
	for _, k := range s.kinds(l) {
		if k.at != nil && !k.at.Before(best) {
			best, kind = *k.at, k.name
		}
	}
	return best, kind
}

// lost lists the members within scope without any contact for more than the period, read once
// per sweep.
func (s *Service) lost(ctx context.Context, now time.Time, scope []store.OrgUnit) ([]Lost, error) {
	var paths []string
	for _, u := range scope {
		paths = append(paths, u.Path)
	}
	key := struct {
		what, scope string
		now         int64
		all         bool
	}{"lost contact", strings.Join(paths, ","), now.UnixNano(), scope == nil}
	return schedule.Memo(ctx, key, func() ([]Lost, error) {
		day := s.day(now)
		line := minusMonths(day, s.months)
		ls, err := s.st.LastContacts(ctx, store.LastContactQuery{Now: now, Zone: s.loc.String(), Scope: scope, SilentSince: line})
		if err != nil {
			return nil, err
		}
		var out []Lost
		for _, l := range ls {
			last, kind := s.last(l)
			if last.Before(line) {
				out = append(out, Lost{LastContact: l, Last: last, LastKind: kind, Months: monthsBetween(last, day)})
			}
		}
		return out, nil
	})
}

// Note lists what liudong knows of the member's contacts. The secretary's own words about the
// last contact are for private chat only (withText).
func (s *Service) Note(l Lost, withText bool) string {
	var b strings.Builder
	switch {
	case l.LastKind == "建档":
		fmt.Fprintf(&b, "自%s建档以来没有任何联系记录", date(l.Last))
	case l.Months >= 1:
		fmt.Fprintf(&b, "已%d个月没有联系，最后一次是%s%s", l.Months, date(l.Last), l.LastKind)
	default:
		fmt.Fprintf(&b, "最后一次联系是%s%s", date(l.Last), l.LastKind)
	}
	var parts []string
	for _, k := range s.kinds(l.LastContact) {
		if k.at == nil {
			parts = append(parts, k.name+"无")
			continue
		}
		parts = append(parts, k.name+date(*k.at))
	}
	fmt.Fprintf(&b, "（%s）", strings.Join(parts, "，"))
	if l.NoteOfLast != "" && withText {
		fmt.Fprintf(&b, "；上次书记联系：%s", l.NoteOfLast)
	}
	return b.String()
}

// procedure is what art. 24 asks of the branch; stated as steps, never as a decision.
func (s *Service) procedure() string {
	return "按《中国共产党党员教育管理工作条例》第二十四条，请支部：\n" +
		"1. 查找：通过电话、家属、流入地党组织、工作单位等设法联系；联系上后发送“已联系 姓名 情况”记录，计时重新开始。\n" +
		"2. 确实无法取得联系的，提交支部大会讨论。\n" +
		"3. 报上级党委批准后，按规定处理。\n" +
		"是否属于失去联系、如何处理，由支部按程序决定；本提醒只列出本助手的记录。"
}

// Job is the lost-contact job: each member who has lost contact is reported to the secretary
// once per silence (a contact ends it; a later silence is reported again), the member is asked to
// get in touch when he can be reached, and a 流入 member's home organization hears of it.
func (s *Service) Job() schedule.Job {
	return schedule.Job{
		Name: "lost-contact", Schedule: s.spec,
		Description: fmt.Sprintf("失联（党员教育管理工作条例第二十四条）：超过%d个月没有任何联系的流动党员 → 书记（列出各项最后联系和处置程序）", s.months),
		Run:         s.run,
		Prefetch:    func(ctx context.Context, now time.Time) { s.lost(ctx, now, nil) },
	}
}

func (s *Service) run(ctx context.Context, now time.Time) error {
	ls, err := s.lost(ctx, now, nil)
	if err != nil || len(ls) == 0 {
		return err
	}
	const kind = "lostcontact"
	pairs := make([]store.AlertMark, len(ls))
	for i, l := range ls {
		pairs[i] = store.AlertMark{MemberID: l.MemberID, Period: period(l)}
	}
	done, err := s.st.AlertMarksAmong(ctx, []string{kind}, pairs)
	if err != nil {
		return err
	}
	marked := map[int64]bool{}
	for _, m := range done {
		marked[m.MemberID] = true
	}
	var dues []alerts.Due
	var msgs []notify.Message
	for i, l := range ls {
		if marked[l.MemberID] {
			continue
		}
		dues = append(dues, alerts.Due{OrgUnitID: l.BranchID, MemberID: l.MemberID, Period: pairs[i].Period,
			Entry: notify.Entry{Name: l.Name, Note: s.Note(l, false)}})
		msgs = append(msgs, notify.Message{Kind: "lostcontact.member", Period: pairs[i].Period, MemberID: l.MemberID, Scheduled: true,
			Text: fmt.Sprintf("%s同志，您好！支部已经有一段时间没有收到您的消息了。请回复本消息报个平安，或发送“位置 所在地”“汇报”，也可以直接联系支部书记。", l.Name)})
	}
	if len(dues) == 0 {
		return nil
	}
	reach, err := s.st.ReachableMembers(ctx)
	if err != nil {
		return err
	}
	canReach := map[int64]bool{}
	for _, id := range reach {
		canReach[id] = true
	}
	var toMembers []notify.Message
	for _, m := range msgs {
		if canReach[m.MemberID] {
			toMembers = append(toMembers, m)
		}
	}
	if _, err := notify.EnqueueBatch(ctx, s.st, toMembers); err != nil {
		return err
	}
	detail := func(int64) notify.Detail { return notify.DetailFull }
	if s.Detail != nil {
		if detail, err = s.Detail(ctx); err != nil {
			return err
		}
	}
	if _, err := alerts.EnqueueGrouped(ctx, s.st, kind, now, dues, func(unit int64, entries []notify.Entry) string {
		return "【失联】" + detail(unit).Section(fmt.Sprintf("以下流动党员已超过%d个月与组织没有任何联系（按本助手的记录）", s.months), entries) +
			"\n" + s.procedure()
	}); err != nil {
		return err
	}
	// A 流入 member's home organization hears of it (or the secretary passes it on).
	for _, l := range ls {
		if marked[l.MemberID] || l.Mobility != "流入" {
			continue
		}
		m, err := s.st.MemberByID(ctx, l.MemberID)
		if err != nil {
			return err
		}
		text := fmt.Sprintf("【失联】贵组织党员%s在%s登记为流入党员，已超过%d个月没有与当地党组织联系（最后一次：%s%s）。请协助查找，有消息请告知%s。",
			m.Name, m.BranchName, s.months, date(l.Last), l.LastKind, m.BranchName)
		if _, err := contact.HomeNotice(ctx, s.st, m, "lostcontact.home", period(l), text, now); err != nil {
			return err
		}
	}
	return nil
}

// period keys one silence: it began with the last contact.
func period(l Lost) string { return "since@" + l.Last.Format(time.DateOnly) }

// Provider lists, for the weekly digest and 逾期, the members who have lost contact.
type Provider struct{ S *Service }

// Title heads the section.
func (p Provider) Title() string {
	return fmt.Sprintf("【失联】超过%d个月没有任何联系（查找、支部大会讨论、报党委批准，由支部决定）", p.S.months)
}

// Overdue lists them within scope.
func (p Provider) Overdue(ctx context.Context, now time.Time, scope []store.OrgUnit) ([]alerts.Item, error) {
	ls, err := p.S.lost(ctx, now, scope)
	items := make([]alerts.Item, len(ls))
	for i, l := range ls {
		items[i] = alerts.Item{OrgUnitID: l.BranchID, MemberID: l.MemberID, Entry: notify.Entry{Name: l.Name, Note: p.S.Note(l, false)}}
	}
	return items, err
}

// Register adds 已联系.
func (s *Service) Register(r *bot.Router) {
	r.Add(bot.Command{
		Name: "已联系", Aliases: []string{"联系记录"}, Audience: bot.Secretaries, Scope: bot.Anywhere, Audit: true,
		Usage:   "已联系 张三 电话联系，在深圳打工",
		Summary: "记录支部与党员取得的联系（可加日期），失联计时重新开始",
		Handler: s.contacted,
	})
}

// contacted handles 已联系 张三 [date] 情况.
func (s *Service) contacted(c *bot.Context) error {
	m, rest, err := member.Find(c, s.st, c.Identity, "已联系", c.Args)
	if err != nil {
		return err
	}
	today := s.day(c.Now())
	on, note := today, strings.TrimSpace(rest)
	if note != "" {
		d, after, err := parse.ParseDate(note, c.Now().In(s.loc))
		var pe *parse.Error
		switch {
		case err == nil:
			on, note = d, strings.TrimSpace(after)
		case errors.Is(err, parse.ErrNoDate):
		case errors.As(err, &pe):
			return bot.Reject("%s。例如：已联系 %s 11月20日 电话联系，在深圳打工", strings.TrimRight(pe.Msg, "。"), m.Name)
		default:
			return err
		}
	}
	note = strings.TrimFunc(note, bot.IsSeparator)
	if note == "" {
		return bot.Reject("请写上联系的方式和情况，例如：已联系 %s 电话联系，在深圳打工", m.Name)
	}
	if on.After(today) {
		return bot.Reject("日期%s还没到，请核对。", date(on))
	}
	rec := &store.MemberContact{MemberID: m.ID, ContactedOn: on, Note: note, RecordedBy: &c.Identity.MemberID, RecordedAt: c.Now()}
	if c.InboundID != 0 {
		rec.InboundID = &c.InboundID
	}
	err = s.st.InTx(c, func(tx *store.Store) error {
		if err := tx.InsertMemberContact(c, rec); err != nil {
			return err
		}
		actor := c.Identity.MemberID
		e := store.AuditEntry{Actor: "member:" + strconv.FormatInt(actor, 10), ActorMemberID: &actor, Action: "member.contacted",
			TargetMemberID: &m.ID}
		if c.InboundID != 0 {
			e.InboundID = &c.InboundID
		}
		return tx.Audit(c, e, map[string]any{"contact": rec.ID, "on": on.Format(time.DateOnly), "note": note})
	})
	if err != nil {
		return err
	}
	c.Replyf("已记录：%s与%s（%s）取得联系——%s。失联计时自%s重新开始；此后超过%d个月没有任何联系会再提醒。",
		date(on), m.Name, m.BranchName, note, date(on), s.months)
	return nil
}

// ArchiveSection is the 最近联系 line of 查: the last contact of each kind.
func (s *Service) ArchiveSection() archive.Section {
	return archive.Section{Name: "最近联系", Render: func(ctx context.Context, req archive.Request) (string, error) {
		ls, err := s.st.LastContacts(ctx, store.LastContactQuery{Now: req.Now, Zone: s.loc.String(), MemberID: req.Member.ID})
		if err != nil {
			return "", err
		}
		for _, l := range ls {
			if l.MemberID != req.Member.ID {
				continue
			}
			last, kind := s.last(l)
			lost := Lost{LastContact: l, Last: last, LastKind: kind, Months: monthsBetween(last, s.day(req.Now))}
			note := s.Note(lost, !req.InGroup)
			if last.Before(minusMonths(s.day(req.Now), s.months)) {
				note = "【失联】" + note
			}
			return note, nil
		}
		return "", nil
	}}
}

func date(t time.Time) string { return parse.FormatDate(t) }

// minusMonths is the date months before day, clamped to the month's end.
func minusMonths(day time.Time, months int) time.Time {
	y, m, d := day.Date()
	first := time.Date(y, m-time.Month(months), 1, 0, 0, 0, 0, day.Location())
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(d, last), 0, 0, 0, 0, day.Location())
}

// monthsBetween counts whole months from since to day.
func monthsBetween(since, day time.Time) int {
	n := (day.Year()-since.Year())*12 + int(day.Month()) - int(since.Month())
	if day.Day() < since.Day() {
		n--
	}
	return max(n, 0)
}
