package transfer

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"liudong/bot"
	"liudong/internal/contact"
	"liudong/internal/member"
	"liudong/internal/notify"
	"liudong/internal/store"
)

// receivingOrg reads the receiving organization after the member's name: "广东省…党工委",
// "到 广东省…党工委" (转接 张三 到 …).
func receivingOrg(rest string) string {
	org := strings.TrimFunc(rest, bot.IsSeparator)
	for _, p := range []string{"转到", "转往", "转至", "到", "至", "往", "去"} {
		if strings.HasPrefix(org, p) {
			org = strings.TrimFunc(strings.TrimPrefix(org, p), bot.IsSeparator)
			break
		}
	}
	return strings.TrimRightFunc(org, func(r rune) bool { return bot.IsSeparator(r) || r == '!' || r == '！' })
}

// issue handles 转出 张三 <receiving organization> (转接 张三 到 …): a letter numbered in the
// committee, valid for transfer.letter_validity, its 存根 kept; the member is told.
func (s *Service) issue(c *bot.Context) error {
	m, rest, err := member.Find(c, s.st, c.Identity, c.Cmd.Name, c.Args)
	if err != nil {
		return err
	}
	org := receivingOrg(rest)
	if org == "" {
		return bot.Reject("请写上接收党组织的全称，例如：转出 %s 广东省深圳市南山区粤海街道党工委", m.Name)
	}
	if n := utf8.RuneCountInString(org); n < 4 || n > 80 {
		return bot.Reject("接收党组织“%s”的名称不像全称，请写全称（4～80字），例如：转出 %s 广东省深圳市南山区粤海街道党工委", org, m.Name)
	}
	if t, err := s.st.LatestTransfer(c, m.ID, store.TransferOut); err == nil && t.Status == store.TransferPending {
		return s.pendingRefusal(m, t)
	} else if err != nil && !store.IsNotFound(err) {
		return err
	}
	today := s.today(c)
	until := s.cfg.Validity.After(today)
	stub, err := s.stubOf(c, m, today)
	if err != nil {
		return err
	}
	raw, err := json.Marshal(stub)
	if err != nil {
		return err
	}
	region := contact.Region(org)
	t := store.Transfer{MemberID: m.ID, Direction: store.TransferOut, Org: org, ProvinceCode: region.ProvinceCode,
		CityCode: region.CityCode, CountyCode: region.CountyCode, IssuedOn: today, ValidUntil: &until, Stub: raw,
		IssuedBy: &c.Identity.MemberID}
	if c.InboundID != 0 {
		t.InboundID = &c.InboundID
	}
	cert, certErr := s.st.CertificateInForce(c, m.ID)
	if certErr != nil && !store.IsNotFound(certErr) {
		return certErr
	}
	var ids []int64
	err = s.st.InTx(c, func(tx *store.Store) error {
		seq, err := tx.NextTransferSequence(c, s.prefix, today.Year())
		if err != nil {
			return err
		}
		t.Number = number(s.prefix, today.Year(), seq)
		if err := tx.InsertTransfer(c, &t); err != nil {
			if errors.Is(err, store.ErrConflict) {
				if p, perr := tx.LatestTransfer(c, m.ID, store.TransferOut); perr == nil && p.Status == store.TransferPending {
					return s.pendingRefusal(m, p)
				}
			}
			return err
		}
		if err := audit(c, tx, m.ID, "transfer.issue", map[string]any{"transfer": t.ID, "number": t.Number, "org": org,
			"issued_on": today.Format(time.DateOnly), "valid_until": until.Format(time.DateOnly)}); err != nil {
			return err
		}
		var b strings.Builder
		fmt.Fprintf(&b, "%s同志，您好！支部已为您开具党员组织关系介绍信，把您的组织关系转到“%s”。\n介绍信编号：%s\n有效期至：%s\n",
			m.Name, org, t.Number, date(until))
		fmt.Fprintf(&b, "请到支部领取介绍信，在%s前带上介绍信和本人身份证，到%s报到。", date(until), org)
		if certErr == nil {
			fmt.Fprintf(&b, "您的《流动党员活动证》（编号%s）请交回支部。", cert.Number)
		}
		fmt.Fprintf(&b, "报到后，请接收党组织把回执寄回支部。有疑问请联系%s书记。", m.BranchName)
		period := fmt.Sprintf("t%d", t.ID)
		id, err := notify.Enqueue(c, tx, notify.Message{Kind: "transfer.issued", Period: period, MemberID: m.ID, Text: b.String()})
		if err != nil {
			return err
		}
		if id != 0 {
			ids = append(ids, id)
		}
		more, err := contact.TellInflow(c, tx, m.ID, "transfer.issued.contact", period,
			fmt.Sprintf("【组织关系转接】%s党员%s的组织关系介绍信已开具（编号%s），转往%s，有效期至%s。请协助其按时报到。",
				s.committee+m.BranchName, m.Name, t.Number, org, date(until)))
		ids = append(ids, more...)
		return err
	})
	if err != nil {
		return err
	}
	c.Notified(ids...)
	var b strings.Builder
	fmt.Fprintf(&b, "已开具组织关系介绍信：\n编号：%s\n党员：%s，%s\n接收党组织：%s\n开具日期：%s\n有效期至：%s（%s）\n",
		t.Number, memberRef(m), stub.Status, org, date(today), date(until), s.cfg.Validity)
	if stub.DuesPaidThrough != "" {
		fmt.Fprintf(&b, "党费交到：%s\n", stub.DuesPaidThrough)
	}
	fmt.Fprintf(&b, "存根已留存。回执应于%s前寄回，收到后发送“回执 %s”（可加日期）；未按时寄回的，每周提醒您。\n",
		date(s.cfg.Receipt.After(today)), m.Name)
	fmt.Fprintf(&b, "发送“介绍信 %s”可获取介绍信图片（存根、介绍信、回执三联）。%s", m.Name, s.toldWord(c, m))
	if certErr == nil {
		fmt.Fprintf(&b, "\n提示：%s持有《流动党员活动证》（编号%s），交回后请发送“收回 %s”。", m.Name, cert.Number, m.Name)
	}
	c.Reply(b.String())
	return nil
}

func (s *Service) pendingRefusal(m store.Member, t store.Transfer) error {
	return bot.Reject("%s已有一份待回执的介绍信（编号%s，%s开往%s，有效期至%s），不能重复开具。收到回执请发送“回执 %s”；如需改开，请先发送“撤销转出 %s 原因”。",
		memberRef(m), t.Number, date(t.IssuedOn), t.Org, date(*t.ValidUntil), m.Name, m.Name)
}

// pendingOut is the member's letter waiting for its receipt, or a refusal saying what there is.
func (s *Service) pendingOut(c *bot.Context, m store.Member) (store.Transfer, error) {
	t, err := s.st.LatestTransfer(c, m.ID, store.TransferOut)
	switch {
	case store.IsNotFound(err):
		return t, bot.Reject("%s没有开具过组织关系介绍信。开具请发送：转出 %s 接收党组织全称", memberRef(m), m.Name)
	case err != nil:
		return t, err
	case t.Status == store.TransferReceived:
		return t, bot.Reject("%s的介绍信（编号%s）已于%s收到回执，组织关系已转出。", memberRef(m), t.Number, date(*t.ReceivedOn))
	case t.Status == store.TransferCancelled:
		return t, bot.Reject("%s的介绍信（编号%s）已于%s撤销，目前没有待回执的介绍信。开具请发送：转出 %s 接收党组织全称",
			memberRef(m), t.Number, date(*t.CancelledOn), m.Name)
	}
	return t, nil
}

// cancel handles 撤销转出 张三 原因: a letter cancelled before the receipt (its 存根 stays, void).
func (s *Service) cancel(c *bot.Context) error {
	m, rest, err := member.Find(c, s.st, c.Identity, "撤销转出", c.Args)
	if err != nil {
		return err
	}
	t, err := s.pendingOut(c, m)
	if err != nil {
		return err
	}
	reason := strings.TrimFunc(rest, bot.IsSeparator)
	if reason == "" {
		return bot.Reject("请写明撤销的原因，例如：撤销转出 %s 本人暂不转接", m.Name)
	}
	today := s.today(c)
	var ids []int64
	err = s.st.InTx(c, func(tx *store.Store) error {
		ok, err := tx.CancelTransfer(c, t.ID, today, reason, c.Identity.MemberID)
		if err != nil {
			return err
		}
		if !ok {
			return bot.Reject("%s的介绍信（编号%s）刚刚已有变化，请发送“查 %s”查看。", memberRef(m), t.Number, m.Name)
		}
		if err := audit(c, tx, m.ID, "transfer.cancel", map[string]any{"transfer": t.ID, "number": t.Number, "reason": reason}); err != nil {
			return err
		}
		period := fmt.Sprintf("t%d", t.ID)
		id, err := notify.Enqueue(c, tx, notify.Message{Kind: "transfer.cancelled", Period: period, MemberID: m.ID,
			Text: fmt.Sprintf("%s同志，您的组织关系介绍信（编号%s，转往%s）已撤销，原因：%s。您的组织关系仍在%s，请照常参加组织生活、交纳党费。有疑问请联系书记。",
				m.Name, t.Number, t.Org, reason, m.BranchName)})
		if err != nil {
			return err
		}
		if id != 0 {
			ids = append(ids, id)
		}
		more, err := contact.TellInflow(c, tx, m.ID, "transfer.cancelled.contact", period,
			fmt.Sprintf("【组织关系转接】%s党员%s的组织关系介绍信（编号%s）已撤销，其组织关系仍在原支部。", s.committee+m.BranchName, m.Name, t.Number))
		ids = append(ids, more...)
		return err
	})
	if err != nil {
		return err
	}
	c.Notified(ids...)
	c.Replyf("已撤销%s的组织关系介绍信（编号%s，转往%s），原因：%s。存根保留并注明作废，编号不再使用。%s", memberRef(m), t.Number, t.Org, reason,
		s.toldWord(c, m))
	return nil
}

// receipt handles 回执 张三 [date]: from that date the member is 已转出.
func (s *Service) receipt(c *bot.Context) error {
	m, rest, err := member.Find(c, s.st, c.Identity, "回执", c.Args)
	if err != nil {
		return err
	}
	t, err := s.pendingOut(c, m)
	if err != nil {
		return err
	}
	on, _, err := s.dateArg(c, rest, "回执 "+m.Name+" 2027年1月5日")
	if err != nil {
		return err
	}
	if on.Before(day(t.IssuedOn, s.loc)) {
		return bot.Reject("回执日期%s早于介绍信开具日期%s，请核对。", date(on), date(t.IssuedOn))
	}
	cert, certErr := s.st.CertificateInForce(c, m.ID)
	if certErr != nil && !store.IsNotFound(certErr) {
		return certErr
	}
	var ids []int64
	err = s.st.InTx(c, func(tx *store.Store) error {
		period := fmt.Sprintf("t%d", t.ID)
		// The inflow contacts hear before their links end with the receipt.
		more, err := contact.TellInflow(c, tx, m.ID, "transfer.received.contact", period,
			fmt.Sprintf("【组织关系转接】%s党员%s的组织关系已于%s转入%s，不再作为流动党员由您联系。感谢您的支持！",
				s.committee+m.BranchName, m.Name, date(on), t.Org))
		if err != nil {
			return err
		}
		ids = append(ids, more...)
		ok, err := tx.ReceiveTransferOut(c, t.ID, on, c.Identity.MemberID)
		if err != nil {
			return err
		}
		if !ok {
			return bot.Reject("%s的介绍信（编号%s）刚刚已有变化，请发送“查 %s”查看。", memberRef(m), t.Number, m.Name)
		}
		if err := audit(c, tx, m.ID, "transfer.receipt", map[string]any{"transfer": t.ID, "number": t.Number,
			"received_on": on.Format(time.DateOnly)}); err != nil {
			return err
		}
		id, err := notify.Enqueue(c, tx, notify.Message{Kind: "transfer.received", Period: period, MemberID: m.ID,
			Text: fmt.Sprintf("%s同志，您好！%s已寄回回执，您的党员组织关系已于%s正式转入%s。今后请参加%s的组织生活，按时交纳党费；本助手不再为您发送%s的提醒。感谢您在%s期间的支持！",
				m.Name, t.Org, date(on), t.Org, t.Org, m.BranchName, m.BranchName)})
		if id != 0 {
			ids = append(ids, id)
		}
		return err
	})
	if err != nil {
		return err
	}
	c.Notified(ids...)
	var b strings.Builder
	fmt.Fprintf(&b, "已登记回执：%s的组织关系已于%s转入%s（介绍信编号%s）。\n", memberRef(m), date(on), t.Org, t.Number)
	fmt.Fprintf(&b, "自%s起%s已转出：不再列入本支部的名单、提醒、党费和统计（此前日期的统计仍计入）；档案保留，可发送“查 %s”查看。%s",
		date(on), m.Name, m.Name, s.toldWord(c, m))
	if certErr == nil {
		fmt.Fprintf(&b, "\n提示：其《流动党员活动证》（编号%s）尚未登记收回，请向本人收回。", cert.Number)
	}
	if t.ValidUntil != nil && on.After(day(*t.ValidUntil, s.loc)) {
		fmt.Fprintf(&b, "\n注意：回执日期晚于介绍信有效期（%s），请与接收党组织核实报到日期。", date(*t.ValidUntil))
	}
	c.Reply(b.String())
	return nil
}

// letter handles 介绍信 张三: the member's latest letter as an image (its text when no CJK font
// is installed).
func (s *Service) letter(c *bot.Context) error {
	m, _, err := member.FindArchived(c, s.st, c.Identity, "介绍信", c.Args)
	if err != nil {
		return err
	}
	t, err := s.st.LatestTransfer(c, m.ID, store.TransferOut)
	if store.IsNotFound(err) {
		return bot.Reject("%s没有开具过组织关系介绍信。开具请发送：转出 %s 接收党组织全称", memberRef(m), m.Name)
	}
	if err != nil {
		return err
	}
	l, err := s.LetterOf(c, m, t, false)
	if err != nil {
		return err
	}
	caption := fmt.Sprintf("%s的组织关系介绍信（编号%s，%s）：存根、介绍信、回执三联，可打印后盖章使用。", memberRef(m), t.Number, statusWord(t))
	png, err := RenderPNG(l, s.fonts)
	if errors.Is(err, ErrNoFont) {
		c.Reply(caption + "\n（未找到中文字体，无法生成图片，以下为文字版）\n" + l.Text())
		return nil
	}
	if err != nil {
		return err
	}
	c.Reply(caption)
	c.ReplyImage(fmt.Sprintf("介绍信-%s.png", m.Name), png)
	return nil
}

// toldWord says whether the member was told: only a member with a chat account bound on this bot
// account can be.
func (s *Service) toldWord(c *bot.Context, m store.Member) string {
	if _, err := s.st.IdentityOfMember(c, c.Msg.Platform, c.Msg.Account, m.ID); err == nil {
		return "已告知本人。"
	}
	return fmt.Sprintf("%s尚未绑定本助手，请当面或电话告知本人。", m.Name)
}

// statusWord says where a letter stands.
func statusWord(t store.Transfer) string {
	switch t.Status {
	case store.TransferReceived:
		return "已于" + date(*t.ReceivedOn) + "收到回执"
	case store.TransferCancelled:
		return "已于" + date(*t.CancelledOn) + "撤销作废"
	}
	return "待回执，有效期至" + date(*t.ValidUntil)
}
