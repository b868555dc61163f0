package store

import (
	"context"
	"time"
)

// ReportContent is the text of a report (思想汇报) by section; Free holds a report written
// without section labels, or the text outside them.
type ReportContent struct {
	Thought string `db:"thought" json:"thought,omitempty"`
	Work    string `db:"work" json:"work,omitempty"`
	Life    string `db:"life" json:"life,omitempty"`
	Study   string `db:"study" json:"study,omitempty"`
	Free    string `db:"free" json:"free,omitempty"`
}

// Empty reports whether every field is empty.
func (c ReportContent) Empty() bool {
	return c.Thought == "" && c.Work == "" && c.Life == "" && c.Study == "" && c.Free == ""
}

// Report is a member's report for one period, as it stands now.
type Report struct {
	ID       int64  `db:"id"`
	MemberID int64  `db:"member_id"`
	Period   string `db:"period"`
	ReportContent
	Source        string     `db:"source"` // guided | oneshot
	Revision      int        `db:"revision"`
	SubmittedAt   time.Time  `db:"submitted_at"`
	UpdatedAt     time.Time  `db:"updated_at"`
	InboundID     *int64     `db:"inbound_id"`
	ReviewedAt    *time.Time `db:"reviewed_at"`
	ReviewerID    *int64     `db:"reviewer_id"`
	ReviewComment string     `db:"review_comment"`

	ReviewerName string `db:"reviewer_name"`
}

// Reviewed reports whether a secretary has reviewed the report (it is then locked).
func (r Report) Reviewed() bool { return r.ReviewedAt != nil }

const reportColumns = `r.id, r.member_id, r.period, r.thought, r.work, r.life, r.study, r.free, r.source,
	r.revision, r.submitted_at, r.updated_at, r.inbound_id, r.reviewed_at, r.reviewer_id, r.review_comment,
	COALESCE(rv.name, '') AS reviewer_name`

const reportFrom = ` FROM reports r LEFT JOIN members rv ON rv.id = r.reviewer_id `

// ReportOf returns the member's report for a period.
func (s *Store) ReportOf(ctx context.Context, memberID int64, period string) (Report, error) {
	var r Report
	err := s.q.GetContext(ctx, &r, `SELECT `+reportColumns+reportFrom+`WHERE r.member_id = $1 AND r.period = $2`, memberID, period)
	return r, wrap("fetch report", err)
}

// ReportForUpdate returns the member's report for a period and locks it until the transaction
// ends (call it inside InTx).
func (s *Store) ReportForUpdate(ctx context.Context, memberID int64, period string) (Report, error) {
	var r Report
	err := s.q.GetContext(ctx, &r, `SELECT `+reportColumns+reportFrom+`WHERE r.member_id = $1 AND r.period = $2
		FOR UPDATE OF r`, memberID, period)
	return r, wrap("fetch report for update", err)
}

// LatestReports returns the member's newest reports, newest first (by submission).
func (s *Store) LatestReports(ctx context.Context, memberID int64, limit int) ([]Report, error) {
	var rs []Report
	err := s.q.SelectContext(ctx, &rs, `SELECT `+reportColumns+reportFrom+`WHERE r.member_id = $1
		ORDER BY r.submitted_at DESC, r.id DESC LIMIT $2`, memberID, limit)
	return rs, wrap("fetch latest reports", err)
}

// InsertReport stores a new report; one already stored for the member and period is ErrConflict.
func (s *Store) InsertReport(ctx context.Context, r *Report) error {
	if r.Revision == 0 {
		r.Revision = 1
	}
	err := s.q.GetContext(ctx, &r.ID, `
		INSERT INTO reports (member_id, period, thought, work, life, study, free, source, revision,
			submitted_at, updated_at, inbound_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		r.MemberID, r.Period, r.Thought, r.Work, r.Life, r.Study, r.Free, r.Source, r.Revision,
		r.SubmittedAt, r.UpdatedAt, r.InboundID)
	return wrap("create report", err)
}

// ReportRevision is a superseded version of a report.
type ReportRevision struct {
	ID       int64 `db:"id"`
	ReportID int64 `db:"report_id"`
	Revision int   `db:"revision"`
	ReportContent
	Source       string    `db:"source"`
	WrittenAt    time.Time `db:"written_at"`
	SupersededAt time.Time `db:"superseded_at"`
	Change       string    `db:"change"`  // replace | append | edit
	Section      string    `db:"section"` // the section edited (edit only)
	InboundID    *int64    `db:"inbound_id"`
}

// ReviseReport keeps the report's current version in report_revisions and writes the new
// content as the next revision. The report must not be reviewed: a reviewed one (reviewed
// meanwhile) is ErrConflict. r is updated in place; it returns the revision row kept.
func (s *Store) ReviseReport(ctx context.Context, r *Report, next ReportContent, source, change, section string,
	inboundID *int64, at time.Time) (ReportRevision, error) {
	old := ReportRevision{ReportID: r.ID, Revision: r.Revision, ReportContent: r.ReportContent, Source: r.Source,
		WrittenAt: r.UpdatedAt, SupersededAt: at, Change: change, Section: section, InboundID: inboundID}
	err := s.q.GetContext(ctx, &old.ID, `
		INSERT INTO report_revisions (report_id, revision, thought, work, life, study, free, source, written_at,
			superseded_at, change, section, inbound_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		old.ReportID, old.Revision, old.Thought, old.Work, old.Life, old.Study, old.Free, old.Source, old.WrittenAt,
		old.SupersededAt, old.Change, old.Section, old.InboundID)
	if err != nil {
		return old, wrap("keep report revision", err)
	}
	res, err := s.q.ExecContext(ctx, `
		UPDATE reports SET thought = $3, work = $4, life = $5, study = $6, free = $7, source = $8,
			revision = revision + 1, updated_at = $9
		WHERE id = $1 AND revision = $2 AND reviewed_at IS NULL`,
		r.ID, r.Revision, next.Thought, next.Work, next.Life, next.Study, next.Free, source, at)
	if err != nil {
		return old, wrap("revise report", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return old, wrap("revise report", ErrConflict)
	}
	r.ReportContent, r.Source, r.UpdatedAt = next, source, at
	r.Revision++
	return old, nil
}

// ReportRevisions lists a report's superseded versions, oldest first.
func (s *Store) ReportRevisions(ctx context.Context, reportID int64) ([]ReportRevision, error) {
	var rs []ReportRevision
	err := s.q.SelectContext(ctx, &rs, `SELECT id, report_id, revision, thought, work, life, study, free, source,
		written_at, superseded_at, change, section, inbound_id FROM report_revisions WHERE report_id = $1 ORDER BY revision`, reportID)
	return rs, wrap("fetch report revisions", err)
}

// ReviewReport marks the report reviewed by the secretary with a comment (a second review
// replaces the comment).
func (s *Store) ReviewReport(ctx context.Context, id, reviewerID int64, comment string, at time.Time) error {
	res, err := s.q.ExecContext(ctx, `UPDATE reports SET reviewed_at = $3, reviewer_id = $2, review_comment = $4
		WHERE id = $1`, id, reviewerID, at, comment)
	if err != nil {
		return wrap("review report", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return wrap("review report", ErrNotFound)
	}
	return nil
}

// ReportWant filters MobileReportStatus.
type ReportWant int

const (
	// AllMobile lists every mobile member with their report, if any.
	AllMobile ReportWant = iota
	// Reported lists the mobile members who have a report for the period.
	Reported
	// NotReported lists the mobile members who have none.
	NotReported
)

// MobileReport is one mobile member and their report for a period (ReportID nil: none).
type MobileReport struct {
	MemberID   int64      `db:"member_id"`
	Name       string     `db:"name"`
	BranchID   int64      `db:"branch_id"`
	BranchName string     `db:"branch_name"`
	BranchPath string     `db:"branch_path"`
	Mobility   string     `db:"mobility"`
	DepartedOn *time.Time `db:"departed_on"` // the open departure, if any
	Place      string     `db:"place"`
	ReportID   *int64     `db:"report_id"`
	Submitted  *time.Time `db:"submitted_at"`
	ReviewedAt *time.Time `db:"reviewed_at"`
}

// MobileReportStatus lists the mobile members — those with an open departure, or marked 流出 —
// of the org units under (their subtrees; nil means everywhere) with their report for the
// period, filtered by want, ordered by branch (path) then name: the set the report reminder
// and overdue jobs work on. Mobility is as of now, not as of the period.
func (s *Store) MobileReportStatus(ctx context.Context, period string, under []OrgUnit, want ReportWant) ([]MobileReport, error) {
	var patterns any
	if under != nil {
		patterns = pathPatterns(under)
	}
	var rs []MobileReport
	err := s.q.SelectContext(ctx, &rs, `
		SELECT m.id AS member_id, m.name, m.branch_id, b.name AS branch_name, b.path AS branch_path, m.mobility,
			d.departed_on, COALESCE(d.place, '') AS place, r.id AS report_id, r.submitted_at, r.reviewed_at
		FROM members m
		JOIN org_units b ON b.id = m.branch_id
		LEFT JOIN departures d ON d.member_id = m.id AND d.returned_on IS NULL
		LEFT JOIN reports r ON r.member_id = m.id AND r.period = $1
		WHERE (d.id IS NOT NULL OR m.mobility = '流出') AND m.transferred_out_on IS NULL
		  AND ($2::text[] IS NULL OR b.path LIKE ANY ($2))
		  AND ($3 = 0 OR ($3 = 1) = (r.id IS NOT NULL))
		ORDER BY b.path, m.name, m.id`, period, patterns, int(want))
	return rs, wrap("fetch mobile members' report status", err)
}
