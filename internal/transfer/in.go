package transfer

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"liudong/bot"
	"liudong/internal/contact"
	"liudong/internal/member"
	"liudong/internal/parse"
	"liudong/internal/roster"
	"liudong/internal/store"
)

// flowIn asks a secretary receiving a member (转入) for the roster's required fields that the
// command did not give, one at a time.
const (
	flowIn    = "transfer-in"
	flowInTTL = time.Hour
)

// Steps of flowIn, in the order asked.
const (
	stepGender    = "gender"
	stepBirth     = "birth"
	stepEducation = "education"
	stepBranch    = "branch"
)

// incoming is a member being received, as far as known.
type incoming struct {
	Name       string `json:"name"`
	Org        string `json:"org"`
	Number     string `json:"number"`
	Gender     string `json:"gender,omitempty"`
	Birth      string `json:"birth,omitempty"` // 1990-05-01
	Education  string `json:"education,omitempty"`
	Phone      string `json:"phone,omitempty"`
	BranchID   int64  `json:"branch_id,omitempty"`
	BranchName string `json:"branch_name,omitempty"`
	// Branches are the choices when the secretary has several.
	Branches []store.OrgUnit `json:"branches,omitempty"`
	Tries    int             `json:"tries,omitempty"`
}

const inExample = "转入 王五 来自 江苏省苏州市吴中区XX党委 介绍信号 苏〔2026〕123"

// numberLabels introduce the letter's number, longest first.
var numberLabels = []string{"介绍信编号", "介绍信号", "介绍信", "信号", "编号"}

// parseIncoming reads 转入's arguments: name, 来自 organization, 介绍信号 number, then any of
// 性别, 出生日期, 学历, 手机号码 and a branch name.
func parseIncoming(args string) (incoming, []string, error) {
	var in incoming
	name, rest := parse.SplitName(args)
	name = strings.TrimSuffix(name, "来自")
	if name == "" || looksLikeLabel(name) {
		return in, nil, bot.Reject("请写上转入党员的姓名、原党组织和介绍信编号，例如：%s", inExample)
	}
	in.Name = name
	rest = strings.TrimFunc(rest, bot.IsSeparator)
	for _, p := range []string{"来自", "从"} {
		rest = strings.TrimFunc(strings.TrimPrefix(rest, p), bot.IsSeparator)
	}
	idx, label := -1, ""
	for _, l := range numberLabels {
		if i := strings.Index(rest, l); i >= 0 && (idx < 0 || i < idx) {
			idx, label = i, l
		}
	}
	if idx < 0 {
		return in, nil, bot.Reject("请写上介绍信编号，例如：%s", inExample)
	}
	in.Org = strings.TrimFunc(rest[:idx], bot.IsSeparator)
	after := strings.TrimLeftFunc(rest[idx+len(label):], func(r rune) bool { return bot.IsSeparator(r) || r == '为' || r == '是' })
	fields := strings.FieldsFunc(after, bot.IsSpace)
	if len(fields) == 0 {
		return in, nil, bot.Reject("请写上介绍信编号，例如：%s", inExample)
	}
	in.Number = strings.TrimRightFunc(fields[0], bot.IsSeparator)
	if in.Org == "" {
		return in, nil, bot.Reject("请写上原党组织（开具介绍信的党组织）全称，例如：%s", inExample)
	}
	if utf8.RuneCountInString(in.Org) > 80 || utf8.RuneCountInString(in.Number) > 40 {
		return in, nil, bot.Reject("原党组织或介绍信编号太长，请核对。例如：%s", inExample)
	}
	return in, fields[1:], nil
}

func looksLikeLabel(s string) bool {
	return strings.HasPrefix(s, "来自") || strings.HasPrefix(s, "介绍信")
}

// take reads one word of a member's particulars into in; false when it is none of them.
func (in *incoming) take(word string, today time.Time, branches []store.OrgUnit) bool {
	word = strings.TrimFunc(word, bot.IsSeparator)
	if g, ok := roster.ParseGender(word); ok {
		in.Gender = g
		return true
	}
	if e, ok := roster.ParseEducation(word); ok {
		in.Education = e
		return true
	}
	if p, ok := roster.ParsePhone(word); ok {
		in.Phone = p
		return true
	}
	if d, err := roster.ParseBirthDate(word, today); err == nil {
		in.Birth = d.Format(time.DateOnly)
		return true
	}
	for _, b := range branches {
		if b.Name == word {
			in.BranchID, in.BranchName = b.ID, b.Name
			return true
		}
	}
	return false
}

// branchesOf lists the branches within the secretary's org units, in tree order.
func (s *Service) branchesOf(c *bot.Context) ([]store.OrgUnit, error) {
	var out []store.OrgUnit
	seen := map[int64]bool{}
	for _, u := range member.Scope(c.Identity) {
		units, err := s.st.OrgUnitsUnder(c, u)
		if err != nil {
			return nil, err
		}
		for _, x := range units {
			if x.Kind == store.KindBranch && !seen[x.ID] {
				seen[x.ID] = true
				out = append(out, x)
			}
		}
	}
	return out, nil
}

// receive handles 转入 王五 来自 <org> 介绍信号 <no> [particulars].
func (s *Service) receive(c *bot.Context) error {
	in, words, err := parseIncoming(c.Args)
	if err != nil {
		return err
	}
	branches, err := s.branchesOf(c)
	if err != nil {
		return err
	}
	if len(branches) == 0 {
		return bot.Reject("您管理的党组织下没有党支部，无法登记转入。")
	}
	if len(branches) == 1 {
		in.BranchID, in.BranchName = branches[0].ID, branches[0].Name
	} else {
		in.Branches = branches
	}
	today := s.today(c)
	for _, w := range words {
		if !in.take(w, today, branches) {
			return bot.Reject("没有看懂“%s”。转入时可以接着写性别、出生日期、学历和手机号，例如：%s 男 1990年5月1日 大专", w, inExample)
		}
	}
	return s.next(c, in)
}

// next asks for the first missing field, or receives the member when none is missing.
func (s *Service) next(c *bot.Context, in incoming) error {
	var step, question string
	switch {
	case in.Gender == "":
		step, question = stepGender, fmt.Sprintf("请回复%s的性别：男 或 女", in.Name)
	case in.Birth == "":
		step, question = stepBirth, fmt.Sprintf("请回复%s的出生日期，例如：1990年5月1日", in.Name)
	case in.Education == "":
		step, question = stepEducation, fmt.Sprintf("请回复%s的学历：研究生、大学本科、大学专科、中专、高中或初中及以下", in.Name)
	case in.BranchID == 0:
		var b strings.Builder
		fmt.Fprintf(&b, "%s转入哪个党支部？请回复序号或支部名称：", in.Name)
		for i, u := range in.Branches {
			fmt.Fprintf(&b, "\n%d. %s", i+1, u.Name)
		}
		step, question = stepBranch, b.String()
	default:
		if err := c.EndFlow(); err != nil {
			return err
		}
		return s.admit(c, in)
	}
	if err := c.StartFlowTTL(flowIn, step, in, flowInTTL); err != nil {
		return err
	}
	c.Reply(question + "\n（回复“取消”放弃本次转入登记）")
	return nil
}

// receiveFlow reads the answer to one question of flowIn.
func (s *Service) receiveFlow(c *bot.Context) error {
	st, _, err := c.Flow()
	if err != nil {
		return err
	}
	var in incoming
	if err := st.Decode(&in); err != nil {
		c.EndFlow()
		return bot.ErrPass
	}
	text := strings.TrimFunc(bot.FoldString(c.Text), func(r rune) bool { return bot.IsSeparator(r) || strings.ContainsRune("。.!！", r) })
	switch {
	case text == "取消" || text == "算了":
		if err := c.EndFlow(); err != nil {
			return err
		}
		c.Replyf("好的，%s的转入登记已取消，没有保存。需要时请重新发送：%s", in.Name, inExample)
		return nil
	case c.Cmd != nil:
		// Another command: handled, and the question waits for its answer.
		return bot.ErrPass
	}
	ok := false
	switch st.Step {
	case stepGender:
		in.Gender, ok = roster.ParseGender(text)
	case stepBirth:
		if d, err := roster.ParseBirthDate(text, s.today(c)); err == nil {
			in.Birth, ok = d.Format(time.DateOnly), true
		}
	case stepEducation:
		in.Education, ok = roster.ParseEducation(text)
	case stepBranch:
		if n, err := strconv.Atoi(text); err == nil && n >= 1 && n <= len(in.Branches) {
			in.BranchID, in.BranchName, ok = in.Branches[n-1].ID, in.Branches[n-1].Name, true
		}
		for _, u := range in.Branches {
			if u.Name == text {
				in.BranchID, in.BranchName, ok = u.ID, u.Name, true
			}
		}
	}
	if !ok {
		in.Tries++
		if in.Tries >= 3 {
			if err := c.EndFlow(); err != nil {
				return err
			}
			c.Replyf("还是没有看懂，%s的转入登记已取消。请重新发送，并把信息写全，例如：%s 男 1990年5月1日 大专", in.Name, inExample)
			return nil
		}
		c.Replyf("没有看懂“%s”。", text)
		return s.next(c, in)
	}
	in.Tries = 0
	return s.next(c, in)
}

// admit creates the member in the branch, records the letter received and reminds the
// secretary to return the receipt.
func (s *Service) admit(c *bot.Context, in incoming) error {
	today := s.today(c)
	birth, err := time.Parse(time.DateOnly, in.Birth)
	if err != nil {
		return err
	}
	region := contact.Region(in.Org)
	var m store.Member
	var t store.Transfer
	revived := false
	err = s.st.InTx(c, func(tx *store.Store) error {
		old, err := tx.MemberByRosterKey(c, in.Name, in.BranchID, birth)
		switch {
		case err == nil && old.TransferredOutOn == nil:
			return bot.Reject("%s（%s，%s生）已在%s的名册中，不能重复转入。", in.Name, in.Gender, date(birth), in.BranchName)
		case err == nil:
			// Transferred out once and back: the same record, present again.
			if err := tx.ReadmitMember(c, old.ID, today); err != nil {
				return err
			}
			m, revived = old, true
		case store.IsNotFound(err):
			m = store.Member{BranchID: in.BranchID, Name: in.Name, Gender: in.Gender, BirthDate: birth, Education: in.Education,
				TransferredInOn: &today}
			if in.Phone != "" {
				m.PhoneEnc = s.box.Seal(in.Phone)
			}
			if err := tx.InsertMember(c, &m); err != nil {
				return err
			}
			m.BranchName = in.BranchName
		default:
			return err
		}
		t = store.Transfer{MemberID: m.ID, Direction: store.TransferIn, Number: in.Number, Org: in.Org,
			ProvinceCode: region.ProvinceCode, CityCode: region.CityCode, CountyCode: region.CountyCode, IssuedOn: today,
			IssuedBy: &c.Identity.MemberID}
		if c.InboundID != 0 {
			t.InboundID = &c.InboundID
		}
		if err := tx.InsertTransfer(c, &t); err != nil {
			return err
		}
		action := "member.create"
		if revived {
			action = "member.readmit"
		}
		if err := audit(c, tx, m.ID, action, map[string]any{"source": "transfer", "transfer": t.ID, "branch": in.BranchName}); err != nil {
			return err
		}
		return audit(c, tx, m.ID, "transfer.in", map[string]any{"transfer": t.ID, "number": in.Number, "org": in.Org,
			"received_on": today.Format(time.DateOnly)})
	})
	if err != nil {
		return err
	}
	due := s.cfg.Receipt.After(today)
	var b strings.Builder
	fmt.Fprintf(&b, "已登记转入：%s（%s，%s生，%s）编入%s，自%s起计入本支部党员。\n", in.Name, in.Gender, date(birth), in.Education,
		in.BranchName, date(today))
	fmt.Fprintf(&b, "介绍信：%s开具，编号%s，已存档。\n", in.Org, in.Number)
	fmt.Fprintf(&b, "请在%s前把回执寄回%s；寄回后发送“已回执 %s”。寄回前每周汇总都会提醒您。\n", date(due), in.Org, in.Name)
	fmt.Fprintf(&b, "为%s生成绑定码请发送：邀请码 %s", in.Name, in.Name)
	c.Reply(b.String())
	return nil
}

// receiptReturned handles 已回执 王五 [date]: our receipt for the member received went back.
func (s *Service) receiptReturned(c *bot.Context) error {
	m, rest, err := member.Find(c, s.st, c.Identity, "已回执", c.Args)
	if err != nil {
		return err
	}
	t, err := s.st.LatestTransfer(c, m.ID, store.TransferIn)
	switch {
	case store.IsNotFound(err):
		return bot.Reject("%s不是转入的党员，没有待寄回的回执。转入登记请发送：%s", memberRef(m), inExample)
	case err != nil:
		return err
	case t.Status == store.TransferReceived:
		return bot.Reject("%s的回执已于%s登记寄回。", memberRef(m), date(*t.ReceivedOn))
	}
	on, _, err := s.dateArg(c, rest, "已回执 "+m.Name+" 12月1日")
	if err != nil {
		return err
	}
	if on.Before(day(t.IssuedOn, s.loc)) {
		return bot.Reject("寄回日期%s早于转入日期%s，请核对。", date(on), date(t.IssuedOn))
	}
	err = s.st.InTx(c, func(tx *store.Store) error {
		ok, err := tx.ReturnTransferReceipt(c, t.ID, on, c.Identity.MemberID)
		if err != nil || !ok {
			return err
		}
		return audit(c, tx, m.ID, "transfer.receipt_returned", map[string]any{"transfer": t.ID, "number": t.Number,
			"returned_on": on.Format(time.DateOnly)})
	})
	if err != nil {
		return err
	}
	c.Replyf("已登记：%s的回执已于%s寄回%s（介绍信编号%s），不再提醒。", memberRef(m), date(on), t.Org, t.Number)
	return nil
}
