package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"liudong/bot"
	"liudong/internal/location"
	"liudong/internal/parse"
	"liudong/internal/store"
)

// persist stores every inbound message before it is handled; a message already stored is
// acknowledged and not handled again. Over-long messages are stored truncated and refused.
func (a *App) persist(next bot.Handler) bot.Handler {
	return func(c *bot.Context) error {
		m := c.Msg
		text, runes, truncated := bot.Truncate(m.Text, a.Cfg.Messages.MaxRunes)
		row := &store.InboundMessage{
			Platform: m.Platform, Account: m.Account, MessageID: m.ID, Sender: m.From, SenderNick: m.Nick,
			GroupHandle: m.Group, GroupName: m.GroupName, Text: text, Truncated: truncated, OriginalRunes: runes,
			ReceivedAt: m.At,
		}
		if m.Location != nil {
			// Only rounded coordinates (about 1 km) are ever written down, or none at all
			// (location.coordinates: drop).
			if a.Cfg.LocationUpdates.Coordinates == "drop" {
				row.Location, _ = json.Marshal(map[string]string{"label": m.Location.Label})
			} else {
				loc := *m.Location
				loc.Lat, loc.Lng = location.RoundCoord(loc.Lat, 2), location.RoundCoord(loc.Lng, 2)
				row.Location, _ = json.Marshal(loc)
			}
		}
		if m.StoredID != 0 {
			row.ID = m.StoredID
		} else {
			// Stored and identified in one round trip: both happen for every message.
			dup, ident, found, err := a.Store.InsertInboundIdentify(c, row)
			if err != nil {
				return err
			}
			if dup {
				c.Outcome = "duplicate"
				return nil
			}
			c.Identity = a.identity(c, ident, found, m.At)
		}
		c.InboundID = row.ID
		var err error
		if truncated {
			c.Outcome = "too_long"
			c.Replyf("这条消息有%d个字，太长了，我只能处理%d字以内的消息（已留存，未处理）。内容较多时请分几条发送，汇报可以先发“汇报”再逐项回答。",
				runes, a.Cfg.Messages.MaxRunes)
		} else {
			err = next(c)
		}
		outcome := c.Outcome
		var ue *bot.UserError
		switch {
		case err != nil && errors.As(err, &ue):
			outcome = "rejected"
		case err != nil:
			outcome = "error"
		case outcome == "":
			outcome = "ok"
		}
		var memberID *int64
		if c.Identity.Bound() {
			memberID = &c.Identity.MemberID
		}
		// Recorded even when the request is being cancelled: the message was handled.
		if ferr := a.Store.FinishInbound(context.WithoutCancel(c), row.ID, memberID, c.Route, outcome, time.Now()); ferr != nil {
			a.Log.Error("inbound message handled but not recorded", "id", row.ID, "err", ferr)
		}
		return err
	}
}

// identify resolves the chat handle to a member and their roles (persist has done it already
// for a message it stored). A sender who may be a member whose binding a platform re-login could
// not re-resolve (needs_verify) is not treated as that member: in a private chat they answer the
// re-verification questions first (a fresh binding code works too); in a group they count as
// unbound.
func (a *App) identify(next bot.Handler) bot.Handler {
	return func(c *bot.Context) error {
		if c.Identity == nil {
			id, err := a.identifyAt(c, c.Msg.Platform, c.Msg.Account, c.Msg.From, c.Msg.At)
			if err != nil {
				return err
			}
			c.Identity = id
		}
		id := c.Identity
		if id.Bound() {
			return next(c)
		}
		if !id.NeedsVerify {
			// Not a member: perhaps an organization contact outside the committee.
			contact, err := a.Contacts.Identify(c, c.Msg.Platform, c.Msg.Account, c.Msg.From, c.Msg.At)
			if err != nil {
				return err
			}
			if contact != nil {
				id.Contact = contact
				return next(c)
			}
		}
		cands, err := a.Verifier.Candidates(c, c.Msg, id)
		if err != nil {
			return err
		}
		if len(cands) == 0 {
			return next(c)
		}
		id.NeedsVerify = true
		if c.Msg.InGroup() || (c.Cmd != nil && c.Cmd.Name == "绑定") {
			return next(c)
		}
		c.Route = "verify"
		return a.Verifier.Handle(c, cands)
	}
}

// Identify returns who a chat handle is; an unbound handle gives an empty identity.
func (a *App) Identify(ctx context.Context, platform, account, handle string) (*bot.Identity, error) {
	return a.identifyAt(ctx, platform, account, handle, time.Now())
}

// identifyAt is Identify for a message received at the time given.
func (a *App) identifyAt(ctx context.Context, platform, account, handle string, at time.Time) (*bot.Identity, error) {
	ci, err := a.Store.IdentifyHandle(ctx, platform, account, handle)
	if store.IsNotFound(err) {
		return &bot.Identity{}, nil
	}
	if err != nil {
		return nil, err
	}
	return a.identity(ctx, ci, true, at), nil
}

// identity turns a resolved binding into the router's Identity, and notes that the handle was
// seen at the message's time (at most once a minute): the member's last message, which the
// lost-contact rule reads.
func (a *App) identity(ctx context.Context, ci store.Identified, found bool, at time.Time) *bot.Identity {
	if !found {
		return &bot.Identity{}
	}
	if ci.NeedsVerify {
		// The handle is not known to be the member's any more.
		return &bot.Identity{NeedsVerify: true, IdentityID: ci.ID}
	}
	id := &bot.Identity{MemberID: ci.MemberID, Name: ci.Name, BranchID: ci.BranchID, BranchName: ci.BranchName,
		IdentityID: ci.ID}
	for _, u := range ci.SecretaryOf {
		id.SecretaryOf = append(id.SecretaryOf, bot.OrgRef{ID: u.ID, Name: u.Name, Path: u.Path})
	}
	if ci.TransferredOutOn != nil {
		id.TransferredOut = parse.FormatDate(*ci.TransferredOutOn)
	}
	if ci.LastSeenAt == nil || at.Sub(*ci.LastSeenAt) > time.Minute {
		if err := a.Store.TouchIdentity(ctx, ci.ID, at); err != nil {
			a.Log.Warn("touch chat identity", "err", err)
		}
	}
	return id
}

// audit writes an audit row for every use of an audited (secretary) command.
func (a *App) audit(next bot.Handler) bot.Handler {
	return func(c *bot.Context) error {
		err := next(c)
		if c.Cmd == nil || !c.Cmd.Audit || !(c.Identity.Bound() || c.Identity.IsContact()) || c.Route != c.Cmd.Name {
			return err
		}
		outcome := c.Outcome
		if err != nil {
			outcome = "error"
			var ue *bot.UserError
			if errors.As(err, &ue) {
				outcome = "rejected"
			}
		}
		inbound := &c.InboundID
		if c.InboundID == 0 {
			inbound = nil
		}
		detail := map[string]any{"command": c.Cmd.Name, "args": c.Args, "outcome": outcome, "group": c.Msg.GroupName}
		entry := store.AuditEntry{Action: "command:" + c.Cmd.Name, InboundID: inbound}
		if c.Identity.IsContact() {
			entry.Actor = "contact:" + strconv.FormatInt(c.Identity.Contact.ID, 10)
		} else {
			actor := c.Identity.MemberID
			entry.Actor, entry.ActorMemberID = "member:"+strconv.FormatInt(actor, 10), &actor
		}
		if aerr := a.Store.Audit(context.WithoutCancel(c), entry, detail); aerr != nil {
			return errors.Join(err, fmt.Errorf("audit: %w", aerr))
		}
		return err
	}
}
