package wxfake

import (
	"bytes"
	"errors"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/eatmoreapple/openwechat"
)

func TestQRLoginWithConfirmation(t *testing.T) {
	opts := testOptions()
	opts.AutoConfirm = false
	f := newFake(t, opts)
	tb := newBot(t, f)
	var uuid string
	var scanned, loggedIn int
	var avatar string
	tb.bot.UUIDCallback = func(u string) {
		uuid = u
		if err := f.ConfirmScan(); err != nil {
			t.Errorf("ConfirmScan: %v", err)
		}
	}
	tb.bot.ScanCallBack = func(resp openwechat.CheckLoginResponse) {
		scanned++
		avatar, _ = resp.Avatar()
	}
	tb.bot.LoginCallBack = func(openwechat.CheckLoginResponse) { loggedIn++ }
	tb.login()

	if uuid == "" || !strings.HasSuffix(uuid, "==") {
		t.Errorf("uuid = %q", uuid)
	}
	if scanned != 1 || loggedIn != 1 || !strings.HasPrefix(avatar, "data:img/jpg;base64,") {
		t.Errorf("scan callbacks %d, login callbacks %d, avatar %.30q", scanned, loggedIn, avatar)
	}
	if err := f.ConfirmScan(); !errors.Is(err, ErrNoPendingLogin) {
		t.Errorf("second ConfirmScan: %v", err)
	}
	qr, err := tb.bot.Caller.Client.GetLoginQrcode(tb.bot.Context(), uuid)
	if err != nil || qr.StatusCode != 200 || qr.Header.Get("Content-Type") != "image/png" {
		t.Errorf("GetLoginQrcode: %v %v", qr, err)
	} else {
		qr.Body.Close()
	}
	if tb.bot.Caller.Client.Domain != "wx.qq.com" {
		t.Errorf("Domain = %q", tb.bot.Caller.Client.Domain)
	}

	self, err := tb.bot.GetCurrentUser()
	if err != nil {
		t.Fatal(err)
	}
	if self.NickName != "支部助手" || self.ID() != 2712345678 || self.AvatarID() != "2712345678" || self.UserName != f.UserName("me") {
		t.Errorf("self = %s %d %q %q", self.NickName, self.ID(), self.AvatarID(), self.UserName)
	}

	friends, err := self.Friends()
	if err != nil {
		t.Fatal(err)
	}
	var nicks []string
	for _, fr := range friends {
		nicks = append(nicks, fr.NickName)
		if !strings.HasPrefix(fr.UserName, "@") || strings.HasPrefix(fr.UserName, "@@") {
			t.Errorf("friend UserName %q", fr.UserName)
		}
	}
	slices.Sort(nicks)
	if want := []string{"张三", "李四", "李四", "王五👍"}; !slices.Equal(nicks, want) {
		t.Errorf("friends = %q, want %q", nicks, want)
	}
	zhang := friends.SearchByRemarkName(1, "张三(深圳)").First()
	if zhang == nil || zhang.UserName != f.UserName("zhang") || zhang.Province != "广东" || zhang.Sex != openwechat.MALE {
		t.Fatalf("zhang = %+v", zhang)
	}
	if zhang.AvatarID() == "" || zhang.AvatarID() != stableNumber("avatar:zhang") {
		t.Errorf("zhang.AvatarID() = %q", zhang.AvatarID())
	}
	var avatarBuf bytes.Buffer
	if err := zhang.SaveAvatarWithWriter(&avatarBuf); err != nil || avatarBuf.Len() == 0 {
		t.Errorf("SaveAvatar: %v (%d bytes)", err, avatarBuf.Len())
	}

	groups, err := self.Groups()
	if err != nil {
		t.Fatal(err)
	}
	if groups.Count() != 1 || groups.First().NickName != "一支部书记群" {
		t.Fatalf("groups = %v (the unsaved group must be missing)", groups)
	}
	members, err := groups.First().Members()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range members {
		got = append(got, m.NickName+"/"+m.DisplayName)
	}
	slices.Sort(got)
	if want := []string{"张三/张书记", "支部助手/", "赵六/赵六(流动)"}; !slices.Equal(got, want) {
		t.Errorf("members = %q, want %q", got, want)
	}
	if mps, _ := self.Mps(); mps.Count() != 1 || mps.First().NickName != "党建新闻" {
		t.Errorf("mps = %v", mps)
	}

	// Cookies as WeChat sets them, readable by the file host too.
	jar := tb.bot.Caller.Client.Jar()
	fileURL, _ := url.Parse("https://file.wx.qq.com/cgi-bin/mmwebwx-bin/webwxuploadmedia")
	if _, ok := openwechat.CookieGroup(jar.Cookies(fileURL)).GetByName("webwx_data_ticket"); !ok {
		t.Error("no webwx_data_ticket for file.wx.qq.com")
	}
	if n := countRequests(f, "/webwxgetcontact"); n != 3 {
		t.Errorf("webwxgetcontact pages = %d, want 3 (page size 3)", n)
	}
	if !f.LoggedIn() || f.Logins() != 1 {
		t.Errorf("LoggedIn %v, Logins %d", f.LoggedIn(), f.Logins())
	}
}

func TestQRCodeScannedButNotConfirmed(t *testing.T) {
	opts := testOptions()
	opts.AutoConfirm = false
	f := newFake(t, opts)
	tb := newBot(t, f)
	scanned := make(chan struct{})
	tb.bot.UUIDCallback = func(string) {
		if err := f.Scan(); err != nil {
			t.Error(err)
		}
	}
	tb.bot.ScanCallBack = func(openwechat.CheckLoginResponse) {
		close(scanned)
		if err := f.ExpireQR(); err != nil {
			t.Error(err)
		}
	}
	if err := tb.bot.Login(); !errors.Is(err, openwechat.ErrLoginTimeout) {
		t.Fatalf("Login = %v, want ErrLoginTimeout", err)
	}
	<-scanned
	if f.LoggedIn() {
		t.Error("logged in")
	}
}

func TestWebModeIsBlocked(t *testing.T) {
	f := newFake(t, testOptions())
	tb := newBot(t, f, openwechat.Normal)
	err := tb.bot.Login()
	if err == nil || !strings.Contains(err.Error(), "不能登录网页微信") {
		t.Fatalf("Login in Normal mode = %v", err)
	}
}

func TestUserNamesChangeOnEveryLogin(t *testing.T) {
	f := newFake(t, testOptions())
	first := newBot(t, f)
	first.login()
	self1, _ := first.bot.GetCurrentUser()
	friends1, err := self1.Friends()
	if err != nil {
		t.Fatal(err)
	}
	zhang1 := friends1.SearchByRemarkName(1, "张三(深圳)").First()

	second := newBot(t, f)
	second.login()
	// The first web session is kicked: "logged in elsewhere".
	var ret openwechat.Ret
	if err := first.crash(); !errors.As(err, &ret) || ret != 1101 {
		t.Errorf("first bot ended with %v, want Ret 1101", err)
	}

	self2, _ := second.bot.GetCurrentUser()
	friends2, err := self2.Friends()
	if err != nil {
		t.Fatal(err)
	}
	zhang2 := friends2.SearchByRemarkName(1, "张三(深圳)").First()
	if self1.UserName == self2.UserName || zhang1.UserName == zhang2.UserName {
		t.Errorf("UserNames survived a new login: %s %s", self1.UserName, zhang1.UserName)
	}
	if zhang1.NickName != zhang2.NickName || zhang1.AvatarID() != zhang2.AvatarID() || zhang1.AttrStatus != zhang2.AttrStatus {
		t.Errorf("stable hints changed: %q/%q %q/%q %d/%d", zhang1.NickName, zhang2.NickName,
			zhang1.AvatarID(), zhang2.AvatarID(), zhang1.AttrStatus, zhang2.AttrStatus)
	}
	// A UserName kept from the first session is useless in the second.
	_, err = self2.SendTextToFriend(&openwechat.Friend{User: zhang1.User}, "你好")
	if !errors.As(err, &ret) || ret != 1204 {
		t.Errorf("send to a stale UserName = %v, want Ret 1204", err)
	}
	if _, err := self2.SendTextToFriend(zhang2, "你好"); err != nil {
		t.Errorf("send to the fresh UserName: %v", err)
	}
	if f.Logins() != 2 {
		t.Errorf("Logins = %d", f.Logins())
	}
}

func TestHotLogin(t *testing.T) {
	for _, storage := range []string{"memory", "file"} {
		t.Run(storage, func(t *testing.T) {
			f := newFake(t, testOptions())
			// open gives the storage a restarted process would read.
			mem := &memStorage{}
			path := filepath.Join(t.TempDir(), "hot.json")
			open := func() openwechat.HotReloadStorage {
				if storage == "memory" {
					mem.rewind()
					return mem
				}
				// A file storage keeps its handle at the end after a dump:
				// reading it again in the same process yields EOF.
				fs := openwechat.NewFileHotReloadStorage(path)
				t.Cleanup(func() { _ = fs.Close() })
				return fs
			}
			st := open()
			// No stored session yet: HotLogin fails to read it and the retry
			// option falls back to a QR login, then dumps the session.
			first := newBot(t, f)
			if err := first.bot.HotLogin(st, openwechat.NewRetryLoginOption()); err != nil {
				t.Fatalf("first HotLogin: %v", err)
			}
			self1, _ := first.bot.GetCurrentUser()
			first.stop()
			waitNoSyncLoops(t)

			// A message arrives while the bot is down.
			if _, err := f.SendText("zhang", "离线时发的"); err != nil {
				t.Fatal(err)
			}
			st = open()
			jslogins := countRequests(f, "/jslogin")
			second := newBot(t, f)
			if err := second.bot.HotLogin(st); err != nil {
				t.Fatalf("HotLogin: %v", err)
			}
			if n := countRequests(f, "/jslogin"); n != jslogins {
				t.Error("hot login asked for a QR code")
			}
			self2, _ := second.bot.GetCurrentUser()
			if self2.UserName != self1.UserName || f.Logins() != 1 {
				t.Errorf("hot login changed the session: %s -> %s, logins %d", self1.UserName, self2.UserName, f.Logins())
			}
			// The stored SyncKey brings the message sent while offline.
			if s := second.next(); s.msg.Content != "离线时发的" {
				t.Errorf("after hot login got %q", s.msg.Content)
			}
			// Text still works; images do not: openwechat's Jar dump loses
			// cookie domains, so file.wx.qq.com has no webwx_data_ticket.
			friends, _ := self2.Friends()
			zhang := friends.SearchByRemarkName(1, "张三(深圳)").First()
			if _, err := zhang.SendText("在"); err != nil {
				t.Errorf("SendText after hot login: %v", err)
			}
			if _, err := zhang.SendImage(bytes.NewReader(testPNG(t, 4, 4))); !errors.Is(err, openwechat.ErrWebWxDataTicketNotFound) {
				t.Errorf("SendImage after hot login = %v, want ErrWebWxDataTicketNotFound", err)
			}
			// The workaround: give the file host the base host's cookies.
			jar := second.bot.Caller.Client.Jar()
			base, _ := url.Parse("https://wx.qq.com/")
			file, _ := url.Parse("https://file.wx.qq.com/")
			jar.SetCookies(file, jar.Cookies(base))
			if _, err := zhang.SendImage(bytes.NewReader(testPNG(t, 4, 4))); err != nil {
				t.Errorf("SendImage after copying cookies: %v", err)
			}
			if sent, err := f.WaitSent(2, waitFor); err != nil || sent[1].Type != 3 {
				t.Errorf("sent = %+v, %v", sent, err)
			}
		})
	}
}

func TestHotLoginRefused(t *testing.T) {
	f := newFake(t, testOptions())
	st := &memStorage{}
	first := newBot(t, f)
	if err := first.bot.HotLogin(st, openwechat.NewRetryLoginOption()); err != nil {
		t.Fatal(err)
	}
	self1, _ := first.bot.GetCurrentUser()
	f.RefuseHotLogin()
	var ret openwechat.Ret
	if err := first.crash(); !errors.As(err, &ret) || ret != 1101 {
		t.Errorf("running bot ended with %v, want Ret 1101", err)
	}

	// Without a retry option the error comes out of HotLogin.
	st.rewind()
	plain := newBot(t, f)
	err := plain.bot.HotLogin(st)
	if !errors.As(err, &ret) || ret != 1101 || !strings.HasPrefix(err.Error(), "init user info: ") {
		t.Fatalf("HotLogin on an expired session = %v, want wrapped Ret 1101", err)
	}

	// With NewRetryLoginOption it falls back to a QR login.
	st.rewind()
	retry := newBot(t, f)
	qr := false
	retry.bot.UUIDCallback = func(string) { qr = true }
	if err := retry.bot.HotLogin(st, openwechat.NewRetryLoginOption()); err != nil {
		t.Fatalf("HotLogin with retry: %v", err)
	}
	self2, _ := retry.bot.GetCurrentUser()
	if !qr || f.Logins() != 2 || self2.UserName == self1.UserName {
		t.Errorf("qr %v, logins %d, UserName %s -> %s", qr, f.Logins(), self1.UserName, self2.UserName)
	}
}

func TestPushLogin(t *testing.T) {
	opts := testOptions()
	opts.AutoConfirm = false
	f := newFake(t, opts)
	st := &memStorage{}
	first := newBot(t, f)
	first.bot.UUIDCallback = func(string) { _ = f.ConfirmScan() }
	if err := first.bot.HotLogin(st, openwechat.NewRetryLoginOption()); err != nil {
		t.Fatal(err)
	}
	self1, _ := first.bot.GetCurrentUser()
	first.stop()
	waitNoSyncLoops(t)
	if err := f.KickOut("1101"); err != nil { // the stored session is dead
		t.Fatal(err)
	}

	st.rewind()
	push := newBot(t, f)
	qr := false
	push.bot.UUIDCallback = func(string) { qr = true }
	confirmed := make(chan error, 1)
	go func() {
		// The phone shows "登录网页版微信?"; the owner taps confirm.
		for {
			if err := f.ConfirmScan(); !errors.Is(err, ErrNoPendingLogin) {
				confirmed <- err
				return
			}
			select {
			case <-push.bot.Context().Done():
				confirmed <- push.bot.Context().Err()
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	if err := push.bot.PushLogin(st); err != nil {
		t.Fatalf("PushLogin: %v", err)
	}
	if err := <-confirmed; err != nil {
		t.Fatal(err)
	}
	self2, _ := push.bot.GetCurrentUser()
	if qr || f.Logins() != 2 || self2.UserName == self1.UserName || countRequests(f, "/webwxpushloginurl") != 1 {
		t.Errorf("qr %v, logins %d, UserName %s -> %s", qr, f.Logins(), self1.UserName, self2.UserName)
	}

	// Refused push login: PushLogin fails, NewRetryLoginOption falls back to QR.
	push.stop()
	waitNoSyncLoops(t)
	f.RefusePushLogin()
	st.rewind()
	plain := newBot(t, f)
	if err := plain.bot.PushLogin(st); err == nil || err.Error() != "push login refused" {
		t.Fatalf("refused PushLogin = %v", err)
	}
	st.rewind()
	retry := newBot(t, f)
	retry.bot.UUIDCallback = func(string) { _ = f.ConfirmScan() }
	if err := retry.bot.PushLogin(st, openwechat.NewRetryLoginOption()); err != nil {
		t.Fatalf("PushLogin with retry: %v", err)
	}
	if f.Logins() != 3 {
		t.Errorf("Logins = %d", f.Logins())
	}
}
