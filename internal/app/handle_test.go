package app_test

import (
	"fmt"
	"testing"
	"time"

	"liudong/bot"
	"liudong/internal/app/apptest"
	"liudong/internal/notify"
)

// TestHandlerDeliversAtTheMessageClock: notifications a handler enqueues are delivered before
// the reply returns, except scheduled ones during quiet hours, judged at the message's time.
func TestHandlerDeliversAtTheMessageClock(t *testing.T) {
	h := apptest.New(t)
	h.Import("姓名,性别,出生日期,学历,所在党支部,职务\n王书记,男,1968-05-12,大学专科,第一党支部,书记\n")
	h.Bind("王书记", "u-wang")
	n := 0
	h.App.Router.Add(bot.Command{Name: "测试通知", Audience: bot.Members, Scope: bot.Private, Handler: func(c *bot.Context) error {
		n++
		for _, scheduled := range []bool{true, false} {
			id, err := notify.Enqueue(c, h.Store, notify.Message{Kind: "test", Period: fmt.Sprint(n, scheduled),
				MemberID: c.Identity.MemberID, Text: fmt.Sprintf("定时=%v", scheduled), Scheduled: scheduled})
			if err != nil {
				return err
			}
			c.Notified(id)
		}
		c.Reply("好")
		return nil
	}})
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	h.Now = time.Date(2026, 3, 5, 23, 0, 0, 0, shanghai)
	base := len(h.Platform.SentTo("u-wang"))
	h.Say("u-wang", "测试通知")
	got := h.Platform.SentTo("u-wang")[base:]
	if len(got) != 2 || got[0] != "好" || got[1] != "定时=false" {
		t.Fatalf("at 23:00: %q", got)
	}
	h.Now = time.Date(2026, 3, 6, 9, 0, 0, 0, shanghai)
	h.Say("u-wang", "测试通知")
	got = h.Platform.SentTo("u-wang")[base+2:]
	if len(got) != 3 || got[1] != "定时=true" && got[2] != "定时=true" {
		t.Fatalf("at 09:00: %q", got)
	}
}
