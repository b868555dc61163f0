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
	err := s.q.SelectContext(ctx, &out, `
		SELECT m.id AS member_id, m.name, m.branch_id, d.departed_on, COALESCE(d.place, '') AS place,
			EXISTS (SELECT 1 FROM chat_identities ci WHERE ci.member_id = m.id) AS reachable
		FROM members m
		JOIN org_units b ON b.id = m.branch_id
		LEFT JOIN departures d ON d.member_id = m.id AND d.returned_on IS NULL
		WHERE (d.id IS NOT NULL OR m.mobility = '流出')
		  AND (d.id IS NULL OR d.departed_on < $3::date)
		  AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.period = $1 AND r.member_id = m.id)
		  AND ($2 = '' OR NOT EXISTS (SELECT 1 FROM reports r WHERE r.period = $2 AND r.member_id = m.id))
		  AND NOT `+JustifiedAbsenceCovers("m.id", "$4::date")+scope+`
		ORDER BY b.path, m.name, m.id`, args...)
	return out, wrap("fetch missing reports", err)
}
