package stats

import (
	"errors"
	"fmt"
	"strings"

	"liudong/bot"
	"liudong/internal/store"
)

// Register adds 统计 for secretaries: the 基本情况 paragraph of each of their org units (one
// report per unit; a unit inside another of theirs is covered by the outer one), each followed
// by its chart.
func Register(r *bot.Router, svc *Service) {
	r.Add(bot.Command{
		Name: "统计", Aliases: []string{"基本情况"}, Audience: bot.Secretaries, Scope: bot.Anywhere, Audit: true,
		Usage:   "统计 2026年11月",
		Summary: "本党组织流动党员基本情况（不写月份则截止到今天；可写支部名只看该支部）",
		Handler: func(c *bot.Context) error { return report(c, svc) },
	})
}

func report(c *bot.Context, svc *Service) error {
	now := c.Now().In(svc.Location())
	d := Today(now)
	var names []string
	dated := false
	args := c.ArgsFolded()
	if pd, err := ParseDate(args, now); err == nil { // "2026 年 11 月"
		d, dated, args = pd, true, ""
	}
	for _, tok := range strings.FieldsFunc(args, argSeparator) {
		if !dated {
			if pd, err := ParseDate(tok, now); err == nil {
				d, dated = pd, true
				continue
			} else if errors.Is(err, ErrFuture) {
				return bot.Reject("%s还没到，无法统计。发送“统计”可看截止到今天的情况。", tok)
			}
		}
		names = append(names, tok)
	}
	units, err := svc.secretaryUnits(c, c.Identity, strings.Join(names, ""))
	if err != nil {
		return err
	}
	for _, u := range units {
		s, err := svc.Summary(c, u, d)
		if err != nil {
			return err
		}
		text := Paragraph(s)
		if n := Note(s); n != "" {
			text += "\n" + n
		}
		c.Reply(text)
		if png := svc.Chart(s); png != nil {
			c.ReplyImage(fmt.Sprintf("统计-%s-%s.png", u.Name, d), png)
		}
	}
	return nil
}

// argSeparator splits 统计's arguments (not at "." or "/": 2026.11, 第一党总支/第一党支部).
func argSeparator(r rune) bool {
	switch r {
	case ',', '，', '、', ';', '；', ':', '：':
		return true
	}
	return bot.IsSpace(r)
}

// secretaryUnits are the units a secretary's 统计 reports on: their own (outermost) units, or
// the one named, which must lie within them.
func (s *Service) secretaryUnits(c *bot.Context, id *bot.Identity, name string) ([]store.OrgUnit, error) {
	var own []store.OrgUnit
	for _, ref := range id.SecretaryOf {
		u, err := s.st.OrgUnitByID(c, ref.ID)
		if err != nil {
			return nil, err
		}
		own = append(own, u)
	}
	own = topUnits(own)
	if name == "" {
		return own, nil
	}
	var reach []store.OrgUnit
	for _, u := range own {
		under, err := s.st.OrgUnitsUnder(c, u)
		if err != nil {
			return nil, err
		}
		reach = append(reach, under...)
	}
	found := matchUnits(reach, name)
	switch len(found) {
	case 0:
		return nil, bot.Reject("在您管理的党组织中没有找到“%s”。发送“统计”看全部，或写“统计 2026年11月”看某月。", name)
	case 1:
		return found, nil
	}
	var paths []string
	for _, u := range found {
		paths = append(paths, "“"+unitPath(reach, u, store.OrgUnit{})+"”")
	}
	return nil, bot.Reject("有%d个党组织名为“%s”：%s。请写出上级，例如：统计 %s", len(found), name,
		strings.Join(paths, "、"), unitPath(reach, found[0], store.OrgUnit{}))
}
