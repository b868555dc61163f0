package store

import "context"

// RoleSecretary is the branch secretary (书记) of an org unit.
const RoleSecretary = "secretary"

// GrantRole gives the member a role over an org unit; granting twice changes nothing.
func (s *Store) GrantRole(ctx context.Context, memberID, orgUnitID int64, role string) (bool, error) {
	res, err := s.q.ExecContext(ctx, `
		INSERT INTO roles (member_id, org_unit_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
		memberID, orgUnitID, role)
	if err != nil {
		return false, wrap("grant role", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// SecretaryOf returns the org units the member is secretary of (empty for an ordinary member).
func (s *Store) SecretaryOf(ctx context.Context, memberID int64) ([]OrgUnit, error) {
	var us []OrgUnit
	err := s.q.SelectContext(ctx, &us, `
		SELECT `+prefixed("o", orgUnitColumns)+` FROM roles r JOIN org_units o ON o.id = r.org_unit_id
		WHERE r.member_id = $1 AND r.role = $2 ORDER BY o.path`, memberID, RoleSecretary)
	return us, wrap("fetch secretary roles", err)
}

// SecretariesOf returns the secretaries of an org unit, or of its nearest ancestor that has one.
func (s *Store) SecretariesOf(ctx context.Context, orgUnitID int64) ([]Member, error) {
	var ms []Member
	err := s.q.SelectContext(ctx, &ms, `
		WITH target AS (SELECT path FROM org_units WHERE id = $1),
		holders AS (
			SELECT r.member_id, length(o.path) AS depth FROM roles r
			JOIN org_units o ON o.id = r.org_unit_id, target t
			WHERE r.role = $2 AND t.path LIKE o.path || '%'
		)
		SELECT `+memberColumns+memberFrom+`
		WHERE m.id IN (SELECT member_id FROM holders WHERE depth = (SELECT max(depth) FROM holders))
		ORDER BY m.id`, orgUnitID, RoleSecretary)
	return ms, wrap("fetch secretaries", err)
}
