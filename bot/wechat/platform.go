package wechat

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/eatmoreapple/openwechat"

	"liudong/bot"
)

// PlatformName is bot.Message.Platform for WeChat.
const PlatformName = "wechat"

// DefaultGreeting welcomes a friend whose request the bot accepted.
const DefaultGreeting = "您好，我是流动党员助手，已通过您的好友申请。请向所在党支部书记索取6位绑定码，然后发送“绑定 123456”（把123456换成您的绑定码）完成绑定；发送“帮助”查看我能做什么。"

// Options configures the adapter. Only Account is required.
type Options struct {
	// Account names the bot account (bot.Message.Account).
	Account string
	Log     *slog.Logger
	// Sessions keeps the login session for hot login; nil logs in by QR code every time.
	Sessions SessionStore
	// AutoAcceptFriends accepts every friend request and greets the new friend.
	AutoAcceptFriends bool
	// Greeting is sent to an accepted friend; empty means DefaultGreeting.
	Greeting string
	// Groups are group chats sends will address by name (the alerts groups): after every login
	// a missing or duplicate name is logged as an error.
	Groups []string
	// OnLogin runs after every login, before any message is handled or sent, with the account's
	// friends as this login names them: re-resolve the bound chat identities here. On error it is
	// retried (with Retry's backoff) until it succeeds or the session ends.
	OnLogin func(ctx context.Context, friends []Contact) error
	// OnOnline runs each time the account comes online (wake the outbox dispatcher here).
	OnOnline func()
	// Throttle spaces every send; nil means NewIntervalThrottle(1.5 s, 1 s).
	Throttle Throttle
	// QR receives each login QR code drawn in text (a terminal); nil draws none.
	QR io.Writer
	// OnQR is called with the image URL of each login QR code.
	OnQR     func(url string)
	Location *time.Location
	// Queue bounds the inbound messages waiting to be handled (default 256); Workers handle them
	// (default 4), each sender's messages always by the same worker, in order.
	Queue, Workers int
	// Retry spaces login attempts after failures (default 2 s doubling to 5 min); TooOften is the
	// pause of every send after WeChat's 1205 "operate too often" (default 30 s doubling to 10 min).
	Retry, TooOften Backoff
	// TooOftenTries is how often one send meets 1205 before it fails with bot.ErrUnavailable
	// (default 3).
	TooOftenTries int
	// OfflineWait is how long Send waits for a re-login before it fails with bot.ErrUnavailable
	// (default 30 s).
	OfflineWait time.Duration
	// RestrictWindow: a session logged out by 1102 sooner than this after its login hints that
	// Tencent restricts the account (default 10 min).
	RestrictWindow time.Duration
	// DrainTimeout bounds the handling of queued messages at shutdown (default 20 s).
	DrainTimeout time.Duration
	// Transport replaces the HTTP transport of openwechat's client (tests: wxfake).
	Transport http.RoundTripper
}

func (o *Options) defaults() {
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Greeting == "" {
		o.Greeting = DefaultGreeting
	}
	if o.Throttle == nil {
		o.Throttle = NewIntervalThrottle(1500*time.Millisecond, time.Second)
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	if o.Queue <= 0 {
		o.Queue = 256
	}
	if o.Workers <= 0 {
		o.Workers = 4
	}
	if o.Retry.Min <= 0 {
		o.Retry = Backoff{Min: 2 * time.Second, Max: 5 * time.Minute}
	}
	if o.TooOften.Min <= 0 {
		o.TooOften = Backoff{Min: 30 * time.Second, Max: 10 * time.Minute}
	}
	if o.TooOftenTries <= 0 {
		o.TooOftenTries = 3
	}
	if o.OfflineWait <= 0 {
		o.OfflineWait = 30 * time.Second
	}
	if o.RestrictWindow <= 0 {
		o.RestrictWindow = 10 * time.Minute
	}
	if o.DrainTimeout <= 0 {
		o.DrainTimeout = 20 * time.Second
	}
}

// Platform is the WeChat adapter: it implements bot.Platform over one personal WeChat account,
// logged in through openwechat's Desktop mode. No openwechat type leaves this package.
type Platform struct {
	opts  Options
	log   *slog.Logger
	cool  cooldown
	stats Stats
	queue *queue

	// sdk serialises every openwechat call the adapter makes (sends, contact fetches, the
	// message handler's lookups): openwechat's client and contact cache are not made for
	// concurrent use.
	sdk sync.Mutex

	mu         sync.Mutex
	cur        *session      // the session sends go through; nil while offline
	online     chan struct{} // closed while online
	health     bot.Health
	groupNames map[string]string // every group handle seen, of every login, with its name
	stale      map[string]bool   // friend handles of earlier logins
	restricted int               // consecutive sessions ended by 1102 right after login
	ready      chan struct{}     // closed at the first login
	readyOnce  sync.Once
}

// New makes the adapter; Run logs it in.
func New(opts Options) *Platform {
	opts.defaults()
	p := &Platform{
		opts:       opts,
		log:        opts.Log.With("platform", PlatformName, "account", opts.Account),
		cool:       cooldown{backoff: opts.TooOften},
		online:     make(chan struct{}),
		health:     bot.Health{State: "starting", Detail: "尚未登录微信"},
		groupNames: map[string]string{},
		stale:      map[string]bool{},
		ready:      make(chan struct{}),
	}
	p.queue = newQueue(opts.Queue, opts.Workers)
	return p
}

func (p *Platform) Name() string    { return PlatformName }
func (p *Platform) Account() string { return p.opts.Account }

// Health is OK only while the account is logged in and syncing.
func (p *Platform) Health() bot.Health {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.health
}

// Ready is closed once the account has logged in for the first time.
func (p *Platform) Ready() <-chan struct{} { return p.ready }

func (p *Platform) setHealth(ok bool, state, detail string) {
	detail = strings.Join(strings.Fields(detail), " ") // errors joined by openwechat span lines
	p.mu.Lock()
	p.health = bot.Health{OK: ok, State: state, Detail: detail}
	p.mu.Unlock()
}

// Run logs in, hands every message to handle, and keeps the account logged in until ctx ends;
// then it finishes the queued messages (within DrainTimeout) and returns.
func (p *Platform) Run(ctx context.Context, handle bot.HandleFunc) error {
	if p.opts.Account == "" {
		return errors.New("wechat: no account name")
	}
	// Queued messages are still handled, and answered, after ctx ends.
	work, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()
	workers := p.queue.start(work, p, handle)

	last := p.supervise(ctx)

	p.setHealth(false, "stopping", "正在停止")
	drained := make(chan struct{})
	go func() {
		p.queue.close(last)
		workers.Wait()
		close(drained)
	}()
	select {
	case <-drained:
	case <-time.After(p.opts.DrainTimeout):
		left := p.queue.len()
		p.log.Error("wechat: stopping before every queued message was handled; a hot login replays them at the next start",
			"left", left)
		stopWork()
		<-drained
	}
	p.goOffline(last, nil)
	p.setHealth(false, "stopped", "已停止")
	return nil
}

// supervise keeps the account logged in until ctx ends and returns the last session (nil if
// none), still able to send: queued messages are answered through it.
func (p *Platform) supervise(ctx context.Context) *session {
	var last *session
	hot := p.opts.Sessions != nil
	failures := 0
	for ctx.Err() == nil {
		s, err := p.login(ctx, hot)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			switch {
			case hot && errors.Is(err, errNoStoredSession):
				p.log.Info("wechat: no stored session: logging in by QR code")
				hot = false
				continue
			case hot && !transient(err):
				p.log.Warn("wechat: stored session refused: logging in by QR code", "err", err)
				hot = false
				continue
			case errors.Is(err, openwechat.ErrLoginTimeout):
				p.log.Warn("wechat: QR code expired unscanned: showing a new one")
				continue
			}
			failures++
			delay := p.opts.Retry.Delay(failures)
			p.log.Error("wechat: login failed", "err", err, "retry_in", delay, "hot", hot)
			p.setHealth(false, "offline", fmt.Sprintf("登录失败，%s后重试：%v", delay.Round(time.Second), err))
			if sleep(ctx, delay) != nil {
				break
			}
			continue
		}
		failures = 0
		if last != nil && last != s {
			p.retire(last)
		}
		last = s
		reason := p.serve(ctx, s)
		if ctx.Err() != nil {
			break
		}
		p.goOffline(s, reason)
		hot = p.opts.Sessions != nil
		if delay := p.afterLogout(s, reason); delay > 0 {
			if sleep(ctx, delay) != nil {
				break
			}
		}
	}
	return last
}

// transient tells errors worth retrying the same way (network, session store) from refusals.
func transient(err error) bool {
	return openwechat.IsNetworkError(err) || errors.Is(err, errStoreUnavailable)
}

// serve brings a logged-in session online and waits for it to end; it returns why it ended.
func (p *Platform) serve(ctx context.Context, s *session) error {
	if err := p.prepareSession(ctx, s); err != nil {
		return s.waitEnd(ctx)
	}
	p.mu.Lock()
	p.cur = s
	close(p.online)
	p.mu.Unlock()
	p.setOnlineHealth(s)
	p.stats.online.Store(1)
	p.readyOnce.Do(func() { close(p.ready) })
	p.log.Info("wechat: online", "nick", s.selfNick, "hot", s.hot, "friends", s.dir.friendCount(), "groups", s.dir.groupCount())
	if p.opts.OnOnline != nil {
		p.opts.OnOnline()
	}
	return s.waitEnd(ctx)
}

// prepareSession loads the contacts, checks the alerts groups and runs OnLogin; it fails only
// when the session ends first.
func (p *Platform) prepareSession(ctx context.Context, s *session) error {
	p.setHealth(false, "logging_in", "已登录，正在读取通讯录")
	for n := 1; ; n++ {
		err := p.loadContacts(s)
		if err == nil && p.opts.OnLogin != nil {
			err = p.opts.OnLogin(s.ctx, s.dir.friendList())
			if err != nil {
				err = fmt.Errorf("re-resolving chat identities: %w", err)
			}
		}
		if err == nil {
			break
		}
		delay := p.opts.Retry.Delay(n)
		p.log.Error("wechat: logged in but not ready", "err", err, "retry_in", delay)
		p.setHealth(false, "logging_in", fmt.Sprintf("已登录，但准备失败（%v），%s后重试", err, delay.Round(time.Second)))
		if sleep(s.ctx, delay) != nil {
			return s.ctx.Err()
		}
	}
	p.checkGroups(s)
	close(s.ready)
	return nil
}

func (p *Platform) setOnlineHealth(s *session) {
	p.setHealth(true, "online", fmt.Sprintf("已登录：%s，自%s起", s.selfNick, s.loggedIn.In(p.opts.Location).Format("2006-01-02 15:04")))
}

// goOffline stops sends through s and reports why the session ended.
func (p *Platform) goOffline(s *session, reason error) {
	p.mu.Lock()
	wasOnline := p.cur == s && s != nil
	if wasOnline {
		p.cur = nil
		p.online = make(chan struct{})
	}
	p.mu.Unlock()
	p.stats.online.Store(0)
	if s == nil || reason == nil {
		return
	}
	p.stats.logouts.Add(1)
	p.log.Error("wechat: logged out: logging in again (a QR scan may be needed); messages to send wait in the outbox",
		"reason", describe(reason), "session_age", time.Since(s.loggedIn).Round(time.Second))
	p.setHealth(false, "offline", "微信已掉线（"+describe(reason)+"），正在重新登录")
}

// afterLogout counts sessions logged out by 1102 right after their login: repeated, it is how
// Tencent restricts an account's web login. It returns an extra pause before the next login.
func (p *Platform) afterLogout(s *session, reason error) time.Duration {
	var ret openwechat.Ret
	p.mu.Lock()
	if errors.As(reason, &ret) && ret == 1102 && time.Since(s.loggedIn) < p.opts.RestrictWindow {
		p.restricted++
	} else {
		p.restricted = 0
	}
	n := p.restricted
	p.mu.Unlock()
	if n < 2 {
		return 0
	}
	delay := p.opts.Retry.Delay(n + 3)
	p.log.Error("wechat: WeChat logged the account out (1102) right after login again: Tencent is probably restricting this account's web login. "+
		"Use the account on the phone for a while, keep volumes low, and consider a dedicated account; logging in again after a pause",
		"times_in_a_row", n, "pause", delay)
	p.setHealth(false, "offline", fmt.Sprintf("微信登录后立即被退出（1102）已连续%d次：账号可能被腾讯限制网页登录，%s后再试", n, delay.Round(time.Second)))
	return delay
}

// retire lets go of an old session once a new one replaced it, remembering its friends'
// handles: a message still addressed to one was resolved before the re-login.
func (p *Platform) retire(s *session) {
	s.cancel()
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.stale) > 100000 {
		clear(p.stale)
	}
	for _, c := range s.dir.friendList() {
		p.stale[c.Handle] = true
	}
}

// isStale reports a friend handle of an earlier login that the current one does not know.
func (p *Platform) isStale(s *session, handle string) bool {
	if _, ok := s.dir.friend(handle); ok {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stale[handle]
}

// current returns the online session, waiting up to OfflineWait for one.
func (p *Platform) current(ctx context.Context) (*session, error) {
	p.mu.Lock()
	s, online, health := p.cur, p.online, p.health
	p.mu.Unlock()
	if s != nil {
		return s, nil
	}
	t := time.NewTimer(p.opts.OfflineWait)
	defer t.Stop()
	select {
	case <-online:
		p.mu.Lock()
		s = p.cur
		p.mu.Unlock()
		if s != nil {
			return s, nil
		}
	case <-t.C:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return nil, fmt.Errorf("wechat: not logged in (%s): %w", health.Detail, bot.ErrUnavailable)
}

// sessionLost takes s offline after a send found the session over, and stops its bot: the
// supervisor then logs in again.
func (p *Platform) sessionLost(s *session, err error) {
	s.end(err)
	p.goOffline(s, nil)
}

// Stats counts what the adapter did; Metrics exports the same numbers.
type Stats struct {
	online                       atomic.Int64
	qrLogins, hotLogins, logouts atomic.Int64
	received, ignored            atomic.Int64
	sent, sendFailures, tooOften atomic.Int64
	friendsAccepted              atomic.Int64
	sessionSaves                 atomic.Int64
}

// Counts is a snapshot of Stats.
type Counts struct {
	Online              bool
	QRLogins, HotLogins int64
	Logouts             int64
	Received, Ignored   int64
	Sent, SendFailures  int64
	TooOften            int64 // sends answered 1205
	FriendsAccepted     int64
	SessionSaves        int64
	Queued              int
}

// Counts returns the adapter's counters.
func (p *Platform) Counts() Counts {
	s := &p.stats
	return Counts{
		Online:   s.online.Load() == 1,
		QRLogins: s.qrLogins.Load(), HotLogins: s.hotLogins.Load(), Logouts: s.logouts.Load(),
		Received: s.received.Load(), Ignored: s.ignored.Load(),
		Sent: s.sent.Load(), SendFailures: s.sendFailures.Load(), TooOften: s.tooOften.Load(),
		FriendsAccepted: s.friendsAccepted.Load(), SessionSaves: s.sessionSaves.Load(),
		Queued: p.queue.len(),
	}
}

// describe names a logout reason for people.
func describe(err error) string {
	var ret openwechat.Ret
	if errors.As(err, &ret) {
		switch ret {
		case 1100:
			return "1100 已在手机上退出"
		case 1101:
			return "1101 登录已失效或在别处登录"
		case 1102:
			return "1102 会话已失效（手机上退出或被限制）"
		}
		return fmt.Sprintf("%d %v", int(ret), err)
	}
	return err.Error()
}
