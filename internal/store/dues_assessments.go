package store

import (
	"context"
	"time"

	"liudong/internal/dues"
)

// Reasons an assessment was made.
const (
	AssessFirst     = "first"     // the member's first, when their dues were first looked at
	AssessAnnual    = "annual"    // the yearly one, in the configured month
	AssessSecretary = "secretary" // a secretary's re-assessment (核定党费)
)

// Where an assessment's category and income came from.
const (
	BasisRoster    = "roster"
	BasisSecretary = "secretary"
)

// DuesAssessment is one assessment of a member's monthly dues, with its basis. Rows are
// append-only; the one in force in a month is the newest whose From is not later.
type DuesAssessment struct {
	ID           int64         `db:"id"`
	MemberID     int64         `db:"member_id"`
	From         dues.Month    `db:"from_month"`
	Category     dues.Category `db:"category"`
	Province     string        `db:"province"`
	Base         dues.Fen      `db:"base_fen"`
	QuarterTotal *dues.Fen     `db:"quarter_total_fen"`
	Rate         dues.Rate     `db:"rate_bp"`
	Monthly      dues.Fen      `db:"monthly_fen"`
	Source       string        `db:"source"`
	Reason       string        `db:"reason"`
	// Basis says whether category and income came from the roster or from a secretary.
	Basis              string    `db:"basis"`
	RosterCategory     string    `db:"roster_category"`
	RosterIncome       *int64    `db:"roster_income_fen"`
	Note               string    `db:"note"`
	AssessedBy         string    `db:"assessed_by"`
	AssessedByMemberID *int64    `db:"assessed_by_member_id"`
	InboundID          *int64    `db:"inbound_id"`
	CreatedAt          time.Time `db:"created_at"`
}

// Assessment returns the pure form of a.
func (a DuesAssessment) Assessment() dues.Assessed {
	return dues.Assessed{From: a.From, Assessment: dues.Assessment{
		Category: a.Category, Province: a.Province, Base: a.Base, Rate: a.Rate, Monthly: a.Monthly, Source: a.Source,
	}}
}

const duesAssessmentColumns = `id, member_id, from_month, category, province, base_fen, quarter_total_fen, rate_bp,
	monthly_fen, source, reason, basis, roster_category, roster_income_fen, note, assessed_by, assessed_by_member_id,
	inbound_id, created_at`

// InsertDuesAssessment appends an assessment. An automatic one (first, annual) that another
// process made already for the same member and month is skipped: inserted is false.
func (s *Store) InsertDuesAssessment(ctx context.Context, a *DuesAssessment) (inserted bool, err error) {
	err = s.q.GetContext(ctx, &a.ID, `
		INSERT INTO dues_assessments (member_id, from_month, category, province, base_fen, quarter_total_fen, rate_bp,
			monthly_fen, source, reason, basis, roster_category, roster_income_fen, note, assessed_by,
			assessed_by_member_id, inbound_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
		ON CONFLICT (member_id, from_month) WHERE reason IN ('first', 'annual') DO NOTHING
		RETURNING id`,
		a.MemberID, a.From, a.Category, a.Province, a.Base, a.QuarterTotal, a.Rate, a.Monthly, a.Source, a.Reason,
		a.Basis, a.RosterCategory, a.RosterIncome, a.Note, a.AssessedBy, a.AssessedByMemberID, a.InboundID)
	if noRows(err) {
		return false, nil
	}
	return err == nil, wrap("insert dues assessment", err)
}

// InsertAutomaticDuesAssessments appends many automatic assessments in one statement per
// thousand rows, skipping those another process made already; it returns how many it added.
func (s *Store) InsertAutomaticDuesAssessments(ctx context.Context, as []DuesAssessment) (int, error) {
	const batch = 1000
	added := 0
	for start := 0; start < len(as); start += batch {
		part := as[start:min(start+batch, len(as))]
		var (
			member, base, quarter, rate, monthly, rosterIncome             Int64Array
			from, category, province, source, reason, basis, rosterCat, by StringArray
		)
		for _, a := range part {
			member = append(member, a.MemberID)
			from = append(from, a.From.Date().Format("2006-01-02"))
			category = append(category, string(a.Category))
			province = append(province, a.Province)
			base = append(base, int64(a.Base))
			q := int64(-1) // NULL
			if a.QuarterTotal != nil {
				q = int64(*a.QuarterTotal)
			}
			quarter = append(quarter, q)
			rate = append(rate, int64(a.Rate))
			monthly = append(monthly, int64(a.Monthly))
			source = append(source, a.Source)
			reason = append(reason, a.Reason)
			basis = append(basis, a.Basis)
			rosterCat = append(rosterCat, a.RosterCategory)
			ri := int64(-1) // NULL
			if a.RosterIncome != nil {
				ri = *a.RosterIncome
			}
			rosterIncome = append(rosterIncome, ri)
			by = append(by, a.AssessedBy)
		}
		res, err := s.q.ExecContext(ctx, `
			INSERT INTO dues_assessments (member_id, from_month, category, province, base_fen, quarter_total_fen, rate_bp,
				monthly_fen, source, reason, basis, roster_category, roster_income_fen, assessed_by)
			SELECT u.member_id, u.from_month::date, u.category, u.province, u.base_fen, NULLIF(u.quarter_total_fen, -1),
				u.rate_bp, u.monthly_fen, u.source, u.reason, u.basis, u.roster_category, NULLIF(u.roster_income_fen, -1),
				u.assessed_by
			FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::bigint[],
				$8::bigint[], $9::text[], $10::text[], $11::text[], $12::text[], $13::bigint[], $14::text[])
				AS u (member_id, from_month, category, province, base_fen, quarter_total_fen, rate_bp, monthly_fen,
					source, reason, basis, roster_category, roster_income_fen, assessed_by)
			ON CONFLICT (member_id, from_month) WHERE reason IN ('first', 'annual') DO NOTHING`,
			member, from, category, province, base, quarter, rate, monthly, source, reason, basis,
			rosterCat, rosterIncome, by)
		if err != nil {
			return added, wrap("insert dues assessments", err)
		}
		n, _ := res.RowsAffected()
		added += int(n)
	}
	return added, nil
}

// DuesAssessmentsOf lists a member's assessments in the order they were made.
func (s *Store) DuesAssessmentsOf(ctx context.Context, memberID int64) ([]DuesAssessment, error) {
	var as []DuesAssessment
	err := s.q.SelectContext(ctx, &as, `SELECT `+duesAssessmentColumns+` FROM dues_assessments
		WHERE member_id = $1 ORDER BY id`, memberID)
	return as, wrap("fetch dues assessments", err)
}

// DuesAssessmentCandidate is a member whose dues need assessing: never assessed (Latest nil),
// or last assessed before this year's assessment month.
type DuesAssessmentCandidate struct {
	MemberID       int64  `db:"member_id"`
	Name           string `db:"name"`
	RosterCategory string `db:"roster_category"`
	RosterIncome   *int64 `db:"roster_income_fen"`
	Latest         *DuesAssessment
}

// DuesAssessmentCandidates returns the members (those given, else those within the subtrees
// of scope, else all) with no assessment, or whose newest assessment starts before renewFrom,
// with that newest assessment. The newest assessments are read in one ordered pass over an
// index (dues_assessments_newest) for all members, or through it for a few.
func (s *Store) DuesAssessmentCandidates(ctx context.Context, renewFrom dues.Month, memberIDs []int64, scope []OrgUnit) ([]DuesAssessmentCandidate, error) {
	type row struct {
		MemberID       int64  `db:"member_id"`
		Name           string `db:"name"`
		RosterCategory string `db:"m_category"`
		RosterIncome   *int64 `db:"m_income"`
		LatestID       *int64 `db:"latest_id"`
	}
	// The texts differ by case rather than take optional parameters, so that a prepared
	// statement's generic plan suits each (one member's, on the message path, stays an index
	// lookup).
	args := []any{renewFrom}
	members, assessments := "", ""
	switch {
	case memberIDs != nil:
		args = append(args, Int64Array(memberIDs))
		members, assessments = ` AND m.id = ANY ($2)`, ` WHERE member_id = ANY ($2)`
	case scope != nil:
		args = append(args, pathPatterns(scope))
		members = ` AND b.path LIKE ANY ($2)`
		assessments = ` WHERE member_id IN (SELECT m.id FROM members m JOIN org_units b ON b.id = m.branch_id WHERE true` + members + `)`
	}
	var rows []row
	err := s.q.SelectContext(ctx, &rows, `
		SELECT m.id AS member_id, m.name, m.category AS m_category, m.monthly_income_fen AS m_income, l.id AS latest_id
		FROM members m JOIN org_units b ON b.id = m.branch_id
		LEFT JOIN (
			SELECT DISTINCT ON (member_id) member_id, id, from_month FROM dues_assessments`+assessments+`
			ORDER BY member_id, id DESC
		) l ON l.member_id = m.id
		WHERE (l.id IS NULL OR l.from_month < $1) AND m.transferred_out_on IS NULL`+members+`
		ORDER BY m.id`, args...)
	if err != nil {
		return nil, wrap("find members to assess", err)
	}
	var latestIDs Int64Array
	for _, r := range rows {
		if r.LatestID != nil {
			latestIDs = append(latestIDs, *r.LatestID)
		}
	}
	latest := map[int64]*DuesAssessment{}
	if len(latestIDs) > 0 {
		var as []DuesAssessment
		if err := s.q.SelectContext(ctx, &as, `SELECT `+duesAssessmentColumns+` FROM dues_assessments
			WHERE id = ANY ($1)`, latestIDs); err != nil {
			return nil, wrap("fetch latest dues assessments", err)
		}
		for i := range as {
			latest[as[i].ID] = &as[i]
		}
	}
	out := make([]DuesAssessmentCandidate, len(rows))
	for i, r := range rows {
		out[i] = DuesAssessmentCandidate{MemberID: r.MemberID, Name: r.Name, RosterCategory: r.RosterCategory, RosterIncome: r.RosterIncome}
		if r.LatestID != nil {
			out[i].Latest = latest[*r.LatestID]
		}
	}
	return out, nil
}
