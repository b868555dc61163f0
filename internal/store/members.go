package store

import (
	"context"
	"time"
)

// Member is a Party member's record. BranchID is the org unit holding the formal relationship.
type Member struct {
	ID               int64      `db:"id"`
	BranchID         int64      `db:"branch_id"`
	Name             string     `db:"name"`
	Gender           string     `db:"gender"`
	BirthDate        time.Time  `db:"birth_date"`
	Education        string     `db:"education"`
	JoinedOn         *time.Time `db:"joined_on"`
	PhoneEnc         []byte     `db:"phone_enc"`
	Category         string     `db:"category"`
	MonthlyIncomeFen *int64     `db:"monthly_income_fen"`
	Mobility         string     `db:"mobility"`
	Employer         string     `db:"employer"`
	Duty             string     `db:"duty"`
	CreatedAt        time.Time  `db:"created_at"`
	UpdatedAt        time.Time  `db:"updated_at"`
	// TransferredOutOn is the date of the receipt for the member's transfer out (已转出 from
	// then); TransferredInOn the day a member who came by transfer (转入) was received.
	TransferredOutOn *time.Time `db:"transferred_out_on"`
	TransferredInOn  *time.Time `db:"transferred_in_on"`

	BranchName string `db:"branch_name"`
}

const memberColumns = `m.id, m.branch_id, m.name, m.gender, m.birth_date, m.education, m.joined_on, m.phone_enc,
	m.category, m.monthly_income_fen, m.mobility, m.employer, m.duty, m.created_at, m.updated_at,
	m.transferred_out_on, m.transferred_in_on, b.name AS branch_name`

const memberFrom = ` FROM members m JOIN org_units b ON b.id = m.branch_id `

// MemberByID fetches one member.
func (s *Store) MemberByID(ctx context.Context, id int64) (Member, error) {
	var m Member
	err := s.q.GetContext(ctx, &m, `SELECT `+memberColumns+memberFrom+`WHERE m.id = $1`, id)
	return m, wrap("fetch member", err)
}

// MemberByRosterKey finds a member by the roster's identity: name, branch and birth date.
func (s *Store) MemberByRosterKey(ctx context.Context, name string, branchID int64, birth time.Time) (Member, error) {
	var m Member
	err := s.q.GetContext(ctx, &m, `SELECT `+memberColumns+memberFrom+`WHERE m.name = $1 AND m.branch_id = $2 AND m.birth_date = $3`,
		name, branchID, birth)
	return m, wrap("fetch member by roster key", err)
}

// MembersByName returns the members of that name, optionally only within the subtrees of the
// given org units (a secretary's reach); nil scope means everywhere.
func (s *Store) MembersByName(ctx context.Context, name string, scope []OrgUnit) ([]Member, error) {
	var ms []Member
	var err error
	if scope == nil {
		err = s.q.SelectContext(ctx, &ms, `SELECT `+memberColumns+memberFrom+`WHERE m.name = $1 ORDER BY b.name, m.id`, name)
	} else {
		err = s.q.SelectContext(ctx, &ms, `SELECT `+memberColumns+memberFrom+`
			WHERE m.name = $1 AND b.path LIKE ANY ($2) ORDER BY b.name, m.id`, name, pathPatterns(scope))
	}
	return ms, wrap("fetch members by name", err)
}

// pathPatterns turns org units into LIKE patterns matching their subtrees.
func pathPatterns(units []OrgUnit) StringArray {
	ps := make(StringArray, len(units))
	for i, u := range units {
		ps[i] = u.Path + "%"
	}
	return ps
}

// InsertMember creates a member and returns its id.
func (s *Store) InsertMember(ctx context.Context, m *Member) error {
	err := s.q.GetContext(ctx, &m.ID, `
		INSERT INTO members (branch_id, name, gender, birth_date, education, joined_on, phone_enc, category,
			monthly_income_fen, mobility, employer, duty, transferred_in_on)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		m.BranchID, m.Name, m.Gender, m.BirthDate, m.Education, m.JoinedOn, m.PhoneEnc, m.Category,
		m.MonthlyIncomeFen, m.Mobility, m.Employer, m.Duty, m.TransferredInOn)
	return wrap("create member", err)
}

// UpdateMember writes every roster field of m.
func (s *Store) UpdateMember(ctx context.Context, m *Member) error {
	_, err := s.q.ExecContext(ctx, `
		UPDATE members SET gender = $2, education = $3, joined_on = $4, phone_enc = $5, category = $6,
			monthly_income_fen = $7, mobility = $8, employer = $9, duty = $10, updated_at = now()
		WHERE id = $1`,
		m.ID, m.Gender, m.Education, m.JoinedOn, m.PhoneEnc, m.Category, m.MonthlyIncomeFen, m.Mobility, m.Employer, m.Duty)
	return wrap("update member", err)
}

// CountMembers counts every member (for the demo and health output).
func (s *Store) CountMembers(ctx context.Context) (int, error) {
	var n int
	err := s.q.GetContext(ctx, &n, `SELECT count(*) FROM members`)
	return n, wrap("count members", err)
}

// DirectoryEntry is a member as the simulator's identity picker shows it.
type DirectoryEntry struct {
	ID        int64  `db:"id"`
	Name      string `db:"name"`
	Branch    string `db:"branch"`
	Secretary bool   `db:"secretary"`
	Handle    string `db:"handle"`
}

// Directory lists up to limit members, secretaries first, with their handle on one bot account.
func (s *Store) Directory(ctx context.Context, platform, account string, limit int) ([]DirectoryEntry, error) {
	var es []DirectoryEntry
	err := s.q.SelectContext(ctx, &es, `
		SELECT m.id, m.name, b.name AS branch,
			EXISTS (SELECT 1 FROM roles r WHERE r.member_id = m.id AND r.role = 'secretary') AS secretary,
			COALESCE(ci.handle, '') AS handle
		FROM members m JOIN org_units b ON b.id = m.branch_id
		LEFT JOIN chat_identities ci ON ci.member_id = m.id AND ci.platform = $1 AND ci.account = $2
		ORDER BY secretary DESC, b.path, m.id LIMIT $3`, platform, account, limit)
	return es, wrap("list member directory", err)
}

// PresentOn is the SQL predicate "member alias is the branch's on day": not transferred out by
// then (已转出 from the receipt's date), and, for a member received by transfer, received by
// then. day is an SQL date expression.
func PresentOn(alias, day string) string {
	return "(" + alias + ".transferred_out_on IS NULL OR " + alias + ".transferred_out_on > " + day + ") AND (" +
		alias + ".transferred_in_on IS NULL OR " + alias + ".transferred_in_on <= " + day + ")"
}

// ReadmitMember makes a member transferred out the branch's again, received by transfer on on.
func (s *Store) ReadmitMember(ctx context.Context, id int64, on time.Time) error {
	_, err := s.q.ExecContext(ctx, `UPDATE members SET transferred_out_on = NULL, transferred_in_on = $2, updated_at = now()
		WHERE id = $1`, id, on)
	return wrap("readmit member", err)
}
