package notify

import (
	"fmt"
	"strconv"
	"strings"

	"liudong/bot"
	"liudong/internal/store"
)

// Register adds 设为提醒群, sent by a secretary in the group chat that is to receive the alerts
// of their org units.
func (g *Groups) Register(r *bot.Router) {
	r.Add(bot.Command{
		Name: "设为提醒群", Audience: bot.Secretaries, Scope: bot.Group, Audit: true,
		Usage: "设为提醒群（在群聊中发送）", Summary: "把这个群设为本支部的提醒群",
		Handler: g.setGroup,
	})
}

func (g *Groups) setGroup(c *bot.Context) error {
	units := c.Identity.SecretaryOf
	if want := strings.TrimSpace(c.Args); want != "" {
		units = nil
		for _, u := range c.Identity.SecretaryOf {
			if u.Name == want {
				units = append(units, u)
			}
		}
		if len(units) == 0 {
			names := make([]string, len(c.Identity.SecretaryOf))
			for i, u := range c.Identity.SecretaryOf {
				names[i] = u.Name
			}
			return bot.Reject("您是%s的书记，没有“%s”。可以发送“设为提醒群”（您管理的全部党组织），或“设为提醒群 %s”。",
				strings.Join(names, "、"), want, names[0])
		}
	}
	m := c.Msg
	name := m.GroupName
	if name == "" {
		name = m.Group
	}
	var replaced []string
	actor := c.Identity.MemberID
	err := g.st.InTx(c, func(tx *store.Store) error {
		for _, u := range units {
			prev, err := tx.SetAlertGroup(c, store.AlertGroup{OrgUnitID: u.ID, Platform: m.Platform, Account: m.Account,
				GroupHandle: m.Group, GroupName: name, SetBy: &actor, SetAt: c.Now()})
			if err != nil && !store.IsNotFound(err) {
				return err
			}
			if err == nil && prev.GroupName != name {
				replaced = append(replaced, fmt.Sprintf("“%s”（%s）", prev.GroupName, u.Name))
			}
			var inbound *int64
			if c.InboundID != 0 {
				inbound = &c.InboundID
			}
			unit := u.ID
			if err := tx.Audit(c, store.AuditEntry{Actor: "member:" + strconv.FormatInt(actor, 10), ActorMemberID: &actor,
				Action: "alert_group.set", OrgUnitID: &unit, InboundID: inbound},
				map[string]string{"group": name, "platform": m.Platform, "account": m.Account, "replaced": prev.GroupName}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	names := make([]string, len(units))
	for i, u := range units {
		names[i] = u.Name
	}
	var b strings.Builder
	fmt.Fprintf(&b, "已把本群设为%s的提醒群：逾期提醒和每周逾期汇总将发到这里。", strings.Join(names, "、"))
	switch g.detail {
	case DetailMasked:
		b.WriteString("群里只显示党员的姓（如张*），书记私聊我发送“逾期”可看全名。")
	case DetailCount:
		b.WriteString("群里只显示人数，书记私聊我发送“逾期”可看名单。")
	}
	if len(replaced) > 0 {
		fmt.Fprintf(&b, "原提醒群%s不再接收提醒。", strings.Join(replaced, "、"))
	}
	c.Reply(b.String())
	return nil
}
