package wxfake

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/eatmoreapple/openwechat"
)

// Errors returned by the driving API.
var (
	ErrClosed         = errors.New("wxfake: closed")
	ErrNoSession      = errors.New("wxfake: no live session (nobody is logged in)")
	ErrNoPendingLogin = errors.New("wxfake: no login is waiting for a scan")
)

const (
	cgi           = "/cgi-bin/mmwebwx-bin/"
	maxRequestLog = 10000
)

// Contact is a WeChat account as the fake holds it. Everything except the
// UserName is stable; the UserName is minted per login session.
type Contact struct {
	// ID is the test's stable handle for the account; it defaults to NickName.
	// WeChat itself exposes no such id: the bot only ever sees UserNames.
	ID         string
	NickName   string
	RemarkName string
	// AvatarID is the "seq" in HeadImgUrl, which openwechat's User.AvatarID()
	// returns for contacts without a Uin. Defaults to a hash of ID.
	AvatarID  string
	Sex       int // 1 male, 2 female
	Province  string
	City      string
	Signature string
}

// Member is a group member: a friend (ID names a friend) or a stranger.
type Member struct {
	Contact
	DisplayName string // 群昵称
}

// Group is a group chat. The self account is always a member.
type Group struct {
	ID       string // defaults to NickName
	NickName string // the group's name
	AvatarID string
	Members  []Member
	// Unsaved groups (not 保存到通讯录) are missing from webwxgetcontact, as on
	// WeChat: openwechat's Groups() lists them only after a message from them.
	Unsaved bool
}

// Options configures a Fake.
type Options struct {
	Self    Contact
	Uin     int64 // the self account's wxuin; defaults to 2100000001
	Friends []Contact
	Groups  []Group
	MPs     []Contact // official accounts (公众号)

	// AutoConfirm scans and confirms every QR and push login at once.
	AutoConfirm bool
	// AllowWebMode lets logins without the UOS desktop headers in. By default
	// they get ret 1203, as most accounts do today (use openwechat.Desktop).
	AllowWebMode bool
	// Domain is where logins are redirected: "wx.qq.com" (default) or "wx2.qq.com".
	Domain string
	// PollWait bounds an idle synccheck (WeChat: ~25 s; default 200 ms).
	PollWait time.Duration
	// LoginPollWait bounds an idle login poll (WeChat: ~25 s; default 100 ms).
	LoginPollWait time.Duration
	// ContactPageSize is the page size of webwxgetcontact (default 100).
	ContactPageSize int
}

// Fake is an in-process WeChat web server. It implements http.RoundTripper
// and serves every request itself: nothing leaves the process. All methods
// are safe for concurrent use.
type Fake struct {
	opts Options
	uin  int64

	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every state change
	done    chan struct{}
	closed  bool

	self           *person
	people         map[string]*person
	peopleOrder    []string
	groups         map[string]*group
	groupOrder     []string
	friendRequests map[string]string // person id -> pending ticket

	logins      map[string]*qrLogin // by uuid
	loginOrder  []*qrLogin
	tickets     map[string]*qrLogin
	live        *session
	sessions    []*session
	authTicket  string
	pushRefused bool
	loginCount  int

	seq      int64
	nextMsg  int64
	media    map[string]*media
	uploads  map[string]*upload
	msgImage map[string][]byte
	avatars  map[string][]byte

	sent       []Sent
	failRet    int
	failTimes  int
	requestLog []string
	unhandled  []string
}

// New builds a fake WeChat holding the given account and contacts. It panics
// on inconsistent options (duplicate ids), as they are programming errors.
func New(opts Options) *Fake {
	if opts.Domain == "" {
		opts.Domain = "wx.qq.com"
	}
	if opts.PollWait <= 0 {
		opts.PollWait = 200 * time.Millisecond
	}
	if opts.LoginPollWait <= 0 {
		opts.LoginPollWait = 100 * time.Millisecond
	}
	if opts.ContactPageSize <= 0 {
		opts.ContactPageSize = 100
	}
	f := &Fake{
		opts:           opts,
		uin:            opts.Uin,
		changed:        make(chan struct{}),
		done:           make(chan struct{}),
		people:         map[string]*person{},
		groups:         map[string]*group{},
		friendRequests: map[string]string{},
		logins:         map[string]*qrLogin{},
		tickets:        map[string]*qrLogin{},
		media:          map[string]*media{},
		uploads:        map[string]*upload{},
		msgImage:       map[string][]byte{},
		avatars:        map[string][]byte{},
		nextMsg:        4000000000000000000 + randInt63n(1000000000000000000),
	}
	if f.uin == 0 {
		f.uin = 2100000001
	}
	self := opts.Self
	if self.NickName == "" {
		self.NickName = "流动党员助手"
	}
	f.self = f.addPerson(self, kindSelf)
	for _, c := range opts.Friends {
		f.addPerson(c, kindFriend)
	}
	for _, c := range opts.MPs {
		f.addPerson(c, kindMP)
	}
	for _, g := range opts.Groups {
		f.addGroup(g)
	}
	return f
}

// Install points the bot's HTTP client at the fake. Call it before any login.
// The cookie jar is left alone: requests keep their real WeChat URLs, so
// openwechat's Jar stores and replays cookies exactly as against WeChat.
func (f *Fake) Install(bot *openwechat.Bot) {
	f.InstallClient(bot.Caller.Client.HTTPClient())
}

// InstallClient points an http.Client at the fake.
func (f *Fake) InstallClient(c *http.Client) { c.Transport = f }

// Transport returns the fake as an http.RoundTripper.
func (f *Fake) Transport() http.RoundTripper { return f }

// Close wakes every long poll and makes later requests fail with ErrClosed.
// Stop bots first: openwechat retries a failing synccheck in a busy loop.
func (f *Fake) Close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return
	}
	f.closed = true
	close(f.done)
	f.notify()
}

// Unhandled lists requests the fake did not recognise ("GET host/path").
// A test should expect it empty: anything here is a protocol gap.
func (f *Fake) Unhandled() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.unhandled...)
}

// Requests lists the requests received, in order ("GET host/path"); only
// the latest few thousand are kept.
func (f *Fake) Requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.requestLog...)
}

// RoundTrip implements http.RoundTripper by serving the request in-process.
func (f *Fake) RoundTrip(req *http.Request) (*http.Response, error) {
	f.mu.Lock()
	closed := f.closed
	if len(f.requestLog) == maxRequestLog {
		f.requestLog = append(f.requestLog[:0], f.requestLog[maxRequestLog/2:]...)
	}
	f.requestLog = append(f.requestLog, req.Method+" "+req.URL.Host+req.URL.Path)
	f.mu.Unlock()
	defer func() {
		if req.Body != nil {
			_ = req.Body.Close()
		}
	}()
	if closed {
		return nil, ErrClosed
	}
	// Like http.Transport: a request whose context is done gets no answer.
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	rec := httptest.NewRecorder()
	f.route(rec, req)
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}

type handler func(w http.ResponseWriter, r *http.Request)

func (f *Fake) route(w http.ResponseWriter, r *http.Request) {
	host := r.URL.Hostname()
	d := f.opts.Domain
	var h handler
	method := http.MethodGet
	switch host {
	case "login.wx.qq.com":
		switch r.URL.Path {
		case "/jslogin":
			h = f.handleJSLogin
		case cgi + "login":
			h = f.handleCheckLogin
		}
	case "login.weixin.qq.com":
		if strings.HasPrefix(r.URL.Path, "/qrcode/") {
			h = f.handleQRCode
		}
	case d:
		switch r.URL.Path {
		case cgi + "webwxnewloginpage":
			h = f.handleNewLoginPage
		case cgi + "webwxpushloginurl":
			h = f.handlePushLoginURL
		case cgi + "webwxinit":
			h, method = f.handleInit, http.MethodPost
		case cgi + "webwxstatusnotify":
			h, method = f.handleStatusNotify, http.MethodPost
		case cgi + "webwxsync":
			h, method = f.handleSync, http.MethodPost
		case cgi + "webwxgetcontact":
			h = f.handleGetContact
		case cgi + "webwxbatchgetcontact":
			h, method = f.handleBatchGetContact, http.MethodPost
		case cgi + "webwxsendmsg":
			h, method = f.handleSendMsg, http.MethodPost
		case cgi + "webwxsendmsgimg":
			h, method = f.handleSendMsgImg, http.MethodPost
		case cgi + "webwxverifyuser":
			h, method = f.handleVerifyUser, http.MethodPost
		case cgi + "webwxlogout":
			h = f.handleLogout
		case cgi + "webwxgeticon", cgi + "webwxgetheadimg":
			h = f.handleAvatar
		case cgi + "webwxgetmsgimg":
			h = f.handleGetMsgImg
		}
	case "file." + d:
		if r.URL.Path == cgi+"webwxuploadmedia" {
			h, method = f.handleUploadMedia, http.MethodPost
		}
	case "webpush." + d:
		if r.URL.Path == cgi+"synccheck" {
			h = f.handleSyncCheck
		}
	}
	if h == nil || r.Method != method {
		f.mu.Lock()
		f.unhandled = append(f.unhandled, r.Method+" "+r.URL.Host+r.URL.Path)
		f.mu.Unlock()
		writeBody(w, http.StatusNotFound, "text/html", nil)
		return
	}
	h(w, r)
}

// notify wakes long polls; f.mu must be held.
func (f *Fake) notify() {
	close(f.changed)
	f.changed = make(chan struct{})
}

// wait blocks until a state change, the timer, the request's end or Close.
// It reports false when the caller should stop waiting.
func (f *Fake) wait(r *http.Request, changed <-chan struct{}, timer *time.Timer) bool {
	select {
	case <-changed:
		return true
	case <-timer.C:
	case <-r.Context().Done():
	case <-f.done:
	}
	return false
}

func writeBody(w http.ResponseWriter, status int, contentType string, body []byte) {
	if contentType != "" {
		w.Header().Set("Content-Type", contentType)
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func writeJS(w http.ResponseWriter, body string) {
	writeBody(w, http.StatusOK, "text/javascript", []byte(body))
}

func writeJSON(w http.ResponseWriter, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(fmt.Sprintf("wxfake: encode %T: %v", v, err))
	}
	writeBody(w, http.StatusOK, "text/plain", buf.Bytes())
}

func writeRet(w http.ResponseWriter, ret int) {
	writeJSON(w, struct{ BaseResponse wireBaseResponse }{wireBaseResponse{Ret: ret}})
}

func decodeJSON(r *http.Request, v any) error {
	if r.Body == nil {
		return io.ErrUnexpectedEOF
	}
	return json.NewDecoder(r.Body).Decode(v)
}
