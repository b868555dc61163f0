package store

import (
	"context"
	"time"
)

// Departure is a period away from home: open while ReturnedOn is nil.
type Departure struct {
	ID           int64      `db:"id"`
	MemberID     int64      `db:"member_id"`
	DepartedOn   time.Time  `db:"departed_on"`
	Place        string     `db:"place"`
	ProvinceCode string     `db:"province_code"`
	CityCode     string     `db:"city_code"`
	CountyCode   string     `db:"county_code"`
	Reason       string     `db:"reason"`
	ReturnedOn   *time.Time `db:"returned_on"`
	Source       string     `db:"source"`
	CreatedAt    time.Time  `db:"created_at"`
}

const departureColumns = `id, member_id, departed_on, place, province_code, city_code, county_code, reason, returned_on, source, created_at`

// OpenDeparture returns the member's departure without a return.
func (s *Store) OpenDeparture(ctx context.Context, memberID int64) (Departure, error) {
	var d Departure
	err := s.q.GetContext(ctx, &d, `SELECT `+departureColumns+` FROM departures WHERE member_id = $1 AND returned_on IS NULL`, memberID)
	return d, wrap("fetch open departure", err)
}

// InsertDeparture records a departure; a member with an open departure is ErrConflict.
func (s *Store) InsertDeparture(ctx context.Context, d *Departure) error {
	err := s.q.GetContext(ctx, &d.ID, `INSERT INTO departures (member_id, departed_on, place, province_code, city_code,
		county_code, reason, source) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		d.MemberID, d.DepartedOn, d.Place, d.ProvinceCode, d.CityCode, d.CountyCode, d.Reason, d.Source)
	return wrap("create departure", err)
}

// UpdateDeparture rewrites the place, region, reason, date and source of a departure (a
// departure the member corrected by chat is no longer the roster's to overwrite).
func (s *Store) UpdateDeparture(ctx context.Context, d *Departure) error {
	_, err := s.q.ExecContext(ctx, `UPDATE departures SET departed_on = $2, place = $3, province_code = $4, city_code = $5,
		county_code = $6, reason = $7, source = $8 WHERE id = $1`,
		d.ID, d.DepartedOn, d.Place, d.ProvinceCode, d.CityCode, d.CountyCode, d.Reason, d.Source)
	return wrap("update departure", err)
}

// CloseDeparture records the return.
func (s *Store) CloseDeparture(ctx context.Context, id int64, returnedOn time.Time) error {
	_, err := s.q.ExecContext(ctx, `UPDATE departures SET returned_on = $2 WHERE id = $1 AND returned_on IS NULL`, id, returnedOn)
	return wrap("close departure", err)
}

// DeparturesOf lists a member's departures, newest first.
func (s *Store) DeparturesOf(ctx context.Context, memberID int64) ([]Departure, error) {
	var ds []Departure
	err := s.q.SelectContext(ctx, &ds, `SELECT `+departureColumns+` FROM departures WHERE member_id = $1 ORDER BY departed_on DESC, id DESC`, memberID)
	return ds, wrap("fetch departures", err)
}
