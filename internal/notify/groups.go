package notify

import (
	"context"
	"sort"

	"liudong/internal/store"
)

// Groups knows where an org unit's alerts go: the group its secretary set with 设为提醒群, else
// the group named for it in the configuration, else (no group) its secretaries' private chats.
type Groups struct {
	st *store.Store
	// configured maps an org unit's name to a group's name (notify.groups).
	configured map[string]string
	// detail is how much alerts shown in a group say about members.
	detail Detail
}

// NewGroups uses the configured groups (org unit name → group name) and detail level.
func NewGroups(st *store.Store, configured map[string]string, detail Detail) *Groups {
	return &Groups{st: st, configured: configured, detail: detail}
}

// Group is an alerts group as a platform reaches it.
type Group struct {
	Handle string // empty when only the name is known (configured groups)
	Name   string
}

// GroupOf returns the alerts group of the org unit on one bot account (ok false: none).
func (g *Groups) GroupOf(ctx context.Context, unit store.OrgUnit, platform, account string) (Group, bool, error) {
	ag, err := g.st.AlertGroupOf(ctx, unit.ID)
	switch {
	case err == nil && ag.Platform == platform && ag.Account == account:
		return Group{Handle: ag.GroupHandle, Name: ag.GroupName}, true, nil
	case err != nil && !store.IsNotFound(err):
		return Group{}, false, err
	}
	if name := g.configured[unit.Name]; name != "" {
		return Group{Name: name}, true, nil
	}
	return Group{}, false, nil
}

// DetailFunc tells a job, per org unit, how much its alert may say: the configured level when
// the org unit has an alerts group (on any account), full names when it goes to the secretaries'
// private chats. Decided when the job runs; a group set between then and the send does not
// change a message already queued.
func (g *Groups) DetailFunc(ctx context.Context) (func(orgUnitID int64) Detail, error) {
	ids, err := g.st.OrgUnitsWithAlertGroup(ctx)
	if err != nil {
		return nil, err
	}
	inGroup := make(map[int64]bool, len(ids))
	for _, id := range ids {
		inGroup[id] = true
	}
	for name := range g.configured {
		units, err := g.st.OrgUnitsByName(ctx, name)
		if err != nil {
			return nil, err
		}
		for _, u := range units {
			inGroup[u.ID] = true
		}
	}
	return func(id int64) Detail {
		if inGroup[id] {
			return g.detail
		}
		return DetailFull
	}, nil
}

// Detail is the configured level for alerts shown in groups.
func (g *Groups) Detail() Detail { return g.detail }

// Configured returns the configured org unit name → group name pairs.
func (g *Groups) Configured() map[string]string { return g.configured }

// Names lists the names of every alerts group on one bot account, configured or set by chat,
// sorted: a platform whose group handles change at each login looks them up by name.
func (g *Groups) Names(ctx context.Context, platform, account string) ([]string, error) {
	seen := map[string]bool{}
	for _, name := range g.configured {
		seen[name] = true
	}
	ags, err := g.st.AlertGroups(ctx)
	if err != nil {
		return nil, err
	}
	for _, ag := range ags {
		if ag.Platform == platform && ag.Account == account {
			seen[ag.GroupName] = true
		}
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, nil
}
