package notify

import (
	"context"
	"log/slog"

	"liudong/bot"
)

// ReplySender sends direct replies to a member's own message: they skip the outbox queue's
// wait but not its accounting, so each counts toward the daily cap and makes the queue keep its
// distance.
type ReplySender struct {
	Sender   bot.Sender
	Throttle *Throttle
	Log      *slog.Logger
}

// Send sends out at once and then accounts for it.
func (r ReplySender) Send(ctx context.Context, out bot.Outgoing) error {
	err := r.Sender.Send(ctx, out)
	if r.Throttle != nil {
		if aerr := r.Throttle.Reply(ctx); aerr != nil && r.Log != nil {
			r.Log.Warn("reply not accounted in the throttle", "err", aerr)
		}
	}
	return err
}
