package app

import (
	"context"
	"encoding/json"
	"time"

	"liudong/bot"
	"liudong/internal/notify"
)

// Handler returns the function platforms hand messages to: route the message, send its replies
// through the platform, and get the notifications it enqueued moving. With wait set (the
// simulator and tests answer synchronously) it returns only after those are delivered.
func (a *App) Handler(p bot.Platform, d *notify.Dispatcher, wait bool) bot.HandleFunc {
	return func(ctx context.Context, m *bot.Message) bot.Result {
		res := a.Router.Handle(ctx, m)
		for _, out := range res.Replies {
			if err := p.Send(ctx, out); err != nil {
				a.Log.Error("reply not sent", "platform", m.Platform, "to", out.To, "group", out.Group, "err", err)
			}
		}
		if len(res.Notified) > 0 && d != nil {
			if wait {
				dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				if err := d.Deliver(dctx, res.Notified); err != nil {
					a.Log.Warn("notifications not delivered yet", "ids", res.Notified, "err", err)
				}
				cancel()
			} else {
				d.Wake()
			}
		}
		return res
	}
}

// Dispatcher builds the outbox dispatcher for a platform.
func (a *App) Dispatcher(p bot.Platform) *notify.Dispatcher {
	var resolver notify.Resolver = notify.StoreResolver{Store: a.Store, Platform: p.Name(), Account: p.Account()}
	if p.Name() == "wechat" && len(a.Cfg.WeChat.Groups) > 0 {
		resolver = groupResolver{next: resolver, st: a.Store, groups: a.Cfg.WeChat.Groups}
	}
	return notify.NewDispatcher(a.Store, p, resolver, a.Log, a.Cfg.Notify.PollInterval, a.Cfg.Notify.MaxAttempts)
}

// Replay handles the messages this account stored but never handled since the given time
// (the process stopped in between), oldest first. It returns how many it handled.
func (a *App) Replay(ctx context.Context, p bot.Platform, handle bot.HandleFunc, since time.Time) (int, error) {
	rows, err := a.Store.UnhandledInbound(ctx, p.Name(), p.Account(), since, 1000)
	if err != nil {
		return 0, err
	}
	for _, row := range rows {
		m := &bot.Message{Platform: row.Platform, Account: row.Account, ID: row.MessageID, From: row.Sender,
			Nick: row.SenderNick, Group: row.GroupHandle, GroupName: row.GroupName, Text: row.Text,
			At: row.ReceivedAt.In(a.Cfg.Location()), StoredID: row.ID}
		if len(row.Location) > 0 {
			var loc bot.Location
			if err := json.Unmarshal(row.Location, &loc); err == nil {
				m.Location = &loc
			}
		}
		handle(ctx, m)
	}
	return len(rows), nil
}
