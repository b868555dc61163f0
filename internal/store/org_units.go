package store

import (
	"context"
	"fmt"
	"time"
)

// Org unit kinds.
const (
	KindCommittee     = "committee"
	KindGeneralBranch = "general_branch"
	KindBranch        = "branch"
)

// OrgUnit is one node of the organisation tree.
type OrgUnit struct {
	ID        int64     `db:"id"`
	ParentID  *int64    `db:"parent_id"`
	Kind      string    `db:"kind"`
	Name      string    `db:"name"`
	Region    string    `db:"region"`
	Path      string    `db:"path"`
	CreatedAt time.Time `db:"created_at"`
}

const orgUnitColumns = `id, parent_id, kind, name, region, path, created_at`

// EnsureRootOrgUnit returns the root unit of that name, creating it when missing; region is
// updated to the given one.
func (s *Store) EnsureRootOrgUnit(ctx context.Context, kind, name, region string) (OrgUnit, bool, error) {
	var u OrgUnit
	err := s.q.GetContext(ctx, &u, `SELECT `+orgUnitColumns+` FROM org_units WHERE parent_id IS NULL AND name = $1`, name)
	if err == nil {
		if u.Region != region {
			if _, err := s.q.ExecContext(ctx, `UPDATE org_units SET region = $2 WHERE id = $1`, u.ID, region); err != nil {
				return u, false, wrap("update org unit region", err)
			}
			u.Region = region
		}
		return u, false, nil
	}
	if !noRows(err) {
		return u, false, wrap("fetch root org unit", err)
	}
	err = s.q.GetContext(ctx, &u, `
		INSERT INTO org_units (kind, name, region) VALUES ($1, $2, $3)
		ON CONFLICT (name) WHERE parent_id IS NULL DO UPDATE SET region = EXCLUDED.region
		RETURNING `+orgUnitColumns, kind, name, region)
	if err != nil {
		return u, false, wrap("create root org unit", err)
	}
	if err := s.setPath(ctx, &u, ""); err != nil {
		return u, false, err
	}
	return u, true, nil
}

// EnsureChildOrgUnit returns the child of parent with that name, creating it when missing.
func (s *Store) EnsureChildOrgUnit(ctx context.Context, parent OrgUnit, kind, name string) (OrgUnit, bool, error) {
	var u OrgUnit
	err := s.q.GetContext(ctx, &u, `SELECT `+orgUnitColumns+` FROM org_units WHERE parent_id = $1 AND name = $2`, parent.ID, name)
	if err == nil {
		return u, false, nil
	}
	if !noRows(err) {
		return u, false, wrap("fetch org unit", err)
	}
	err = s.q.GetContext(ctx, &u, `
		INSERT INTO org_units (parent_id, kind, name) VALUES ($1, $2, $3)
		ON CONFLICT (parent_id, name) WHERE parent_id IS NOT NULL DO UPDATE SET name = EXCLUDED.name
		RETURNING `+orgUnitColumns, parent.ID, kind, name)
	if err != nil {
		return u, false, wrap("create org unit", err)
	}
	if err := s.setPath(ctx, &u, parent.Path); err != nil {
		return u, false, err
	}
	return u, true, nil
}

func (s *Store) setPath(ctx context.Context, u *OrgUnit, parentPath string) error {
	if parentPath == "" {
		parentPath = "/"
	}
	u.Path = fmt.Sprintf("%s%d/", parentPath, u.ID)
	_, err := s.q.ExecContext(ctx, `UPDATE org_units SET path = $2 WHERE id = $1`, u.ID, u.Path)
	return wrap("set org unit path", err)
}

// OrgUnitByID fetches one org unit.
func (s *Store) OrgUnitByID(ctx context.Context, id int64) (OrgUnit, error) {
	var u OrgUnit
	err := s.q.GetContext(ctx, &u, `SELECT `+orgUnitColumns+` FROM org_units WHERE id = $1`, id)
	return u, wrap("fetch org unit", err)
}

// OrgUnitsByName returns every org unit of that name (names are unique only among siblings).
func (s *Store) OrgUnitsByName(ctx context.Context, name string) ([]OrgUnit, error) {
	var us []OrgUnit
	err := s.q.SelectContext(ctx, &us, `SELECT `+orgUnitColumns+` FROM org_units WHERE name = $1 ORDER BY id`, name)
	return us, wrap("fetch org units by name", err)
}

// OrgUnitsUnder returns the unit and all its descendants, parents first.
func (s *Store) OrgUnitsUnder(ctx context.Context, root OrgUnit) ([]OrgUnit, error) {
	var us []OrgUnit
	err := s.q.SelectContext(ctx, &us, `SELECT `+orgUnitColumns+` FROM org_units WHERE path LIKE $1 || '%' ORDER BY length(path), name`, root.Path)
	return us, wrap("fetch org subtree", err)
}

// AllOrgUnits lists the whole tree, parents first.
func (s *Store) AllOrgUnits(ctx context.Context) ([]OrgUnit, error) {
	var us []OrgUnit
	err := s.q.SelectContext(ctx, &us, `SELECT `+orgUnitColumns+` FROM org_units ORDER BY length(path), name`)
	return us, wrap("fetch org units", err)
}
