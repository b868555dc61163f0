package wxfake

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/eatmoreapple/openwechat"
)

func TestReplyToFriendAndSendToGroup(t *testing.T) {
	// A PNG padded past 512 KB, so openwechat uploads it in two chunks.
	big := append(testPNG(t, 64, 64), make([]byte, 600<<10)...)
	f, tb := loggedIn(t, testOptions(), func(m *openwechat.Message) error {
		if !m.IsText() {
			return nil
		}
		if _, err := m.ReplyText("收到：" + m.Content); err != nil {
			return err
		}
		groups, err := m.Owner().Groups()
		if err != nil {
			return err
		}
		g := groups.GetByNickName("一支部书记群")
		if _, err := g.SendText("逾期提醒\n张三：党费"); err != nil {
			return err
		}
		_, err = g.SendImage(bytes.NewReader(big))
		return err
	})
	must(t)(f.SendText("zhang", "党费"))
	if s := tb.next(); s.hookErr != nil {
		t.Fatal(s.hookErr)
	}
	sent, err := f.WaitSent(3, waitFor)
	if err != nil {
		t.Fatal(err)
	}
	want := []Sent{
		{Seq: 1, To: "zhang", ToName: "张三", Type: 1, Text: "收到：党费"},
		{Seq: 2, To: "alerts", ToName: "一支部书记群", Group: true, Type: 1, Text: "逾期提醒\n张三：党费"},
		{Seq: 3, To: "alerts", ToName: "一支部书记群", Group: true, Type: 3},
	}
	for i, w := range want {
		g := sent[i]
		if g.Seq != w.Seq || g.To != w.To || g.ToName != w.ToName || g.Group != w.Group || g.Type != w.Type || g.Text != w.Text {
			t.Errorf("sent[%d] = %+v, want %+v", i, g, w)
		}
		if g.MsgID == "" || g.At.IsZero() || g.ToUserName != f.UserName(w.To) {
			t.Errorf("sent[%d] MsgID %q At %v ToUserName %q", i, g.MsgID, g.At, g.ToUserName)
		}
	}
	if !bytes.Equal(sent[2].Image, big) || !strings.HasSuffix(sent[2].FileName, ".png") {
		t.Errorf("image: %d bytes (want %d), name %q", len(sent[2].Image), len(big), sent[2].FileName)
	}
	if n := countRequests(f, "/webwxuploadmedia"); n != 2 {
		t.Errorf("upload requests = %d, want 2 chunks", n)
	}
}

func TestSendTooFrequent(t *testing.T) {
	var errs []error
	img := testPNG(t, 4, 4)
	f, tb := loggedIn(t, testOptions(), func(m *openwechat.Message) error {
		if !m.IsText() {
			return nil
		}
		_, err := m.ReplyText("一")
		errs = append(errs, err)
		_, err = m.ReplyImage(bytes.NewReader(img))
		errs = append(errs, err)
		_, err = m.ReplyText("二")
		errs = append(errs, err)
		return nil
	})
	f.FailSend(1205, 2)
	must(t)(f.SendText("li2", "在吗"))
	tb.next()
	for i, err := range errs[:2] {
		var ret openwechat.Ret
		if !errors.As(err, &ret) || ret != 1205 || err.Error() != "operate too often" || openwechat.IsNetworkError(err) {
			t.Errorf("send %d: %v, want Ret 1205", i, err)
		}
	}
	if errs[2] != nil {
		t.Errorf("third send: %v", errs[2])
	}
	if sent := f.Sent(); len(sent) != 1 || sent[0].Text != "二" || sent[0].To != "li2" {
		t.Errorf("sent = %+v", sent)
	}
}

func TestSendToStrangerOrSelf(t *testing.T) {
	var toStranger, toSelf error
	f, tb := loggedIn(t, testOptions(), func(m *openwechat.Message) error {
		if !m.IsComeFromGroup() || m.IsSystem() {
			return nil
		}
		member, err := m.SenderInGroup()
		if err != nil {
			return err
		}
		_, toStranger = m.Owner().SendTextToFriend(&openwechat.Friend{User: member}, "私聊")
		_, toSelf = m.Owner().SendTextToFriend(&openwechat.Friend{User: m.Owner().User}, "自己")
		return nil
	})
	must(t)(f.SendGroupText("alerts", "zhao", "你好"))
	if s := tb.next(); s.hookErr != nil {
		t.Fatal(s.hookErr)
	}
	for _, err := range []error{toStranger, toSelf} {
		var ret openwechat.Ret
		if !errors.As(err, &ret) || ret != 1204 || err.Error() != "Ret(1204)" {
			t.Errorf("got %v, want Ret 1204", err)
		}
	}
}

func TestKickOut(t *testing.T) {
	for _, code := range []string{"1100", "1101", "1102"} {
		t.Run(code, func(t *testing.T) {
			f, tb := loggedIn(t, testOptions())
			if err := f.KickOut(code); err != nil {
				t.Fatal(err)
			}
			err := tb.crash()
			var ret openwechat.Ret
			if !errors.As(err, &ret) || fmt.Sprint(int(ret)) != code {
				t.Fatalf("CrashReason = %v (%T), want Ret %s", err, err, code)
			}
			t.Logf("retcode %s: %T(%d) %q", code, err, ret, err)
			if f.LoggedIn() {
				t.Error("still logged in")
			}
			if _, err := f.SendText("zhang", "x"); !errors.Is(err, ErrNoSession) {
				t.Errorf("SendText after kick-out: %v", err)
			}
			// A Bot is single-use.
			if err := tb.bot.Login(); !errors.Is(err, context.Canceled) || !openwechat.IsNetworkError(err) {
				t.Errorf("Login on a stopped bot = %v", err)
			}
		})
	}
}

func TestBotLogout(t *testing.T) {
	f, tb := loggedIn(t, testOptions())
	// WeChat answers webwxlogout with a redirect, not JSON: openwechat
	// reports a decode error and does not ExitWith(ErrUserLogout) ...
	if err := tb.bot.Logout(); !errors.Is(err, io.EOF) {
		t.Errorf("Logout = %v, want io.EOF", err)
	}
	// ... the sync loop then sees 1102 (cookie invalid) and stops.
	var ret openwechat.Ret
	if err := tb.crash(); !errors.As(err, &ret) || ret != 1102 {
		t.Errorf("CrashReason = %v, want Ret 1102", err)
	}
	if f.LoggedIn() {
		t.Error("still logged in")
	}
}

func TestSyncCheckAnswersAtOnceWhenAMessageArrives(t *testing.T) {
	opts := testOptions()
	opts.PollWait = time.Minute // an idle synccheck would outlast the test
	f, tb := loggedIn(t, opts)
	select {
	case <-tb.seen: // MsgType 51
	case <-time.After(waitFor):
		t.Fatal("no status notice")
	}
	must(t)(f.SendText("zhang", "醒醒"))
	if s := tb.next(); s.msg.Content != "醒醒" {
		t.Errorf("got %q", s.msg.Content)
	}
}

func TestUnknownEndpointsAreRecorded(t *testing.T) {
	f := New(testOptions()) // not newFake: this test expects unhandled requests
	t.Cleanup(f.Close)      // after the bot's cleanup
	tb := newBot(t, f)
	var revokeErr error
	tb.setHook(func(m *openwechat.Message) error {
		if m.IsText() {
			sent, err := m.ReplyText("撤回我")
			if err != nil {
				return err
			}
			revokeErr = sent.Revoke() // webwxrevokemsg is not faked
		}
		return nil
	})
	tb.login()
	must(t)(f.SendText("zhang", "x"))
	if s := tb.next(); s.hookErr != nil {
		t.Fatal(s.hookErr)
	}
	if revokeErr == nil {
		t.Error("revoke against the fake succeeded")
	}
	client := &http.Client{Transport: f.Transport()}
	resp, err := client.Get("https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxnosuchthing")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = client.Get("https://example.com/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	want := []string{
		"POST wx.qq.com/cgi-bin/mmwebwx-bin/webwxrevokemsg",
		"GET wx.qq.com/cgi-bin/mmwebwx-bin/webwxnosuchthing",
		"GET example.com/",
	}
	if got := f.Unhandled(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("Unhandled = %q, want %q", got, want)
	}
}

func TestCloseFailsRequestsAndWaits(t *testing.T) {
	f := New(testOptions())
	f.Close()
	f.Close() // idempotent
	client := &http.Client{Transport: f}
	if _, err := client.Get("https://login.wx.qq.com/jslogin"); !errors.Is(err, ErrClosed) {
		t.Errorf("request after Close: %v", err)
	}
	if _, err := f.WaitSent(1, waitFor); !errors.Is(err, ErrClosed) {
		t.Errorf("WaitSent after Close: %v", err)
	}
	if _, err := f.SendText("zhang", "x"); !errors.Is(err, ErrNoSession) {
		t.Errorf("SendText without session: %v", err)
	}
}

func TestOtherDomain(t *testing.T) {
	opts := testOptions()
	opts.Domain = "wx2.qq.com"
	img := testPNG(t, 8, 8)
	f, tb := loggedIn(t, opts, func(m *openwechat.Message) error {
		if !m.IsText() {
			return nil
		}
		_, err := m.ReplyImage(bytes.NewReader(img))
		return err
	})
	if tb.bot.Caller.Client.Domain != "wx2.qq.com" {
		t.Errorf("Domain = %q", tb.bot.Caller.Client.Domain)
	}
	must(t)(f.SendText("wang", "图"))
	if s := tb.next(); s.hookErr != nil || s.sender.NickName != "王五👍" {
		t.Fatalf("%v %v", s.sender, s.hookErr)
	}
	if sent, err := f.WaitSent(1, waitFor); err != nil || !bytes.Equal(sent[0].Image, img) {
		t.Fatalf("sent %+v, %v", sent, err)
	}
	for _, want := range []string{"webpush.wx2.qq.com/cgi-bin/mmwebwx-bin/synccheck", "file.wx2.qq.com/cgi-bin/mmwebwx-bin/webwxuploadmedia"} {
		if countRequests(f, want) == 0 {
			t.Errorf("no request to %s", want)
		}
	}
}

func TestNoGoroutinesLeft(t *testing.T) {
	before := runtime.NumGoroutine()
	t.Run("session", func(t *testing.T) {
		f, tb := loggedIn(t, testOptions(), func(m *openwechat.Message) error {
			if m.IsText() {
				_, err := m.ReplyText("好")
				return err
			}
			return nil
		})
		must(t)(f.SendText("zhang", "你好"))
		tb.next()
		if _, err := f.WaitSent(1, waitFor); err != nil {
			t.Fatal(err)
		}
	})
	deadline := time.Now().Add(waitFor)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines before, %d after:\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// The pattern for the adapter: contact-cache work only on the sync
// goroutine; sends from other goroutines through the stateless Caller API,
// with UserNames learnt on the sync goroutine.
func TestStatelessSendsFromAnotherGoroutine(t *testing.T) {
	type target struct{ self, to string }
	targets := make(chan target, 1)
	img := testPNG(t, 8, 8)
	f, tb := loggedIn(t, testOptions(), func(m *openwechat.Message) error {
		if m.IsComeFromGroup() && m.Content == "开始" {
			targets <- target{self: m.Owner().UserName, to: m.FromUserName}
		}
		return nil
	})
	must(t)(f.SendGroupText("alerts", "zhao", "开始"))
	tg := <-targets
	bot := tb.bot
	info, req := bot.Storage.LoginInfo, bot.Storage.Request // fixed after login

	done := make(chan error, 1)
	go func() {
		for i := 0; i < 10; i++ {
			msg := openwechat.NewTextSendMessage(fmt.Sprint("提醒", i), tg.self, tg.to)
			if _, err := bot.Caller.WebWxSendMsg(bot.Context(), &openwechat.CallerWebWxSendMsgOptions{
				LoginInfo: info, BaseRequest: req, Message: msg,
			}); err != nil {
				done <- err
				return
			}
		}
		_, err := bot.Caller.WebWxSendImageMsg(bot.Context(), bytes.NewReader(img), &openwechat.CallerWebWxSendImageMsgOptions{
			FromUserName: tg.self, ToUserName: tg.to, BaseRequest: req, LoginInfo: info,
		})
		done <- err
	}()
	// Meanwhile group messages keep the sync goroutine busy in the cache.
	for i := 0; i < 10; i++ {
		must(t)(f.SendGroupText("alerts", "zhao", fmt.Sprint("@支部助手\u2005消息", i)))
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	sent, err := f.WaitSent(11, waitFor)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sent {
		if s.To != "alerts" {
			t.Errorf("sent to %q", s.To)
		}
	}
	for i := 0; i < 11; i++ {
		tb.next()
	}
}
