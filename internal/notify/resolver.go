package notify

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"liudong/bot"
	"liudong/internal/store"
)

// Target is one message of an outbox row, with a stable key ("member:12", "group:第一党支部")
// so a retried row skips the targets already sent.
type Target struct {
	Key string
	Out bot.Outgoing
}

// Resolver turns an outbox row into the messages to send on this bot account.
type Resolver interface {
	Resolve(ctx context.Context, n store.Notification) ([]Target, error)
}

// ErrNoRecipient means the row has nobody to go to on this account (not bound, no group, no
// secretary): retrying will not help until someone binds.
var ErrNoRecipient = errors.New("notify: no recipient on this account")

// StoreResolver resolves recipients from the chat identities and alerts groups of one bot account.
type StoreResolver struct {
	Store    *store.Store
	Groups   *Groups
	Platform string
	Account  string
}

// Resolve sends a member's row to their private chat, an org unit's row to its alerts group
// or, with none, to its secretaries' private chats, and a contact's row to the contact's.
func (r StoreResolver) Resolve(ctx context.Context, n store.Notification) ([]Target, error) {
	var members []int64
	switch {
	case n.ContactID != nil:
		ci, err := r.Store.ContactIdentityOn(ctx, r.Platform, r.Account, *n.ContactID)
		if store.IsNotFound(err) {
			return nil, fmt.Errorf("%w (%s)", ErrNoRecipient, n.Recipient)
		}
		if err != nil {
			return nil, err
		}
		return []Target{{Key: "contact:" + strconv.FormatInt(*n.ContactID, 10),
			Out: bot.Outgoing{To: ci.Handle, Text: n.Body, Image: n.Image, ImageName: imageName(n)}}}, nil
	case n.MemberID != nil:
		members = []int64{*n.MemberID}
	case n.OrgUnitID != nil:
		if r.Groups != nil {
			unit, err := r.Store.OrgUnitByID(ctx, *n.OrgUnitID)
			if err != nil {
				return nil, err
			}
			g, ok, err := r.Groups.GroupOf(ctx, unit, r.Platform, r.Account)
			if err != nil {
				return nil, err
			}
			if ok {
				out := bot.Outgoing{Group: g.Handle, GroupName: g.Name, Text: n.Body, Image: n.Image, ImageName: imageName(n)}
				return []Target{{Key: "group:" + g.Name, Out: out}}, nil
			}
		}
		secs, err := r.Store.SecretariesOf(ctx, *n.OrgUnitID)
		if err != nil {
			return nil, err
		}
		for _, s := range secs {
			members = append(members, s.ID)
		}
	}
	var targets []Target
	unverified := 0
	for _, id := range members {
		ci, err := r.Store.IdentityOfMember(ctx, r.Platform, r.Account, id)
		if store.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if ci.NeedsVerify {
			unverified++ // its handle is not known to be the member's any more
			continue
		}
		targets = append(targets, Target{
			Key: "member:" + strconv.FormatInt(id, 10),
			Out: bot.Outgoing{To: ci.Handle, Text: n.Body, Image: n.Image, ImageName: imageName(n)},
		})
	}
	if len(targets) == 0 && unverified > 0 {
		return nil, fmt.Errorf("%w (%s)", ErrRecipientUnverified, n.Recipient)
	}
	if len(targets) == 0 {
		return nil, fmt.Errorf("%w (%s)", ErrNoRecipient, n.Recipient)
	}
	return targets, nil
}

func imageName(n store.Notification) string {
	if len(n.Image) == 0 {
		return ""
	}
	return fmt.Sprintf("%s-%d.png", n.Kind, n.ID)
}
