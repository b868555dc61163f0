package store

import (
	"context"
	"fmt"
	"time"
)

// Location sources.
const (
	LocationText   = "text"   // the member typed the place
	LocationShare  = "share"  // a shared WeChat location
	LocationRoster = "roster" // from the roster's 流动地点
)

// Location is one location update. Lat and Lng are rounded, or nil when coordinates are dropped.
type Location struct {
	ID           int64     `db:"id"`
	MemberID     int64     `db:"member_id"`
	ReportedAt   time.Time `db:"reported_at"`
	ProvinceCode string    `db:"province_code"`
	CityCode     string    `db:"city_code"`
	CountyCode   string    `db:"county_code"`
	Label        string    `db:"label"`
	Lat          *float64  `db:"lat"`
	Lng          *float64  `db:"lng"`
	Source       string    `db:"source"`
	// PlaceCode is what "the same place" compares: the city code, else the county code (a
	// county directly under its province), else the province code.
	PlaceCode string `db:"place_code"`
}

const locationColumns = `id, member_id, reported_at, province_code, city_code, county_code, label, lat, lng, source, place_code`

// InsertLocation records a location update.
func (s *Store) InsertLocation(ctx context.Context, l *Location) error {
	err := s.q.GetContext(ctx, l, `INSERT INTO locations (member_id, reported_at, province_code, city_code, county_code,
		label, lat, lng, source) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING `+locationColumns,
		l.MemberID, l.ReportedAt, l.ProvinceCode, l.CityCode, l.CountyCode, l.Label, l.Lat, l.Lng, l.Source)
	return wrap("create location", err)
}

// LastLocation returns the member's latest location update.
func (s *Store) LastLocation(ctx context.Context, memberID int64) (Location, error) {
	var l Location
	err := s.q.GetContext(ctx, &l, `SELECT `+locationColumns+` FROM locations WHERE member_id = $1
		ORDER BY reported_at DESC, id DESC LIMIT 1`, memberID)
	return l, wrap("fetch last location", err)
}

// CurrentPlace is where a member was last reported at a moment, and since when: Since is the
// first update of the latest unbroken run of updates at the same place (PlaceCode), so a
// member who went 深圳 → 东莞 → 深圳 has been in 深圳 since the return.
type CurrentPlace struct {
	Location
	Since time.Time `db:"since"`
	// AwaySince is the date of the member's departure still open at that moment, if any.
	AwaySince *time.Time `db:"away_since"`
}

// DaysAt is how many whole days the member has been at the place by at (calendar days in
// at's location; 0 on the day of the first update).
func (p CurrentPlace) DaysAt(at time.Time) int {
	return DaysBetween(p.Since.In(at.Location()), at)
}

// DaysBetween counts calendar days from a to b in b's location (negative when b is earlier).
func DaysBetween(a, b time.Time) int {
	loc := b.Location()
	a = a.In(loc)
	da := time.Date(a.Year(), a.Month(), a.Day(), 12, 0, 0, 0, time.UTC)
	db := time.Date(b.Year(), b.Month(), b.Day(), 12, 0, 0, 0, time.UTC)
	return int(db.Sub(da).Hours() / 24)
}

// PlaceQuery selects current places.
type PlaceQuery struct {
	// At is the moment asked about: updates after it are ignored. Zero means now.
	At time.Time
	// MemberIDs restricts the answer to these members; nil means every member.
	MemberIDs []int64
	// StayedSince keeps only members at their place since this moment or earlier (at the same
	// place for six months: At minus six months). Zero keeps everyone.
	StayedSince time.Time
}

// placeRunsSQL is the one definition of where a member is and since when, shared by
// CurrentPlaces and Stays: over the location updates the subquery selects (member_id, id,
// reported_at, place_code, label), one ordered pass per member gives
//
//   - the latest update (latest_id, its place_code and label);
//   - since: the first update of the latest unbroken run of updates at that place (a member
//     who went 深圳 → 东莞 → 深圳 has been in 深圳 since the return);
//   - left_at: the update just before that run, at another place (NULL when the run is all
//     there is): when the member was last reported elsewhere.
//
// It defines the CTEs place_marks and place_runs (one row per member with an update).
func placeRunsSQL(updates string) string {
	return `
	place_marks AS (
		SELECT member_id, reported_at,
			lag(place_code) OVER w IS DISTINCT FROM place_code AS starts_run,
			lag(reported_at) OVER w AS prev_at,
			last_value(id) OVER whole AS latest_id,
			last_value(place_code) OVER whole AS latest_place,
			last_value(label) OVER whole AS latest_label
		FROM (` + updates + `) u
		WINDOW w AS (PARTITION BY member_id ORDER BY reported_at, id),
			whole AS (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
	),
	place_runs AS (
		SELECT member_id, min(latest_id) AS latest_id, min(latest_place) AS place_code, min(latest_label) AS label,
			max(reported_at) FILTER (WHERE starts_run) AS since,
			max(prev_at) FILTER (WHERE starts_run) AS left_at
		FROM place_marks GROUP BY member_id
	)`
}

// CurrentPlaces answers, in one statement over the whole table, where every member (or the
// members asked about) was last reported at q.At and since when (placeRunsSQL), and whether
// they were away (an open departure on At's date, in At's location). Members with no location
// update are absent. Ordered by member id.
func (s *Store) CurrentPlaces(ctx context.Context, q PlaceQuery) ([]CurrentPlace, error) {
	at := q.At
	if at.IsZero() {
		at = time.Now()
	}
	// The member filter is spelled out rather than made optional in SQL, so that a question
	// about some members uses the (member_id, reported_at) index.
	args := []any{at, at.Format(time.DateOnly)}
	filter := ""
	if q.MemberIDs != nil {
		if len(q.MemberIDs) == 0 {
			return nil, nil
		}
		args = append(args, Int64Array(q.MemberIDs))
		filter = fmt.Sprintf(" AND member_id = ANY ($%d)", len(args))
	}
	stayed := ""
	if !q.StayedSince.IsZero() {
		args = append(args, q.StayedSince)
		stayed = fmt.Sprintf(" WHERE r.since <= $%d", len(args))
	}
	var ps []CurrentPlace
	err := s.q.SelectContext(ctx, &ps, `
		WITH `+placeRunsSQL(`SELECT member_id, id, reported_at, place_code, label FROM locations WHERE reported_at <= $1`+filter)+`
		SELECT `+prefixed("l", locationColumns)+`, r.since,
			(SELECT d.departed_on FROM departures d WHERE d.member_id = l.member_id AND d.departed_on <= $2::date
				AND (d.returned_on IS NULL OR d.returned_on > $2::date) ORDER BY d.departed_on DESC LIMIT 1) AS away_since
		FROM place_runs r JOIN locations l ON l.id = r.latest_id`+stayed+`
		ORDER BY l.member_id`, args...)
	return ps, wrap("fetch current places", err)
}

// CurrentPlaceOf is CurrentPlaces for one member (ErrNotFound when there is no update by at),
// written for the message path: it walks the member's updates backwards on the index only
// until the place changes, however long the history.
func (s *Store) CurrentPlaceOf(ctx context.Context, memberID int64, at time.Time) (CurrentPlace, error) {
	var p CurrentPlace
	err := s.q.GetContext(ctx, &p, `
		WITH cur AS (
			SELECT `+locationColumns+` FROM locations WHERE member_id = $1 AND reported_at <= $2
			ORDER BY reported_at DESC, id DESC LIMIT 1
		),
		brk AS (
			SELECT l.reported_at, l.id FROM locations l, cur
			WHERE l.member_id = $1 AND l.reported_at <= $2 AND l.place_code <> cur.place_code
			ORDER BY l.reported_at DESC, l.id DESC LIMIT 1
		)
		SELECT cur.*,
			(SELECT l.reported_at FROM locations l WHERE l.member_id = $1 AND l.reported_at <= $2
				AND (NOT EXISTS (SELECT 1 FROM brk) OR (l.reported_at, l.id) > (SELECT b.reported_at, b.id FROM brk b))
				ORDER BY l.reported_at, l.id LIMIT 1) AS since,
			(SELECT d.departed_on FROM departures d WHERE d.member_id = $1 AND d.departed_on <= $3::date
				AND (d.returned_on IS NULL OR d.returned_on > $3::date) ORDER BY d.departed_on DESC LIMIT 1) AS away_since
		FROM cur`, memberID, at, at.Format(time.DateOnly))
	return p, wrap("fetch current place", err)
}
