package app

import (
	"context"
	"fmt"
	"io"

	"liudong/bot/wechat"
	"liudong/internal/member"
)

// WeChat builds the WeChat platform from the configuration: the login session kept in Redis
// (encrypted with secret_key), the chat identities re-resolved after every login, the QR code
// drawn on qr, and wake called whenever the account comes online (the dispatcher's Wake).
// edit adjusts the options last (tests point Transport at the fake).
func (a *App) WeChat(ctx context.Context, qr io.Writer, wake func(), edit ...func(*wechat.Options)) (*wechat.Platform, error) {
	cfg := a.Cfg.WeChat
	// The alerts groups named in config and set by 设为提醒群 are looked up by name after each login.
	groups, err := a.Groups.Names(ctx, wechat.PlatformName, cfg.Account)
	if err != nil {
		return nil, err
	}
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
		// The SDK-side guard: every send (replies too) keeps notify.min_interval + jitter from the
		// previous one; the shared Redis throttle adds the daily cap and cross-instance accounting.
		Throttle: wechat.NewIntervalThrottle(a.Cfg.Notify.MinInterval, a.Cfg.Notify.Jitter),
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
