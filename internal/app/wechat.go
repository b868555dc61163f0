package app

import (
	"context"
	"fmt"
	"io"
	"sort"

	"liudong/bot"
	"liudong/bot/wechat"
	"liudong/internal/member"
	"liudong/internal/notify"
	"liudong/internal/store"
)

// WeChat builds the WeChat platform from the configuration: the login session kept in Redis
// (encrypted with secret_key), the chat identities re-resolved after every login, the QR code
// drawn on qr, and wake called whenever the account comes online (the dispatcher's Wake).
// edit adjusts the options last (tests point Transport at the fake).
func (a *App) WeChat(ctx context.Context, qr io.Writer, wake func(), edit ...func(*wechat.Options)) (*wechat.Platform, error) {
	cfg := a.Cfg.WeChat
	var groups []string
	seen := map[string]bool{}
	for unit, group := range cfg.Groups {
		if !seen[group] {
			seen[group] = true
			groups = append(groups, group)
		}
		units, err := a.Store.OrgUnitsByName(ctx, unit)
		if err != nil {
			return nil, err
		}
		switch len(units) {
		case 0:
			a.Log.Error("wechat.groups: no org unit has this name", "org_unit", unit, "group", group)
		case 1:
		default:
			a.Log.Warn("wechat.groups: several org units have this name; all of them use the group", "org_unit", unit, "group", group, "count", len(units))
		}
	}
	sort.Strings(groups)
	account := cfg.Account
	opts := wechat.Options{
		Account:           account,
		Log:               a.Log,
		Sessions:          wechat.NewRedisSessions(a.Redis, a.Cfg.SessionRedisKey(), a.Box),
		AutoAcceptFriends: cfg.AutoAcceptFriends,
		Groups:            groups,
		OnLogin: func(ctx context.Context, friends []wechat.Contact) error {
			contacts := make([]member.Contact, len(friends))
			for i, f := range friends {
				contacts[i] = member.Contact(f)
			}
			res, err := member.Reresolve(ctx, a.Store, wechat.PlatformName, account, contacts)
			if err != nil {
				return err
			}
			a.Log.Info("wechat: chat identities re-resolved", "kept", res.Kept, "moved", res.Moved, "unresolved", len(res.Unresolved))
			if len(res.Unresolved) > 0 {
				a.Log.Warn("wechat: members to re-verify: each is asked when they next write", "identities", res.Unresolved)
			}
			return nil
		},
		OnOnline: wake,
		Throttle: wechat.NewIntervalThrottle(cfg.SendInterval, cfg.SendJitter),
		QR:       qr,
		Location: a.Cfg.Location(),
		Queue:    cfg.InboundQueue,
	}
	for _, e := range edit {
		e(&opts)
	}
	p := wechat.New(opts)
	if err := p.Register(a.Metrics); err != nil {
		return nil, fmt.Errorf("app: wechat metrics: %w", err)
	}
	return p, nil
}

// groupResolver sends an org unit's notifications into the group chat configured for it
// (wechat.groups: org unit name → group name), found by name after each login; other rows go
// as next sends them. The scheduler's alerts groups (设为提醒群) will take over this job.
type groupResolver struct {
	next   notify.Resolver
	st     *store.Store
	groups map[string]string
}

func (r groupResolver) Resolve(ctx context.Context, n store.Notification) ([]bot.Outgoing, error) {
	if n.OrgUnitID != nil {
		u, err := r.st.OrgUnitByID(ctx, *n.OrgUnitID)
		if err != nil {
			return nil, err
		}
		if group, ok := r.groups[u.Name]; ok {
			out := bot.Outgoing{Group: group, Text: n.Body, Image: n.Image}
			if len(n.Image) > 0 {
				out.ImageName = fmt.Sprintf("%s-%d.png", n.Kind, n.ID)
			}
			return []bot.Outgoing{out}, nil
		}
	}
	return r.next.Resolve(ctx, n)
}
