package report

import (
	"errors"
	"fmt"
	"strings"
	"unicode"

	"liudong/bot"
	"liudong/internal/parse"
	"liudong/internal/store"
)

// The report conversation. Its state lives in Redis (internal/session) for report.flow_ttl after
// the member's last answer: a restart continues it, an abandoned one expires and nothing of it
// is stored.
//
// Steps: "choose" (a report exists this period: 替换 / 补充 / 取消), one step per section
// ("思想", "工作", "生活", "学习"), then "confirm" (确认 stores). 取消 ends it at any step.
//
// Other messages while it runs: a shared location, and everything in group chats, are handled
// as usual; 帮助 and 我的汇报 are answered and the conversation goes on (with a reminder of
// where it stands); “汇报” alone repeats the current question; “汇报” followed by labelled
// sections fills those sections; any other command is not run: the member is told a report is
// in progress and how to continue or cancel it.
const (
	flowName    = "report"
	stepChoose  = "choose"
	stepConfirm = "confirm"
)

// flowData is the conversation's draft.
type flowData struct {
	Period  string              `json:"period"` // the period the conversation started in
	Mode    Mode                `json:"mode,omitempty"`
	Source  string              `json:"source"`
	Content store.ReportContent `json:"content"`
	// Done has a bit per section answered or skipped.
	Done uint8 `json:"done,omitempty"`
}

func bit(sec parse.Section) uint8 { return 1 << sec }

func (h *chat) put(c *bot.Context, step string, d flowData) error {
	return c.StartFlowTTL(flowName, step, d, h.svc.flowTTL)
}

var questions = [...]string{
	parse.Thought: "（1/4）思想：请谈谈这段时间的思想情况，比如理想信念、对党的路线方针政策的认识。",
	parse.Work:    "（2/4）工作：现在在哪里、做什么工作，表现怎么样？",
	parse.Life:    "（3/4）生活：家庭、身体、住处等方面的情况。",
	parse.Study:   "（4/4）学习：学习了哪些内容？比如党章党规、学习强国，参加流入地党组织的活动。",
}

func question(sec parse.Section) string { return questions[sec] }

func sectionStep(step string) (parse.Section, bool) {
	for _, sec := range parse.Sections {
		if sec.String() == step {
			return sec, true
		}
	}
	return 0, false
}

func words(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

var (
	cancelWords  = words("取消", "取消汇报", "退出", "算了", "放弃", "不填了", "不写了", "cancel")
	skipWords    = words("跳过", "略过", "跳过此项", "跳过这项", "跳过这一项", "下一项", "下一个", "skip")
	confirmWords = words("确认", "确定", "提交", "确认提交", "是", "是的", "好", "好的", "对", "ok", "yes")
	replaceWords = words("替换", "覆盖", "重写", "重新写", "1")
	appendWords  = words("补充", "追加", "添加", "2")
)

// word is a short answer reduced for matching: folded, lower-cased, without punctuation.
func word(text string) string {
	w := strings.TrimFunc(bot.FoldString(text), func(r rune) bool {
		return bot.IsSeparator(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
	})
	return strings.ToLower(w)
}

func (h *chat) flow(c *bot.Context) error {
	st, ok, err := c.Flow()
	if err != nil {
		return err
	}
	if !ok || st.Flow != flowName {
		return bot.ErrPass
	}
	var d flowData
	if err := st.Decode(&d); err != nil {
		// A draft this version cannot read is dropped rather than wedging the member.
		if err := c.EndFlow(); err != nil {
			return err
		}
		return bot.ErrPass
	}
	if c.Msg.Location != nil {
		return bot.ErrPass
	}
	w := word(c.Text)
	if cancelWords[w] || (st.Step == stepChoose && w == "3") {
		if err := c.EndFlow(); err != nil {
			return err
		}
		if st.Step == stepChoose || d.Mode == ModeReplace || d.Mode == ModeAppend {
			c.Reply("已取消，原汇报保持不变，这次的内容没有保存。")
		} else {
			c.Reply("已取消本次汇报，没有保存任何内容。需要时再发送“汇报”。")
		}
		return nil
	}
	answer := c.Text
	if c.Cmd != nil {
		if c.Cmd.Name != "汇报" || !bot.HasContent(c.Args) || st.Step == stepChoose {
			return h.midFlowCommand(c, st.Step, d)
		}
		// A labelled report pasted mid-conversation answers those sections.
		if parse.ParseReport(c.Args).Found != 0 {
			answer = c.Args
		}
	}
	switch st.Step {
	case stepChoose:
		return h.choose(c, w, d)
	case stepConfirm:
		return h.confirm(c, w, answer, d)
	}
	sec, ok := sectionStep(st.Step)
	if !ok {
		if err := c.EndFlow(); err != nil {
			return err
		}
		return bot.ErrPass
	}
	return h.answer(c, sec, w, answer, d)
}

// midFlowCommand answers a command sent while the conversation waits for an answer.
func (h *chat) midFlowCommand(c *bot.Context, step string, d flowData) error {
	switch c.Cmd.Name {
	case "帮助", "我的汇报":
		if err := c.Cmd.Handler(c); err != nil {
			return err
		}
		c.Reply(h.reminder(step, d))
		return nil
	case "汇报":
		c.Reply(h.prompt(step, d))
		return nil
	}
	c.Replyf("您正在填写%s思想汇报，还没有完成，“%s”暂时不能处理，请在汇报结束后再发送。\n%s",
		h.label(d), c.Cmd.Name, h.reminder(step, d))
	return nil
}

func (h *chat) label(d flowData) string {
	if p, err := h.svc.ParsePeriod(d.Period); err == nil {
		return p.Label
	}
	return d.Period
}

// reminder says in one line where the conversation stands.
func (h *chat) reminder(step string, d flowData) string {
	switch step {
	case stepChoose:
		return "请回复“替换”“补充”或“取消”，决定这次汇报的内容怎么处理。"
	case stepConfirm:
		return fmt.Sprintf("您的%s思想汇报还没有提交：回复“确认”提交，或“取消”放弃。", h.label(d))
	}
	sec, _ := sectionStep(step)
	return fmt.Sprintf("您的%s思想汇报还没有填完：请回答第%d项“%s”，或发送“跳过”“取消”。", h.label(d), int(sec)+1, sec)
}

// prompt repeats what the conversation is waiting for.
func (h *chat) prompt(step string, d flowData) string {
	switch step {
	case stepChoose:
		return "请回复“替换”“补充”或“取消”。"
	case stepConfirm:
		return h.summary(d)
	}
	sec, _ := sectionStep(step)
	return fmt.Sprintf("您正在填写%s思想汇报。\n%s\n（发送“跳过”略过这一项，“取消”放弃）", h.label(d), question(sec))
}

func (h *chat) summary(d flowData) string {
	var b strings.Builder
	fmt.Fprintf(&b, "请核对您的%s思想汇报：\n%s\n", h.label(d), full(d.Content, "（跳过）"))
	switch d.Mode {
	case ModeReplace:
		b.WriteString("确认后将替换原汇报（原内容留档）。")
	case ModeAppend:
		b.WriteString("确认后将补充到原汇报后面。")
	}
	b.WriteString("回复“确认”提交，“取消”放弃；要改某一项，直接发送如“工作：……”。")
	return b.String()
}

// answer takes the answer to one section's question.
func (h *chat) answer(c *bot.Context, sec parse.Section, w, text string, d flowData) error {
	if skipWords[w] {
		d.Done |= bit(sec)
		return h.next(c, d, fmt.Sprintf("已跳过“%s”。", sec))
	}
	if !bot.HasContent(text) {
		return bot.Reject("请直接回复“%s”这一项的内容，或发送“跳过”略过、“取消”放弃。", sec)
	}
	parsed := parse.ParseReport(text)
	if parsed.Found == 0 {
		SetSection(&d.Content, sec, strings.TrimSpace(text))
		d.Done |= bit(sec)
		return h.next(c, d, "")
	}
	// Labelled text ("工作：……", or a whole report pasted in): each labelled section is answered;
	// text before the labels answers the current question.
	for _, s := range parse.Sections {
		if t := parsed.Section(s); t != "" {
			SetSection(&d.Content, s, t)
			d.Done |= bit(s)
		}
	}
	if parsed.Free != "" {
		if parsed.Found.Has(sec) {
			d.Content.Free = joinLines(d.Content.Free, parsed.Free)
		} else {
			SetSection(&d.Content, sec, parsed.Free)
			d.Done |= bit(sec)
		}
	}
	return h.next(c, d, "")
}

func joinLines(a, b string) string {
	if a == "" {
		return b
	}
	return a + "\n" + b
}

// next asks the first section not yet answered, or shows the summary to confirm.
func (h *chat) next(c *bot.Context, d flowData, lead string) error {
	if lead != "" {
		lead += "\n"
	}
	for _, sec := range parse.Sections {
		if d.Done&bit(sec) == 0 {
			if err := h.put(c, sec.String(), d); err != nil {
				return err
			}
			c.Reply(lead + question(sec))
			return nil
		}
	}
	if d.Content.Empty() {
		if err := c.EndFlow(); err != nil {
			return err
		}
		c.Reply(lead + "四项都跳过了，没有可以提交的内容，本次汇报已结束（没有保存）。需要时再发送“汇报”。")
		return nil
	}
	if err := h.put(c, stepConfirm, d); err != nil {
		return err
	}
	c.Reply(lead + h.summary(d))
	return nil
}

// confirm stores the draft on 确认; labelled text changes sections of the draft first.
func (h *chat) confirm(c *bot.Context, w, text string, d flowData) error {
	if confirmWords[w] {
		p, err := h.svc.ParsePeriod(d.Period)
		if err != nil {
			return err
		}
		mode := d.Mode
		if mode == "" {
			mode = ModeNew
		}
		r, err := h.svc.Submit(c, Submission{MemberID: c.Identity.MemberID, Period: p, Content: d.Content,
			Source: SourceGuided, Mode: mode, InboundID: c.InboundID, At: c.Now()})
		if err != nil {
			return h.endOnRefusal(c, err, p)
		}
		if err := c.EndFlow(); err != nil {
			return err
		}
		done := map[Mode]string{ModeNew: "已提交", ModeReplace: "已替换", ModeAppend: "已补充"}[mode]
		text := fmt.Sprintf("%s%s思想汇报", done, p.Label)
		if gaps := missing(r.ReportContent); len(gaps) > 0 && len(gaps) < 4 {
			text += fmt.Sprintf("（未填写：%s）", strings.Join(gaps, "、"))
		}
		c.Reply(text + "。书记批阅后会通知您，发送“我的汇报”可以随时查看。")
		return nil
	}
	parsed := parse.ParseReport(text)
	if parsed.Found == 0 {
		return bot.Reject("请回复“确认”提交，或“取消”放弃；要改某一项，直接发送如“工作：……”。")
	}
	for _, s := range parse.Sections {
		if t := parsed.Section(s); t != "" {
			SetSection(&d.Content, s, t)
		}
	}
	if parsed.Free != "" {
		d.Content.Free = joinLines(d.Content.Free, parsed.Free)
	}
	if err := h.put(c, stepConfirm, d); err != nil {
		return err
	}
	c.Reply("已修改。\n" + h.summary(d))
	return nil
}

// choose takes 替换 or 补充 for a second report in the same period.
func (h *chat) choose(c *bot.Context, w string, d flowData) error {
	switch {
	case replaceWords[w]:
		d.Mode = ModeReplace
	case appendWords[w]:
		d.Mode = ModeAppend
	default:
		return bot.Reject("请回复“替换”“补充”或“取消”。")
	}
	p, err := h.svc.ParsePeriod(d.Period)
	if err != nil {
		return err
	}
	if d.Source == SourceOneShot {
		if err := h.submitOneShot(c, d, p); err != nil {
			return h.endOnRefusal(c, err, p)
		}
		return c.EndFlow()
	}
	how := map[Mode]string{ModeReplace: "替换原汇报", ModeAppend: "补充到原汇报后面"}[d.Mode]
	return h.next(c, d, fmt.Sprintf("好的，这次填写的内容将%s。共4项，发送“跳过”略过一项，“取消”放弃。", how))
}

// endOnRefusal ends the conversation when the report can no longer be stored as asked (reviewed
// or changed meanwhile); on other errors the conversation stays, so the member can try again.
func (h *chat) endOnRefusal(c *bot.Context, err error, p Period) error {
	var ue *bot.UserError
	if errors.Is(err, ErrLocked) || errors.Is(err, ErrExists) || errors.Is(err, ErrNoReport) || errors.As(err, &ue) {
		if eerr := c.EndFlow(); eerr != nil {
			return errors.Join(err, eerr)
		}
		return h.submitError(c, err, p)
	}
	return err
}
