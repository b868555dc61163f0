package stats

import (
	"slices"
	"strings"

	"liudong/internal/store"
)

// pathSeparators split a path of unit names: 第一党总支/第一党支部.
func splitNames(name string) []string {
	return strings.FieldsFunc(name, func(r rune) bool { return r == '/' || r == '／' || r == '>' })
}

// matchUnits finds the units a name or a path of names designates: the last name must match
// the unit, the earlier ones its ancestors, in order (not necessarily adjacent).
func matchUnits(units []store.OrgUnit, name string) []store.OrgUnit {
	names := splitNames(strings.TrimSpace(name))
	if len(names) == 0 {
		return nil
	}
	byID := make(map[int64]store.OrgUnit, len(units))
	for _, u := range units {
		byID[u.ID] = u
	}
	var out []store.OrgUnit
	for _, u := range units {
		if u.Name != names[len(names)-1] {
			continue
		}
		want := len(names) - 2
		for p := u.ParentID; p != nil && want >= 0; {
			parent := byID[*p]
			if parent.Name == names[want] {
				want--
			}
			p = parent.ParentID
		}
		if want < 0 {
			out = append(out, u)
		}
	}
	return out
}

// unitPath names u from below root down: "第一党总支/第一党支部" (root itself: its name).
func unitPath(units []store.OrgUnit, u, root store.OrgUnit) string {
	return pathNamer(units)(u, root)
}

// pathNamer is unitPath over a tree indexed once.
func pathNamer(units []store.OrgUnit) func(u, root store.OrgUnit) string {
	byID := make(map[int64]store.OrgUnit, len(units))
	for _, x := range units {
		byID[x.ID] = x
	}
	return func(u, root store.OrgUnit) string {
		if u.ID == root.ID {
			return u.Name
		}
		return namesFrom(byID, u, root)
	}
}

func namesFrom(byID map[int64]store.OrgUnit, u, root store.OrgUnit) string {
	names := []string{u.Name}
	for p := u.ParentID; p != nil && *p != root.ID; {
		parent, ok := byID[*p]
		if !ok {
			break
		}
		names = append(names, parent.Name)
		p = parent.ParentID
	}
	slices.Reverse(names)
	return strings.Join(names, "/")
}

// topUnits drops the units that lie inside another of the list: a secretary of a general
// branch and of one of its branches gets one report, the general branch's.
func topUnits(units []store.OrgUnit) []store.OrgUnit {
	var out []store.OrgUnit
	for _, u := range units {
		inside := false
		for _, v := range units {
			if v.ID != u.ID && strings.HasPrefix(u.Path, v.Path) {
				inside = true
				break
			}
		}
		if !inside {
			out = append(out, u)
		}
	}
	return out
}
