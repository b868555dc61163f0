package collect

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"liudong/bot"
	"liudong/internal/dues"
	"liudong/internal/member"
	"liudong/internal/notify"
	"liudong/internal/store"
)

// Register adds the dues commands: 党费 for members (and 党费 张三 for secretaries), and the
// secretary's 收党费, 党费未交, 核定党费, 减免, 撤销减免, 冲正.
func Register(r *bot.Router, st *store.Store, s *Service) {
	h := handlers{st: st, s: s}
	r.Add(bot.Command{
		Name: "党费", Aliases: []string{"我的党费", "查党费"}, Audience: bot.Members, Scope: bot.Anywhere,
		Usage: "党费", Summary: "每月党费标准及依据、已缴至哪个月、欠缴（书记可发“党费 张三”）",
		Handler: h.show,
	})
	r.Add(bot.Command{
		Name: "收党费", Aliases: []string{"收缴党费", "党费收缴"}, Audience: bot.Secretaries, Contacts: true, Scope: bot.Anywhere, Audit: true,
		Usage:        "收党费 张三 2026年11月 40",
		ContactUsage: "收党费 张三 2026年12月 40 流入地收缴",
		Summary:      "登记党员缴纳党费（月份可写2026年10月-12月或3个月；在流入地缴纳的加“流入地收缴”）",
		Handler:      h.collect,
	})
	r.Add(bot.Command{
		Name: "党费未交", Aliases: []string{"党费欠缴", "欠缴党费", "未交党费"}, Audience: bot.Secretaries, Scope: bot.Anywhere, Audit: true,
		Usage: "党费未交", Summary: "本组织欠缴党费的党员，按欠缴月数分组",
		Handler: h.unpaid,
	})
	r.Add(bot.Command{
		Name: "核定党费", Aliases: []string{"党费核定"}, Audience: bot.Secretaries, Scope: bot.Anywhere, Audit: true,
		Usage: "核定党费 张三 在职 月收入5200", Summary: "重新核定党员每月党费（收入变化时），可加“自2026年9月”",
		Handler: h.reassess,
	})
	r.Add(bot.Command{
		Name: "减免", Aliases: []string{"党费减免"}, Audience: bot.Secretaries, Scope: bot.Anywhere, Audit: true,
		Usage:   "减免 张三 2026年11月-2027年4月 免交 生活困难 镇党委批准",
		Summary: "登记经上级党组织批准的党费免交或减交（减交写“减交每月5元”）",
		Handler: h.exempt,
	})
	r.Add(bot.Command{
		Name: "撤销减免", Audience: bot.Secretaries, Scope: bot.Anywhere, Audit: true,
		Usage: "撤销减免 张三 2026年11月 期间录错", Summary: "撤销录错的党费减免",
		Handler: h.revoke,
	})
	r.Add(bot.Command{
		Name: "冲正", Aliases: []string{"党费冲正"}, Audience: bot.Secretaries, Scope: bot.Anywhere, Audit: true,
		Usage: "冲正 张三 #12 金额录错", Summary: "冲销录错的缴费记录（也可写月份：冲正 张三 2026年11月 重复登记）",
		Handler: h.reverse,
	})
}

type handlers struct {
	st *store.Store
	s  *Service
}

func actorOf(c *bot.Context) Actor {
	if id := c.Identity; id.IsContact() {
		return Actor{ContactID: id.Contact.ID, Name: id.Contact.Org + id.Contact.Name, InboundID: c.InboundID}
	}
	return Actor{MemberID: c.Identity.MemberID, Name: c.Identity.Name, InboundID: c.InboundID}
}

// userError turns a refusal into the router's reply; other errors stay errors.
func userError(err error) error {
	if text, ok := AsRefusal(err); ok {
		return bot.Reject("%s", text)
	}
	return err
}

func (h handlers) show(c *bot.Context) error {
	today := h.s.Month(c.Now())
	if strings.TrimSpace(c.Args) == "" {
		if c.Msg.InGroup() {
			return bot.Reject("个人党费情况请私聊我发送“党费”查询。")
		}
		a, err := h.s.Account(c, c.Identity.MemberID, today)
		if err != nil {
			return userError(err)
		}
		text, err := describe(a, today, false, h.s.loc)
		if err != nil {
			return err
		}
		c.Reply(text)
		return nil
	}
	if !c.Identity.IsSecretary() {
		return bot.Reject("查看他人的党费仅限党支部书记。查看自己的党费请只发送“党费”。")
	}
	m, _, err := member.Find(c, h.st, c.Identity, "党费", c.Args)
	if err != nil {
		return err
	}
	a, err := h.s.Account(c, m.ID, today)
	if err != nil {
		return userError(err)
	}
	text, err := describe(a, today, true, h.s.loc)
	if err != nil {
		return err
	}
	// A secretary reading a member's record is audited like every secretary command.
	actor := c.Identity.MemberID
	var inbound *int64
	if c.InboundID != 0 {
		inbound = &c.InboundID
	}
	if err := h.st.Audit(c, store.AuditEntry{Actor: actorOf(c).label(), ActorMemberID: &actor, Action: "command:党费",
		OrgUnitID: &m.BranchID, TargetMemberID: &m.ID, InboundID: inbound}, map[string]any{"args": c.Args}); err != nil {
		return err
	}
	c.Reply(text)
	return nil
}

func (h handlers) collect(c *bot.Context) error {
	m, rest, err := member.Find(c, h.st, c.Identity, "收党费", c.Args)
	if err != nil {
		return err
	}
	args, err := parsePayment(rest)
	if err != nil {
		return bot.Reject("%s", err)
	}
	in := PaymentInput{Months: args.Months, Amount: args.Amount, Inflow: args.Inflow, PlaceName: args.PlaceName, Note: args.Note, PaidAt: c.Now()}
	if id := c.Identity; id.IsContact() {
		// An inflow contact records what was collected at his organization, and the member's
		// home secretary hears of it.
		in.Inflow, in.PlaceName = true, id.Contact.Org
		in.Also = func(ctx context.Context, tx *store.Store, p store.DuesPayment) ([]int64, error) {
			n, err := notify.Enqueue(ctx, tx, notify.Message{Kind: "dues.payment.contact", Period: fmt.Sprintf("payment:%d", p.ID),
				OrgUnitID: m.BranchID, Text: fmt.Sprintf("【流入地收缴党费】%s%s（%s）登记：%s在当地交纳%s党费%s（记录#%d）。",
					id.Contact.Org, id.Contact.Name, id.Contact.Role(), m.Name, dues.FormatMonths(p.From, p.To), p.Amount, p.ID)})
			if err != nil || n == 0 {
				return nil, err
			}
			return []int64{n}, nil
		}
	} else if in.Inflow && in.PlaceName == "" {
		// Collected at the inflow organization the member is registered with, when there is one.
		links, err := h.st.ContactsOfMember(c, m.ID, store.ContactInflow)
		if err != nil {
			return err
		}
		if len(links) > 0 {
			in.PlaceName = links[0].Org
		}
	}
	res, err := h.s.RecordPayment(c, actorOf(c), m.ID, in)
	if err != nil {
		return userError(err)
	}
	c.Notified(res.Notified...)
	p := res.Entry
	where := "本支部收缴"
	if p.Place == store.PaidAtInflow {
		where = "在流入地缴纳"
		if p.PlaceName != "" {
			where += "：" + p.PlaceName
		}
	}
	text := fmt.Sprintf("已登记%s的党费：%s，实收%s（%s，记录#%d）。\n%s%s", m.Name, dues.FormatMonths(p.From, p.To), p.Amount, where, p.ID, m.Name, standingLine(res.Status))
	if p.Override != "" {
		text += "\n超过" + fmt.Sprint(h.s.rules.Payment.MaxArrearsMonths) + "个月的补交，说明：" + p.Override
	}
	if c.Identity.IsContact() {
		text += "\n已告知本人及其所在党支部。"
	}
	c.Reply(text)
	return nil
}

func (h handlers) reassess(c *bot.Context) error {
	m, rest, err := member.Find(c, h.st, c.Identity, "核定党费", c.Args)
	if err != nil {
		return err
	}
	in, err := parseReassess(rest)
	if err != nil {
		return bot.Reject("%s", err)
	}
	in.Today = h.s.Month(c.Now())
	res, err := h.s.Reassess(c, actorOf(c), m.ID, in)
	if err != nil {
		return userError(err)
	}
	c.Notified(res.Notified...)
	text := fmt.Sprintf("已核定%s的党费：%s，自%s起执行。", m.Name, res.Assessment.Assessment().Explain(), res.Assessment.From)
	if res.Previous != nil && res.Previous.Monthly != res.Assessment.Monthly {
		text += fmt.Sprintf("（原为每月%s）", res.Previous.Monthly)
	}
	c.Reply(text)
	return nil
}

func (h handlers) exempt(c *bot.Context) error {
	m, rest, err := member.Find(c, h.st, c.Identity, "减免", c.Args)
	if err != nil {
		return err
	}
	e, err := parseExemption(rest, h.s.Month(c.Now()))
	if err != nil {
		return bot.Reject("%s。例如：减免 %s 2026年11月-2027年4月 免交 生活困难 镇党委批准", err, m.Name)
	}
	res, err := h.s.Exempt(c, actorOf(c), m.ID, e, c.Now())
	if err != nil {
		return userError(err)
	}
	c.Notified(res.Notified...)
	c.Replyf("已登记%s%s。\n%s%s", m.Name, res.Exemption.Exemption().Explain(), m.Name, standingLine(res.Status))
	return nil
}

func (h handlers) revoke(c *bot.Context) error {
	m, rest, err := member.Find(c, h.st, c.Identity, "撤销减免", c.Args)
	if err != nil {
		return err
	}
	ref, reason, err := parseRef(rest, false)
	if errors.Is(err, errNoRef) {
		return bot.Reject("请写明减免期间内的一个月份和撤销原因，例如：撤销减免 %s 2026年11月 期间录错", m.Name)
	}
	if err != nil {
		return bot.Reject("%s", err)
	}
	res, err := h.s.RevokeExemption(c, actorOf(c), m.ID, ref.Month, reason, c.Now())
	if err != nil {
		return userError(err)
	}
	c.Notified(res.Notified...)
	c.Replyf("已撤销%s的党费减免：%s。\n%s%s", m.Name, res.Exemption.Exemption().Explain(), m.Name, standingLine(res.Status))
	return nil
}

func (h handlers) reverse(c *bot.Context) error {
	m, rest, err := member.Find(c, h.st, c.Identity, "冲正", c.Args)
	if err != nil {
		return err
	}
	ref, reason, err := parseRef(rest, true)
	if errors.Is(err, errNoRef) {
		return bot.Reject("请写明要冲正的缴费记录编号或月份及原因，例如：冲正 %s #12 金额录错，或 冲正 %s 2026年11月 重复登记。发送“党费 %s”可查看记录编号。", m.Name, m.Name, m.Name)
	}
	if err != nil {
		return bot.Reject("%s", err)
	}
	res, err := h.s.Reverse(c, actorOf(c), m.ID, ref, reason, c.Now())
	if err != nil {
		return userError(err)
	}
	c.Notified(res.Notified...)
	o := res.Reversed
	c.Replyf("已冲正%s的缴费记录#%d（%s，%s），冲正记录#%d。\n%s%s如需重新登记，请再发“收党费”。",
		m.Name, o.ID, dues.FormatMonths(o.From, o.To), o.Amount, res.Entry.ID, m.Name, standingLine(res.Status))
	return nil
}

// maxNamesPerGroup bounds one line of 党费未交 in a large org unit.
const maxNamesPerGroup = 30

func (h handlers) unpaid(c *bot.Context) error {
	today := h.s.Month(c.Now())
	scope := member.Scope(c.Identity)
	rows, err := h.s.Standings(c, today, scope)
	if err != nil {
		return err
	}
	c.Reply(arrearsDigest(rows, today, scopeNames(scope)))
	return nil
}

func scopeNames(units []store.OrgUnit) string {
	names := make([]string, len(units))
	for i, u := range units {
		names[i] = u.Name
	}
	return strings.Join(names, "、")
}

// arrearsDigest lists who is in arrears, grouped by the number of months, most first.
func arrearsDigest(rows []store.DuesStanding, today dues.Month, scope string) string {
	branches := map[int64]bool{}
	var owing, unassessed []store.DuesStanding
	var total dues.Fen
	for _, r := range rows {
		branches[r.BranchID] = true
		switch {
		case !r.Assessed:
			unassessed = append(unassessed, r)
		case r.ArrearsMonths > 0:
			owing = append(owing, r)
			total += r.Owed
		}
	}
	label := func(r store.DuesStanding) string {
		if len(branches) > 1 {
			return r.Name + "（" + r.BranchName + "）"
		}
		return r.Name
	}
	var b strings.Builder
	if len(owing) == 0 {
		fmt.Fprintf(&b, "截至%s，%s的党员均无欠缴党费（本月不计）。", today.Add(-1), scope)
	} else {
		fmt.Fprintf(&b, "%s党费欠缴情况（截至%s，本月不计）：共%d人，合计%s。", scope, today.Add(-1), len(owing), total)
		slices.SortStableFunc(owing, func(x, y store.DuesStanding) int { return y.ArrearsMonths - x.ArrearsMonths })
		for i := 0; i < len(owing); {
			n := owing[i].ArrearsMonths
			j := i
			var sum dues.Fen
			for j < len(owing) && owing[j].ArrearsMonths == n {
				sum += owing[j].Owed
				j++
			}
			group := owing[i:j]
			fmt.Fprintf(&b, "\n欠缴%d个月（%d人，共%s）", n, len(group), sum)
			if n >= 6 {
				b.WriteString("【已满6个月，请及时了解情况】")
			}
			b.WriteString("：")
			for k, r := range group {
				if k == maxNamesPerGroup {
					fmt.Fprintf(&b, "……等%d人", len(group))
					break
				}
				if k > 0 {
					b.WriteString("、")
				}
				fmt.Fprintf(&b, "%s %s", label(r), r.Owed.Plain())
			}
			i = j
		}
	}
	if len(unassessed) > 0 {
		fmt.Fprintf(&b, "\n尚未核定党费标准%d人：", len(unassessed))
		for k, r := range unassessed {
			if k == maxNamesPerGroup {
				fmt.Fprintf(&b, "……等%d人", len(unassessed))
				break
			}
			if k > 0 {
				b.WriteString("、")
			}
			b.WriteString(label(r))
		}
		b.WriteString("（发送“核定党费 姓名 在职 月收入4000”核定）")
	}
	return b.String()
}

// describe renders a member's dues: the basis in one line, paid-through, arrears, this month,
// exemptions and the last payment; a secretary also sees the entries with their numbers.
func describe(a *Account, today dues.Month, secretary bool, loc *time.Location) (string, error) {
	m := a.Member
	var b strings.Builder
	if secretary {
		fmt.Fprintf(&b, "%s（%s）的党费：", m.Name, m.BranchName)
	} else {
		fmt.Fprintf(&b, "%s同志，您的党费：", m.Name)
	}
	if !a.Assessed() {
		if secretary {
			fmt.Fprintf(&b, "尚未核定党费标准（%s）。请发送：核定党费 %s 在职 月收入4000", a.Unassessed, m.Name)
		} else {
			fmt.Fprintf(&b, "尚未核定党费标准（%s），请联系支部书记核定。", a.Unassessed)
		}
		return b.String(), nil
	}
	cur := a.InForce(today)
	if cur == nil {
		cur = a.Latest()
	}
	b.WriteString(cur.Assessment().Explain())
	fmt.Fprintf(&b, "（%s起", cur.From)
	if secretary {
		switch cur.Reason {
		case store.AssessSecretary:
			b.WriteString("，书记核定")
		case store.AssessAnnual:
			b.WriteString("，年度核定")
		default:
			b.WriteString("，按花名册核定")
		}
		if cur.Note != "" {
			b.WriteString("：" + cur.Note)
		}
	}
	b.WriteString("）")
	st, err := a.Ledger.Status(today)
	if err != nil {
		return "", err
	}
	start, err := a.Ledger.StartMonth()
	if err != nil {
		return "", err
	}
	b.WriteString("\n")
	if st.PaidThrough.IsZero() {
		fmt.Fprintf(&b, "党费自%s起计，尚无连续缴纳的月份", start)
	} else {
		fmt.Fprintf(&b, "已缴至%s", st.PaidThrough)
	}
	if len(st.Arrears) > 0 {
		months := make([]dues.Month, len(st.Arrears))
		for i, d := range st.Arrears {
			months[i] = d.Month
		}
		fmt.Fprintf(&b, "；欠缴%d个月（%s），共%s。", len(st.Arrears), dues.FormatMonthList(months), st.Owed)
	} else {
		b.WriteString("；无欠缴。")
	}
	switch {
	case st.Current.Month.IsZero():
		fmt.Fprintf(&b, "\n党费自%s起计。", start)
	case st.Current.Due == 0:
		fmt.Fprintf(&b, "\n本月（%s）免交。", today)
	case st.CurrentSettled:
		fmt.Fprintf(&b, "\n本月（%s）应交%s，已交。", today, st.Current.Due)
	default:
		fmt.Fprintf(&b, "\n本月（%s）应交%s，尚未缴纳。", today, st.Current.Due)
	}
	for _, e := range sortedByFrom(a.LiveExemptions()) {
		if secretary || !e.To.Before(today) {
			b.WriteString("\n减免：" + e.Exemption().Explain())
		}
	}
	if secretary {
		entries := a.Payments
		if len(entries) > 0 {
			b.WriteString("\n缴费记录（最近在前）：")
		}
		for i, k := len(entries)-1, 0; i >= 0 && k < 8; i, k = i-1, k+1 {
			b.WriteString("\n" + entryLine(entries[i], loc))
		}
		if len(entries) > 8 {
			fmt.Fprintf(&b, "\n（共%d条，仅列最近8条）", len(entries))
		}
	} else if p, ok := lastLive(a.Payments); ok {
		fmt.Fprintf(&b, "\n最近一次缴费：%s登记，%s，%s。", p.PaidAt.In(loc).Format("2006年1月2日"), dues.FormatMonths(p.From, p.To), p.Amount)
	}
	if !secretary && len(st.Arrears) > 0 {
		b.WriteString("\n请尽快向党支部缴纳；如有困难，可向支部书记说明。")
	}
	return b.String(), nil
}

func lastLive(ps []store.DuesPayment) (store.DuesPayment, bool) {
	for i := len(ps) - 1; i >= 0; i-- {
		if ps[i].Reverses == nil && ps[i].ReversedBy == nil {
			return ps[i], true
		}
	}
	return store.DuesPayment{}, false
}

// entryLine is one ledger entry as a secretary sees it.
func entryLine(p store.DuesPayment, loc *time.Location) string {
	var b strings.Builder
	fmt.Fprintf(&b, "#%d %s %s %s", p.ID, dues.FormatMonths(p.From, p.To), p.Amount.Plain(), p.PaidAt.In(loc).Format("2006-01-02"))
	if p.RecorderName != "" {
		b.WriteString(" " + p.RecorderName + "登记")
	}
	if p.Place == store.PaidAtInflow {
		b.WriteString(" 流入地")
		if p.PlaceName != "" {
			b.WriteString("（" + p.PlaceName + "）")
		}
	}
	switch {
	case p.Reverses != nil:
		fmt.Fprintf(&b, " 冲正#%d：%s", *p.Reverses, p.Note)
	case p.ReversedBy != nil:
		fmt.Fprintf(&b, " 已被#%d冲正", *p.ReversedBy)
	case p.Note != "":
		b.WriteString(" 备注：" + p.Note)
	}
	return b.String()
}
