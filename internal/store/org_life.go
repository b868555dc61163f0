package store

import (
	"context"
	"time"
)

// Organizational life statuses: a record counts once recorded (pending) unless rejected.
const (
	OrgLifePending   = "pending"
	OrgLifeConfirmed = "confirmed"
	OrgLifeRejected  = "rejected"
)

// OrgLife is one organizational life (组织生活) a member attended, as reported.
type OrgLife struct {
	ID           int64      `db:"id"`
	MemberID     int64      `db:"member_id"`
	HeldOn       time.Time  `db:"held_on"`
	Place        string     `db:"place"`
	ProvinceCode string     `db:"province_code"`
	CityCode     string     `db:"city_code"`
	CountyCode   string     `db:"county_code"`
	Kind         string     `db:"kind"`
	Status       string     `db:"status"`
	Source       string     `db:"source"`
	RecordedAt   time.Time  `db:"recorded_at"`
	InboundID    *int64     `db:"inbound_id"`
	ReviewedBy   *int64     `db:"reviewed_by"`
	ReviewedAt   *time.Time `db:"reviewed_at"`
	ReviewNote   string     `db:"review_note"`
}

const orgLifeColumns = `id, member_id, held_on, place, province_code, city_code, county_code, kind, status, source,
	recorded_at, inbound_id, reviewed_by, reviewed_at, review_note`

// InsertOrgLife records organizational life; the same kind on the same day twice (not
// rejected) is ErrConflict.
func (s *Store) InsertOrgLife(ctx context.Context, o *OrgLife) error {
	if o.Status == "" {
		o.Status = OrgLifePending
	}
	if o.Source == "" {
		o.Source = "chat"
	}
	err := s.q.GetContext(ctx, &o.ID, `INSERT INTO org_life (member_id, held_on, place, province_code, city_code,
		county_code, kind, status, source, recorded_at, inbound_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		RETURNING id`, o.MemberID, o.HeldOn, o.Place, o.ProvinceCode, o.CityCode, o.CountyCode, o.Kind, o.Status,
		o.Source, o.RecordedAt, o.InboundID)
	return wrap("create organizational life", err)
}

// OrgLifeOn returns the member's record of that kind on that day that is not rejected.
func (s *Store) OrgLifeOn(ctx context.Context, memberID int64, day time.Time, kind string) (OrgLife, error) {
	var o OrgLife
	err := s.q.GetContext(ctx, &o, `SELECT `+orgLifeColumns+` FROM org_life
		WHERE member_id = $1 AND held_on = $2 AND kind = $3 AND status <> 'rejected'`, memberID, day, kind)
	return o, wrap("fetch organizational life", err)
}

// OrgLifeOf lists the member's records of the given statuses (all when none), newest first.
func (s *Store) OrgLifeOf(ctx context.Context, memberID int64, statuses ...string) ([]OrgLife, error) {
	var os []OrgLife
	var filter StringArray
	if len(statuses) > 0 {
		filter = StringArray(statuses)
	}
	err := s.q.SelectContext(ctx, &os, `SELECT `+orgLifeColumns+` FROM org_life
		WHERE member_id = $1 AND ($2::text[] IS NULL OR status = ANY ($2)) ORDER BY held_on DESC, id DESC`, memberID, filter)
	return os, wrap("fetch organizational life", err)
}

// ReviewOrgLife sets the status of records (confirmed or rejected) by a secretary.
func (s *Store) ReviewOrgLife(ctx context.Context, ids []int64, status string, by int64, at time.Time, note string) error {
	_, err := s.q.ExecContext(ctx, `UPDATE org_life SET status = $2, reviewed_by = $3, reviewed_at = $4, review_note = $5
		WHERE id = ANY ($1)`, Int64Array(ids), status, by, at, note)
	return wrap("review organizational life", err)
}

// ReviewOrgLifeByContact sets the status of records by the inflow organization's contact.
func (s *Store) ReviewOrgLifeByContact(ctx context.Context, ids []int64, status string, contactID int64, at time.Time, note string) error {
	_, err := s.q.ExecContext(ctx, `UPDATE org_life SET status = $2, reviewed_by_contact = $3, reviewed_at = $4, review_note = $5
		WHERE id = ANY ($1)`, Int64Array(ids), status, contactID, at, note)
	return wrap("review organizational life", err)
}

// LastOrgLife is a member's latest organizational life that counts (not rejected).
type LastOrgLife struct {
	MemberID int64     `db:"member_id"`
	HeldOn   time.Time `db:"held_on"`
	Kind     string    `db:"kind"`
	Place    string    `db:"place"`
	Status   string    `db:"status"`
}

// LastOrgLives answers, in one statement, every member's (or the given members') latest
// organizational life held on or before the date of at (in at's location), rejected records
// left out: the six-month rule's input. Members with none are absent. Ordered by member id.
func (s *Store) LastOrgLives(ctx context.Context, at time.Time, memberIDs []int64) ([]LastOrgLife, error) {
	var ids Int64Array
	if memberIDs != nil {
		if len(memberIDs) == 0 {
			return nil, nil
		}
		ids = Int64Array(memberIDs)
	}
	var ls []LastOrgLife
	err := s.q.SelectContext(ctx, &ls, `
		SELECT DISTINCT ON (member_id) member_id, held_on, kind, place, status FROM org_life
		WHERE status <> 'rejected' AND held_on <= $1::date AND ($2::bigint[] IS NULL OR member_id = ANY ($2))
		ORDER BY member_id, held_on DESC, (status = 'confirmed') DESC, id DESC`, at.Format(time.DateOnly), ids)
	return ls, wrap("fetch last organizational life", err)
}

// LastOrgLifeOf is LastOrgLives for one member: ErrNotFound when there is none.
func (s *Store) LastOrgLifeOf(ctx context.Context, memberID int64, at time.Time) (LastOrgLife, error) {
	var l LastOrgLife
	err := s.q.GetContext(ctx, &l, `
		SELECT member_id, held_on, kind, place, status FROM org_life
		WHERE member_id = $1 AND status <> 'rejected' AND held_on <= $2::date
		ORDER BY held_on DESC, (status = 'confirmed') DESC, id DESC LIMIT 1`, memberID, at.Format(time.DateOnly))
	return l, wrap("fetch last organizational life", err)
}
