// Package transfer is the transfer of a member's organizational relationship (组织关系接转,
// 《中国共产党党员教育管理工作条例》2019 art. 25): the secretary issues a letter (介绍信, in three
// parts: 存根 kept, 介绍信 carried, 回执 returned; 组通字〔2006〕45号) to the receiving
// organization (转出), may cancel it before the receipt (撤销转出), and records the receipt (回执),
// from whose date the member is 已转出 — off the branch's lists, reminders, dues and
// statistics, the archive kept. A member arriving with a letter is received (转入), and the
// secretary returns our receipt (已回执). The letter is drawn as an image (介绍信, and `liudong
// transfer letter`), and the transfer-followup job watches letters about to expire and receipts
// not back.
package transfer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/image/font"

	"liudong/bot"
	"liudong/internal/config"
	"liudong/internal/dues"
	"liudong/internal/dues/collect"
	"liudong/internal/notify"
	"liudong/internal/parse"
	"liudong/internal/secret"
	"liudong/internal/store"
)

// Fonts gives the faces the letter is drawn with (the statistics chart's CJK font).
type Fonts interface {
	Face(size float64) (font.Face, error)
}

// Service handles the transfer commands and jobs.
type Service struct {
	st        *store.Store
	box       *secret.Box
	dues      *collect.Service
	fonts     Fonts
	cfg       config.Transfer
	committee string
	prefix    string
	loc       *time.Location
	// Detail says how much the follow-up alerts of an org unit may say about members (set while
	// wiring the app: the alerts groups' detail level); nil means full names.
	Detail func(ctx context.Context) (func(orgUnitID int64) notify.Detail, error)
}

// New builds the service; the letter number prefix defaults to the committee's name.
func New(st *store.Store, box *secret.Box, duesSvc *collect.Service, fonts Fonts, cfg config.Config) *Service {
	prefix := cfg.Transfer.LetterPrefix
	if prefix == "" {
		prefix = cfg.Committee.Name
	}
	return &Service{st: st, box: box, dues: duesSvc, fonts: fonts, cfg: cfg.Transfer, committee: cfg.Committee.Name,
		prefix: prefix, loc: cfg.Location()}
}

// Register adds the secretaries' transfer commands.
func (s *Service) Register(r *bot.Router) {
	r.Add(bot.Command{
		Name: "转出", Aliases: []string{"转接", "转出组织关系", "组织关系转出"}, Audience: bot.Secretaries, Scope: bot.Anywhere, Audit: true,
		Usage:   "转出 张三 广东省深圳市南山区粤海街道党工委",
		Summary: fmt.Sprintf("开具组织关系介绍信（编号、有效期%s，存根留存），并告知本人", s.cfg.Validity),
		Handler: s.issue,
	})
	r.Add(bot.Command{
		Name: "撤销转出", Aliases: []string{"取消转出"}, Audience: bot.Secretaries, Scope: bot.Anywhere, Audit: true,
		Usage: "撤销转出 张三 本人暂不转接", Summary: "收到回执前撤销已开具的介绍信（须写原因）",
		Handler: s.cancel,
	})
	r.Add(bot.Command{
		Name: "回执", Aliases: []string{"收到回执"}, Audience: bot.Secretaries, Scope: bot.Anywhere, Audit: true,
		Usage: "回执 张三", Summary: "登记接收党组织寄回的回执（可加日期）：自该日起该党员已转出",
		Handler: s.receipt,
	})
	r.Add(bot.Command{
		Name: "介绍信", Aliases: []string{"查看介绍信"}, Audience: bot.Secretaries, Scope: bot.Private, Audit: true,
		Usage: "介绍信 张三", Summary: "发送组织关系介绍信图片（存根、介绍信、回执三联，可打印）",
		Handler: s.letter,
	})
	r.Add(bot.Command{
		Name: "转入", Aliases: []string{"转入组织关系", "组织关系转入"}, Audience: bot.Secretaries, Scope: bot.Private, Audit: true,
		Usage:   "转入 王五 来自 江苏省苏州市吴中区XX党委 介绍信号 苏〔2026〕123",
		Summary: "接收持介绍信转入的党员（缺少的名册信息会逐项询问），并提醒寄回回执",
		Handler: s.receive,
	})
	r.AddFlow(flowIn, s.receiveFlow)
	r.Add(bot.Command{
		Name: "已回执", Aliases: []string{"回执已寄回", "已寄回执"}, Audience: bot.Secretaries, Scope: bot.Anywhere, Audit: true,
		Usage: "已回执 王五", Summary: "登记已把转入党员的回执寄回对方党组织",
		Handler: s.receiptReturned,
	})
}

// Stub is the 存根: the member's particulars as the letter gave them when it was issued.
type Stub struct {
	Name            string `json:"name"`
	Gender          string `json:"gender"`
	BirthDate       string `json:"birth_date"`
	Age             int    `json:"age"`
	Education       string `json:"education"`
	Status          string `json:"status"` // 正式党员 or 预备党员
	Branch          string `json:"branch"`
	From            string `json:"from"`              // the committee issuing
	DuesPaidThrough string `json:"dues_paid_through"` // 2026年11月, or "" when nothing is on record
}

func (s *Service) today(c *bot.Context) time.Time {
	y, m, d := c.Now().In(s.loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, s.loc)
}

// number writes a letter number: prefix〔year〕sequence号, the sequence of three digits at least.
func number(prefix string, year int, seq int64) string {
	return fmt.Sprintf("%s〔%d〕%03d号", prefix, year, seq)
}

// stubOf takes down the member's particulars for the letter.
func (s *Service) stubOf(ctx context.Context, m store.Member, on time.Time) (Stub, error) {
	st := Stub{Name: m.Name, Gender: m.Gender, BirthDate: m.BirthDate.Format(time.DateOnly), Age: age(m.BirthDate, on),
		Education: m.Education, Status: "正式党员", Branch: m.BranchName, From: s.committee}
	// A member is 预备党员 for a year after joining (党章 art. 7).
	if m.JoinedOn != nil && on.Before(m.JoinedOn.AddDate(1, 0, 0)) {
		st.Status = "预备党员"
	}
	if s.dues != nil {
		a, err := s.dues.Account(ctx, m.ID, dues.MonthOf(on))
		if err != nil {
			if _, refused := collect.AsRefusal(err); !refused {
				return st, err
			}
		} else if a.Assessed() {
			status, err := a.Ledger.Status(dues.MonthOf(on))
			if err != nil {
				return st, err
			}
			if !status.PaidThrough.IsZero() {
				st.DuesPaidThrough = status.PaidThrough.String()
			}
		}
	}
	return st, nil
}

func decodeStub(t store.Transfer) Stub {
	var st Stub
	_ = json.Unmarshal(t.Stub, &st)
	return st
}

// dateArg reads an optional date at the start of rest (default today, never in the future).
func (s *Service) dateArg(c *bot.Context, rest, example string) (time.Time, string, error) {
	today := s.today(c)
	rest = strings.TrimSpace(rest)
	if rest == "" {
		return today, "", nil
	}
	d, after, err := parse.ParseDate(rest, c.Now().In(s.loc))
	if errors.Is(err, parse.ErrNoDate) {
		return today, rest, nil
	}
	var pe *parse.Error
	if errors.As(err, &pe) {
		return time.Time{}, "", bot.Reject("%s。例如：%s", strings.TrimRight(pe.Msg, "。"), example)
	}
	if err != nil {
		return time.Time{}, "", err
	}
	if d.After(today) {
		return time.Time{}, "", bot.Reject("日期%s还没到，请核对。", date(d))
	}
	return d, after, nil
}

// audit writes an audit row about the member by the secretary.
func audit(c *bot.Context, tx *store.Store, target int64, action string, detail map[string]any) error {
	actor := c.Identity.MemberID
	e := store.AuditEntry{Actor: "member:" + strconv.FormatInt(actor, 10), ActorMemberID: &actor, Action: action,
		TargetMemberID: &target}
	if c.InboundID != 0 {
		e.InboundID = &c.InboundID
	}
	return tx.Audit(c, e, detail)
}

func memberRef(m store.Member) string { return fmt.Sprintf("%s（%s）", m.Name, m.BranchName) }

func date(t time.Time) string { return parse.FormatDate(t) }

// day reads a calendar date from the database as that day in loc.
func day(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// daysBetween counts calendar days from a to b.
func daysBetween(a, b time.Time) int {
	x := time.Date(a.Year(), a.Month(), a.Day(), 12, 0, 0, 0, time.UTC)
	y := time.Date(b.Year(), b.Month(), b.Day(), 12, 0, 0, 0, time.UTC)
	return int(y.Sub(x).Hours() / 24)
}

func age(birth, now time.Time) int {
	y := now.Year() - birth.Year()
	if now.Month() < birth.Month() || (now.Month() == birth.Month() && now.Day() < birth.Day()) {
		y--
	}
	return y
}
