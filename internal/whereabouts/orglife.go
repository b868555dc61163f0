package whereabouts

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"liudong/bot"
	"liudong/internal/contact"
	"liudong/internal/member"
	"liudong/internal/notify"
	"liudong/internal/parse"
	"liudong/internal/store"
)

// Organizational life (DESIGN.md §4: "to be confirmed"). A record counts for the six-month
// rule as soon as the member sends it: a branch secretary who is slow to confirm must not
// make a member look lapsed. The secretary confirms it (确认活动 张三) or, when it is not
// true, rejects it (驳回活动 张三 11月20日 原因); a rejected record no longer counts and the
// member is told why.

var statusWords = map[string]string{
	store.OrgLifePending:   "待确认",
	store.OrgLifeConfirmed: "已确认",
	store.OrgLifeRejected:  "已驳回",
}

// recordOrgLife handles 参加活动 日期 地点 类型.
func (s *Service) recordOrgLife(c *bot.Context) error {
	now := c.Now().In(s.loc)
	o, err := parse.ParseOrgLife(c.Args, now)
	var pe *parse.Error
	if errors.As(err, &pe) {
		return bot.Reject("%s", pe.Msg)
	}
	if err != nil {
		return err
	}
	me, err := s.st.MemberByID(c, c.Identity.MemberID)
	if err != nil {
		return err
	}
	if old, err := s.st.OrgLifeOn(c, me.ID, o.Date, o.Kind); err == nil {
		return bot.Reject("您%s参加%s已经记录过了（%s，%s）。", FormatDate(o.Date), o.Kind, old.Place, statusWords[old.Status])
	} else if !store.IsNotFound(err) {
		return err
	}
	region, _ := regionOf(s.res.Resolve(o.Place))
	rec := &store.OrgLife{MemberID: me.ID, HeldOn: o.Date, Place: o.Place, Kind: o.Kind, RecordedAt: now,
		ProvinceCode: region.ProvinceCode, CityCode: region.CityCode, CountyCode: region.CountyCode}
	if c.InboundID != 0 {
		rec.InboundID = &c.InboundID
	}
	var id int64
	var ids []int64
	err = s.st.InTx(c, func(tx *store.Store) error {
		if err := tx.InsertOrgLife(c, rec); err != nil {
			return err
		}
		if err := s.audit(c, tx, me.ID, "orglife.record", map[string]any{"org_life": rec.ID,
			"held_on": o.Date.Format(time.DateOnly), "kind": o.Kind, "place": o.Place}); err != nil {
			return err
		}
		text := fmt.Sprintf("【组织生活】%s党员%s报告：%s在%s参加%s。核实后请发送“确认活动 %s”；如不属实，发送“驳回活动 %s %s 原因”。",
			me.BranchName, me.Name, FormatDate(o.Date), o.Place, o.Kind, me.Name, me.Name, shortDate(o.Date))
		id, err = notify.Enqueue(c, tx, notify.Message{Kind: "orglife.secretary", Period: fmt.Sprintf("orglife:%d", rec.ID),
			OrgUnitID: me.BranchID, Text: text})
		if err != nil {
			return err
		}
		// The inflow organization where it was held can confirm it too.
		more, err := contact.TellInflow(c, tx, me.ID, "orglife.contact", fmt.Sprintf("orglife:%d", rec.ID),
			fmt.Sprintf("【组织生活待确认】在贵组织登记的流动党员%s报告：%s在%s参加%s。属实请发送“确认活动 %s”；不属实请发送“驳回活动 %s %s 原因”。",
				me.Name, FormatDate(o.Date), o.Place, o.Kind, me.Name, me.Name, shortDate(o.Date)))
		ids = more
		return err
	})
	if err != nil {
		return err
	}
	notified(c, append(ids, id))
	c.Replyf("已记录：%s在%s参加%s，待党支部书记确认。", FormatDate(o.Date), o.Place, o.Kind)
	return nil
}

// shortDate is how a secretary would type the date back: 11月20日.
func shortDate(t time.Time) string { return fmt.Sprintf("%d月%d日", int(t.Month()), t.Day()) }

// confirmOrgLife handles 确认活动 张三 [日期]: the member's pending records (of that day) are
// confirmed.
func (s *Service) confirmOrgLife(c *bot.Context) error {
	target, rest, err := member.Find(c, s.st, c.Identity, "确认活动", c.Args)
	if err != nil {
		return err
	}
	on, _, err := s.optionalDate(c, rest, "确认活动 "+target.Name+" 11月20日")
	if err != nil {
		return err
	}
	pending, err := s.st.OrgLifeOf(c, target.ID, store.OrgLifePending)
	if err != nil {
		return err
	}
	pending = onDay(pending, on)
	if len(pending) == 0 {
		if on.IsZero() {
			return bot.Reject("%s没有待确认的组织生活记录。", memberRef(target))
		}
		return bot.Reject("%s在%s没有待确认的组织生活记录。", memberRef(target), FormatDate(on))
	}
	ids := make([]int64, len(pending))
	for i, o := range pending {
		ids[i] = o.ID
	}
	var list strings.Builder
	for _, o := range pending {
		fmt.Fprintf(&list, "\n· %s %s（%s）", FormatDate(o.HeldOn), o.Kind, o.Place)
	}
	var notes []int64
	err = s.st.InTx(c, func(tx *store.Store) error {
		if err := s.review(c, tx, ids, store.OrgLifeConfirmed, ""); err != nil {
			return err
		}
		if err := s.audit(c, tx, target.ID, "orglife.confirm", map[string]any{"org_life": ids}); err != nil {
			return err
		}
		period := fmt.Sprintf("orglife:%d", ids[0])
		switch {
		case c.Identity.IsContact():
			// Everything an inflow contact does is told to the member's home secretary.
			id, err := contact.TellHome(c, tx, target, "orglife.confirmed.contact", period,
				fmt.Sprintf("【流入地确认】%s确认了%s在当地参加的%d次组织生活：%s", contact.ContactRef(c.Identity), target.Name, len(pending), list.String()))
			notes = append(notes, id)
			return err
		case target.Mobility == "流入":
			// Organizational life here of a member whose relationship is elsewhere: his home
			// organization hears of it.
			more, err := contact.HomeNotice(c, tx, target, "orglife.home", period,
				fmt.Sprintf("【组织生活】贵组织党员%s在%s参加了组织生活：%s", target.Name, target.BranchName, list.String()), c.Now())
			notes = append(notes, more...)
			return err
		}
		return nil
	})
	if err != nil {
		return err
	}
	notified(c, notes)
	text := fmt.Sprintf("已确认%s的%d条组织生活记录：%s", memberRef(target), len(pending), list.String())
	if c.Identity.IsContact() {
		text += "\n已告知其所在党支部。"
	}
	c.Reply(text)
	return nil
}

// review sets the records' status, by the secretary or by the inflow contact who sent it.
func (s *Service) review(c *bot.Context, tx *store.Store, ids []int64, status, note string) error {
	if c.Identity.IsContact() {
		return tx.ReviewOrgLifeByContact(c, ids, status, c.Identity.Contact.ID, c.Now(), note)
	}
	return tx.ReviewOrgLife(c, ids, status, c.Identity.MemberID, c.Now(), note)
}

// rejectOrgLife handles 驳回活动 张三 [日期] [原因]: the record no longer counts and the member
// is told. Without a date the member must have exactly one record awaiting confirmation.
func (s *Service) rejectOrgLife(c *bot.Context) error {
	target, rest, err := member.Find(c, s.st, c.Identity, "驳回活动", c.Args)
	if err != nil {
		return err
	}
	on, reason, err := s.optionalDate(c, rest, "驳回活动 "+target.Name+" 11月20日 当天未参加")
	if err != nil {
		return err
	}
	var candidates []store.OrgLife
	if on.IsZero() {
		candidates, err = s.st.OrgLifeOf(c, target.ID, store.OrgLifePending)
	} else {
		candidates, err = s.st.OrgLifeOf(c, target.ID, store.OrgLifePending, store.OrgLifeConfirmed)
		candidates = onDay(candidates, on)
	}
	if err != nil {
		return err
	}
	switch {
	case len(candidates) == 0 && on.IsZero():
		return bot.Reject("%s没有待确认的组织生活记录。驳回已确认的记录请写日期，例如：驳回活动 %s 11月20日 原因", memberRef(target), target.Name)
	case len(candidates) == 0:
		return bot.Reject("%s在%s没有组织生活记录。", memberRef(target), FormatDate(on))
	case len(candidates) > 1 && on.IsZero():
		return bot.Reject("%s有%d条待确认的记录，请写明日期，例如：驳回活动 %s %s 原因", memberRef(target), len(candidates),
			target.Name, shortDate(candidates[0].HeldOn))
	}
	reason = strings.TrimSpace(reason)
	ids := make([]int64, len(candidates))
	for i, o := range candidates {
		ids[i] = o.ID
	}
	var notes []int64
	err = s.st.InTx(c, func(tx *store.Store) error {
		if err := s.review(c, tx, ids, store.OrgLifeRejected, reason); err != nil {
			return err
		}
		if c.Identity.IsContact() {
			var list strings.Builder
			for _, o := range candidates {
				fmt.Fprintf(&list, "\n· %s %s（%s）", FormatDate(o.HeldOn), o.Kind, o.Place)
			}
			if reason != "" {
				list.WriteString("\n说明：" + reason)
			}
			id, err := contact.TellHome(c, tx, target, "orglife.rejected.contact", fmt.Sprintf("orglife:%d", ids[0]),
				fmt.Sprintf("【流入地驳回】%s驳回了%s报告的组织生活，不再计入：%s", contact.ContactRef(c.Identity), target.Name, list.String()))
			if err != nil {
				return err
			}
			notes = append(notes, id)
		}
		if err := s.audit(c, tx, target.ID, "orglife.reject", map[string]any{"org_life": ids, "reason": reason}); err != nil {
			return err
		}
		for _, o := range candidates {
			who := "党支部书记"
			if c.Identity.IsContact() {
				who = "流入地党组织（" + c.Identity.Contact.Org + "）"
			}
			text := fmt.Sprintf("您报告的%s参加%s（%s）经%s核实未予确认，不计入组织生活。", FormatDate(o.HeldOn), o.Kind, o.Place, who)
			if reason != "" {
				text += "说明：" + reason + "。"
			}
			text += "如有疑问请联系书记。"
			id, err := notify.Enqueue(c, tx, notify.Message{Kind: "orglife.rejected", Period: fmt.Sprintf("orglife:%d", o.ID),
				MemberID: target.ID, Text: text})
			if err != nil {
				return err
			}
			notes = append(notes, id)
		}
		return nil
	})
	if err != nil {
		return err
	}
	notified(c, notes)
	var b strings.Builder
	fmt.Fprintf(&b, "已驳回%s的组织生活记录，不再计入：", memberRef(target))
	for _, o := range candidates {
		fmt.Fprintf(&b, "\n· %s %s（%s）", FormatDate(o.HeldOn), o.Kind, o.Place)
	}
	if c.Identity.IsContact() {
		b.WriteString("\n已告知本人及其所在党支部。")
	} else {
		b.WriteString("\n已告知本人。")
	}
	c.Reply(b.String())
	return nil
}

// optionalDate reads a date at the start of rest when there is one; the zero time means none.
func (s *Service) optionalDate(c *bot.Context, rest, example string) (time.Time, string, error) {
	rest = strings.TrimSpace(rest)
	if rest == "" {
		return time.Time{}, "", nil
	}
	d, after, err := parse.ParseDate(rest, c.Now().In(s.loc))
	if errors.Is(err, parse.ErrNoDate) {
		return time.Time{}, rest, nil
	}
	var pe *parse.Error
	if errors.As(err, &pe) {
		return time.Time{}, "", bot.Reject("%s。例如：%s", strings.TrimRight(pe.Msg, "。"), example)
	}
	return d, after, err
}

// onDay keeps the records held on that day (all when day is zero).
func onDay(os []store.OrgLife, on time.Time) []store.OrgLife {
	if on.IsZero() {
		return os
	}
	var out []store.OrgLife
	for _, o := range os {
		if o.HeldOn.Format(time.DateOnly) == on.Format(time.DateOnly) {
			out = append(out, o)
		}
	}
	return out
}
