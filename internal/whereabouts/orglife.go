package whereabouts

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"liudong/bot"
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
		return err
	})
	if err != nil {
		return err
	}
	notified(c, []int64{id})
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
	err = s.st.InTx(c, func(tx *store.Store) error {
		if err := tx.ReviewOrgLife(c, ids, store.OrgLifeConfirmed, c.Identity.MemberID, c.Now(), ""); err != nil {
			return err
		}
		return s.audit(c, tx, target.ID, "orglife.confirm", map[string]any{"org_life": ids})
	})
	if err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "已确认%s的%d条组织生活记录：", memberRef(target), len(pending))
	for _, o := range pending {
		fmt.Fprintf(&b, "\n· %s %s（%s）", FormatDate(o.HeldOn), o.Kind, o.Place)
	}
	c.Reply(b.String())
	return nil
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
		if err := tx.ReviewOrgLife(c, ids, store.OrgLifeRejected, c.Identity.MemberID, c.Now(), reason); err != nil {
			return err
		}
		if err := s.audit(c, tx, target.ID, "orglife.reject", map[string]any{"org_life": ids, "reason": reason}); err != nil {
			return err
		}
		for _, o := range candidates {
			text := fmt.Sprintf("您报告的%s参加%s（%s）经党支部书记核实未予确认，不计入组织生活。", FormatDate(o.HeldOn), o.Kind, o.Place)
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
	b.WriteString("\n已告知本人。")
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
