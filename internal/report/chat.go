package report

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"liudong/bot"
	"liudong/internal/member"
	"liudong/internal/parse"
	"liudong/internal/store"
)

// Register adds 汇报, 修改汇报, 我的汇报 and 批阅, and the report conversation.
func Register(r *bot.Router, s *Service) {
	h := &chat{svc: s, st: s.st}
	this := s.cadence.This()
	r.Add(bot.Command{
		Name: "汇报", Aliases: []string{"思想汇报"}, Glued: true, Audience: bot.Members, Scope: bot.Private,
		Usage:   "汇报",
		Summary: this + "思想汇报：逐项回答思想、工作、生活、学习；也可以一次发来“汇报 思想：…… 工作：……”",
		Handler: h.report,
	})
	r.Add(bot.Command{
		Name: "修改汇报", Glued: true, Audience: bot.Members, Scope: bot.Private,
		Usage: "修改汇报 工作：……", Summary: "修改" + this + "汇报的一项（书记批阅前）",
		Handler: h.edit,
	})
	r.Add(bot.Command{
		Name: "我的汇报", Aliases: []string{"查看汇报"}, Audience: bot.Members, Scope: bot.Private,
		Usage: "我的汇报", Summary: "查看" + this + "的汇报和书记批阅",
		Handler: h.mine,
	})
	r.Add(bot.Command{
		Name: "批阅", Audience: bot.Secretaries, Scope: bot.Anywhere, Audit: true,
		Usage: "批阅 张三 已阅，继续保持", Summary: "批阅党员" + this + "的思想汇报，批语发给本人",
		Handler: h.review,
	})
	// A labelled report sent without the word 汇报 ("思想：……\n工作：……"): two labels or more
	// make it a report; one alone ("工作：换了厂") is too little to guess.
	r.AddPattern(bot.Pattern{
		Name:    "report",
		Match:   func(c *bot.Context) bool { return parse.ParseReport(c.Text).Found.Len() >= 2 },
		Handler: func(c *bot.Context) error { return h.start(c, c.Text) },
	})
	r.AddFlow(flowName, h.flow)
}

type chat struct {
	svc *Service
	st  *store.Store
}

// report starts the guided conversation (汇报 alone) or stores a one-shot report (汇报 + text).
// With a report already stored this period, it first asks whether to replace or add to it.
func (h *chat) report(c *bot.Context) error { return h.start(c, c.Args) }

// start begins a report with text (empty: the guided conversation).
func (h *chat) start(c *bot.Context, text string) error {
	now := c.Now()
	p := h.svc.Period(now)
	existing, err := h.st.ReportOf(c, c.Identity.MemberID, p.Key)
	exists := err == nil
	if err != nil && !store.IsNotFound(err) {
		return err
	}
	if exists && existing.Reviewed() {
		return bot.Reject("您%s（%s）的汇报已于%s由%s批阅，已锁定，不能再替换或补充。新的情况可以在下次汇报中说明，或直接联系书记。",
			h.svc.cadence.This(), p.Label, day(*existing.ReviewedAt, now), existing.ReviewerName)
	}
	guided := !bot.HasContent(text)
	d := flowData{Period: p.Key, Mode: ModeNew, Source: SourceGuided}
	if !guided {
		d.Source = SourceOneShot
		d.Content = ContentOf(parse.ParseReport(text))
	}
	if exists {
		d.Mode = ""
		if err := h.put(c, stepChoose, d); err != nil {
			return err
		}
		c.Reply(h.choosePrompt(existing, p, now, guided))
		return nil
	}
	if guided {
		if err := h.put(c, parse.Thought.String(), d); err != nil {
			return err
		}
		c.Replyf("开始填写%s思想汇报，共4项，逐项回答即可。发送“跳过”略过当前一项，发送“取消”放弃本次汇报（不保存）。\n%s",
			p.Label, question(parse.Thought))
		return nil
	}
	return h.submitOneShot(c, d, p)
}

// submitOneShot stores a one-shot report (mode new, replace or append) and echoes it.
func (h *chat) submitOneShot(c *bot.Context, d flowData, p Period) error {
	r, err := h.svc.Submit(c, Submission{MemberID: c.Identity.MemberID, Period: p, Content: d.Content,
		Source: SourceOneShot, Mode: d.Mode, InboundID: c.InboundID, At: c.Now()})
	if err != nil {
		return h.submitError(c, err, p)
	}
	if onlyFree(d.Content) {
		c.Replyf("已保存%s思想汇报。没有找到“思想、工作、生活、学习”的分项标题，已作为一篇完整汇报保存（不分项）：\n%s\n如需分项，可以发送“汇报”按提示逐项回答，或按“思想：……”“工作：……”的格式重新发送。",
			p.Label, excerpt(d.Content.Free, 60))
		return nil
	}
	verb := map[Mode]string{ModeNew: "已保存", ModeReplace: "已替换为新内容：", ModeAppend: "已补充到原汇报后面："}[d.Mode]
	if d.Mode == ModeNew {
		verb = "已保存" + p.Label + "思想汇报："
	}
	text := verb + "\n" + echo(r.ReportContent)
	if gaps := missing(r.ReportContent); len(gaps) > 0 {
		text += fmt.Sprintf("\n未填写：%s，可以发送“修改汇报 %s：……”补上。", strings.Join(gaps, "、"), gaps[0])
	}
	c.Reply(text + "\n书记批阅后会通知您。")
	return nil
}

func (h *chat) submitError(c *bot.Context, err error, p Period) error {
	switch {
	case errors.Is(err, ErrLocked):
		return bot.Reject("您%s的汇报刚刚已由书记批阅，已锁定，这次的内容没有保存。新的情况可以在下次汇报中说明，或直接联系书记。", p.Label)
	case errors.Is(err, ErrExists):
		return bot.Reject("您%s的汇报刚刚已经保存过了，这次的内容没有保存。发送“我的汇报”查看，再发送“汇报”可以替换或补充。", p.Label)
	case errors.Is(err, ErrNoReport):
		return bot.Reject("没有找到您%s的汇报，这次的内容没有保存，请重新发送“汇报”。", p.Label)
	}
	return err
}

func (h *chat) choosePrompt(existing store.Report, p Period, now time.Time, guided bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "您%s（%s）已于%s提交过汇报（尚未批阅）。", h.svc.cadence.This(), p.Label, day(existing.SubmittedAt, now))
	if guided {
		b.WriteString("这次填写的内容要怎么处理？\n")
	} else {
		b.WriteString("这次发来的内容要怎么处理？\n")
	}
	b.WriteString("回复“替换”：用新内容替换原汇报（原内容留档）；\n回复“补充”：把新内容补充到原汇报后面；\n回复“取消”：保留原汇报不变。")
	return b.String()
}

// edit replaces one section of this period's report (修改汇报 工作：……) until it is reviewed.
func (h *chat) edit(c *bot.Context) error {
	sec, text, err := parse.ParseSectionEdit(c.Args)
	if err != nil {
		return bot.Reject("%s", err.Error())
	}
	now := c.Now()
	p := h.svc.Period(now)
	r, before, err := h.svc.Edit(c, c.Identity.MemberID, p, sec, text, c.InboundID, now)
	switch {
	case errors.Is(err, ErrNoReport):
		return bot.Reject("您%s（%s）还没有汇报，没有可修改的。请先发送“汇报”。", h.svc.cadence.This(), p.Label)
	case errors.Is(err, ErrLocked):
		return bot.Reject("您%s的汇报已于%s由%s批阅，已锁定，不能再修改。新的情况可以在下次汇报中说明，或直接联系书记。",
			p.Label, day(*r.ReviewedAt, now), r.ReviewerName)
	case err != nil:
		return err
	}
	reply := fmt.Sprintf("已修改%s汇报的“%s”：\n【%s】%s", p.Label, sec, sec, text)
	if before != "" {
		reply += "\n（修改前的内容已留档。）"
	}
	c.Reply(reply)
	return nil
}

// mine shows this period's report and its review; without one, the last report.
func (h *chat) mine(c *bot.Context) error {
	now := c.Now()
	p := h.svc.Period(now)
	this := h.svc.cadence.This()
	r, err := h.st.ReportOf(c, c.Identity.MemberID, p.Key)
	if store.IsNotFound(err) {
		text := fmt.Sprintf("您%s（%s，截至%s）还没有汇报。发送“汇报”开始填写。", this, p.Label, day(p.LastDay(), now))
		last, err := h.st.LatestReports(c, c.Identity.MemberID, 1)
		if err != nil {
			return err
		}
		if len(last) > 0 {
			lp, _ := h.svc.ParsePeriod(last[0].Period)
			text += fmt.Sprintf("\n上一次汇报：%s，%s提交，%s。", labelOr(lp, last[0].Period), day(last[0].SubmittedAt, now), reviewLine(last[0], now))
		}
		c.Reply(text)
		return nil
	}
	if err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s思想汇报（%s提交", p.Label, day(r.SubmittedAt, now))
	if r.Revision > 1 {
		fmt.Fprintf(&b, "，%s最后修改", day(r.UpdatedAt, now))
	}
	b.WriteString("）：\n")
	b.WriteString(full(r.ReportContent, "（未填写）"))
	b.WriteString("\n书记批阅：" + reviewLine(r, now))
	if r.Reviewed() {
		b.WriteString("。汇报已锁定。")
	} else {
		b.WriteString("。批阅前可以发送“修改汇报 工作：……”修改其中一项。")
	}
	c.Reply(b.String())
	return nil
}

// review marks a member's report reviewed and sends the comment to the member (批阅 张三 已阅).
func (h *chat) review(c *bot.Context) error {
	target, comment, err := member.Find(c, h.st, c.Identity, "批阅", c.Args)
	if err != nil {
		return err
	}
	if target.ID == c.Identity.MemberID {
		return bot.Reject("不能批阅自己的汇报，请由上级党组织书记批阅。")
	}
	now := c.Now()
	res, err := h.svc.Review(c, Review{ReviewerID: c.Identity.MemberID, ReviewerName: c.Identity.Name,
		MemberID: target.ID, Comment: comment, InboundID: c.InboundID, At: now})
	if errors.Is(err, ErrNoReport) {
		p := h.svc.Period(now)
		text := fmt.Sprintf("%s（%s）%s（%s）和%s都没有汇报，没有可批阅的。", target.Name, target.BranchName,
			h.svc.cadence.This(), p.Label, h.svc.cadence.previous())
		if last, err := h.st.LatestReports(c, target.ID, 1); err == nil && len(last) > 0 {
			lp, _ := h.svc.ParsePeriod(last[0].Period)
			text += fmt.Sprintf("最近一次汇报是%s。", labelOr(lp, last[0].Period))
		}
		return bot.Reject("%s", text)
	}
	if err != nil {
		return err
	}
	c.Notified(res.Notification)
	text := fmt.Sprintf("已批阅%s（%s）%s的思想汇报", target.Name, target.BranchName, res.Period.Label)
	if res.Again {
		text += "（之前已批阅过，批语已更新）"
	}
	switch {
	case comment == "":
		text += "，没有写批语。"
	default:
		text += "，批语：" + sentence(comment)
	}
	if _, err := h.st.IdentityOfMember(c, c.Msg.Platform, c.Msg.Account, target.ID); store.IsNotFound(err) {
		text += target.Name + "还没有绑定微信，批阅结果已记录，绑定后可以在“我的汇报”里看到。"
	} else if err != nil {
		return err
	} else {
		text += "已通知本人。"
	}
	c.Reply(text)
	return nil
}

func labelOr(p Period, key string) string {
	if p.Label == "" {
		return key
	}
	return p.Label
}
