// Package cert keeps the 《中国共产党流动党员活动证》 (activity certificate): secretaries issue
// it (发证), record the annual review (年审), take it back for inspection when the member is
// home (收回, 查验), record a loss and re-issue (挂失), and record the inflow side's
// registration (流入登记); a member asks for its state (活动证). Numbers are a configured
// prefix (the county code, say) and a sequence; validity and the review interval are
// configuration (certificate.*), since neither is fixed centrally.
package cert

import (
	"context"
	"fmt"
	"strings"
	"time"

	"liudong/bot"
	"liudong/internal/archive"
	"liudong/internal/config"
	"liudong/internal/location"
	"liudong/internal/parse"
	"liudong/internal/secret"
	"liudong/internal/store"
)

// Service handles the certificate commands.
type Service struct {
	st     *store.Store
	box    *secret.Box
	cfg    config.Certificate
	issuer string // the committee (党委) that issues
	prefix string
	loc    *time.Location
}

// New builds the service; the number prefix defaults to the code of committee.region.
func New(st *store.Store, box *secret.Box, cfg config.Config) (*Service, error) {
	prefix := cfg.Certificate.Prefix
	if prefix == "" {
		cands := location.Default().Resolve(cfg.Committee.Region)
		if len(cands) != 1 {
			return nil, fmt.Errorf("cert: committee.region %q names %d regions, want one", cfg.Committee.Region, len(cands))
		}
		prefix = cands[0].Code()
	}
	return &Service{st: st, box: box, cfg: cfg.Certificate, issuer: cfg.Committee.Name, prefix: prefix, loc: cfg.Location()}, nil
}

// Register adds 发证, 年审, 收回, 挂失, 流入登记 (secretaries) and 活动证 (members).
func (s *Service) Register(r *bot.Router) {
	r.Add(bot.Command{
		Name: "活动证", Aliases: []string{"我的活动证", "流动党员活动证"}, Audience: bot.Members, Scope: bot.Private,
		Usage: "活动证", Summary: "查看《流动党员活动证》：编号、年审、流入地登记、是否须交回",
		Handler: s.show,
	})
	r.Add(bot.Command{
		Name: "发证", Audience: bot.Secretaries, Scope: bot.Anywhere, Audit: true,
		Usage: "发证 张三", Summary: "为党员办理《流动党员活动证》（可加日期补录）",
		Handler: s.issue,
	})
	r.Add(bot.Command{
		Name: "年审", Audience: bot.Secretaries, Scope: bot.Anywhere, Audit: true,
		Usage: "年审 张三", Summary: "记录活动证年审（可加日期和意见）",
		Handler: s.review,
	})
	r.Add(bot.Command{
		Name: "收回", Aliases: []string{"收回活动证"}, Audience: bot.Secretaries, Scope: bot.Anywhere, Audit: true,
		Usage: "收回 张三", Summary: "党员返乡后收回活动证并查验（可加查验意见）",
		Handler: s.takeBack,
	})
	r.Add(bot.Command{
		Name: "挂失", Aliases: []string{"挂失活动证"}, Audience: bot.Secretaries, Scope: bot.Anywhere, Audit: true,
		Usage: "挂失 张三", Summary: "活动证遗失：作废原证并补发新证（加“不补发”只作废）",
		Handler: s.lose,
	})
	r.Add(bot.Command{
		Name: "流入登记", Audience: bot.Secretaries, Scope: bot.Anywhere, Audit: true,
		Usage: "流入登记 张三 11月20日 联系人李书记 13800000000", Summary: "流入地党组织登记接收持证党员的日期和联系人",
		Handler: s.registerInflow,
	})
}

// NextReview is the date a certificate's next annual review is due.
func NextReview(c store.Certificate, reviewMonths int) time.Time {
	return addMonths(c.ReviewBaseOn, reviewMonths)
}

// addMonths adds months to a calendar date, clamping to the month's last day (as PostgreSQL's
// date + interval does: 1月31日 + 1个月 = 2月28日).
func addMonths(t time.Time, months int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(months), 1, 0, 0, 0, 0, t.Location())
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(d, last), 0, 0, 0, 0, t.Location())
}

// FormatDate writes a calendar date: 2026年11月20日 (database dates as written).
func FormatDate(t time.Time) string { return parse.FormatDate(t) }

// dateKey orders calendar dates by their written year, month and day.
func dateKey(t time.Time) string { return t.Format(time.DateOnly) }

// daysUntil counts calendar days from today to a date (negative when it is past).
func daysUntil(today, date time.Time) int {
	a := time.Date(today.Year(), today.Month(), today.Day(), 12, 0, 0, 0, time.UTC)
	b := time.Date(date.Year(), date.Month(), date.Day(), 12, 0, 0, 0, time.UTC)
	return int(b.Sub(a).Hours() / 24)
}

// HandBack says whether the member must hand the certificate back, and why ("活动证已过有效期",
// "已于2026年12月1日返乡"): it expired, or the member came home after it was issued.
func HandBack(ctx context.Context, st *store.Store, c store.Certificate, today time.Time) (bool, string, error) {
	if c.Status != store.CertificateIssued {
		return false, "", nil
	}
	if c.ValidUntil != nil && dateKey(*c.ValidUntil) < dateKey(today) {
		return true, "活动证已过有效期", nil
	}
	ds, err := st.DeparturesOf(ctx, c.MemberID)
	if err != nil || len(ds) == 0 {
		return false, "", err
	}
	last := ds[0]
	if last.ReturnedOn != nil && dateKey(*last.ReturnedOn) >= dateKey(c.IssuedOn) {
		return true, "已于" + FormatDate(*last.ReturnedOn) + "返乡", nil
	}
	return false, "", nil
}

// ArchiveSection is the certificate line of 查 张三's summary.
func (s *Service) ArchiveSection() archive.Section {
	return archive.Section{Name: "活动证", Render: func(ctx context.Context, req archive.Request) (string, error) {
		text, err := Line(ctx, s.st, s.cfg.ReviewMonths, req.Member.ID, req.Now)
		return strings.TrimPrefix(text, "活动证："), err
	}}
}

// Line is the certificate line of a member's archive (查 张三).
func Line(ctx context.Context, st *store.Store, reviewMonths int, memberID int64, now time.Time) (string, error) {
	c, err := st.LatestCertificate(ctx, memberID)
	if store.IsNotFound(err) {
		return "活动证：未办理", nil
	}
	if err != nil {
		return "", err
	}
	switch c.Status {
	case store.CertificateReturned:
		return fmt.Sprintf("活动证：编号%s，%s已收回查验", c.Number, FormatDate(*c.ReturnedOn)), nil
	case store.CertificateLost:
		return fmt.Sprintf("活动证：编号%s，%s挂失，未补发", c.Number, FormatDate(*c.LostOn)), nil
	}
	line := fmt.Sprintf("活动证：编号%s，%s发证，下次年审%s", c.Number, FormatDate(c.IssuedOn), FormatDate(NextReview(c, reviewMonths)))
	if daysUntil(now, NextReview(c, reviewMonths)) < 0 {
		line += "（已逾期）"
	}
	if c.InflowOn != nil {
		line += "，流入地已登记"
	} else {
		line += "，流入地未登记"
	}
	back, why, err := HandBack(ctx, st, c, now)
	if err != nil {
		return "", err
	}
	if back {
		line += "，须交回查验（" + why + "）"
	}
	return line, nil
}
