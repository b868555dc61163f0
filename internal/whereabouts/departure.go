package whereabouts

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"liudong/bot"
	"liudong/internal/location"
	"liudong/internal/notify"
	"liudong/internal/parse"
	"liudong/internal/store"
)

// depart handles 外出 [日期] 地点 [原因]. A member already away updates the open departure
// (a move, or a correction): the place, region and reason are replaced; its date only when
// the message names a date other than today.
func (s *Service) depart(c *bot.Context) error {
	today := s.today(c)
	d, err := parse.ParseDeparture(c.Args, c.Now().In(s.loc))
	var pe *parse.Error
	if errors.As(err, &pe) {
		return bot.Reject("%s", pe.Msg)
	}
	if err != nil {
		return err
	}
	region, resolved := regionOf(s.res.Resolve(d.Place))
	me, err := s.st.MemberByID(c, c.Identity.MemberID)
	if err != nil {
		return err
	}
	_, err = s.st.CertificateInForce(c, me.ID)
	hasCert := err == nil
	if err != nil && !store.IsNotFound(err) {
		return err
	}
	var (
		dep     store.Departure
		updated bool
		prev    store.Departure
		ids     []int64
	)
	err = s.st.InTx(c, func(tx *store.Store) error {
		open, err := tx.OpenDeparture(c, me.ID)
		switch {
		case err == nil:
			updated, prev, dep = true, open, open
			if !d.Date.Equal(today) {
				dep.DepartedOn = d.Date
			} else {
				dep.DepartedOn = day(open.DepartedOn, s.loc)
			}
		case store.IsNotFound(err):
			dep = store.Departure{MemberID: me.ID, DepartedOn: d.Date, Source: "chat"}
		default:
			return err
		}
		dep.Place, dep.Reason, dep.Source = d.Place, d.Reason, "chat"
		dep.ProvinceCode, dep.CityCode, dep.CountyCode = region.ProvinceCode, region.CityCode, region.CountyCode
		action := "departure.create"
		if updated {
			action = "departure.update"
			if err := tx.UpdateDeparture(c, &dep); err != nil {
				return err
			}
		} else if err := tx.InsertDeparture(c, &dep); err != nil {
			return err
		}
		detail := map[string]any{"departure": dep.ID, "departed_on": dep.DepartedOn.Format(time.DateOnly),
			"place": dep.Place, "reason": dep.Reason, "note": d.Note, "region": region.Code()}
		if updated {
			detail["was"] = map[string]any{"departed_on": day(prev.DepartedOn, s.loc).Format(time.DateOnly), "place": prev.Place, "reason": prev.Reason}
		}
		if err := s.audit(c, tx, me.ID, action, detail); err != nil {
			return err
		}
		if me.Mobility == "" {
			if err := s.setMobility(c, tx, me.ID, "流出", action); err != nil {
				return err
			}
		}
		where := dep.Place
		if resolved {
			where = fmt.Sprintf("%s（%s，%s）", dep.Place, region.Label(), s.scopeWord(region))
		}
		text := fmt.Sprintf("【外出报告】%s党员%s报告：%s外出，去往%s，原因：%s。", me.BranchName, me.Name,
			FormatDate(dep.DepartedOn), where, reasonText(dep.Reason, d.Note))
		if !hasCert {
			text += fmt.Sprintf("其尚无《流动党员活动证》，办理请发送“发证 %s”。", me.Name)
		}
		period := fmt.Sprintf("departure:%d", dep.ID)
		if updated {
			text = fmt.Sprintf("【外出变更】%s党员%s更新了外出登记：现在%s，原因：%s（原登记：%s，%s起）。", me.BranchName, me.Name,
				where, reasonText(dep.Reason, d.Note), prev.Place, FormatDate(prev.DepartedOn))
			period = fmt.Sprintf("departure:%d:update:%d", dep.ID, c.InboundID)
		}
		id, err := notify.Enqueue(c, tx, notify.Message{Kind: "departure.secretary", Period: period, OrgUnitID: me.BranchID, Text: text})
		ids = append(ids, id)
		return err
	})
	if err != nil {
		return err
	}
	notified(c, ids)

	var b strings.Builder
	if updated {
		fmt.Fprintf(&b, "已更新您的外出登记：%s起外出，现在%s，原因：%s（原登记：%s）。", FormatDate(dep.DepartedOn), dep.Place,
			reasonText(dep.Reason, d.Note), prev.Place)
	} else {
		verb := "外出"
		if dep.DepartedOn.After(today) {
			verb = "计划外出"
		}
		fmt.Fprintf(&b, "已登记：%s%s，去往%s，原因：%s。", FormatDate(dep.DepartedOn), verb, dep.Place, reasonText(dep.Reason, d.Note))
	}
	switch {
	case resolved && region.Level() >= location.LevelCity:
		fmt.Fprintf(&b, "地区：%s（%s）。", region.Label(), s.scopeWord(region))
	case resolved:
		fmt.Fprintf(&b, "地区：%s（%s）。到达后请发送所在城市，例如“我在%s”。", region.Label(), s.scopeWord(region), dep.Place)
	default:
		fmt.Fprintf(&b, "没有认出“%s”在哪个省市，已按原文登记；到达后请发送位置，例如“位置 广东省深圳市南山区”。", dep.Place)
	}
	b.WriteString("已告知党支部书记。")
	if !updated {
		if !hasCert {
			b.WriteString("\n外出期间请向党支部申领《流动党员活动证》，到达后交流入地党组织登记。")
		}
		b.WriteString("\n在外地参加组织生活后，请发送“参加活动 日期 地点 活动类型”记录。")
	}
	c.Reply(b.String())
	return nil
}

func reasonText(reason, note string) string {
	if note != "" {
		return reason + "（" + note + "）"
	}
	return reason
}

// comeHome handles 返乡 [日期]: the open departure is closed, the member reminded to hand the
// certificate back for inspection, and the branch told.
func (s *Service) comeHome(c *bot.Context) error {
	today := s.today(c)
	on := today
	if args := strings.TrimFunc(c.Args, bot.IsSeparator); args != "" {
		d, _, err := parse.ParseDate(args, c.Now().In(s.loc))
		var pe *parse.Error
		if errors.As(err, &pe) {
			return bot.Reject("%s。返乡当天发送“返乡”即可，补报请写日期，例如：返乡 11月20日", strings.TrimRight(pe.Msg, "。"))
		}
		if err != nil {
			return err
		}
		if d.After(today) {
			return bot.Reject("返乡日期%s还没到，回到家后再发送“返乡”。", FormatDate(d))
		}
		on = d
	}
	me, err := s.st.MemberByID(c, c.Identity.MemberID)
	if err != nil {
		return err
	}
	cert, err := s.st.CertificateInForce(c, me.ID)
	hasCert := err == nil
	if err != nil && !store.IsNotFound(err) {
		return err
	}
	var (
		open  store.Departure
		found bool
		ids   []int64
	)
	err = s.st.InTx(c, func(tx *store.Store) error {
		var err error
		open, err = tx.OpenDeparture(c, me.ID)
		switch {
		case err == nil:
			found = true
		case !store.IsNotFound(err):
			return err
		case me.Mobility != "流出":
			return nil
		}
		if found {
			if on.Before(day(open.DepartedOn, s.loc)) {
				return bot.Reject("返乡日期%s早于外出日期%s，请核对。", FormatDate(on), FormatDate(open.DepartedOn))
			}
			if err := tx.CloseDeparture(c, open.ID, on); err != nil {
				return err
			}
		}
		if err := s.audit(c, tx, me.ID, "departure.return", map[string]any{"departure": open.ID,
			"returned_on": on.Format(time.DateOnly), "had_departure": found}); err != nil {
			return err
		}
		if me.Mobility == "流出" {
			if err := s.setMobility(c, tx, me.ID, "", "departure.return"); err != nil {
				return err
			}
		}
		var b strings.Builder
		fmt.Fprintf(&b, "【返乡报告】%s党员%s报告：%s已返乡", me.BranchName, me.Name, FormatDate(on))
		if found {
			fmt.Fprintf(&b, "（%s起外出，去往%s）", FormatDate(open.DepartedOn), open.Place)
		} else {
			b.WriteString("（系统中没有其外出登记）")
		}
		b.WriteString("。")
		if hasCert {
			fmt.Fprintf(&b, "其《流动党员活动证》（编号%s）请收回查验，收回后发送“收回 %s”。", cert.Number, me.Name)
		}
		id, err := notify.Enqueue(c, tx, notify.Message{Kind: "return.secretary", Period: fmt.Sprintf("return:%d:%s", me.ID, on.Format(time.DateOnly)),
			OrgUnitID: me.BranchID, Text: b.String()})
		ids = append(ids, id)
		return err
	})
	if err != nil {
		return err
	}
	if !found && me.Mobility != "流出" {
		return bot.Reject("系统中没有您的外出登记，不需要报告返乡。外出时请发送“外出 地点 原因”，例如：外出 深圳 务工。")
	}
	notified(c, ids)
	var b strings.Builder
	fmt.Fprintf(&b, "欢迎回家！已登记您%s返乡", FormatDate(on))
	if found {
		fmt.Fprintf(&b, "（%s起外出，去往%s）", FormatDate(open.DepartedOn), open.Place)
	}
	b.WriteString("，已告知党支部书记。")
	if hasCert {
		fmt.Fprintf(&b, "\n请尽快把《流动党员活动证》（编号%s）交回党支部查验，并向党支部汇报外出期间的思想、工作情况。", cert.Number)
	} else {
		b.WriteString("\n请向党支部汇报外出期间的思想、工作情况。")
	}
	c.Reply(b.String())
	return nil
}

// setMobility changes the member's 流动类型 with an audit row.
func (s *Service) setMobility(c *bot.Context, tx *store.Store, memberID int64, to, cause string) error {
	old, err := tx.SetMobility(c, memberID, to)
	if err != nil || old == to {
		return err
	}
	return s.audit(c, tx, memberID, "member.mobility", map[string]any{"from": old, "to": to, "cause": cause})
}

// audit writes an audit row about the member, by the sender.
func (s *Service) audit(c *bot.Context, tx *store.Store, target int64, action string, detail map[string]any) error {
	e := store.AuditEntry{Action: action, TargetMemberID: &target}
	if c.Identity.IsContact() {
		e.Actor = "contact:" + strconv.FormatInt(c.Identity.Contact.ID, 10)
	} else {
		actor := c.Identity.MemberID
		e.Actor, e.ActorMemberID = "member:"+strconv.FormatInt(actor, 10), &actor
	}
	if c.InboundID != 0 {
		e.InboundID = &c.InboundID
	}
	return tx.Audit(c, e, detail)
}

// notified hands the enqueued outbox rows (0 for a repeat) to the router.
func notified(c *bot.Context, ids []int64) {
	for _, id := range ids {
		if id != 0 {
			c.Notified(id)
		}
	}
}
