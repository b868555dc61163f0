package alerts

import (
	"context"
	"fmt"
	"strings"
	"time"

	"liudong/bot"
	"liudong/internal/member"
	"liudong/internal/notify"
	"liudong/internal/schedule"
	"liudong/internal/store"
)

// Provider contributes one section to the weekly digest and to 逾期: the members overdue in
// one respect (transfer, inflow registration; reports, dues, certificates and the six-month
// rule in phase 2), found with set-based SQL for all org units at once.
type Provider interface {
	// Title heads the section: "外出满6个月，应转接组织关系".
	Title() string
	// Overdue lists the overdue members as of now within scope (the subtrees of these org
	// units; nil means everywhere), each under the org unit holding the member.
	Overdue(ctx context.Context, now time.Time, scope []store.OrgUnit) ([]Item, error)
}

// Item is one overdue member.
type Item struct {
	OrgUnitID int64
	MemberID  int64
	Entry     notify.Entry
}

// Overdue is what is overdue in one org unit: per provider, in provider order.
type Overdue struct {
	Unit     store.OrgUnit
	Sections []Section
}

// Section is one provider's members.
type Section struct {
	Title   string
	Entries []notify.Entry
}

// Render writes the org unit's sections at the detail level.
func (o Overdue) Render(d notify.Detail) string {
	parts := make([]string, 0, len(o.Sections))
	for _, sec := range o.Sections {
		parts = append(parts, d.Section(sec.Title, sec.Entries))
	}
	return strings.Join(parts, "\n")
}

// Overdue collects every provider's items within scope, by org unit in tree order.
func (s *Service) Overdue(ctx context.Context, now time.Time, scope []store.OrgUnit) ([]Overdue, error) {
	units, err := s.orgUnits(ctx)
	if err != nil {
		return nil, err
	}
	ctx = schedule.WithSweep(ctx) // the providers share what they read (a job's sweep, or this call)
	byUnit := map[int64]*Overdue{}
	var ids []int64
	for _, p := range s.providers {
		items, err := p.Overdue(ctx, now, scope)
		if err != nil {
			return nil, fmt.Errorf("overdue %q: %w", p.Title(), err)
		}
		for _, it := range items {
			o := byUnit[it.OrgUnitID]
			if o == nil {
				o = &Overdue{Unit: units[it.OrgUnitID]}
				byUnit[it.OrgUnitID] = o
				ids = append(ids, it.OrgUnitID)
			}
			if n := len(o.Sections); n == 0 || o.Sections[n-1].Title != p.Title() {
				o.Sections = append(o.Sections, Section{Title: p.Title()})
			}
			sec := &o.Sections[len(o.Sections)-1]
			sec.Entries = append(sec.Entries, it.Entry)
		}
	}
	byPath(ids, units)
	out := make([]Overdue, len(ids))
	for i, id := range ids {
		out[i] = *byUnit[id]
	}
	return out, nil
}

// WeeklyDigest sends each org unit with anything overdue one message listing all of it, once
// per ISO week.
func (s *Service) WeeklyDigest(ctx context.Context, now time.Time) error {
	all, err := s.Overdue(ctx, now, nil)
	if err != nil || len(all) == 0 {
		return err
	}
	detail, err := s.Detail(ctx)
	if err != nil {
		return err
	}
	year, week := now.In(s.loc).ISOWeek()
	period := fmt.Sprintf("%d-W%02d", year, week)
	// Org units that had this week's digest are not composed again (the key would refuse it).
	sent, err := s.st.RecipientsOf(ctx, "digest.weekly", period)
	if err != nil {
		return err
	}
	var msgs []notify.Message
	for _, o := range all {
		m := notify.Message{Kind: "digest.weekly", Period: period, OrgUnitID: o.Unit.ID, Scheduled: true}
		if sent[m.Recipient()] {
			continue
		}
		m.Text = fmt.Sprintf("【每周逾期汇总】%s（%d年第%d周）\n%s\n书记可随时发送“逾期”查看最新情况。",
			o.Unit.Name, year, week, o.Render(detail(o.Unit.ID)))
		msgs = append(msgs, m)
	}
	_, err = notify.EnqueueBatch(ctx, s.st, msgs)
	return err
}

// Register adds the secretary's 逾期.
func (s *Service) Register(r *bot.Router) {
	r.Add(bot.Command{
		Name: "逾期", Audience: bot.Secretaries, Scope: bot.Anywhere, Audit: true,
		Usage: "逾期", Summary: "查看所管党组织的逾期事项（私聊显示全名）",
		Handler: s.overdueCommand,
	})
}

func (s *Service) overdueCommand(c *bot.Context) error {
	all, err := s.Overdue(c, c.Now(), member.Scope(c.Identity))
	if err != nil {
		return err
	}
	if len(all) == 0 {
		c.Reply("您管理的党组织目前没有逾期事项。")
		return nil
	}
	// In a group chat the configured detail level applies; in private the secretary sees names.
	detail := notify.DetailFull
	if c.Msg.InGroup() {
		detail = s.groups.Detail()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "截至%s，逾期事项：", cnDate(c.Now().In(s.loc)))
	for _, o := range all {
		fmt.Fprintf(&b, "\n\n【%s】\n%s", o.Unit.Name, o.Render(detail))
	}
	c.Reply(b.String())
	return nil
}
