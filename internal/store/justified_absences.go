package store

import (
	"context"
	"time"
)

// JustifiedAbsence (正当理由) suspends the six-month warnings for a member from StartsOn
// through UntilOn (inclusive).
type JustifiedAbsence struct {
	ID         int64     `db:"id"`
	MemberID   int64     `db:"member_id"`
	Reason     string    `db:"reason"`
	StartsOn   time.Time `db:"starts_on"`
	UntilOn    time.Time `db:"until_on"`
	RecordedBy *int64    `db:"recorded_by"`
	InboundID  *int64    `db:"inbound_id"`
	RecordedAt time.Time `db:"recorded_at"`
}

const justifiedAbsenceColumns = `id, member_id, reason, starts_on, until_on, recorded_by, inbound_id, recorded_at`

// JustifiedAbsenceCovers is an SQL predicate for set-based jobs: the member (a column
// expression, e.g. "m.id") has a justified absence covering the day (a date expression, e.g.
// "$1::date"). The six-month job adds `AND NOT `+JustifiedAbsenceCovers("m.id", "$1::date").
func JustifiedAbsenceCovers(member, day string) string {
	return `EXISTS (SELECT 1 FROM justified_absences ja WHERE ja.member_id = ` + member +
		` AND ja.starts_on <= ` + day + ` AND ja.until_on >= ` + day + `)`
}

// InsertJustifiedAbsence records a justified absence.
func (s *Store) InsertJustifiedAbsence(ctx context.Context, a *JustifiedAbsence) error {
	err := s.q.GetContext(ctx, a, `INSERT INTO justified_absences (member_id, reason, starts_on, until_on, recorded_by, inbound_id)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING `+justifiedAbsenceColumns,
		a.MemberID, a.Reason, a.StartsOn, a.UntilOn, a.RecordedBy, a.InboundID)
	return wrap("record justified absence", err)
}

// JustifiedAbsenceOn returns the absence covering the day that ends last (ErrNotFound: none).
func (s *Store) JustifiedAbsenceOn(ctx context.Context, memberID int64, day time.Time) (JustifiedAbsence, error) {
	var a JustifiedAbsence
	err := s.q.GetContext(ctx, &a, `SELECT `+justifiedAbsenceColumns+` FROM justified_absences
		WHERE member_id = $1 AND starts_on <= $2::date AND until_on >= $2::date
		ORDER BY until_on DESC, id DESC LIMIT 1`, memberID, day.Format(time.DateOnly))
	return a, wrap("fetch justified absence", err)
}

// MembersWithJustifiedAbsence returns, of the given members, those covered on the day.
func (s *Store) MembersWithJustifiedAbsence(ctx context.Context, memberIDs []int64, day time.Time) ([]int64, error) {
	var ids []int64
	err := s.q.SelectContext(ctx, &ids, `SELECT m FROM unnest($1::bigint[]) AS m WHERE `+JustifiedAbsenceCovers("m", "$2::date")+` ORDER BY m`,
		Int64Array(memberIDs), day.Format(time.DateOnly))
	return ids, wrap("fetch justified absences", err)
}
