package cert

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"liudong/bot"
	"liudong/internal/contact"
	"liudong/internal/member"
	"liudong/internal/notify"
	"liudong/internal/parse"
	"liudong/internal/secret"
	"liudong/internal/store"
)

func (s *Service) today(c *bot.Context) time.Time {
	y, m, d := c.Now().In(s.loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, s.loc)
}

// dateArg reads an optional date at the start of rest (default today, never in the future)
// and returns the text after it.
func (s *Service) dateArg(c *bot.Context, rest, example string) (time.Time, string, error) {
	today := s.today(c)
	rest = strings.TrimSpace(rest)
	if rest == "" {
		return today, "", nil
	}
	d, after, err := parse.ParseDate(rest, c.Now().In(s.loc))
	if errors.Is(err, parse.ErrNoDate) {
		return today, rest, nil
	}
	var pe *parse.Error
	if errors.As(err, &pe) {
		return time.Time{}, "", bot.Reject("%s。例如：%s", strings.TrimRight(pe.Msg, "。"), example)
	}
	if err != nil {
		return time.Time{}, "", err
	}
	if d.After(today) {
		return time.Time{}, "", bot.Reject("日期%s还没到，请核对。", FormatDate(d))
	}
	return d, after, nil
}

func memberRef(m store.Member) string { return fmt.Sprintf("%s（%s）", m.Name, m.BranchName) }

// inForceOn is inForce for an act dated on (what names the date: "年审日期"), which cannot
// precede the certificate's issue.
func (s *Service) inForceOn(c *bot.Context, m store.Member, on time.Time, what string) (store.Certificate, error) {
	cert, err := s.inForce(c, m)
	if err == nil && dateKey(on) < dateKey(cert.IssuedOn) {
		err = bot.Reject("%s%s早于发证日期%s，请核对。", what, FormatDate(on), FormatDate(cert.IssuedOn))
	}
	return cert, err
}

// inForce returns the member's certificate in force, or a refusal saying what there is.
func (s *Service) inForce(c *bot.Context, m store.Member) (store.Certificate, error) {
	cert, err := s.st.CertificateInForce(c, m.ID)
	if err == nil || !store.IsNotFound(err) {
		return cert, err
	}
	latest, err := s.st.LatestCertificate(c, m.ID)
	switch {
	case store.IsNotFound(err):
		return cert, bot.Reject("%s还没有《流动党员活动证》。办理请发送：发证 %s", memberRef(m), m.Name)
	case err != nil:
		return cert, err
	case latest.Status == store.CertificateReturned:
		return cert, bot.Reject("%s的活动证（编号%s）已于%s收回，目前没有在用的活动证。再次外出时请重新发证：发证 %s",
			memberRef(m), latest.Number, FormatDate(*latest.ReturnedOn), m.Name)
	default:
		return cert, bot.Reject("%s的活动证（编号%s）已于%s挂失，目前没有在用的活动证。补发请发送：发证 %s",
			memberRef(m), latest.Number, FormatDate(*latest.LostOn), m.Name)
	}
}

// newCertificate takes a number and stores a certificate in force for the member.
func (s *Service) newCertificate(c *bot.Context, tx *store.Store, m store.Member, on time.Time, reviewBase time.Time, reviewed *time.Time) (store.Certificate, error) {
	seq, err := tx.NextCertificateSequence(c, s.prefix)
	if err != nil {
		return store.Certificate{}, err
	}
	issuer := c.Identity.MemberID
	cert := store.Certificate{MemberID: m.ID, Number: s.prefix + fmt.Sprintf("%0*d", s.cfg.Digits, seq), Issuer: s.issuer,
		IssuedOn: on, IssuedBy: &issuer, ReviewBaseOn: reviewBase, ReviewedOn: reviewed}
	if s.cfg.ValidMonths > 0 {
		until := addMonths(on, s.cfg.ValidMonths)
		cert.ValidUntil = &until
	}
	if err := tx.InsertCertificate(c, &cert); err != nil {
		return cert, err
	}
	return cert, nil
}

func (s *Service) validity(cert store.Certificate) string {
	if cert.ValidUntil == nil {
		return "外出期间有效"
	}
	return "至" + FormatDate(*cert.ValidUntil)
}

// issue handles 发证 张三 [日期].
func (s *Service) issue(c *bot.Context) error {
	m, rest, err := member.Find(c, s.st, c.Identity, "发证", c.Args)
	if err != nil {
		return err
	}
	on, _, err := s.dateArg(c, rest, "发证 "+m.Name+" 2026年11月20日")
	if err != nil {
		return err
	}
	if old, err := s.st.CertificateInForce(c, m.ID); err == nil {
		return bot.Reject("%s已持有活动证（编号%s，%s发证）。遗失请发送“挂失 %s”补发，返乡交回请发送“收回 %s”。",
			memberRef(m), old.Number, FormatDate(old.IssuedOn), m.Name, m.Name)
	} else if !store.IsNotFound(err) {
		return err
	}
	var cert store.Certificate
	var id int64
	var contacts []int64
	err = s.st.InTx(c, func(tx *store.Store) error {
		var err error
		if cert, err = s.newCertificate(c, tx, m, on, time.Time{}, nil); err != nil {
			return err
		}
		if err := s.audit(c, tx, m.ID, "certificate.issue", map[string]any{"certificate": cert.ID, "number": cert.Number,
			"issued_on": on.Format(time.DateOnly)}); err != nil {
			return err
		}
		text := fmt.Sprintf("您的《流动党员活动证》已办理：编号%s，发证机关%s，发证日期%s，%s。请到党支部领取，外出期间随身携带；到达流入地后请交当地党组织登记。发送“活动证”可随时查看。",
			cert.Number, cert.Issuer, FormatDate(on), s.validity(cert))
		id, err = notify.Enqueue(c, tx, notify.Message{Kind: "certificate.issued", Period: fmt.Sprintf("certificate:%d", cert.ID),
			MemberID: m.ID, Text: text})
		if err != nil {
			return err
		}
		// The inflow organization the member is registered with hears of it.
		contacts, err = contact.TellInflow(c, tx, m.ID, "certificate.issued.contact", fmt.Sprintf("certificate:%d", cert.ID),
			fmt.Sprintf("【活动证】在贵组织登记的流动党员%s已办理《流动党员活动证》：编号%s，发证机关%s，%s发证，%s。",
				m.Name, cert.Number, cert.Issuer, FormatDate(on), s.validity(cert)))
		return err
	})
	if err != nil {
		return err
	}
	if id != 0 {
		c.Notified(id)
	}
	c.Notified(contacts...)
	var b strings.Builder
	fmt.Fprintf(&b, "已为%s办理《流动党员活动证》：\n编号：%s\n发证机关：%s\n发证日期：%s\n有效期：%s\n下次年审：%s前\n已通知本人。",
		memberRef(m), cert.Number, cert.Issuer, FormatDate(on), s.validity(cert), FormatDate(NextReview(cert, s.cfg.ReviewMonths)))
	if _, err := s.st.OpenDeparture(c, m.ID); store.IsNotFound(err) && m.Mobility != "流出" {
		fmt.Fprintf(&b, "\n提示：%s目前没有外出登记，外出时请其发送“外出 地点 原因”。", m.Name)
	} else if err != nil && !store.IsNotFound(err) {
		return err
	}
	c.Reply(b.String())
	return nil
}

// review handles 年审 张三 [日期] [意见].
func (s *Service) review(c *bot.Context) error {
	m, rest, err := member.Find(c, s.st, c.Identity, "年审", c.Args)
	if err != nil {
		return err
	}
	on, note, err := s.dateArg(c, rest, "年审 "+m.Name+" 2026年11月20日 表现良好")
	if err != nil {
		return err
	}
	cert, err := s.inForceOn(c, m, on, "年审日期")
	if err != nil {
		return err
	}
	note = strings.TrimSpace(note)
	var id int64
	err = s.st.InTx(c, func(tx *store.Store) error {
		if err := tx.ReviewCertificate(c, cert.ID, on, c.Identity.MemberID, note); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return bot.Reject("%s的活动证%s已经年审过了。", memberRef(m), FormatDate(on))
			}
			return err
		}
		if err := s.audit(c, tx, m.ID, "certificate.review", map[string]any{"certificate": cert.ID, "number": cert.Number,
			"reviewed_on": on.Format(time.DateOnly), "note": note}); err != nil {
			return err
		}
		updated, err := tx.CertificateInForce(c, m.ID)
		if err != nil {
			return err
		}
		cert = updated
		text := fmt.Sprintf("您的《流动党员活动证》（编号%s）已于%s通过年审，下次年审：%s前。", cert.Number, FormatDate(on),
			FormatDate(NextReview(cert, s.cfg.ReviewMonths)))
		id, err = notify.Enqueue(c, tx, notify.Message{Kind: "certificate.reviewed",
			Period: fmt.Sprintf("certificate:%d:%s", cert.ID, on.Format(time.DateOnly)), MemberID: m.ID, Text: text})
		return err
	})
	if err != nil {
		return err
	}
	if id != 0 {
		c.Notified(id)
	}
	line := fmt.Sprintf("已记录%s的活动证（编号%s）年审：%s", memberRef(m), cert.Number, FormatDate(on))
	if note != "" {
		line += "，意见：" + note
	}
	c.Replyf("%s。下次年审：%s前。已通知本人。", line, FormatDate(NextReview(cert, s.cfg.ReviewMonths)))
	return nil
}

// takeBack handles 收回 张三 [日期] [查验意见]: the certificate is handed back and inspected.
func (s *Service) takeBack(c *bot.Context) error {
	m, rest, err := member.Find(c, s.st, c.Identity, "收回", c.Args)
	if err != nil {
		return err
	}
	on, note, err := s.dateArg(c, rest, "收回 "+m.Name+" 查验无误")
	if err != nil {
		return err
	}
	cert, err := s.inForceOn(c, m, on, "收回日期")
	if err != nil {
		return err
	}
	note = strings.TrimSpace(note)
	err = s.st.InTx(c, func(tx *store.Store) error {
		if err := tx.ReturnCertificate(c, cert.ID, on, c.Identity.MemberID, note); err != nil {
			return err
		}
		return s.audit(c, tx, m.ID, "certificate.return", map[string]any{"certificate": cert.ID, "number": cert.Number,
			"returned_on": on.Format(time.DateOnly), "note": note})
	})
	if err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "已收回%s的活动证（编号%s）并记录查验：%s", memberRef(m), cert.Number, FormatDate(on))
	if note != "" {
		b.WriteString("，意见：" + note)
	}
	b.WriteString("。请听取其外出期间的情况汇报。")
	if open, err := s.st.OpenDeparture(c, m.ID); err == nil {
		fmt.Fprintf(&b, "\n注意：%s的外出登记尚未结束（%s起，去往%s）；如已返乡，请提醒其发送“返乡”。", m.Name, FormatDate(open.DepartedOn), open.Place)
	} else if !store.IsNotFound(err) {
		return err
	}
	c.Reply(b.String())
	return nil
}

// lose handles 挂失 张三 [不补发]: the certificate is void; unless told otherwise a new one is
// issued at once with a new number, keeping the annual review cycle of the lost one. The
// inflow registration is not carried over: the inflow side registers the new certificate.
func (s *Service) lose(c *bot.Context) error {
	m, rest, err := member.Find(c, s.st, c.Identity, "挂失", c.Args)
	if err != nil {
		return err
	}
	reissue := !strings.Contains(rest, "不补发")
	cert, err := s.inForce(c, m)
	if err != nil {
		return err
	}
	today := s.today(c)
	var repl store.Certificate
	var id int64
	err = s.st.InTx(c, func(tx *store.Store) error {
		if err := tx.LoseCertificate(c, cert.ID, today, nil); err != nil {
			return err
		}
		detail := map[string]any{"certificate": cert.ID, "number": cert.Number, "lost_on": today.Format(time.DateOnly)}
		text := fmt.Sprintf("您的《流动党员活动证》（编号%s）已挂失作废", cert.Number)
		if reissue {
			var err error
			if repl, err = s.newCertificate(c, tx, m, today, cert.ReviewBaseOn, cert.ReviewedOn); err != nil {
				return err
			}
			if err := tx.SetCertificateReplacement(c, cert.ID, repl.ID); err != nil {
				return err
			}
			detail["replacement"], detail["replacement_number"] = repl.ID, repl.Number
			text += fmt.Sprintf("，已补发新证：编号%s，请到党支部领取，并交流入地党组织重新登记。", repl.Number)
		} else {
			text += "。如需补发请联系党支部书记。"
		}
		if err := s.audit(c, tx, m.ID, "certificate.lost", detail); err != nil {
			return err
		}
		var err error
		id, err = notify.Enqueue(c, tx, notify.Message{Kind: "certificate.lost", Period: fmt.Sprintf("certificate:%d", cert.ID),
			MemberID: m.ID, Text: text})
		return err
	})
	if err != nil {
		return err
	}
	if id != 0 {
		c.Notified(id)
	}
	if !reissue {
		c.Replyf("已将%s的活动证（编号%s）挂失作废，未补发。补发请发送：发证 %s。已通知本人。", memberRef(m), cert.Number, m.Name)
		return nil
	}
	c.Replyf("已将%s的活动证（编号%s）挂失作废，并补发新证：编号%s（%s），年审周期不变，下次年审：%s前。新证需流入地党组织重新登记。已通知本人。",
		memberRef(m), cert.Number, repl.Number, s.validity(repl), FormatDate(NextReview(repl, s.cfg.ReviewMonths)))
	return nil
}

var phonePattern = regexp.MustCompile(`(?:\+?86[- ]?)?(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})`)

const inflowExample = "流入登记 张三 11月20日 深圳南山区XX支部 联系人李书记 13800000000"

// parseInflow reads what follows the name and date of 流入登记: the inflow organisation
// (optional), then 联系人 and the contact's name, with a phone number anywhere after it
// ("联系人：李书记，电话138…").
func parseInflow(rest string) (org, contact, phone string, err error) {
	org, contact, found := strings.Cut(parse.Normalize(strings.ToValidUTF8(rest, "")), "联系人")
	if !found {
		return "", "", "", bot.Reject("请写上流入地党组织的联系人，例如：%s", inflowExample)
	}
	org = strings.TrimFunc(org, bot.IsSeparator)
	if loc := phonePattern.FindStringSubmatchIndex(contact); loc != nil {
		phone = contact[loc[2]:loc[3]]
		contact = contact[:loc[0]] + " " + contact[loc[1]:]
	}
	words := strings.FieldsFunc(strings.NewReplacer("电话", " ", "手机", " ").Replace(contact), bot.IsSeparator)
	contact = strings.Join(words, " ")
	if contact == "" {
		return "", "", "", bot.Reject("请写上联系人的姓名，例如：%s", inflowExample)
	}
	return org, contact, phone, nil
}

// registerInflow handles 流入登记 张三 [日期] [流入党组织] 联系人… [电话]: the inflow side
// records the date it received the member and a contact person. In a single-committee
// deployment the inflow branch is represented by any secretary: the member is looked up
// across the whole committee, not only within the sender's org units.
func (s *Service) registerInflow(c *bot.Context) error {
	anywhere := *c.Identity
	anywhere.SecretaryOf = []bot.OrgRef{{Path: "/"}}
	m, rest, err := member.Find(c, s.st, &anywhere, "流入登记", c.Args)
	if err != nil {
		return err
	}
	if m.Mobility == "流入" {
		return s.registerHome(c, m, rest)
	}
	on, rest, err := s.dateArg(c, rest, inflowExample)
	if err != nil {
		return err
	}
	org, contact, phone, err := parseInflow(rest)
	if err != nil {
		return err
	}
	cert, err := s.inForceOn(c, m, on, "接收日期")
	if err != nil {
		return err
	}
	branch, err := s.st.OrgUnitByID(c, m.BranchID)
	if err != nil {
		return err
	}
	ownBranch := false
	for _, u := range c.Identity.SecretaryOf {
		if strings.HasPrefix(branch.Path, u.Path) {
			ownBranch = true
		}
	}
	if org == "" && !ownBranch && len(c.Identity.SecretaryOf) > 0 {
		org = c.Identity.SecretaryOf[0].Name
	}
	var phoneEnc []byte
	if phone != "" {
		phoneEnc = s.box.Seal(phone)
	}
	var ids []int64
	err = s.st.InTx(c, func(tx *store.Store) error {
		if err := tx.RegisterCertificateInflow(c, cert.ID, on, org, contact, phoneEnc, c.Identity.MemberID); err != nil {
			return err
		}
		if err := s.audit(c, tx, m.ID, "certificate.inflow", map[string]any{"certificate": cert.ID, "number": cert.Number,
			"inflow_on": on.Format(time.DateOnly), "org": org, "contact": contact, "phone": phone != ""}); err != nil {
			return err
		}
		text := fmt.Sprintf("您的《流动党员活动证》（编号%s）已由流入地登记：%s于%s接收，联系人%s。请按时参加流入地党组织的活动。",
			cert.Number, orgName(org), FormatDate(on), contactText(contact, phone))
		id, err := notify.Enqueue(c, tx, notify.Message{Kind: "certificate.inflow", Period: fmt.Sprintf("certificate:%d:inflow:%s", cert.ID, on.Format(time.DateOnly)),
			MemberID: m.ID, Text: text})
		if err != nil {
			return err
		}
		ids = append(ids, id)
		if !ownBranch {
			text := fmt.Sprintf("【流入登记】%s党员%s的活动证（编号%s）已由%s登记：%s接收，联系人%s。", m.BranchName, m.Name, cert.Number,
				orgName(org), FormatDate(on), contactText(contact, phone))
			id, err := notify.Enqueue(c, tx, notify.Message{Kind: "certificate.inflow.secretary",
				Period: fmt.Sprintf("certificate:%d:inflow:%s", cert.ID, on.Format(time.DateOnly)), OrgUnitID: m.BranchID, Text: text})
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range ids {
		if id != 0 {
			c.Notified(id)
		}
	}
	told := "已通知本人及其党支部。"
	if ownBranch {
		told = "已通知本人。"
	}
	c.Replyf("已登记%s的活动证（编号%s）流入：%s于%s接收，联系人%s。%s", memberRef(m), cert.Number, orgName(org), FormatDate(on),
		contactText(contact, phone), told)
	return nil
}

// orgName names the inflow organisation, which may not have been written.
func orgName(org string) string {
	if org == "" {
		return "流入地党组织"
	}
	return org
}

func contactText(contact, phone string) string {
	if phone == "" {
		return contact
	}
	return contact + " " + secret.MaskPhone(phone)
}

// show handles 活动证: the member's own certificate.
func (s *Service) show(c *bot.Context) error {
	me, err := s.st.MemberByID(c, c.Identity.MemberID)
	if err != nil {
		return err
	}
	today := s.today(c)
	if me.Mobility == "流入" {
		return s.showHome(c, me)
	}
	cert, err := s.st.LatestCertificate(c, me.ID)
	if store.IsNotFound(err) {
		c.Replyf("您还没有《流动党员活动证》。外出务工、经商或求学，组织关系暂不转移的，请联系%s书记办理（书记发送“发证 %s”即可登记）；领证后外出期间随身携带，到达流入地后交当地党组织登记。",
			me.BranchName, me.Name)
		return nil
	}
	if err != nil {
		return err
	}
	switch cert.Status {
	case store.CertificateReturned:
		c.Replyf("您的《流动党员活动证》（编号%s）已于%s交回党支部查验，目前没有在用的活动证。再次外出前请联系%s书记重新办理。",
			cert.Number, FormatDate(*cert.ReturnedOn), me.BranchName)
		return nil
	case store.CertificateLost:
		c.Replyf("您的《流动党员活动证》（编号%s）已于%s挂失作废，尚未补发。需要补发请联系%s书记。", cert.Number, FormatDate(*cert.LostOn), me.BranchName)
		return nil
	}
	var b strings.Builder
	b.WriteString("您的《流动党员活动证》\n")
	fmt.Fprintf(&b, "编号：%s\n发证机关：%s\n发证日期：%s\n有效期：%s\n", cert.Number, cert.Issuer, FormatDate(cert.IssuedOn), s.validity(cert))
	if cert.ReviewedOn != nil {
		fmt.Fprintf(&b, "上次年审：%s\n", FormatDate(*cert.ReviewedOn))
	} else {
		b.WriteString("上次年审：尚未年审\n")
	}
	next := NextReview(cert, s.cfg.ReviewMonths)
	fmt.Fprintf(&b, "下次年审：%s前", FormatDate(next))
	switch d := daysUntil(today, next); {
	case d < 0:
		fmt.Fprintf(&b, "（已逾期%d天，请尽快联系党支部）", -d)
	case d <= 30:
		fmt.Fprintf(&b, "（还有%d天）", d)
	}
	b.WriteString("\n")
	if cert.InflowOn != nil {
		phone := ""
		if len(cert.InflowPhoneEnc) > 0 {
			if p, err := s.box.Open(cert.InflowPhoneEnc); err == nil {
				phone = p
			}
		}
		fmt.Fprintf(&b, "流入地登记：已登记，%s于%s接收，联系人%s\n", orgName(cert.InflowOrg), FormatDate(*cert.InflowOn), contactText(cert.InflowContact, phone))
	} else {
		b.WriteString("流入地登记：尚未登记，到达流入地后请交当地党组织登记\n")
	}
	back, why, err := HandBack(c, s.st, cert, today)
	if err != nil {
		return err
	}
	if back {
		fmt.Fprintf(&b, "交回：%s，请把活动证交回党支部查验", why)
	} else {
		b.WriteString("交回：外出期间请随身携带，返乡后交回党支部查验")
	}
	c.Reply(b.String())
	return nil
}

// audit writes an audit row about the member, by the secretary.
func (s *Service) audit(c *bot.Context, tx *store.Store, target int64, action string, detail map[string]any) error {
	actor := c.Identity.MemberID
	e := store.AuditEntry{Actor: "member:" + strconv.FormatInt(actor, 10), ActorMemberID: &actor, Action: action,
		TargetMemberID: &target}
	if c.InboundID != 0 {
		e.InboundID = &c.InboundID
	}
	return tx.Audit(c, e, detail)
}
