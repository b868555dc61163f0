package contact

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"liudong/bot"
	"liudong/internal/member"
	"liudong/internal/notify"
	"liudong/internal/parse"
	"liudong/internal/store"
)

// Register adds 邀请流入地 and 邀请流出地 (secretaries) and 表现 (inflow contacts).
func (s *Service) Register(r *bot.Router) {
	r.Add(bot.Command{
		Name: "邀请流入地", Aliases: []string{"邀请流入地联系人"}, Audience: bot.Secretaries, Scope: bot.Private, Audit: true,
		Usage:   "邀请流入地 张三 深圳南山区粤海街道党工委 李书记",
		Summary: "为党员所在流入地党组织的联系人生成绑定码，让其参与管理（确认组织生活、收缴党费、反馈表现）",
		Handler: s.inviteInflow,
	})
	r.Add(bot.Command{
		Name: "邀请流出地", Aliases: []string{"邀请流出地联系人"}, Audience: bot.Secretaries, Scope: bot.Private, Audit: true,
		Usage:   "邀请流出地 王五 江苏省苏州市吴中区XX党委 张书记",
		Summary: "为流入党员的流出地党组织联系人生成绑定码，让其直接收到该党员的情况",
		Handler: s.inviteHome,
	})
	r.Add(bot.Command{
		Name: "表现", Aliases: []string{"现实表现", "表现反馈"}, Audience: bot.InflowContacts, Scope: bot.Private, Audit: true,
		Usage:   "表现 张三 工作积极，按时参加组织生活",
		Summary: "反馈党员在贵地的现实表现（每半年一次，存入其档案并告知其党支部）",
		Handler: s.assess,
	})
}

var phonePattern = regexp.MustCompile(`(?:\+?86[- ]?)?(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})`)

// orgSuffixes end the names of Party organizations; a contact's name does not.
var orgSuffixes = []string{"党委", "党工委", "工委", "支部", "总支", "党组", "委员会", "党组织"}

func looksLikeOrg(s string) bool {
	for _, suf := range orgSuffixes {
		if strings.HasSuffix(s, suf) {
			return true
		}
	}
	return false
}

// parseInvite reads "<organization> <contact> [phone]" (also "<organization> 联系人<contact>").
func parseInvite(rest string) (org, name, phone string, ok bool) {
	text := parse.Normalize(strings.ToValidUTF8(rest, ""))
	if loc := phonePattern.FindStringSubmatchIndex(text); loc != nil {
		phone = text[loc[2]:loc[3]]
		text = text[:loc[0]] + " " + text[loc[1]:]
	}
	text = strings.NewReplacer("电话", " ", "手机", " ").Replace(text)
	if before, after, found := strings.Cut(text, "联系人"); found {
		org = strings.Join(strings.FieldsFunc(before, bot.IsSeparator), "")
		name = strings.Join(strings.FieldsFunc(after, bot.IsSeparator), "")
	} else {
		words := strings.FieldsFunc(text, bot.IsSeparator)
		if len(words) < 2 {
			return "", "", phone, false
		}
		org, name = strings.Join(words[:len(words)-1], ""), words[len(words)-1]
	}
	if org == "" || name == "" || looksLikeOrg(name) {
		return "", "", phone, false
	}
	return org, name, phone, true
}

// inviteInflow handles 邀请流入地 张三 <organization> <contact> [phone]: the member is registered
// with that organization's contact, who gets a binding code (or, bound already, the news).
// Without an organization, the inflow registration of the member's certificate is used.
func (s *Service) inviteInflow(c *bot.Context) error {
	m, rest, err := member.Find(c, s.st, c.Identity, "邀请流入地", c.Args)
	if err != nil {
		return err
	}
	away := m.Mobility == "流出"
	if _, err := s.st.OpenDeparture(c, m.ID); err == nil {
		away = true
	} else if !store.IsNotFound(err) {
		return err
	}
	if !away {
		return bot.Reject("%s目前没有外出登记，不是流出党员，无需邀请流入地党组织。外出后请其发送“外出 地点 原因”。", s.memberRef(m))
	}
	org, name, phone, ok := parseInvite(rest)
	if strings.TrimSpace(rest) == "" {
		if cert, err := s.st.CertificateInForce(c, m.ID); err == nil && cert.InflowOn != nil && cert.InflowOrg != "" {
			org, name, ok = cert.InflowOrg, cert.InflowContact, cert.InflowContact != ""
			if len(cert.InflowPhoneEnc) > 0 {
				phone, _ = s.box.Open(cert.InflowPhoneEnc)
			}
		} else if err != nil && !store.IsNotFound(err) {
			return err
		}
	}
	if !ok {
		return bot.Reject("请写上流入地党组织的全称和联系人，例如：邀请流入地 %s 深圳市南山区粤海街道党工委 李书记 13800000000", m.Name)
	}
	return s.invite(c, m, store.ContactInflow, org, name, phone)
}

// inviteHome handles 邀请流出地 王五 [<organization> <contact> [phone]] for a 流入 member.
func (s *Service) inviteHome(c *bot.Context) error {
	m, rest, err := member.Find(c, s.st, c.Identity, "邀请流出地", c.Args)
	if err != nil {
		return err
	}
	if m.Mobility != "流入" {
		return bot.Reject("%s不是流入党员；“邀请流出地”用于在本支部登记的流入党员，联系其组织关系所在的党组织。", s.memberRef(m))
	}
	org, name, phone, ok := parseInvite(rest)
	if !ok {
		words := strings.FieldsFunc(parse.Normalize(rest), bot.IsSeparator)
		home, err := s.st.MemberHomeOf(c, m.ID)
		if err != nil && !store.IsNotFound(err) {
			return err
		}
		// Only the contact's name written: the organization is the one on record.
		if len(words) == 1 && home.Org != "" && !looksLikeOrg(words[0]) {
			org, name, ok = home.Org, words[0], true
		}
	}
	if !ok {
		return bot.Reject("请写上流出地党组织的全称和联系人，例如：邀请流出地 %s 江苏省苏州市吴中区XX党委 张书记 13800000000", m.Name)
	}
	return s.invite(c, m, store.ContactHome, org, name, phone)
}

// invite links the member to the contact (created when new) and gives the secretary a binding
// code for him, or tells a contact bound already.
func (s *Service) invite(c *bot.Context, m store.Member, side, org, name, phone string) error {
	today := s.today(c)
	region := Region(org)
	oc := store.OrgContact{Side: side, Org: org, Name: name, ProvinceCode: region.ProvinceCode, CityCode: region.CityCode,
		CountyCode: region.CountyCode, CreatedBy: &c.Identity.MemberID}
	if phone != "" {
		oc.PhoneEnc = s.box.Seal(phone)
	}
	var bound bool
	var ids []int64
	err := s.st.InTx(c, func(tx *store.Store) error {
		if err := tx.EnsureOrgContact(c, &oc); err != nil {
			return err
		}
		if side == store.ContactHome {
			h, err := tx.MemberHomeOf(c, m.ID)
			if err != nil && !store.IsNotFound(err) {
				return err
			}
			if h.Org != org {
				h = store.MemberHome{MemberID: m.ID, Org: org, ProvinceCode: region.ProvinceCode, CityCode: region.CityCode,
					CountyCode: region.CountyCode}
				if _, err := tx.SaveMemberHome(c, h); err != nil {
					return err
				}
			}
		}
		if _, err := tx.LinkContact(c, oc.ID, m.ID, today, &c.Identity.MemberID); err != nil {
			return err
		}
		links, err := tx.ContactsOfMember(c, m.ID, side)
		if err != nil {
			return err
		}
		for _, l := range links {
			if l.ID == oc.ID {
				bound = l.Bound
			}
		}
		if err := audit(c, tx, m.ID, "contact.invite", map[string]any{"contact": oc.ID, "side": side, "org": org,
			"name": name, "phone": phone != ""}); err != nil {
			return err
		}
		if !bound {
			return nil
		}
		text, err := s.newsFor(c, tx, oc, m, today)
		if err != nil {
			return err
		}
		id, err := notify.Enqueue(c, tx, notify.Message{Kind: "contact.member", Period: fmt.Sprintf("m%d@%s", m.ID, today.Format(time.DateOnly)),
			ContactID: oc.ID, Text: text})
		if id != 0 {
			ids = append(ids, id)
		}
		return err
	})
	if err != nil {
		return err
	}
	c.Notified(ids...)
	role := "流入地党组织"
	can := "会收到%s的到达和活动证情况，可以确认%s在当地参加的组织生活、登记在当地收缴的党费、反馈%s的现实表现；对方办理的每件事都会告诉您"
	can = fmt.Sprintf(can, m.Name, m.Name, m.Name)
	if side == store.ContactHome {
		role = "流出地党组织"
		can = fmt.Sprintf("会直接收到%s在本地的到达登记、组织生活和失联等情况（未绑定时这些情况列在您的每周汇总中，请您转告）", m.Name)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "已登记%s的%s：%s。", s.memberRef(m), role, s.ContactLine(oc, true))
	// A code every time: one bound already may have changed his chat account (a WeChat
	// re-login does not re-resolve contacts).
	code, err := s.binding.IssueContactCode(c, oc.ID, fmt.Sprintf("member:%d", c.Identity.MemberID), c.Now())
	if err != nil {
		return err
	}
	until := code.ExpiresAt.In(s.loc).Format("2006年1月2日15:04")
	if bound {
		fmt.Fprintf(&b, "\n%s已绑定本助手，已把%s的情况告诉对方。对方%s。对方看不到其他党员的信息。", name, m.Name, can)
		fmt.Fprintf(&b, "\n如果对方换了微信、收不到消息，请把新的绑定码告诉对方：%s（有效期至%s），发送“绑定 %s”即可。", code.Code, until, code.Code)
		c.Reply(b.String())
		return nil
	}
	fmt.Fprintf(&b, "\n请把绑定码告诉%s：%s（有效期至%s，只能使用一次）。请其添加本助手为微信好友，私聊发送“绑定 %s”。",
		name, code.Code, until, code.Code)
	fmt.Fprintf(&b, "\n绑定后，%s%s。对方看不到其他党员的信息。", name, can)
	c.Reply(b.String())
	return nil
}

// newsFor is what a contact is told of a member he now covers: for an inflow contact the
// member's arrival and certificate, for a home contact the member's registration here.
func (s *Service) newsFor(ctx context.Context, tx *store.Store, oc store.OrgContact, m store.Member, today time.Time) (string, error) {
	var b strings.Builder
	if oc.Side == store.ContactHome {
		fmt.Fprintf(&b, "【流入党员登记】贵组织的党员%s（%s，%d岁）在%s%s登记为流入党员，参加当地的组织生活。", m.Name, m.Gender,
			age(m.BirthDate, today), s.committee, m.BranchName)
		if h, err := tx.MemberHomeOf(ctx, m.ID); err == nil && h.RegisteredOn != nil {
			fmt.Fprintf(&b, "登记日期：%s。", date(*h.RegisteredOn))
		} else if err != nil && !store.IsNotFound(err) {
			return "", err
		}
		b.WriteString("其在本地参加组织生活、失联等情况，本助手会告诉您。")
		return b.String(), nil
	}
	fmt.Fprintf(&b, "【流动党员到达】%s党员%s（%s，%d岁）", s.committee+m.BranchName, m.Name, m.Gender, age(m.BirthDate, today))
	if d, err := tx.OpenDeparture(ctx, m.ID); err == nil {
		fmt.Fprintf(&b, "%s起外出", date(d.DepartedOn))
		if d.Place != "" {
			fmt.Fprintf(&b, "到%s", d.Place)
		}
		if d.Reason != "" && d.Reason != "其他" {
			fmt.Fprintf(&b, "（%s）", d.Reason)
		}
	} else if !store.IsNotFound(err) {
		return "", err
	}
	fmt.Fprintf(&b, "，已登记为贵组织联系的流动党员。")
	if cert, err := tx.CertificateInForce(ctx, m.ID); err == nil {
		fmt.Fprintf(&b, "持《流动党员活动证》：编号%s，%s发证。", cert.Number, date(cert.IssuedOn))
	} else if store.IsNotFound(err) {
		b.WriteString("尚未办理《流动党员活动证》。")
	} else {
		return "", err
	}
	fmt.Fprintf(&b, "请安排其参加贵组织的组织生活；参加后发送“确认活动 %s”确认，在当地收缴党费后发送“收党费 %s 月份 金额 流入地收缴”登记。", m.Name, m.Name)
	return b.String(), nil
}

// welcome answers a contact who has just bound: whom he covers, what he can do; the members'
// secretaries hear of it.
func (s *Service) welcome(c *bot.Context, oc store.OrgContact) error {
	ms, err := s.st.MembersOfContact(c, oc.ID)
	if err != nil {
		return err
	}
	today := s.today(c)
	role := "流入地联系人"
	if oc.Side == store.ContactHome {
		role = "流出地联系人"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "绑定成功！%s同志，您已作为%s的%s与本助手（%s）绑定。", oc.Name, oc.Org, role, s.committee)
	var ids []int64
	err = s.st.InTx(c, func(tx *store.Store) error {
		for _, m := range ms {
			text, err := s.newsFor(c, tx, oc, m, today)
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, "\n\n%s", text)
			id, err := TellHome(c, tx, m, "contact.bound", fmt.Sprintf("c%d:m%d", oc.ID, m.ID),
				fmt.Sprintf("【%s】%s已绑定本助手，联系%s。", role, s.ContactLine(oc, false), s.memberRef(m)))
			if err != nil {
				return err
			}
			if id != 0 {
				ids = append(ids, id)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	c.Notified(ids...)
	if oc.Side == store.ContactInflow {
		name := "张三"
		if len(ms) > 0 {
			name = ms[0].Name
		}
		fmt.Fprintf(&b, "\n\n您可以发送：\n· 确认活动 %[1]s — 确认其在贵组织参加的组织生活（不属实发送“驳回活动 %[1]s 日期 原因”）\n"+
			"· 收党费 %[1]s 2026年12月 40 流入地收缴 — 登记在贵组织收缴的党费\n· 表现 %[1]s 工作积极，按时参加组织生活 — 反馈其现实表现（每半年一次）\n", name)
	} else {
		b.WriteString("\n")
	}
	b.WriteString("您只能查看和办理与贵组织有关的党员的事项；您办理的事都会告知其所在党支部。")
	c.Reply(b.String())
	return nil
}

// assess handles 表现 张三 <text>: the inflow organization's assessment, kept in the member's
// archive and told to his secretary.
func (s *Service) assess(c *bot.Context) error {
	m, rest, err := member.Find(c, s.st, c.Identity, "表现", c.Args)
	if err != nil {
		return err
	}
	text := strings.TrimFunc(rest, bot.IsSeparator)
	if text == "" {
		return bot.Reject("请写上%s的现实表现，例如：表现 %s 工作积极，按时参加组织生活", m.Name, m.Name)
	}
	now := c.Now().In(s.loc)
	period := HalfYear(now)
	a := &store.InflowAssessment{MemberID: m.ID, ContactID: c.Identity.Contact.ID, Period: period, Text: text, RecordedAt: now}
	if c.InboundID != 0 {
		a.InboundID = &c.InboundID
	}
	var ids []int64
	err = s.st.InTx(c, func(tx *store.Store) error {
		if err := tx.InsertInflowAssessment(c, a); err != nil {
			return err
		}
		if err := audit(c, tx, m.ID, "contact.assessment", map[string]any{"assessment": a.ID, "period": period}); err != nil {
			return err
		}
		ids, err = TellSecretaries(c, tx, m, "contact.assessment", fmt.Sprintf("a%d", a.ID),
			fmt.Sprintf("【流入地反馈】%s反馈%s（%s）的现实表现：%s\n已存入档案，发送“查 %s”可查看。",
				contactRef(c.Identity), m.Name, halfYearLabel(period), text, m.Name))
		return err
	})
	if err != nil {
		return err
	}
	c.Notified(ids...)
	c.Replyf("已收到您对%s（%s）现实表现的反馈，已存入其档案并告知其党支部。谢谢！", s.memberRef(m), halfYearLabel(period))
	return nil
}

// contactRef names the sending contact for a secretary: 深圳市南山区粤海街道党工委李书记（流入地联系人）.
func contactRef(id *bot.Identity) string {
	return fmt.Sprintf("%s%s（%s）", id.Contact.Org, id.Contact.Name, id.Contact.Role())
}

// ContactRef names the sending contact for a secretary (for the other domains' notices).
func ContactRef(id *bot.Identity) string { return contactRef(id) }
