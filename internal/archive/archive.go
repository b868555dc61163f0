// Package archive is the secretary's 查 张三: a member's archive summary (档案摘要) composed of
// sections that the domains contribute — basic information and mobility here, the last report
// from internal/report, and whatever else a domain registers (last location, certificate, last
// organizational life) with Archive.Add.
package archive

import (
	"context"
	"fmt"
	"strings"
	"time"

	"liudong/bot"
	"liudong/internal/member"
	"liudong/internal/store"
)

// Request is what a section renders: the member, the clock, and where the summary goes.
type Request struct {
	Member store.Member
	Now    time.Time // in the configured zone
	// InGroup is set when the summary is sent into a group chat: leave out contact details.
	InGroup bool
}

// Section is one line (or a few) of the summary: "Name：text". Render returns "" to leave the
// section out (nothing to say).
type Section struct {
	Name   string
	Render func(ctx context.Context, req Request) (string, error)
}

// Archive composes the summary from its sections, in the order they were added.
type Archive struct {
	sections []Section
}

// New makes an archive with the given sections.
func New(sections ...Section) *Archive { return &Archive{sections: sections} }

// Add appends sections (call it while wiring the app, before messages are handled).
func (a *Archive) Add(sections ...Section) { a.sections = append(a.sections, sections...) }

// Sections lists the section names in order.
func (a *Archive) Sections() []string {
	names := make([]string, len(a.sections))
	for i, s := range a.sections {
		names[i] = s.Name
	}
	return names
}

// Summary renders every section for the member.
func (a *Archive) Summary(ctx context.Context, req Request) (string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s（%s）档案摘要", req.Member.Name, req.Member.BranchName)
	for _, s := range a.sections {
		text, err := s.Render(ctx, req)
		if err != nil {
			return "", fmt.Errorf("archive: %s: %w", s.Name, err)
		}
		if text == "" {
			continue
		}
		fmt.Fprintf(&b, "\n· %s：%s", s.Name, text)
	}
	return b.String(), nil
}

// Register adds 查 (secretaries, within their org units).
func Register(r *bot.Router, st *store.Store, a *Archive) {
	r.Add(bot.Command{
		Name: "查", Aliases: []string{"查档案"}, Audience: bot.Secretaries, Scope: bot.Anywhere, Audit: true,
		Usage: "查 张三", Summary: "党员档案摘要：所在支部、流动状态、最近汇报等",
		Handler: func(c *bot.Context) error {
			// A member transferred out stays readable: the archive is kept.
			m, _, err := member.FindArchived(c, st, c.Identity, "查", c.Args)
			if err != nil {
				return err
			}
			text, err := a.Summary(c, Request{Member: m, Now: c.Now(), InGroup: c.Msg.InGroup()})
			if err != nil {
				return err
			}
			// Who looked at whose record (the command's own audit row names only the text typed).
			viewer, target := c.Identity.MemberID, m.ID
			var inbound *int64
			if c.InboundID != 0 {
				inbound = &c.InboundID
			}
			if err := st.Audit(c, store.AuditEntry{Actor: fmt.Sprintf("member:%d", viewer), ActorMemberID: &viewer,
				Action: "archive.view", TargetMemberID: &target, InboundID: inbound},
				map[string]any{"sections": a.Sections(), "group": c.Msg.GroupName}); err != nil {
				return err
			}
			c.Reply(text)
			return nil
		},
	})
}
