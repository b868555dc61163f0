package wechat

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/eatmoreapple/openwechat"
	"github.com/skip2/go-qrcode"
)

// session is one login of the account: one openwechat Bot (single use: a new login needs a new
// Bot) and what the adapter learnt about it.
type session struct {
	p      *Platform
	bot    *openwechat.Bot
	ctx    context.Context // the Bot's: ends with the session
	cancel context.CancelFunc
	store  *hotStorage
	dir    *directory
	hot    bool
	ready  chan struct{} // closed once OnLogin succeeded: inbound messages may be handled

	// Set by snapshot, before openwechat's sync goroutine starts, then read-only.
	selfName, selfNick string
	info               *openwechat.LoginInfo
	req                *openwechat.BaseRequest
	loggedIn           time.Time

	// Touched only on openwechat's sync goroutine.
	syncFailures int

	mu     sync.Mutex
	reason error // why the session ended
}

// login builds a fresh Bot and logs it in: with the stored session (hot), or by QR code. A QR
// login blocks until the code is scanned and confirmed, or expires (openwechat.ErrLoginTimeout).
func (p *Platform) login(ctx context.Context, hot bool) (*session, error) {
	bctx, cancel := context.WithCancel(ctx)
	b := openwechat.DefaultBot(openwechat.Desktop, openwechat.WithContextOption(bctx))
	if p.opts.Transport != nil {
		b.Caller.Client.HTTPClient().Transport = p.opts.Transport
	}
	s := &session{p: p, bot: b, ctx: bctx, cancel: cancel, hot: hot, dir: newDirectory(), ready: make(chan struct{})}
	s.store = &hotStorage{store: p.opts.Sessions, log: p.log, read: hot, prepare: s.snapshot, saved: p.sessionSaved}
	if p.opts.Sessions == nil {
		s.store.store = discardSessions{}
	}
	// DefaultBot's callbacks open a browser and log every poll: replace them all.
	b.UUIDCallback = p.showQR
	b.ScanCallBack = func(openwechat.CheckLoginResponse) {
		p.log.Info("wechat: QR code scanned: confirm the login on the phone")
		p.setHealth(false, "waiting_for_scan", "二维码已扫描，请在手机上确认登录")
	}
	b.LoginCallBack = nil
	b.LogoutCallBack = nil
	b.SyncCheckCallback = s.onSyncCheck
	b.MessageHandler = s.onMessage
	b.MessageErrorHandler = s.onSyncError

	var err error
	if hot {
		p.setHealth(false, "logging_in", "正在用保存的会话登录微信")
		err = b.HotLogin(s.store)
	} else {
		// The reload fails at once (nothing to read) and the retry option logs in by QR code;
		// going through HotLogin makes openwechat save the new session to the storage.
		err = b.HotLogin(s.store, openwechat.NewRetryLoginOption())
	}
	if err != nil {
		cancel()
		return nil, err
	}
	if s.info == nil {
		// Every login writes the session once before its sync starts; without it the adapter
		// knows nothing about the login.
		s.cancel()
		return nil, errors.New("wechat: logged in without a session dump")
	}
	if hot {
		p.stats.hotLogins.Add(1)
	} else {
		p.stats.qrLogins.Add(1)
	}
	p.log.Info("wechat: logged in", "nick", s.selfNick, "hot", hot)
	return s, nil
}

// snapshot runs at the session's first dump, inside openwechat's login and before its sync
// goroutine starts: the one moment the Bot's fields can be read, and its cookie jar changed,
// without racing that goroutine. It returns the dump to save.
func (s *session) snapshot(dump []byte) []byte {
	b := s.bot
	self, err := b.GetCurrentUser()
	if err != nil {
		return dump
	}
	s.selfName = self.UserName
	s.selfNick = openwechat.FormatEmoji(self.NickName)
	s.info = b.Storage.LoginInfo
	s.req = b.Storage.Request
	s.loggedIn = time.Now()
	if resp := b.Storage.Response; resp != nil {
		// The recent chats of webwxinit: groups not saved to the address book show up here.
		for _, u := range resp.ContactList {
			if u.IsGroup() {
				s.dir.putGroup(u.UserName, openwechat.FormatEmoji(u.NickName))
				s.p.rememberGroup(u.UserName, openwechat.FormatEmoji(u.NickName))
			}
		}
	}
	// openwechat's jar dump keeps cookies per host and loses their Domain: after a hot login
	// file.<domain> lacks webwx_data_ticket and every image upload fails. Give the upload and
	// sync hosts the cookies of the base host they are missing, and register the hosts so the
	// dumps keep them.
	jar := b.Caller.Client.Jar()
	domain := b.Caller.Client.Domain
	base, _ := url.Parse(domain.BaseHost() + "/")
	jar.SetCookies(base, nil)
	cookies := jar.Cookies(base)
	for _, host := range []string{domain.FileHost(), domain.SyncHost()} {
		u, _ := url.Parse(host + "/")
		have := map[string]bool{}
		for _, c := range jar.Cookies(u) {
			have[c.Name] = true
		}
		var missing []*http.Cookie
		for _, c := range cookies {
			if !have[c.Name] {
				missing = append(missing, &http.Cookie{Name: c.Name, Value: c.Value})
			}
		}
		jar.SetCookies(u, missing)
	}
	var buf bytes.Buffer
	if err := b.DumpTo(&buf); err != nil {
		return dump
	}
	return buf.Bytes()
}

func (p *Platform) sessionSaved(err error, _ int) {
	if err == nil {
		p.stats.sessionSaves.Add(1)
	}
}

// showQR draws the login QR code and logs its URL (openwechat's UUIDCallback).
func (p *Platform) showQR(uuid string) {
	image := openwechat.GetQrcodeUrl(uuid)
	if w := p.opts.QR; w != nil {
		// The code the phone scans on the web page encodes this URL.
		q, err := qrcode.New("https://login.weixin.qq.com/l/"+uuid, qrcode.Low)
		if err == nil {
			fmt.Fprintf(w, "\n请用机器人账号（%s）的手机微信扫码登录：\n%s\n扫不了时在浏览器打开二维码图片：%s\n\n", p.opts.Account, q.ToSmallString(false), image)
		} else {
			fmt.Fprintf(w, "\n请用机器人账号（%s）的手机微信扫码登录，二维码图片：%s\n\n", p.opts.Account, image)
		}
	}
	p.log.Error("wechat: not logged in: scan the QR code with the bot account's phone (WeChat → scan)", "qr_image", image)
	p.setHealth(false, "waiting_for_scan", "等待扫码登录：二维码已打印在终端和日志中")
	if p.opts.OnQR != nil {
		p.opts.OnQR(image)
	}
}

// onSyncCheck runs on openwechat's sync goroutine before each poll's answer is acted on: the
// previous batch of messages has been handed over, and the poll worked.
func (s *session) onSyncCheck(openwechat.SyncCheckResponse) {
	if s.syncFailures > 0 {
		s.p.log.Info("wechat: sync works again", "after_failures", s.syncFailures)
		if s.syncFailures >= degradedAfter && s.isCurrent() {
			s.p.setOnlineHealth(s)
		}
		s.syncFailures = 0
	}
	s.store.batchEnd()
}

// onSyncError decides, on openwechat's sync goroutine, whether a sync error ends the session.
// openwechat's default swallows everything but 1100/1101/1102 and polls again at once: a busy
// loop while the network is down. This one backs off instead.
func (s *session) onSyncError(err error) error {
	var ret openwechat.Ret
	if errors.As(err, &ret) && (ret == 1100 || ret == 1101 || ret == 1102) {
		s.end(ret)
		return err
	}
	if s.ctx.Err() != nil {
		return nil // stopping: openwechat's loop sees the context and returns
	}
	s.syncFailures++
	delay := s.p.opts.Retry.Delay(s.syncFailures)
	s.p.log.Warn("wechat: sync failed: polling again after a pause", "err", err, "pause", delay, "failures", s.syncFailures)
	if s.syncFailures == degradedAfter && s.isCurrent() {
		s.p.log.Error("wechat: cannot reach WeChat: no messages are coming in", "err", err)
		s.p.setHealth(false, "degraded", fmt.Sprintf("已登录，但连续%d次收不到微信消息：%v", s.syncFailures, err))
	}
	_ = sleep(s.ctx, delay)
	return nil
}

// degradedAfter is how many sync failures in a row make Health report the account degraded.
const degradedAfter = 3

func (s *session) isCurrent() bool {
	s.p.mu.Lock()
	defer s.p.mu.Unlock()
	return s.p.cur == s
}

// end records why the session ended (the first reason wins) and stops its Bot.
func (s *session) end(reason error) {
	s.mu.Lock()
	if s.reason == nil {
		s.reason = reason
	}
	s.mu.Unlock()
	s.cancel()
}

// waitEnd blocks until the session ends and returns why (nil when ctx ended).
func (s *session) waitEnd(ctx context.Context) error {
	select {
	case <-s.ctx.Done():
	case <-ctx.Done():
	}
	if ctx.Err() != nil {
		return nil
	}
	// Never Bot.CrashReason: it races with the sync goroutine's ExitWith.
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.reason == nil {
		return errors.New("session ended")
	}
	return s.reason
}

// discardSessions stores nothing: every login is a QR login.
type discardSessions struct{}

func (discardSessions) Load(context.Context) ([]byte, error) { return nil, nil }
func (discardSessions) Save(context.Context, []byte) error   { return nil }
