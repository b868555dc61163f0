package member

import (
	"errors"
	"fmt"
	"strings"

	"liudong/bot"
	"liudong/internal/store"
)

// Register adds 绑定 and 邀请码.
func Register(r *bot.Router, st *store.Store, b *Binding) {
	r.Add(bot.Command{
		Name: "绑定", Audience: bot.Anyone, Scope: bot.Private,
		// Not listed in 帮助: unbound senders get the binding explanation instead.
		Handler: func(c *bot.Context) error { return bind(c, b) },
	})
	r.Add(bot.Command{
		Name: "邀请码", Aliases: []string{"绑定码"}, Audience: bot.Secretaries, Scope: bot.Private, Audit: true,
		Usage: "邀请码 张三", Summary: "为党员生成绑定码（单次有效）",
		Handler: func(c *bot.Context) error { return issue(c, st, b) },
	})
}

func bind(c *bot.Context, b *Binding) error {
	code := strings.Map(func(r rune) rune {
		if bot.IsSeparator(r) || r == '-' {
			return -1
		}
		return r
	}, c.ArgsFolded())
	if code == "" {
		return bot.Reject("请在“绑定”后面写上6位绑定码，例如：绑定 482913")
	}
	m := c.Msg
	res, err := b.Bind(c, Handle{Platform: m.Platform, Account: m.Account, Handle: m.From,
		Nickname: m.Nick, AvatarID: m.AvatarID, Remark: m.Remark}, code, c.Now())
	var be *BindError
	if errors.As(err, &be) {
		return bot.Reject("%s", be.Text)
	}
	if err != nil {
		return err
	}
	if res.Contact != nil {
		return b.welcomeContact(c, *res.Contact)
	}
	text := fmt.Sprintf("绑定成功！%s同志，您的身份已确认为%s党员。", res.Member.Name, res.Member.BranchName)
	if res.Rebound {
		text += "原来绑定的微信已解除。"
	}
	c.Reply(text + "发送“帮助”查看我能为您做什么。")
	return nil
}

// ContactWelcome tells a contact who has just bound what he covers and can do; set by the
// contact domain (nil: a short confirmation).
type ContactWelcome func(c *bot.Context, contact store.OrgContact) error

func (b *Binding) welcomeContact(c *bot.Context, contact store.OrgContact) error {
	if b.Welcome != nil {
		return b.Welcome(c, contact)
	}
	c.Replyf("绑定成功！%s同志，您已作为%s的联系人与本助手绑定。", contact.Name, contact.Org)
	return nil
}

func issue(c *bot.Context, st *store.Store, b *Binding) error {
	target, _, err := Find(c, st, c.Identity, "邀请码", c.Args)
	if err != nil {
		return err
	}
	code, err := b.IssueCode(c, target.ID, fmt.Sprintf("member:%d", c.Identity.MemberID), c.Now())
	if err != nil {
		return err
	}
	loc := c.Now().Location()
	c.Replyf("%s（%s）的绑定码：%s\n有效期至%s，只能使用一次，之前的绑定码随之作废。请当面或电话告诉本人，让其私聊我发送“绑定 %s”。",
		target.Name, target.BranchName, code.Code, code.ExpiresAt.In(loc).Format("2006年1月2日15:04"), code.Code)
	return nil
}
