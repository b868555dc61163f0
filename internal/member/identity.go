package member

import (
	"context"
	"strconv"

	"liudong/internal/store"
)

// Contact is a chat account as a platform sees it after a login: its handle for this login
// (WeChat mints new ones at every login) and the hints that say who it is.
type Contact struct {
	Handle   string
	Nickname string
	AvatarID string
	Remark   string
}

// Resolution is what Reresolve did.
type Resolution struct {
	Kept       int     // bindings whose handle did not change (a hot login)
	Moved      int     // bindings that followed their member to a new handle
	Unresolved []int64 // chat identity ids now waiting for their member to re-verify
}

// hintScore counts the hints a binding and a contact share; an empty hint never matches.
func hintScore(ci store.ChatIdentity, c Contact) int {
	n := 0
	for _, p := range [][2]string{{ci.Nickname, c.Nickname}, {ci.AvatarID, c.AvatarID}, {ci.Remark, c.Remark}} {
		if p[0] != "" && p[0] == p[1] {
			n++
		}
	}
	return n
}

// strongHints is how many hints a binding and a contact must share for the binding to follow
// the contact without asking: a nickname is chosen by its owner and can be copied, so it never
// suffices alone. The avatar id is assigned by WeChat, the remark by the bot account's owner.
const strongHints = 2

// Reresolve re-attaches every binding on one bot account after a platform login, given the
// accounts the login sees (WeChat: the friends). A binding follows a contact when they share at
// least two of nickname, avatar id and remark, the contact is the binding's one best match, and
// the binding is the contact's one best match. Every other binding is marked needs_verify: its
// member proves who they are with Verifier before the bot treats them as a member again.
func Reresolve(ctx context.Context, st *store.Store, platform, account string, contacts []Contact) (Resolution, error) {
	var res Resolution
	cis, err := st.IdentitiesOf(ctx, platform, account)
	if err != nil || len(cis) == 0 {
		return res, err
	}
	// Index the contacts by each hint, so a binding meets only the contacts sharing one.
	index := map[string][]int{}
	for j, c := range contacts {
		for _, k := range hintKeys(c.Nickname, c.AvatarID, c.Remark) {
			index[k] = append(index[k], j)
		}
	}
	bestOfContact := map[int]int{} // contact → best score
	contactBest := map[int][]int{} // contact → identities with that score
	identityBest := make([][]int, len(cis))
	for i, ci := range cis {
		seen := map[int]bool{}
		top := 0
		for _, k := range hintKeys(ci.Nickname, ci.AvatarID, ci.Remark) {
			for _, j := range index[k] {
				if seen[j] {
					continue
				}
				seen[j] = true
				s := hintScore(ci, contacts[j])
				if s < strongHints {
					continue
				}
				switch {
				case s > top:
					top, identityBest[i] = s, []int{j}
				case s == top:
					identityBest[i] = append(identityBest[i], j)
				}
				switch b := bestOfContact[j]; {
				case s > b:
					bestOfContact[j], contactBest[j] = s, []int{i}
				case s == b:
					contactBest[j] = append(contactBest[j], i)
				}
			}
		}
	}
	type change struct {
		ci     store.ChatIdentity
		to     Contact
		verify bool
	}
	var changes []change
	for i, ci := range cis {
		if len(identityBest[i]) == 1 {
			j := identityBest[i][0]
			if len(contactBest[j]) == 1 && contactBest[j][0] == i {
				c := contacts[j]
				if ci.Handle == c.Handle && ci.Nickname == c.Nickname && ci.AvatarID == c.AvatarID && ci.Remark == c.Remark && !ci.NeedsVerify {
					res.Kept++
					continue
				}
				if ci.Handle == c.Handle {
					res.Kept++
				} else {
					res.Moved++
				}
				changes = append(changes, change{ci: ci, to: c})
				continue
			}
		}
		res.Unresolved = append(res.Unresolved, ci.ID)
		if !ci.NeedsVerify || ci.Handle != placeholder(ci.ID) {
			// The stored hints stay: they find the member's candidates when they write.
			changes = append(changes, change{ci: ci, to: Contact{Handle: placeholder(ci.ID), Nickname: ci.Nickname,
				AvatarID: ci.AvatarID, Remark: ci.Remark}, verify: true})
		}
	}
	if len(changes) == 0 {
		return res, nil
	}
	updates := make([]store.IdentityUpdate, len(changes))
	for i, ch := range changes {
		c := ch.to
		updates[i] = store.IdentityUpdate{ID: ch.ci.ID, Handle: c.Handle, Nickname: c.Nickname, AvatarID: c.AvatarID,
			Remark: c.Remark, NeedsVerify: ch.verify}
	}
	err = st.InTx(ctx, func(tx *store.Store) error {
		if err := tx.UpdateIdentityHandles(ctx, updates, placeholder); err != nil {
			return err
		}
		for _, ch := range changes {
			if ch.verify == ch.ci.NeedsVerify {
				continue
			}
			// A binding starting or ending a wait for re-verification is a change to the
			// member's record.
			action := "member.identity_resolved"
			if ch.verify {
				action = "member.identity_unresolved"
			}
			mid := ch.ci.MemberID
			if err := tx.Audit(ctx, store.AuditEntry{Actor: "system", Action: action, TargetMemberID: &mid},
				map[string]any{"platform": platform, "account": account, "identity": ch.ci.ID}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Resolution{}, err
	}
	return res, nil
}

// placeholder is the handle of a binding waiting for re-verification: unique, and never a
// platform's handle.
func placeholder(id int64) string { return "~unresolved:" + strconv.FormatInt(id, 10) }

func hintKeys(nick, avatar, remark string) []string {
	var ks []string
	if nick != "" {
		ks = append(ks, "n:"+nick)
	}
	if avatar != "" {
		ks = append(ks, "a:"+avatar)
	}
	if remark != "" {
		ks = append(ks, "r:"+remark)
	}
	return ks
}
