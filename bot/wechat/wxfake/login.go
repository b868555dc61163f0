package wxfake

import (
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

type loginState int

const (
	loginWaiting loginState = iota
	loginScanned
	loginConfirmed
	loginExpired
	loginDone
)

// qrLogin is one uuid: a QR code shown to the phone, or a push login.
type qrLogin struct {
	uuid     string
	redirect string // webwxnewloginpage URL the confirmation redirects to
	push     bool
	state    loginState
	scanSeen bool // the client has been told 201
}

const (
	uosClientVersion = "2.0.0"
	// WeChat's answer to web logins of accounts barred from web WeChat.
	webLoginBlocked = "为了你的帐号安全，此微信号不能登录网页微信。你可以使用Windows微信或Mac微信在电脑端登录。Windows微信下载地址：https://pc.weixin.qq.com  Mac微信下载地址：https://mac.weixin.qq.com"
)

func (f *Fake) newLogin(redirect string, push bool) *qrLogin {
	l := &qrLogin{
		uuid:     randToken(10) + "==",
		redirect: redirect,
		push:     push,
	}
	if f.opts.AutoConfirm {
		l.state = loginConfirmed
	}
	f.logins[l.uuid] = l
	f.loginOrder = append(f.loginOrder, l)
	f.notify()
	return l
}

// pendingLogin is the newest login still waiting for the phone.
func (f *Fake) pendingLogin() *qrLogin {
	for i := len(f.loginOrder) - 1; i >= 0; i-- {
		if l := f.loginOrder[i]; l.state == loginWaiting || l.state == loginScanned {
			return l
		}
	}
	return nil
}

// Scan makes the phone scan the newest QR code without confirming it: the
// next login poll answers 201 with the account's avatar.
func (f *Fake) Scan() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	l := f.pendingLogin()
	if l == nil {
		return ErrNoPendingLogin
	}
	l.state = loginScanned
	f.notify()
	return nil
}

// ConfirmScan scans (if needed) and confirms the newest pending QR code or
// push login on the phone. Safe to call from bot.UUIDCallback.
func (f *Fake) ConfirmScan() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	l := f.pendingLogin()
	if l == nil {
		return ErrNoPendingLogin
	}
	l.state = loginConfirmed
	f.notify()
	return nil
}

// ExpireQR expires the newest pending QR code: the login poll answers 400
// and openwechat's Login returns openwechat.ErrLoginTimeout.
func (f *Fake) ExpireQR() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	l := f.pendingLogin()
	if l == nil {
		return ErrNoPendingLogin
	}
	l.state = loginExpired
	f.notify()
	return nil
}

// KickOut ends the live session: the next synccheck (and every later one)
// answers retcode, and the session's credentials stop working, so a stored
// hot-login session is dead too. WeChat uses "1100" (logged out on the phone,
// older clients), "1101" (logged in elsewhere / expired) and "1102" (cookie
// invalid; seen after a phone logout and after webwxlogout in desktop mode).
func (f *Fake) KickOut(retcode string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.live == nil {
		return ErrNoSession
	}
	f.endLive(retcode)
	return nil
}

// RefuseHotLogin expires the stored session the way WeChat does after a
// while: webwxinit with the old credentials answers Ret 1101 (a running bot
// sees synccheck 1101), and push login is refused until the next QR login.
func (f *Fake) RefuseHotLogin() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.live != nil {
		f.endLive("1101")
	}
	f.pushRefused = true
	f.notify()
}

// RefusePushLogin makes webwxpushloginurl refuse until the next QR login,
// without touching the live session.
func (f *Fake) RefusePushLogin() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pushRefused = true
}

// LoggedIn reports whether a session is live.
func (f *Fake) LoggedIn() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.live != nil
}

// Logins counts sessions created so far (QR and push logins; hot logins
// reuse a session and do not count).
func (f *Fake) Logins() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.loginCount
}

// UserName returns the live session's UserName for a contact or group
// (by ID or name), or "" when nobody is logged in.
func (f *Fake) UserName(ref string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.live == nil {
		return ""
	}
	if p, err := f.findPerson(ref); err == nil {
		return f.live.name(p.key())
	}
	if g, err := f.findGroup(ref); err == nil {
		return f.live.name(g.key())
	}
	return ""
}

func (f *Fake) endLive(retcode string) {
	f.live.dead = retcode
	f.live = nil
	f.notify()
}

func (f *Fake) handleJSLogin(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("appid") != "wx782c26e4c19acffb" || q.Get("fun") != "new" {
		writeJS(w, `window.QRLogin.code = 400; window.QRLogin.error = "invalid appid";`)
		return
	}
	f.mu.Lock()
	l := f.newLogin(q.Get("redirect_uri"), false)
	f.mu.Unlock()
	writeJS(w, fmt.Sprintf(`window.QRLogin.code = 200; window.QRLogin.uuid = "%s";`, l.uuid))
}

func (f *Fake) handleQRCode(w http.ResponseWriter, r *http.Request) {
	uuid := r.URL.Path[len("/qrcode/"):]
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.logins[uuid] == nil {
		writeBody(w, http.StatusNotFound, "text/html", nil)
		return
	}
	writeBody(w, http.StatusOK, "image/png", f.avatarPNG("qrcode:"+uuid))
}

// handleCheckLogin is the login long poll: 408 waiting, 201 scanned (with
// the avatar), 200 with the redirect_uri, 400 expired.
func (f *Fake) handleCheckLogin(w http.ResponseWriter, r *http.Request) {
	uuid := r.URL.Query().Get("uuid")
	timer := time.NewTimer(f.opts.LoginPollWait)
	defer timer.Stop()
	for {
		f.mu.Lock()
		l := f.logins[uuid]
		var body string
		switch {
		case l == nil || l.state == loginExpired || l.state == loginDone:
			body = "window.code=400;"
		case (l.state == loginScanned || l.state == loginConfirmed) && !l.push && !l.scanSeen:
			l.scanSeen = true
			avatar := base64.StdEncoding.EncodeToString(f.avatarPNG(f.self.AvatarID))
			body = fmt.Sprintf("window.code=201;window.userAvatar = 'data:img/jpg;base64,%s';", avatar)
		case l.state == loginConfirmed:
			l.state = loginDone
			ticket := "A" + randToken(27) + "@qrticket_0"
			f.tickets[ticket] = l
			body = fmt.Sprintf("window.code=200;\nwindow.redirect_uri=\"%s\";", f.redirectURI(l, ticket))
		}
		changed := f.changed
		f.mu.Unlock()
		if body != "" {
			writeJS(w, body)
			return
		}
		if !f.wait(r, changed, timer) {
			writeJS(w, "window.code=408;")
			return
		}
	}
}

func (f *Fake) redirectURI(l *qrLogin, ticket string) string {
	u, err := url.Parse(l.redirect)
	if err != nil || u.Path != cgi+"webwxnewloginpage" {
		u = &url.URL{Scheme: "https", Path: cgi + "webwxnewloginpage"}
	}
	u.Scheme, u.Host = "https", f.opts.Domain
	q := u.Query()
	q.Set("ticket", ticket)
	q.Set("uuid", l.uuid)
	q.Set("lang", "zh_CN")
	q.Set("scan", strconv.FormatInt(time.Now().Unix(), 10))
	u.RawQuery = q.Encode()
	return u.String()
}

type loginPage struct {
	XMLName     xml.Name `xml:"error"`
	Ret         int      `xml:"ret"`
	Message     string   `xml:"message"`
	Skey        string   `xml:"skey,omitempty"`
	WxSid       string   `xml:"wxsid,omitempty"`
	WxUin       int64    `xml:"wxuin,omitempty"`
	PassTicket  string   `xml:"pass_ticket,omitempty"`
	IsGrayScale int      `xml:"isgrayscale,omitempty"`
}

func writeXML(w http.ResponseWriter, v loginPage) {
	b, err := xml.Marshal(v)
	if err != nil {
		panic(err)
	}
	writeBody(w, http.StatusOK, "text/plain", b)
}

// handleNewLoginPage redeems the ticket of a confirmed login: a new session,
// its cookies and the XML with skey, wxsid, wxuin and pass_ticket.
func (f *Fake) handleNewLoginPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f.mu.Lock()
	defer f.mu.Unlock()
	l := f.tickets[q.Get("ticket")]
	if l == nil || l.uuid != q.Get("uuid") {
		writeXML(w, loginPage{Ret: 1203, Message: "check ticket failed"})
		return
	}
	delete(f.tickets, q.Get("ticket"))
	if !f.opts.AllowWebMode && (r.Header.Get("client-version") != uosClientVersion || r.Header.Get("extspam") == "") {
		writeXML(w, loginPage{Ret: 1203, Message: webLoginBlocked})
		return
	}
	if f.live != nil {
		f.endLive("1101") // logged in elsewhere
	}
	s := newSession()
	f.sessions = append(f.sessions, s)
	f.live = s
	f.loginCount++
	f.pushRefused = false
	f.authTicket = randToken(32)
	// Mint every UserName now: they are fixed for the session.
	s.name(f.self.key())
	for _, id := range f.peopleOrder {
		s.name(f.people[id].key())
	}
	for _, id := range f.groupOrder {
		s.name(f.groups[id].key())
	}

	d := f.opts.Domain
	exp := time.Now().Add(12 * time.Hour)
	for _, c := range []*http.Cookie{
		{Name: "wxuin", Value: strconv.FormatInt(f.uin, 10), Domain: d},
		{Name: "wxsid", Value: s.sid, Domain: d},
		{Name: "wxloadtime", Value: strconv.FormatInt(time.Now().Unix(), 10), Domain: d},
		{Name: "mm_lang", Value: "zh_CN", Domain: d},
		{Name: "webwx_data_ticket", Value: s.dataTicket, Domain: ".qq.com"},
		{Name: "webwxuvid", Value: randHex(32), Domain: d},
		{Name: "webwx_auth_ticket", Value: f.authTicket, Domain: d},
	} {
		c.Path, c.Expires = "/", exp
		w.Header().Add("Set-Cookie", c.String())
	}
	writeXML(w, loginPage{
		Skey: s.skey, WxSid: s.sid, WxUin: f.uin,
		PassTicket: s.passTicket, IsGrayScale: 1,
	})
}

// handlePushLoginURL starts a push login (免扫码): the phone is asked to
// confirm; it needs the webwx_auth_ticket cookie of an earlier login.
func (f *Fake) handlePushLoginURL(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	auth, _ := r.Cookie("webwx_auth_ticket")
	uin := r.URL.Query().Get("uin")
	switch {
	case f.pushRefused:
		writeJSON(w, map[string]string{"ret": "1", "msg": "push login refused"})
	case auth == nil || auth.Value != f.authTicket || uin != strconv.FormatInt(f.uin, 10):
		writeJSON(w, map[string]string{"ret": "1", "msg": "invalid auth ticket"})
	default:
		redirect := "https://" + f.opts.Domain + cgi + "webwxnewloginpage"
		if r.URL.Query().Get("mod") == "desktop" {
			redirect += "?mod=desktop"
		}
		l := f.newLogin(redirect, true)
		writeJSON(w, map[string]string{"ret": "0", "msg": "all ok", "uuid": l.uuid})
	}
}
