package store

import (
	"context"
	"time"
)

// AlertGroup is the group chat an org unit's alerts go to.
type AlertGroup struct {
	OrgUnitID   int64     `db:"org_unit_id"`
	Platform    string    `db:"platform"`
	Account     string    `db:"account"`
	GroupHandle string    `db:"group_handle"`
	GroupName   string    `db:"group_name"`
	SetBy       *int64    `db:"set_by"`
	SetAt       time.Time `db:"set_at"`

	OrgUnitName string `db:"org_unit_name"`
}

const alertGroupColumns = `g.org_unit_id, g.platform, g.account, g.group_handle, g.group_name, g.set_by, g.set_at,
	o.name AS org_unit_name`

// SetAlertGroup makes the group the org unit's alerts group, replacing any earlier one; it
// returns the group it replaced (ErrNotFound when there was none).
func (s *Store) SetAlertGroup(ctx context.Context, g AlertGroup) (AlertGroup, error) {
	var prev AlertGroup
	err := s.InTx(ctx, func(tx *Store) error {
		err := tx.q.GetContext(ctx, &prev, `SELECT `+alertGroupColumns+` FROM alert_groups g
			JOIN org_units o ON o.id = g.org_unit_id WHERE g.org_unit_id = $1 FOR UPDATE OF g`, g.OrgUnitID)
		if err != nil && !noRows(err) {
			return wrap("fetch alert group", err)
		}
		if noRows(err) {
			prev = AlertGroup{}
		}
		_, err = tx.q.ExecContext(ctx, `
			INSERT INTO alert_groups (org_unit_id, platform, account, group_handle, group_name, set_by, set_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (org_unit_id) DO UPDATE SET platform = EXCLUDED.platform, account = EXCLUDED.account,
				group_handle = EXCLUDED.group_handle, group_name = EXCLUDED.group_name,
				set_by = EXCLUDED.set_by, set_at = EXCLUDED.set_at`,
			g.OrgUnitID, g.Platform, g.Account, g.GroupHandle, g.GroupName, g.SetBy, g.SetAt)
		return wrap("set alert group", err)
	})
	if err == nil && prev.OrgUnitID == 0 {
		return prev, wrap("fetch alert group", ErrNotFound)
	}
	return prev, err
}

// AlertGroupOf returns the org unit's alerts group.
func (s *Store) AlertGroupOf(ctx context.Context, orgUnitID int64) (AlertGroup, error) {
	var g AlertGroup
	err := s.q.GetContext(ctx, &g, `SELECT `+alertGroupColumns+` FROM alert_groups g
		JOIN org_units o ON o.id = g.org_unit_id WHERE g.org_unit_id = $1`, orgUnitID)
	return g, wrap("fetch alert group", err)
}

// AlertGroups lists every alerts group.
func (s *Store) AlertGroups(ctx context.Context) ([]AlertGroup, error) {
	var gs []AlertGroup
	err := s.q.SelectContext(ctx, &gs, `SELECT `+alertGroupColumns+` FROM alert_groups g
		JOIN org_units o ON o.id = g.org_unit_id ORDER BY o.path`)
	return gs, wrap("fetch alert groups", err)
}

// AlertCoverage is how an org unit's alerts reach someone.
type AlertCoverage struct {
	OrgUnit
	HasGroup     bool `db:"has_group"`
	HasSecretary bool `db:"has_secretary"`
	Members      int  `db:"members"`
}

// AlertCoverages lists every org unit with whether it has an alerts group (set by chat), a
// secretary of its own, and how many members it holds directly.
func (s *Store) AlertCoverages(ctx context.Context) ([]AlertCoverage, error) {
	var cs []AlertCoverage
	err := s.q.SelectContext(ctx, &cs, `
		SELECT `+prefixed("o", orgUnitColumns)+`,
			EXISTS (SELECT 1 FROM alert_groups g WHERE g.org_unit_id = o.id) AS has_group,
			EXISTS (SELECT 1 FROM roles r WHERE r.org_unit_id = o.id AND r.role = 'secretary') AS has_secretary,
			(SELECT count(*) FROM members m WHERE m.branch_id = o.id) AS members
		FROM org_units o ORDER BY o.path`)
	return cs, wrap("fetch alert coverage", err)
}

// OrgUnitsWithAlertGroup lists the ids of the org units that have an alerts group set by chat.
func (s *Store) OrgUnitsWithAlertGroup(ctx context.Context) ([]int64, error) {
	var ids []int64
	err := s.q.SelectContext(ctx, &ids, `SELECT org_unit_id FROM alert_groups ORDER BY org_unit_id`)
	return ids, wrap("fetch org units with an alerts group", err)
}
