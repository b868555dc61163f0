package store

import (
	"context"
	"time"
)

// MissingReport is a mobile member without a report for a period.
type MissingReport struct {
	MemberID   int64      `db:"member_id"`
	Name       string     `db:"name"`
	BranchID   int64      `db:"branch_id"`
	DepartedOn *time.Time `db:"departed_on"` // the open departure, if any
	Place      string     `db:"place"`
	// Reachable: the member has bound a chat account, so a reminder can reach them.
	Reachable bool `db:"reachable"`
}

// MissingReportQuery selects the mobile members owing a report.
type MissingReportQuery struct {
	// Period is the key of the period whose report is missing ("2026Q4").
	Period string
	// NorPeriod, when set, is another period the report must be missing from too (the digest:
	// "no report last quarter, nor since").
	NorPeriod string
	// DepartedBefore keeps the members whose open departure began before this day (members
	// who left after the period owed no report for it); members marked 流出 with no departure
	// on record always count.
	DepartedBefore time.Time
	// Day: members with a justified absence (正当理由) covering it are left out.
	Day time.Time
	// Scope keeps only members of these org units' subtrees; nil means everyone.
	Scope []OrgUnit
}

// MissingReports lists, in one statement, the mobile members — those with an open departure,
// or marked 流出, as MobileReportStatus counts them — who have no report for q.Period, ordered
// by branch (path) and name.
func (s *Store) MissingReports(ctx context.Context, q MissingReportQuery) ([]MissingReport, error) {
	args := []any{q.Period, q.NorPeriod, q.DepartedBefore.Format(time.DateOnly), q.Day.Format(time.DateOnly)}
	scope := ""
	if q.Scope != nil {
		args = append(args, pathPatterns(q.Scope))
		scope = ` AND b.path LIKE ANY ($5::text[])`
	}
	var out []MissingReport
	// Driven from the mobile members (a third at most), against the period's reports hashed
	// (NorPeriod "" matches no report).
	err := s.q.SelectContext(ctx, &out, `
		WITH mobile AS (
			SELECT d.member_id, d.departed_on, d.place FROM departures d
			WHERE d.returned_on IS NULL AND d.departed_on < $3::date
			UNION ALL
			SELECT m.id, NULL, '' FROM members m
			WHERE m.mobility = '流出' AND NOT EXISTS (SELECT 1 FROM departures d WHERE d.member_id = m.id AND d.returned_on IS NULL)
		)
		SELECT m.id AS member_id, m.name, m.branch_id, mo.departed_on, mo.place,
			EXISTS (SELECT 1 FROM chat_identities ci WHERE ci.member_id = m.id) AS reachable
		FROM mobile mo
		JOIN members m ON m.id = mo.member_id
		JOIN org_units b ON b.id = m.branch_id
		WHERE mo.member_id NOT IN (SELECT r.member_id FROM reports r WHERE r.period = $1)
		  AND mo.member_id NOT IN (SELECT r.member_id FROM reports r WHERE r.period = $2)
		  AND NOT `+JustifiedAbsenceCovers("m.id", "$4::date")+`
		  AND `+PresentOn("m", "$4::date")+scope+`
		ORDER BY b.path, m.name, m.id`, args...)
	return out, wrap("fetch missing reports", err)
}
