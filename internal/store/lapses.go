package store

import (
	"context"
	"time"
)

// OrgLifeLapse is a member away from home and the last organizational life on record: the
// six-month rule's input for organizational life.
type OrgLifeLapse struct {
	MemberID int64  `db:"member_id"`
	Name     string `db:"name"`
	BranchID int64  `db:"branch_id"`
	// Away is the open departure's date; for a member marked 流出 with no departure on record,
	// the day liudong learned of the member.
	Away time.Time `db:"away"`
	// LastOrgLife is the latest organizational life held by the day, rejected ones left out
	// (nil: none on record).
	LastOrgLife *time.Time `db:"last_org_life"`
}

// OrgLifeLapses lists, in one statement, the members away on day (an open departure begun by
// then, or marked 流出), except 流入 members (their home branch is elsewhere), each with their
// last organizational life: liudong records the organizational life members attend at the
// inflow place, so for them its absence means something. Ordered by member id.
func (s *Store) OrgLifeLapses(ctx context.Context, day time.Time, scope []OrgUnit) ([]OrgLifeLapse, error) {
	args := []any{day.Format(time.DateOnly)}
	filter := ""
	if scope != nil {
		args = append(args, pathPatterns(scope))
		filter = ` AND m.branch_id IN (SELECT id FROM org_units WHERE path LIKE ANY ($2::text[]))`
	}
	var out []OrgLifeLapse
	err := s.heavyTx(ctx, func(tx *Store) error {
		return tx.q.SelectContext(ctx, &out, `
			WITH away AS (
				SELECT m.id AS member_id, m.name, m.branch_id,
					COALESCE(d.departed_on, (m.created_at AT TIME ZONE 'UTC')::date) AS away
				FROM members m
				LEFT JOIN departures d ON d.member_id = m.id AND d.returned_on IS NULL
				WHERE m.mobility <> '流入' AND (d.departed_on <= $1::date OR (d.id IS NULL AND m.mobility = '流出'))
				  AND `+PresentOn("m", "$1::date")+filter+`
			),
			last AS (
				SELECT o.member_id, max(o.held_on) AS held_on FROM org_life o
				WHERE o.status <> 'rejected' AND o.held_on <= $1::date AND o.member_id IN (SELECT member_id FROM away)
				GROUP BY o.member_id
			)
			SELECT a.member_id, a.name, a.branch_id, a.away, l.held_on AS last_org_life
			FROM away a LEFT JOIN last l ON l.member_id = a.member_id
			ORDER BY a.member_id`, args...)
	})
	return out, wrap("fetch organizational life lapses", err)
}

// AbsenceState is where a member's justified absences (正当理由) stand on a day.
type AbsenceState struct {
	MemberID int64 `db:"member_id"`
	// Covered: an absence covers the day.
	Covered bool `db:"covered"`
	// LastEnd is the last day of the latest absence begun by the day.
	LastEnd time.Time `db:"last_end"`
}

// AbsenceStates lists the members with a justified absence begun by day, in one statement.
func (s *Store) AbsenceStates(ctx context.Context, day time.Time) ([]AbsenceState, error) {
	var out []AbsenceState
	err := s.q.SelectContext(ctx, &out, `
		SELECT member_id, bool_or(until_on >= $1::date) AS covered, max(until_on) AS last_end
		FROM justified_absences WHERE starts_on <= $1::date
		GROUP BY member_id ORDER BY member_id`, day.Format(time.DateOnly))
	return out, wrap("fetch justified absences", err)
}

// ReachableMembers lists the members with a chat binding (on any account), whom a scheduled
// notice can reach; ordered by id.
func (s *Store) ReachableMembers(ctx context.Context) ([]int64, error) {
	var ids []int64
	err := s.q.SelectContext(ctx, &ids, `SELECT DISTINCT member_id FROM chat_identities ORDER BY member_id`)
	return ids, wrap("fetch reachable members", err)
}
