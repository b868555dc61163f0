package app

import (
	"context"
	"encoding/json"
	"time"

	"liudong/bot"
	"liudong/internal/notify"
)

// Handler returns the function platforms hand messages to: route the message, send its replies
// through the platform (at once, but counted by the account's throttle), and get the
// notifications it enqueued moving. With wait set (the simulator and tests answer
// synchronously) it returns only after those are delivered.
func (a *App) Handler(p bot.Platform, d *notify.Dispatcher, wait bool) bot.HandleFunc {
	replies := notify.ReplySender{Sender: p, Throttle: a.Throttle(p), Log: a.Log}
	return func(ctx context.Context, m *bot.Message) bot.Result {
		res := a.Router.Handle(ctx, m)
		for _, out := range res.Replies {
			if err := replies.Send(ctx, out); err != nil {
				a.Log.Error("reply not sent", "platform", m.Platform, "to", out.To, "group", out.Group, "err", err)
			}
		}
		if len(res.Notified) > 0 && d != nil {
			if wait {
				dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				// Quiet hours are judged at the message's clock, like everything the handler did.
				if err := d.DeliverAt(dctx, res.Notified, m.At); err != nil {
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

// Throttle is the send throttle of a platform's bot account. It waits only on WeChat, and on
// the simulator with sim.throttle; elsewhere sends are counted, never delayed.
func (a *App) Throttle(p bot.Platform) *notify.Throttle {
	n := a.Cfg.Notify
	wait := p.Name() == "wechat" || (p.Name() == "sim" && a.Cfg.Sim.Throttle)
	return notify.NewThrottle(a.Redis, a.Cfg.RedisPrefix, p.Name(), p.Account(), notify.ThrottleConfig{
		MinInterval: n.MinInterval, Jitter: n.Jitter, DailyCap: n.DailyCap, Hold: n.SendTimeout,
		Wait: wait, Location: a.Cfg.Location(),
	})
}

// Dispatcher builds the outbox dispatcher for a platform.
func (a *App) Dispatcher(p bot.Platform) *notify.Dispatcher {
	n := a.Cfg.Notify
	quiet, err := notify.ParseQuietHours(n.QuietStart, n.QuietEnd, a.Cfg.Location())
	if err != nil {
		// Validate checked both keys.
		panic("app: notify.quiet_start/quiet_end: " + err.Error())
	}
	resolver := notify.StoreResolver{Store: a.Store, Groups: a.Groups, Platform: p.Name(), Account: p.Account()}
	return notify.NewDispatcher(a.Store, p, resolver, a.Log, notify.Options{
		PollInterval: n.PollInterval, MaxAttempts: n.MaxAttempts, Stale: n.StaleAfter, SendTimeout: n.SendTimeout,
		Quiet: quiet, Throttle: a.Throttle(p),
	})
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
