package store

import (
	"context"
	"time"
)

// MemberHome is a 流入 member's home organization (流出地党组织), where the formal relationship
// is, and the certificate it issued.
type MemberHome struct {
	MemberID          int64      `db:"member_id"`
	Org               string     `db:"org"`
	ProvinceCode      string     `db:"province_code"`
	CityCode          string     `db:"city_code"`
	CountyCode        string     `db:"county_code"`
	CertificateNumber string     `db:"certificate_number"`
	RegisteredOn      *time.Time `db:"registered_on"`
	UpdatedAt         time.Time  `db:"updated_at"`
}

const memberHomeColumns = `member_id, org, province_code, city_code, county_code, certificate_number, registered_on, updated_at`

// MemberHomeOf fetches the member's home organization; ErrNotFound when none is recorded.
func (s *Store) MemberHomeOf(ctx context.Context, memberID int64) (MemberHome, error) {
	var h MemberHome
	err := s.q.GetContext(ctx, &h, `SELECT `+memberHomeColumns+` FROM member_homes WHERE member_id = $1`, memberID)
	return h, wrap("fetch home organization", err)
}

// SaveMemberHome writes the member's home organization; empty certificate number and a nil
// registration date keep what was recorded. changed is false when nothing differed.
func (s *Store) SaveMemberHome(ctx context.Context, h MemberHome) (changed bool, err error) {
	res, err := s.q.ExecContext(ctx, `
		INSERT INTO member_homes (member_id, org, province_code, city_code, county_code, certificate_number, registered_on)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (member_id) DO UPDATE SET org = EXCLUDED.org, province_code = EXCLUDED.province_code,
			city_code = EXCLUDED.city_code, county_code = EXCLUDED.county_code,
			certificate_number = CASE WHEN EXCLUDED.certificate_number <> '' THEN EXCLUDED.certificate_number
				ELSE member_homes.certificate_number END,
			registered_on = COALESCE(EXCLUDED.registered_on, member_homes.registered_on), updated_at = now()
		WHERE (member_homes.org, member_homes.province_code, member_homes.city_code, member_homes.county_code)
				IS DISTINCT FROM (EXCLUDED.org, EXCLUDED.province_code, EXCLUDED.city_code, EXCLUDED.county_code)
			OR (EXCLUDED.certificate_number <> '' AND EXCLUDED.certificate_number <> member_homes.certificate_number)
			OR (EXCLUDED.registered_on IS NOT NULL AND EXCLUDED.registered_on IS DISTINCT FROM member_homes.registered_on)`,
		h.MemberID, h.Org, h.ProvinceCode, h.CityCode, h.CountyCode, h.CertificateNumber, h.RegisteredOn)
	if err != nil {
		return false, wrap("save home organization", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// RelayNotice is a notice for a 流入 member's home organization that the local secretary
// passes on (its contact has no chat account bound).
type RelayNotice struct {
	ID        int64     `db:"id"`
	MemberID  int64     `db:"member_id"`
	Kind      string    `db:"kind"`
	Period    string    `db:"period"`
	Org       string    `db:"org"`
	Body      string    `db:"body"`
	CreatedAt time.Time `db:"created_at"`
	Name      string    `db:"name"`
	BranchID  int64     `db:"branch_id"`
}

// InsertRelayNotice keeps a notice to pass on, once per (kind, member, period).
func (s *Store) InsertRelayNotice(ctx context.Context, n RelayNotice) (bool, error) {
	res, err := s.q.ExecContext(ctx, `INSERT INTO relay_notices (member_id, kind, period, org, body, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (kind, member_id, period) DO NOTHING`,
		n.MemberID, n.Kind, n.Period, n.Org, n.Body, n.CreatedAt)
	if err != nil {
		return false, wrap("keep relay notice", err)
	}
	k, _ := res.RowsAffected()
	return k == 1, nil
}

// RelayNotices lists the notices kept in [from, to) for the members within scope (nil:
// everyone), oldest first.
func (s *Store) RelayNotices(ctx context.Context, from, to time.Time, scope []OrgUnit) ([]RelayNotice, error) {
	var patterns any
	if scope != nil {
		patterns = pathPatterns(scope)
	}
	var out []RelayNotice
	err := s.q.SelectContext(ctx, &out, `
		SELECT r.id, r.member_id, r.kind, r.period, r.org, r.body, r.created_at, m.name, m.branch_id
		FROM relay_notices r JOIN members m ON m.id = r.member_id JOIN org_units b ON b.id = m.branch_id
		WHERE r.created_at >= $1 AND r.created_at < $2 AND ($3::text[] IS NULL OR b.path LIKE ANY ($3))
		ORDER BY r.created_at, r.id`, from, to, patterns)
	return out, wrap("fetch relay notices", err)
}

// InflowAssessment is the inflow organization's assessment of a member (表现).
type InflowAssessment struct {
	ID         int64     `db:"id"`
	MemberID   int64     `db:"member_id"`
	ContactID  int64     `db:"contact_id"`
	Period     string    `db:"period"`
	Text       string    `db:"text"`
	RecordedAt time.Time `db:"recorded_at"`
	InboundID  *int64    `db:"inbound_id"`
	Org        string    `db:"org"`
	Contact    string    `db:"contact"`
}

// InsertInflowAssessment keeps an assessment.
func (s *Store) InsertInflowAssessment(ctx context.Context, a *InflowAssessment) error {
	err := s.q.GetContext(ctx, &a.ID, `INSERT INTO inflow_assessments (member_id, contact_id, period, text, recorded_at, inbound_id)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, a.MemberID, a.ContactID, a.Period, a.Text, a.RecordedAt, a.InboundID)
	return wrap("keep inflow assessment", err)
}

// InflowAssessmentsOf lists the member's assessments, newest first.
func (s *Store) InflowAssessmentsOf(ctx context.Context, memberID int64) ([]InflowAssessment, error) {
	var out []InflowAssessment
	err := s.q.SelectContext(ctx, &out, `
		SELECT a.id, a.member_id, a.contact_id, a.period, a.text, a.recorded_at, a.inbound_id, c.org, c.name AS contact
		FROM inflow_assessments a JOIN org_contacts c ON c.id = a.contact_id
		WHERE a.member_id = $1 ORDER BY a.recorded_at DESC, a.id DESC`, memberID)
	return out, wrap("fetch inflow assessments", err)
}

// AssessmentsWanted lists, per bound inflow contact, the members he covers (registered with
// him since before cutoff, not transferred out) with no assessment for the period.
func (s *Store) AssessmentsWanted(ctx context.Context, period string, cutoff time.Time) (map[int64][]Member, error) {
	var rows []struct {
		ContactID int64 `db:"contact_id"`
		Member
	}
	err := s.q.SelectContext(ctx, &rows, `
		SELECT l.contact_id, `+memberColumns+memberFrom+`
		JOIN contact_members l ON l.member_id = m.id AND l.ended_on IS NULL
		JOIN org_contacts c ON c.id = l.contact_id AND c.side = 'inflow'
		WHERE l.since <= $2::date AND m.transferred_out_on IS NULL
		  AND EXISTS (SELECT 1 FROM contact_identities ci WHERE ci.contact_id = c.id)
		  AND NOT EXISTS (SELECT 1 FROM inflow_assessments a WHERE a.member_id = m.id AND a.contact_id = c.id AND a.period = $1)
		ORDER BY l.contact_id, m.name, m.id`, period, cutoff.Format(time.DateOnly))
	out := map[int64][]Member{}
	for _, r := range rows {
		out[r.ContactID] = append(out[r.ContactID], r.Member)
	}
	return out, wrap("fetch assessments wanted", err)
}
