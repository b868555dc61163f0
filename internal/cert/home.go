package cert

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"liudong/bot"
	"liudong/internal/contact"
	"liudong/internal/parse"
	"liudong/internal/secret"
	"liudong/internal/store"
)

// A 流入 member's relationship, and his certificate, are held by his home organization (流出地
// 党组织): the inflow registration here records that organization, its contact and the
// certificate's number, and his 活动证 answer says where it comes from.

const homeExample = "流入登记 王五 11月20日 来自江苏省苏州市吴中区XX党委 联系人张书记 13800000000 活动证号3205060001"

var certNumberPattern = regexp.MustCompile(`(?:活动证编号|活动证号|活动证|证号)[:：]?\s*([0-9A-Za-z〔〕()（）\-]+)`)

// parseHome reads what follows the name and date of 流入登记 for a 流入 member: the home
// organization (来自…), a contact (联系人…) with a phone, the certificate number (活动证号…),
// each optional.
func parseHome(rest string) (org, contactName, phone, number string) {
	text := parse.Normalize(strings.ToValidUTF8(rest, ""))
	if loc := certNumberPattern.FindStringSubmatchIndex(text); loc != nil {
		number = text[loc[2]:loc[3]]
		text = text[:loc[0]] + " " + text[loc[1]:]
	}
	if loc := phonePattern.FindStringSubmatchIndex(text); loc != nil {
		phone = text[loc[2]:loc[3]]
		text = text[:loc[0]] + " " + text[loc[1]:]
	}
	text = strings.NewReplacer("电话", " ", "手机", " ").Replace(text)
	before, after, found := strings.Cut(text, "联系人")
	if found {
		contactName = strings.Join(strings.FieldsFunc(after, bot.IsSeparator), "")
	}
	org = strings.Join(strings.FieldsFunc(before, bot.IsSeparator), "")
	for _, p := range []string{"来自", "流出地党组织", "流出地", "原党组织"} {
		org = strings.TrimPrefix(org, p)
	}
	return org, contactName, phone, number
}

// registerHome handles 流入登记 for a 流入 member of the sender's own org units: his home
// organization, its contact and his certificate are recorded, and the home organization hears
// of his arrival (its contact when bound, else through the secretary's digest).
func (s *Service) registerHome(c *bot.Context, m store.Member, rest string) error {
	if !s.within(c, m) {
		// As for any name outside the sender's org units.
		return bot.Reject("在您管理的党组织中没有找到党员“%s”，请检查姓名。", m.Name)
	}
	on, rest, err := s.dateArg(c, rest, homeExample)
	if err != nil {
		return err
	}
	org, contactName, phone, number := parseHome(rest)
	home, err := s.st.MemberHomeOf(c, m.ID)
	if err != nil && !store.IsNotFound(err) {
		return err
	}
	if org == "" {
		org = home.Org
	}
	if org == "" {
		return bot.Reject("请写上%s的流出地党组织（组织关系所在党组织）全称，例如：%s", m.Name, homeExample)
	}
	region := contact.Region(org)
	h := store.MemberHome{MemberID: m.ID, Org: org, ProvinceCode: region.ProvinceCode, CityCode: region.CityCode,
		CountyCode: region.CountyCode, CertificateNumber: number, RegisteredOn: &on}
	var ids []int64
	var oc store.OrgContact
	bound := false
	err = s.st.InTx(c, func(tx *store.Store) error {
		if _, err := tx.SaveMemberHome(c, h); err != nil {
			return err
		}
		if contactName != "" {
			oc = store.OrgContact{Side: store.ContactHome, Org: org, Name: contactName, ProvinceCode: region.ProvinceCode,
				CityCode: region.CityCode, CountyCode: region.CountyCode, CreatedBy: &c.Identity.MemberID}
			if phone != "" {
				oc.PhoneEnc = s.box.Seal(phone)
			}
			if err := tx.EnsureOrgContact(c, &oc); err != nil {
				return err
			}
			if _, err := tx.LinkContact(c, oc.ID, m.ID, on, &c.Identity.MemberID); err != nil {
				return err
			}
		}
		links, err := tx.ContactsOfMember(c, m.ID, store.ContactHome)
		if err != nil {
			return err
		}
		for _, l := range links {
			bound = bound || l.Bound
		}
		if err := s.audit(c, tx, m.ID, "member.home", map[string]any{"org": org, "contact": contactName, "phone": phone != "",
			"certificate": number, "registered_on": on.Format(time.DateOnly)}); err != nil {
			return err
		}
		text := fmt.Sprintf("【流入党员登记】贵组织党员%s（%s）于%s在%s%s登记为流入党员，参加当地的组织生活。", m.Name, m.Gender,
			FormatDate(on), s.issuer, m.BranchName)
		if number != "" {
			text += "所持《流动党员活动证》编号" + number + "。"
		}
		ids, err = contact.HomeNotice(c, tx, m, "inflow.arrival", on.Format(time.DateOnly), text, c.Now())
		return err
	})
	if err != nil {
		return err
	}
	c.Notified(ids...)
	var b strings.Builder
	fmt.Fprintf(&b, "已登记流入党员%s：流出地党组织%s", memberRef(m), org)
	if contactName != "" {
		fmt.Fprintf(&b, "，联系人%s", contactText(contactName, phone))
	}
	if number != "" {
		fmt.Fprintf(&b, "，活动证编号%s", number)
	}
	fmt.Fprintf(&b, "，%s接收。", FormatDate(on))
	switch {
	case bound:
		b.WriteString("已通知流出地党组织的联系人。")
	case contactName != "":
		fmt.Fprintf(&b, "流出地联系人尚未绑定本助手：这条消息已列入您的每周汇总，请转告；邀请其绑定请发送“邀请流出地 %s”。", m.Name)
	default:
		fmt.Fprintf(&b, "流出地党组织的联系人未登记：这条消息已列入您的每周汇总，请转告。登记联系人：流入登记 %s 联系人XX 电话", m.Name)
	}
	c.Reply(b.String())
	return nil
}

// within reports whether the member is in the sender's org units.
func (s *Service) within(c *bot.Context, m store.Member) bool {
	branch, err := s.st.OrgUnitByID(c, m.BranchID)
	if err != nil {
		return false
	}
	for _, u := range c.Identity.SecretaryOf {
		if strings.HasPrefix(branch.Path, u.Path) {
			return true
		}
	}
	return false
}

// showHome answers 活动证 for a 流入 member: his certificate comes from his home organization.
func (s *Service) showHome(c *bot.Context, me store.Member) error {
	home, err := s.st.MemberHomeOf(c, me.ID)
	if store.IsNotFound(err) {
		c.Replyf("您是在%s登记的流入党员，组织关系在流出地党组织。《流动党员活动证》由流出地党组织发放和年审，办理、年审或补办请联系流出地党组织；"+
			"本支部还没有登记您的流出地党组织，请告诉%s书记，以便双方联系。", me.BranchName, me.BranchName)
		return nil
	}
	if err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "您是在%s登记的流入党员，组织关系在%s。\n", me.BranchName, home.Org)
	if home.CertificateNumber != "" {
		fmt.Fprintf(&b, "《流动党员活动证》：编号%s，由%s发放和年审，请随身携带。\n", home.CertificateNumber, home.Org)
	} else {
		fmt.Fprintf(&b, "《流动党员活动证》由%s发放和年审；本支部尚未登记您的证件编号，请把活动证给%s书记看一下。\n", home.Org, me.BranchName)
	}
	if home.RegisteredOn != nil {
		fmt.Fprintf(&b, "本地登记：%s在%s登记。\n", FormatDate(*home.RegisteredOn), me.BranchName)
	}
	links, err := s.st.ContactsOfMember(c, me.ID, store.ContactHome)
	if err != nil {
		return err
	}
	if len(links) > 0 && links[0].Name != "" {
		phone := ""
		if len(links[0].PhoneEnc) > 0 {
			if p, err := s.box.Open(links[0].PhoneEnc); err == nil {
				phone = secret.MaskPhone(p)
			}
		}
		fmt.Fprintf(&b, "流出地联系人：%s %s\n", links[0].Name, phone)
	}
	fmt.Fprintf(&b, "年审、补办或交回请联系%s；在本地参加组织生活、交纳党费请联系%s书记。", home.Org, me.BranchName)
	c.Reply(strings.TrimSpace(b.String()))
	return nil
}
