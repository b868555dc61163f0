// Package report is the quarterly report (思想汇报) of mobile members: reporting periods, the
// guided and one-shot 汇报 conversations, revisions (修改汇报, a second 汇报), the member's view
// (我的汇报) and the secretary's review (批阅). Every write keeps the superseded text in
// report_revisions and appends an audit row.
package report

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"

	"liudong/internal/config"
	"liudong/internal/notify"
	"liudong/internal/parse"
	"liudong/internal/store"
)

// Service is the reporting domain over the store.
type Service struct {
	st      *store.Store
	cadence Cadence
	loc     *time.Location
	flowTTL time.Duration
}

// New builds the service from the report configuration; loc is the configured time zone.
func New(st *store.Store, cfg config.Report, loc *time.Location) (*Service, error) {
	c, err := ParseCadence(cfg.Period)
	if err != nil {
		return nil, err
	}
	ttl := cfg.FlowTTL
	if ttl <= 0 {
		ttl = 24 * time.Hour
	}
	return &Service{st: st, cadence: c, loc: loc, flowTTL: ttl}, nil
}

// Cadence is the configured reporting cadence.
func (s *Service) Cadence() Cadence { return s.cadence }

// Period is the reporting period containing t.
func (s *Service) Period(t time.Time) Period { return PeriodOf(t, s.cadence, s.loc) }

// ParsePeriod reads a stored period key in the configured zone.
func (s *Service) ParsePeriod(key string) (Period, error) { return ParsePeriod(key, s.loc) }

// Errors of the write paths; the chat handlers turn them into replies.
var (
	// ErrLocked: the report was reviewed, so it can no longer change.
	ErrLocked = errors.New("report: reviewed reports are locked")
	// ErrNoReport: there is no report for the period.
	ErrNoReport = errors.New("report: no report for the period")
	// ErrExists: a report for the period is already stored.
	ErrExists = errors.New("report: already reported in the period")
)

// Mode says what a submission does with an earlier report of the same period.
type Mode string

const (
	ModeNew     Mode = "new"     // there is none
	ModeReplace Mode = "replace" // 替换: the new text replaces it
	ModeAppend  Mode = "append"  // 补充: the new text is added after it, section by section
)

// Source says how a report was written.
const (
	SourceGuided  = "guided"
	SourceOneShot = "oneshot"
)

// Submission is a report to store.
type Submission struct {
	MemberID  int64
	Period    Period
	Content   store.ReportContent
	Source    string
	Mode      Mode
	InboundID int64
	At        time.Time
}

// Submit stores a submission and audits it. ModeNew fails with ErrExists when the period already
// has a report; ModeReplace and ModeAppend fail with ErrLocked once it is reviewed.
func (s *Service) Submit(ctx context.Context, sub Submission) (store.Report, error) {
	if sub.Content.Empty() {
		return store.Report{}, errors.New("report: empty submission")
	}
	var r store.Report
	err := s.st.InTx(ctx, func(tx *store.Store) error {
		if sub.Mode == ModeNew || sub.Mode == "" {
			r = store.Report{MemberID: sub.MemberID, Period: sub.Period.Key, ReportContent: sub.Content,
				Source: sub.Source, SubmittedAt: sub.At, UpdatedAt: sub.At, InboundID: inbound(sub.InboundID)}
			err := tx.InsertReport(ctx, &r)
			if errors.Is(err, store.ErrConflict) {
				return ErrExists
			}
			if err != nil {
				return err
			}
			return audit(ctx, tx, sub.MemberID, sub.InboundID, "report.submit", map[string]any{
				"period": r.Period, "report_id": r.ID, "source": r.Source, "sections": filled(r.ReportContent),
			})
		}
		var err error
		r, err = lockOpen(ctx, tx, sub.MemberID, sub.Period.Key)
		if err != nil {
			return err
		}
		next := sub.Content
		if sub.Mode == ModeAppend {
			next = appendContent(r.ReportContent, sub.Content, fmt.Sprintf("（%d月%d日补充）", sub.At.In(s.loc).Month(), sub.At.In(s.loc).Day()))
		}
		old, err := tx.ReviseReport(ctx, &r, next, sub.Source, string(sub.Mode), "", inbound(sub.InboundID), sub.At)
		if err != nil {
			return err
		}
		return audit(ctx, tx, sub.MemberID, sub.InboundID, "report."+string(sub.Mode), map[string]any{
			"period": r.Period, "report_id": r.ID, "revision": r.Revision, "superseded_revision_id": old.ID,
			"source": sub.Source, "sections": filled(sub.Content),
		})
	})
	return r, err
}

// Edit replaces one section of the member's report for the period (修改汇报). It fails with
// ErrNoReport, or ErrLocked (with the reviewed report, to say by whom) once reviewed. It returns
// the report as edited and the section's earlier text, which stays in report_revisions.
func (s *Service) Edit(ctx context.Context, memberID int64, p Period, sec parse.Section, text string, inboundID int64, at time.Time) (store.Report, string, error) {
	var r store.Report
	var before string
	err := s.st.InTx(ctx, func(tx *store.Store) error {
		var err error
		r, err = lockOpen(ctx, tx, memberID, p.Key)
		if err != nil {
			return err
		}
		before = Section(r.ReportContent, sec)
		next := r.ReportContent
		SetSection(&next, sec, text)
		old, err := tx.ReviseReport(ctx, &r, next, r.Source, "edit", sec.String(), inbound(inboundID), at)
		if err != nil {
			return err
		}
		return audit(ctx, tx, memberID, inboundID, "report.edit", map[string]any{
			"period": r.Period, "report_id": r.ID, "section": sec.String(), "revision": r.Revision,
			"superseded_revision_id": old.ID,
		})
	})
	return r, before, err
}

// lockOpen locks the member's report for the period and checks it may still change.
func lockOpen(ctx context.Context, tx *store.Store, memberID int64, period string) (store.Report, error) {
	r, err := tx.ReportForUpdate(ctx, memberID, period)
	if store.IsNotFound(err) {
		return r, ErrNoReport
	}
	if err != nil {
		return r, err
	}
	if r.Reviewed() {
		return r, ErrLocked
	}
	return r, nil
}

// Review is a secretary's review of a member's report.
type Review struct {
	ReviewerID   int64
	ReviewerName string
	MemberID     int64
	Comment      string
	InboundID    int64
	At           time.Time
}

// Reviewed is what Review did.
type Reviewed struct {
	Report store.Report
	Period Period
	// Again is set when the report had been reviewed before (its comment is replaced).
	Again bool
	// Notification is the outbox row telling the member (0 if it was already queued).
	Notification int64
}

// ReviewTarget is the report a review made at now applies to: this period's, or, while this
// period has none, the previous period's (secretaries review last quarter's reports in the
// first days of the next). It fails with ErrNoReport.
func (s *Service) ReviewTarget(ctx context.Context, memberID int64, now time.Time) (store.Report, Period, error) {
	p := s.Period(now)
	for _, cand := range []Period{p, p.Prev()} {
		r, err := s.st.ReportOf(ctx, memberID, cand.Key)
		if err == nil {
			return r, cand, nil
		}
		if !store.IsNotFound(err) {
			return r, cand, err
		}
	}
	return store.Report{}, p, ErrNoReport
}

// Review marks the target report reviewed, audits it and queues the comment for the member.
func (s *Service) Review(ctx context.Context, rv Review) (Reviewed, error) {
	target, p, err := s.ReviewTarget(ctx, rv.MemberID, rv.At)
	if err != nil {
		return Reviewed{}, err
	}
	var out Reviewed
	err = s.st.InTx(ctx, func(tx *store.Store) error {
		r, err := tx.ReportForUpdate(ctx, rv.MemberID, target.Period)
		if err != nil {
			return err
		}
		out.Again = r.Reviewed()
		if err := tx.ReviewReport(ctx, r.ID, rv.ReviewerID, rv.Comment, rv.At); err != nil {
			return err
		}
		prevComment := r.ReviewComment
		r.ReviewedAt, r.ReviewerID, r.ReviewComment, r.ReviewerName = &rv.At, &rv.ReviewerID, rv.Comment, rv.ReviewerName
		out.Report, out.Period = r, p
		reviewer, target := rv.ReviewerID, rv.MemberID
		detail := map[string]any{"period": r.Period, "report_id": r.ID, "revision": r.Revision, "comment": rv.Comment}
		if out.Again {
			detail["previous_comment"] = prevComment
		}
		if err := tx.Audit(ctx, store.AuditEntry{Actor: actor(reviewer), ActorMemberID: &reviewer, Action: "report.review",
			TargetMemberID: &target, InboundID: inbound(rv.InboundID)}, detail); err != nil {
			return err
		}
		key := r.Period + "/" + strconv.FormatInt(rv.InboundID, 10)
		if rv.InboundID == 0 {
			key = r.Period + "/" + strconv.FormatInt(rv.At.UnixNano(), 10)
		}
		out.Notification, err = notify.Enqueue(ctx, tx, notify.Message{Kind: "report.review", Period: key,
			MemberID: rv.MemberID, Text: reviewNotice(rv.ReviewerName, p, rv.Comment, p.Key == s.Period(rv.At).Key)})
		return err
	})
	return out, err
}

func reviewNotice(reviewer string, p Period, comment string, current bool) string {
	text := fmt.Sprintf("%s已批阅您%s的思想汇报", reviewer, p.Label)
	if comment != "" {
		text += "，批语：" + sentence(comment)
	} else {
		text += "。"
	}
	if current {
		text += "\n发送“我的汇报”可以查看。"
	}
	return text
}

// sentence ends text with a full stop unless it ends with punctuation already.
func sentence(text string) string {
	r, _ := utf8.DecodeLastRuneInString(text)
	if unicode.IsPunct(r) || unicode.IsSymbol(r) {
		return text
	}
	return text + "。"
}

func audit(ctx context.Context, tx *store.Store, memberID, inboundID int64, action string, detail map[string]any) error {
	return tx.Audit(ctx, store.AuditEntry{Actor: actor(memberID), ActorMemberID: &memberID, Action: action,
		TargetMemberID: &memberID, InboundID: inbound(inboundID)}, detail)
}

func actor(memberID int64) string { return "member:" + strconv.FormatInt(memberID, 10) }

func inbound(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// Section returns one section's text.
func Section(c store.ReportContent, sec parse.Section) string {
	switch sec {
	case parse.Thought:
		return c.Thought
	case parse.Work:
		return c.Work
	case parse.Life:
		return c.Life
	case parse.Study:
		return c.Study
	}
	return ""
}

// SetSection sets one section's text.
func SetSection(c *store.ReportContent, sec parse.Section, text string) {
	switch sec {
	case parse.Thought:
		c.Thought = text
	case parse.Work:
		c.Work = text
	case parse.Life:
		c.Life = text
	case parse.Study:
		c.Study = text
	}
}

// ContentOf turns a parsed report into what is stored.
func ContentOf(r parse.Report) store.ReportContent {
	return store.ReportContent{Thought: r.Thought, Work: r.Work, Life: r.Life, Study: r.Study, Free: r.Free}
}

// filled names the sections with text (for audit details).
func filled(c store.ReportContent) []string {
	var out []string
	for _, sec := range parse.Sections {
		if Section(c, sec) != "" {
			out = append(out, sec.String())
		}
	}
	if c.Free != "" {
		out = append(out, "其他")
	}
	return out
}

// appendContent adds each non-empty part of add after the same part of old, marked with note.
func appendContent(old, add store.ReportContent, note string) store.ReportContent {
	join := func(a, b string) string {
		switch {
		case b == "":
			return a
		case a == "":
			return b
		}
		return a + "\n" + note + b
	}
	return store.ReportContent{
		Thought: join(old.Thought, add.Thought), Work: join(old.Work, add.Work), Life: join(old.Life, add.Life),
		Study: join(old.Study, add.Study), Free: join(old.Free, add.Free),
	}
}
