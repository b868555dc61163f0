package collect

import (
	"context"
	"fmt"
	"slices"

	"liudong/internal/dues"
	"liudong/internal/store"
)

// AssessReport is what an assessment run did.
type AssessReport struct {
	Added   int       // assessments made (first and yearly)
	Skipped []Skipped // members who could not be assessed from the roster
}

// Skipped is a member left unassessed, and why.
type Skipped struct {
	MemberID int64
	Name     string
	Reason   string
}

// AssessDue makes every assessment due by today within scope (nil: every member): the first
// one of a member never assessed (from today), and the yearly one in the configured month for
// a member last assessed before it. Set-based: one query finds the members, one statement per
// thousand inserts them; running it twice, or in two processes at once, adds nothing more.
func (s *Service) AssessDue(ctx context.Context, today dues.Month, scope []store.OrgUnit) (AssessReport, error) {
	var rep AssessReport
	err := s.st.InTx(ctx, func(tx *store.Store) error {
		var err error
		rep, err = s.assessDue(ctx, tx, today, nil, scope)
		return err
	})
	return rep, err
}

// renewFrom is the latest assessment month not after today: a member last assessed before it
// is due for the yearly assessment, which applies from it.
func (s *Service) renewFrom(today dues.Month) dues.Month {
	m := dues.Month{Year: today.Year, Month: s.rules.AssessmentMonth}
	if m.After(today) {
		m.Year--
	}
	return m
}

func (s *Service) assessDue(ctx context.Context, tx *store.Store, today dues.Month, memberIDs []int64, scope []store.OrgUnit) (AssessReport, error) {
	var rep AssessReport
	if !today.Valid() {
		return rep, fmt.Errorf("collect: invalid month %v", today)
	}
	renew := s.renewFrom(today)
	cands, err := tx.DuesAssessmentCandidates(ctx, renew, memberIDs, scope)
	if err != nil {
		return rep, err
	}
	var rows []store.DuesAssessment
	for _, c := range cands {
		row, why := s.automatic(c, today, renew)
		if why != "" {
			rep.Skipped = append(rep.Skipped, Skipped{MemberID: c.MemberID, Name: c.Name, Reason: why})
			continue
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return rep, nil
	}
	if rep.Added, err = tx.InsertAutomaticDuesAssessments(ctx, rows); err != nil {
		return rep, err
	}
	if rep.Added > 0 {
		detail := map[string]any{"month": today.String(), "added": rep.Added}
		if len(rows) <= 20 {
			ids := make([]int64, len(rows))
			for i, r := range rows {
				ids[i] = r.MemberID
			}
			detail["members"] = ids
		}
		var target *int64
		if len(rows) == 1 {
			target = &rows[0].MemberID
		}
		if err := tx.Audit(ctx, store.AuditEntry{Actor: "system", Action: "dues.assess", TargetMemberID: target}, detail); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// automatic makes a candidate's first or yearly assessment, or says why it cannot. The
// yearly one takes 人员类别 and 月收入 from the roster when the roster changed since the last
// assessment, and otherwise carries the last assessment's basis (a secretary's re-assessment
// stands until the roster says otherwise).
func (s *Service) automatic(c store.DuesAssessmentCandidate, today, renew dues.Month) (store.DuesAssessment, string) {
	row := store.DuesAssessment{
		MemberID: c.MemberID, RosterCategory: c.RosterCategory, RosterIncome: c.RosterIncome, AssessedBy: "system",
	}
	roster, rosterErr := s.rosterInput(c.RosterCategory, c.RosterIncome)
	var a dues.Assessment
	if rosterErr == nil {
		a, rosterErr = s.rules.Assess(roster)
	}
	if c.Latest == nil {
		if rosterErr != nil {
			return row, rosterErr.Error()
		}
		row.From, row.Reason, row.Basis = today, store.AssessFirst, store.BasisRoster
		return fill(row, a, nil), ""
	}
	row.From, row.Reason = renew, store.AssessAnnual
	last := c.Latest
	rosterChanged := c.RosterCategory != last.RosterCategory || !sameIncome(c.RosterIncome, last.RosterIncome)
	if rosterChanged && rosterErr == nil {
		row.Basis = store.BasisRoster
		return fill(row, a, nil), ""
	}
	carried := dues.AssessInput{Category: last.Category, Province: s.province}
	if last.QuarterTotal != nil {
		carried.QuarterTotal = *last.QuarterTotal
	} else if last.Rate != 0 {
		carried.Income = last.Base
	}
	a, err := s.rules.Assess(carried)
	if err != nil {
		if rosterErr != nil {
			return row, rosterErr.Error()
		}
		row.Basis = store.BasisRoster
		a, _ = s.rules.Assess(roster)
		return fill(row, a, nil), ""
	}
	row.Basis = last.Basis
	return fill(row, a, last.QuarterTotal), ""
}

func fill(row store.DuesAssessment, a dues.Assessment, quarter *dues.Fen) store.DuesAssessment {
	row.Category, row.Province, row.Base, row.Rate, row.Monthly, row.Source = a.Category, a.Province, a.Base, a.Rate, a.Monthly, a.Source
	row.QuarterTotal = quarter
	return row
}

func sameIncome(a, b *int64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// rosterInput reads the roster's 人员类别 and 月收入 (for 个体: the monthly average).
func (s *Service) rosterInput(category string, income *int64) (dues.AssessInput, error) {
	if category == "" {
		return dues.AssessInput{}, fmt.Errorf("花名册未填人员类别")
	}
	c, err := dues.ParseCategory(category)
	if err != nil {
		return dues.AssessInput{}, err
	}
	in := dues.AssessInput{Category: c, Province: s.province}
	if income != nil {
		in.Income = dues.Fen(*income)
	}
	if in.Income == 0 && !s.flat(c) {
		return dues.AssessInput{}, fmt.Errorf("花名册未填月收入（%s人员按收入计算党费）", c)
	}
	return in, nil
}

// flat reports whether category c pays a flat amount where the committee is.
func (s *Service) flat(c dues.Category) bool {
	rule, ok := s.rules.Provinces[s.province].Categories[c]
	if !ok {
		rule = s.rules.Categories[c]
	}
	return rule.Flat > 0
}

// ReassessInput is a secretary's re-assessment (核定党费). Zero fields keep what is known:
// the category of the assessment in force (else the roster's), its income.
type ReassessInput struct {
	Category     dues.Category
	Income       dues.Fen // monthly income, pension, or the month's pay
	QuarterTotal dues.Fen // 个体/无固定收入: the previous quarter's total
	From         dues.Month
	Note         string
	Today        dues.Month
}

// Limits of a re-assessment's first month.
const (
	maxBackdateMonths = 24
	maxAheadMonths    = 1
)

// Reassessed is the outcome of a re-assessment.
type Reassessed struct {
	Account    *Account
	Assessment store.DuesAssessment
	Previous   *store.DuesAssessment // in force before, in the new one's first month
	Notified   []int64
}

// Reassess records a secretary's assessment of a member's monthly dues from in.From (default
// this month) on.
func (s *Service) Reassess(ctx context.Context, actor Actor, memberID int64, in ReassessInput) (Reassessed, error) {
	var out Reassessed
	err := s.st.InTx(ctx, func(tx *store.Store) error {
		a, err := s.lockAndLoad(ctx, tx, memberID, in.Today)
		if err != nil {
			return err
		}
		from := in.From
		if from.IsZero() {
			from = in.Today
		}
		switch {
		case from.After(in.Today.Add(maxAheadMonths)):
			return refuse("核定的起始月份最晚为%s。", in.Today.Add(maxAheadMonths))
		case from.Before(in.Today.Add(-maxBackdateMonths)):
			return refuse("核定的起始月份最早为%s（%d个月内）。", in.Today.Add(-maxBackdateMonths), maxBackdateMonths)
		}
		input, err := s.reassessInput(a, in, from)
		if err != nil {
			return err
		}
		assessed, err := s.rules.Assess(input)
		if err != nil {
			return refuse("%s", err)
		}
		out.Previous = a.InForce(from)
		row := store.DuesAssessment{
			MemberID: memberID, From: from, Reason: store.AssessSecretary, Basis: store.BasisSecretary,
			RosterCategory: a.Member.Category, RosterIncome: a.Member.MonthlyIncomeFen, Note: in.Note,
			AssessedBy: actor.label(), AssessedByMemberID: actor.member(), InboundID: actor.inbound(),
		}
		var quarter *dues.Fen
		if input.QuarterTotal != 0 {
			quarter = &input.QuarterTotal
		}
		row = fill(row, assessed, quarter)
		// The ledger must stay consistent with the new assessment before anything is written.
		trial := *a
		trial.Assessments = append(slices.Clone(a.Assessments), row)
		trial.Assessments[len(trial.Assessments)-1].ID = 1 << 62
		trial.build()
		if _, err := trial.Ledger.Status(in.Today); err != nil {
			return refuse("%s", err)
		}
		if _, err := tx.InsertDuesAssessment(ctx, &row); err != nil {
			return err
		}
		detail := map[string]any{"assessment": row.ID, "from": from.String(), "category": row.Category,
			"base_fen": row.Base, "rate": row.Rate.String(), "monthly_fen": row.Monthly, "note": in.Note}
		if out.Previous != nil {
			detail["previous_monthly_fen"] = out.Previous.Monthly
		}
		if err := s.audit(ctx, tx, actor, "dues.assess", a.Member, detail); err != nil {
			return err
		}
		text := fmt.Sprintf("您的党费已重新核定：%s，自%s起执行。", row.Assessment().Explain(), from)
		if actor.Name != "" {
			text = fmt.Sprintf("%s（经办：%s）", text, actor.Name)
		}
		if out.Notified, err = notifyMember(ctx, tx, actor, memberID, "dues.assessment", fmt.Sprintf("assessment:%d", row.ID), text); err != nil {
			return err
		}
		if out.Account, err = s.load(ctx, tx, memberID); err != nil {
			return err
		}
		out.Assessment = row
		return nil
	})
	return out, err
}

// reassessInput completes a secretary's input from what is known of the member.
func (s *Service) reassessInput(a *Account, in ReassessInput, from dues.Month) (dues.AssessInput, error) {
	known := a.InForce(from)
	if known == nil {
		known = a.Latest()
	}
	out := dues.AssessInput{Category: in.Category, Income: in.Income, QuarterTotal: in.QuarterTotal, Province: s.province}
	if out.Category == "" {
		switch {
		case known != nil:
			out.Category = known.Category
		case a.Member.Category != "":
			c, err := dues.ParseCategory(a.Member.Category)
			if err != nil {
				return out, refuse("%s", err)
			}
			out.Category = c
		default:
			return out, refuse("%s的人员类别未知，请写明，例如：核定党费 %s 在职 月收入4000", a.Member.Name, a.Member.Name)
		}
	}
	if out.Income != 0 || out.QuarterTotal != 0 || s.flat(out.Category) {
		return out, nil
	}
	// Keep the income known for a member whose category is all that changed.
	switch {
	case known != nil && known.QuarterTotal != nil && (out.Category == dues.SelfEmployed || out.Category == dues.NoFixedIncome):
		out.QuarterTotal = *known.QuarterTotal
	case known != nil && known.Base > 0:
		out.Income = known.Base
	case a.Member.MonthlyIncomeFen != nil:
		out.Income = dues.Fen(*a.Member.MonthlyIncomeFen)
	}
	return out, nil
}
