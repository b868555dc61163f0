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

// Find resolves the member a command names, within what the sender covers: a secretary's org
// units, or, for an organization contact, the members registered with his organization. A name
// out of reach gets the same answer as an unknown one. Members transferred out (已转出) are no
// longer the branch's: named alone, they get an answer saying so. command is used in the
// examples of the replies ("查").
func Find(ctx context.Context, st *store.Store, id *bot.Identity, command, args string) (store.Member, string, error) {
	return find(ctx, st, id, command, args, false)
}

// FindArchived is Find that also finds members transferred out, whose archive is kept (查, the
// letter of their transfer).
func FindArchived(ctx context.Context, st *store.Store, id *bot.Identity, command, args string) (store.Member, string, error) {
	return find(ctx, st, id, command, args, true)
}

func find(ctx context.Context, st *store.Store, id *bot.Identity, command, args string, archived bool) (store.Member, string, error) {
	name, branch, rest := SplitName(args)
	if name == "" {
		return store.Member{}, "", bot.Reject("请写上党员姓名，例如：%s 张三", command)
	}
	var found []store.Member
	var err error
	if id.IsContact() {
		found, err = st.MembersByNameForContact(ctx, name, id.Contact.ID)
	} else {
		found, err = st.MembersByName(ctx, name, Scope(id))
	}
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
	var gone []store.Member
	if !archived {
		current := found[:0:0]
		for _, m := range found {
			if m.TransferredOutOn != nil {
				gone = append(gone, m)
			} else {
				current = append(current, m)
			}
		}
		found = current
	}
	switch len(found) {
	case 0:
		if len(gone) > 0 {
			m := gone[0]
			return store.Member{}, "", bot.Reject("%s（%s）的组织关系已于%s转出，不再由本支部管理，无法办理“%s”。档案仍保留，可发送“查 %s”查看。",
				m.Name, m.BranchName, parse.FormatDate(*m.TransferredOutOn), command, m.Name)
		}
		if branch != "" {
			return store.Member{}, "", bot.Reject("在%s中没有找到党员“%s”。", branch, name)
		}
		if id.IsContact() {
			return store.Member{}, "", bot.Reject("在您联系的党员中没有找到“%s”，请检查姓名。", name)
		}
		return store.Member{}, "", bot.Reject("在您管理的党组织中没有找到党员“%s”，请检查姓名。", name)
	case 1:
		return found[0], rest, nil
	}
	var b strings.Builder
	if id.IsContact() {
		fmt.Fprintf(&b, "您联系的党员中有%d位“%s”：", len(found), name)
	} else {
		fmt.Fprintf(&b, "您管理的党组织中有%d位“%s”：", len(found), name)
	}
	for i, m := range found {
		if i > 0 {
			b.WriteString("；")
		}
		fmt.Fprintf(&b, "%s（%d年%d月生）", m.BranchName, m.BirthDate.Year(), m.BirthDate.Month())
	}
	fmt.Fprintf(&b, "。请写明支部，例如：%s %s（%s）", command, name, found[0].BranchName)
	return store.Member{}, "", bot.Reject("%s", b.String())
}
