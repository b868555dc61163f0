package member

import (
	"context"
	"fmt"
	"strings"

	"liudong/bot"
	"liudong/internal/parse"
	"liudong/internal/store"
)

// Scope is the org units a secretary acts within.
func Scope(id *bot.Identity) []store.OrgUnit {
	units := make([]store.OrgUnit, 0, len(id.SecretaryOf))
	for _, o := range id.SecretaryOf {
		units = append(units, store.OrgUnit{ID: o.ID, Name: o.Name, Path: o.Path})
	}
	return units
}

// SplitName takes the member's name off the front of a secretary command's arguments:
// "张三 已阅，继续保持" → ("张三", "", "已阅，继续保持"). A name may carry its branch in
// brackets to tell namesakes apart: "张三（第一党支部）".
func SplitName(args string) (name, branch, rest string) {
	name, rest = parse.SplitName(args) // brackets come back half-width
	if open := strings.IndexByte(name, '('); open > 0 {
		if close := strings.IndexByte(name[open:], ')'); close > 0 {
			name, branch = name[:open], strings.TrimSpace(name[open+1:open+close])
		}
	}
	return name, branch, rest
}

// Find resolves the member a secretary's command names, within the secretary's org units.
// command is used in the examples of the replies ("查").
func Find(ctx context.Context, st *store.Store, id *bot.Identity, command, args string) (store.Member, string, error) {
	name, branch, rest := SplitName(args)
	if name == "" {
		return store.Member{}, "", bot.Reject("请写上党员姓名，例如：%s 张三", command)
	}
	found, err := st.MembersByName(ctx, name, Scope(id))
	if err != nil {
		return store.Member{}, "", err
	}
	if branch != "" {
		var inBranch []store.Member
		for _, m := range found {
			if m.BranchName == branch || strings.Contains(m.BranchName, branch) {
				inBranch = append(inBranch, m)
			}
		}
		found = inBranch
	}
	switch len(found) {
	case 0:
		if branch != "" {
			return store.Member{}, "", bot.Reject("在%s中没有找到党员“%s”。", branch, name)
		}
		return store.Member{}, "", bot.Reject("在您管理的党组织中没有找到党员“%s”，请检查姓名。", name)
	case 1:
		return found[0], rest, nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "您管理的党组织中有%d位“%s”：", len(found), name)
	for i, m := range found {
		if i > 0 {
			b.WriteString("；")
		}
		fmt.Fprintf(&b, "%s（%d年%d月生）", m.BranchName, m.BirthDate.Year(), m.BirthDate.Month())
	}
	fmt.Fprintf(&b, "。请写明支部，例如：%s %s（%s）", command, name, found[0].BranchName)
	return store.Member{}, "", bot.Reject("%s", b.String())
}
