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
			dup, err := a.Store.InsertInbound(c, row)
			if err != nil {
				return err
			}
			if dup {
				c.Outcome = "duplicate"
				return nil
			}
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

// identify resolves the chat handle to a member and their roles.
func (a *App) identify(next bot.Handler) bot.Handler {
	return func(c *bot.Context) error {
		id, err := a.Identify(c, c.Msg.Platform, c.Msg.Account, c.Msg.From)
		if err != nil {
			return err
		}
		c.Identity = id
		return next(c)
	}
}

// Identify returns who a chat handle is; an unbound handle gives an empty identity.
func (a *App) Identify(ctx context.Context, platform, account, handle string) (*bot.Identity, error) {
	ci, err := a.Store.IdentityByHandle(ctx, platform, account, handle)
	if store.IsNotFound(err) {
		return &bot.Identity{}, nil
	}
	if err != nil {
		return nil, err
	}
	m, err := a.Store.MemberByID(ctx, ci.MemberID)
	if err != nil {
		return nil, err
	}
	units, err := a.Store.SecretaryOf(ctx, m.ID)
	if err != nil {
		return nil, err
	}
	id := &bot.Identity{MemberID: m.ID, Name: m.Name, BranchID: m.BranchID, BranchName: m.BranchName,
		NeedsVerify: ci.NeedsVerify, IdentityID: ci.ID}
	for _, u := range units {
		id.SecretaryOf = append(id.SecretaryOf, bot.OrgRef{ID: u.ID, Name: u.Name, Path: u.Path})
	}
	if ci.LastSeenAt == nil || time.Since(*ci.LastSeenAt) > time.Minute {
		if err := a.Store.TouchIdentity(ctx, ci.ID, time.Now()); err != nil {
			a.Log.Warn("touch chat identity", "err", err)
		}
	}
	return id, nil
}

// audit writes an audit row for every use of an audited (secretary) command.
func (a *App) audit(next bot.Handler) bot.Handler {
	return func(c *bot.Context) error {
		err := next(c)
		if c.Cmd == nil || !c.Cmd.Audit || !c.Identity.Bound() || c.Route != c.Cmd.Name {
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
		actor := c.Identity.MemberID
		inbound := &c.InboundID
		if c.InboundID == 0 {
			inbound = nil
		}
		detail := map[string]any{"command": c.Cmd.Name, "args": c.Args, "outcome": outcome, "group": c.Msg.GroupName}
		if aerr := a.Store.Audit(context.WithoutCancel(c), store.AuditEntry{
			Actor: "member:" + strconv.FormatInt(actor, 10), ActorMemberID: &actor,
			Action: "command:" + c.Cmd.Name, InboundID: inbound,
		}, detail); aerr != nil {
			return errors.Join(err, fmt.Errorf("audit: %w", aerr))
		}
		return err
	}
}
