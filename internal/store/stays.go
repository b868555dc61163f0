package store

import (
	"context"
	"sort"
	"time"
)

// Stay is a member away from home (an open departure) and in one place since a day: the
// place of the latest location update since the departure and the first update of that run
// of updates in the same place, or, with no update elsewhere, the departure's place and date.
type Stay struct {
	MemberID   int64     `db:"member_id"`
	Name       string    `db:"name"`
	BranchID   int64     `db:"branch_id"`
	Mobility   string    `db:"mobility"`
	PlaceKey   string    `db:"place_key"` // city code, else county code, else "place:" + the departure's place text
	Place      string    `db:"place"`     // what to show: the update's label or the departure's place
	Since      time.Time `db:"since"`
	DepartedOn time.Time `db:"departed_on"`
	// Period keys the stay for alerts: a new place or a new departure is a new stay.
	Period string `db:"period"`
	// Registered: a 流入 member (registered here) or registered at the inflow place.
	Registered bool `db:"registered"`
	// Marked lists the alert kinds already reported for this stay (alert_marks).
	Marked StringArray `db:"marked"`
	// Transferring: a letter of transfer (介绍信) is out for the member, waiting for its receipt.
	Transferring bool `db:"transferring"`
}

// StayQuery selects stays.
type StayQuery struct {
	// Now is the clock: the day is Now's date in Zone; later updates and departures are ignored.
	Now  time.Time
	Zone string
	// Months keeps only stays of at least that many months on Now's day (0: every stay).
	Months int
	// Scope keeps only members of these org units' subtrees; nil means everyone.
	Scope []OrgUnit
}

// stayCTE computes the current stays ($1 now, $2 zone) of members away since at least $3
// months (a stay never starts before its departure, so younger departures are skipped at
// once). A stay is the member's current place (placeRunsSQL, the definition CurrentPlaces
// uses) over the updates of this trip that name a city or a county: an update naming only a
// province says nothing about the place and is skipped. With no such update, or with all of
// them at the departure's place, the departure's place and date count. settled_from is when
// the member was last reported elsewhere on this trip (else the departure): an inflow
// registration from that day on is a registration for this stay.
var stayCTE = `
	away AS (
		SELECT d.member_id, d.departed_on, d.place,
			COALESCE(NULLIF(d.city_code, ''), NULLIF(d.county_code, ''), NULLIF('place:' || d.place, 'place:')) AS place_key,
			(d.departed_on::timestamp AT TIME ZONE $2) AS departed_at
		FROM departures d
		WHERE d.returned_on IS NULL
		  AND d.departed_on <= (($1::timestamptz AT TIME ZONE $2)::date - make_interval(months => $3))::date
	),` + placeRunsSQL(`
		SELECT l.member_id, l.id, l.reported_at, l.place_code, l.label
		FROM locations l JOIN away a ON a.member_id = l.member_id
		WHERE l.reported_at >= a.departed_at AND l.reported_at <= $1 AND (l.city_code <> '' OR l.county_code <> '')`) + `,
	stays AS (
		SELECT a.member_id, a.departed_on,
			COALESCE(r.place_code, a.place_key) AS place_key,
			COALESCE(r.label, a.place) AS place,
			CASE WHEN r.member_id IS NULL OR (r.left_at IS NULL AND r.place_code = a.place_key) THEN a.departed_on
				ELSE (r.since AT TIME ZONE $2)::date END AS since,
			COALESCE((r.left_at AT TIME ZONE $2)::date, a.departed_on) AS settled_from
		FROM away a LEFT JOIN place_runs r ON r.member_id = a.member_id
		WHERE COALESCE(r.place_code, a.place_key) IS NOT NULL
	)`

// inflowRegistered is the SQL predicate "the member of stay st has registered at the inflow
// place for this stay": their certificate in force (c, joined) carries an inflow registration
// (流入登记) dated on or after the stay's settled_from.
const inflowRegistered = `COALESCE(c.inflow_on >= st.settled_from, false)`

// Stays returns the current stays matching q, by branch and name.
func (s *Store) Stays(ctx context.Context, q StayQuery) ([]Stay, error) {
	var scope any
	if q.Scope != nil {
		scope = pathPatterns(q.Scope)
	}
	var out []Stay
	err := s.heavyTx(ctx, func(tx *Store) error {
		return tx.q.SelectContext(ctx, &out, `WITH `+stayCTE+`
			SELECT st.member_id, m.name, m.branch_id, m.mobility, st.place_key, st.place, st.since, st.departed_on, st.period,
				(m.mobility = '流入' OR `+inflowRegistered+`) AS registered,
				ARRAY(SELECT am.kind FROM alert_marks am WHERE am.member_id = st.member_id AND am.period = st.period) AS marked,
				EXISTS (SELECT 1 FROM transfers t WHERE t.member_id = st.member_id AND t.direction = 'out' AND t.status = 'pending') AS transferring
			FROM (SELECT *, place_key || '@' || to_char(since, 'YYYY-MM-DD') AS period FROM stays) st
			JOIN members m ON m.id = st.member_id JOIN org_units b ON b.id = m.branch_id
			LEFT JOIN certificates c ON c.member_id = st.member_id AND c.status = 'issued'
			WHERE st.since <= (($1::timestamptz AT TIME ZONE $2)::date - make_interval(months => $3))::date
			  AND ($4::text[] IS NULL OR b.path LIKE ANY ($4))
			  AND `+PresentOn("m", "($1::timestamptz AT TIME ZONE $2)::date"),
			q.Now, q.Zone, q.Months, scope)
	})
	// Sorted here rather than by the database: cheaper, and byte order is what C collation gives.
	sort.Slice(out, func(i, j int) bool {
		a, b := &out[i], &out[j]
		if a.BranchID != b.BranchID {
			return a.BranchID < b.BranchID
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.MemberID < b.MemberID
	})
	return out, wrap("fetch stays", err)
}

// Away is a member with an open departure.
type Away struct {
	MemberID   int64     `db:"member_id"`
	Name       string    `db:"name"`
	BranchID   int64     `db:"branch_id"`
	Place      string    `db:"place"`
	DepartedOn time.Time `db:"departed_on"`
}

// ExpectedHome returns the members expected home for the Spring Festival on the day festival:
// away (an open departure begun by today), not 流入 members (their home branch is elsewhere),
// and without a justified absence covering the festival. Members already marked under the
// alert kind unmarked for the period are left out.
func (s *Store) ExpectedHome(ctx context.Context, today, festival time.Time, unmarked, period string) ([]Away, error) {
	var out []Away
	err := s.q.SelectContext(ctx, &out, `
		SELECT d.member_id, m.name, m.branch_id, d.place, d.departed_on
		FROM departures d JOIN members m ON m.id = d.member_id JOIN org_units b ON b.id = m.branch_id
		WHERE d.returned_on IS NULL AND d.departed_on <= $1::date AND m.mobility <> '流入' AND `+PresentOn("m", "$1::date")+`
		  AND NOT `+JustifiedAbsenceCovers("m.id", "$2::date")+`
		  AND NOT EXISTS (SELECT 1 FROM alert_marks am WHERE am.kind = $3 AND am.member_id = m.id AND am.period = $4)
		ORDER BY b.path, m.name, m.id`, today.Format(time.DateOnly), festival.Format(time.DateOnly), unmarked, period)
	return out, wrap("fetch members expected home", err)
}
