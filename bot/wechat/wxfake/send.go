package wxfake

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	_ "image/gif" // DecodeConfig of uploaded images
	_ "image/jpeg"
	_ "image/png"
	"io"
	"net/http"
	"strconv"
	"time"
)

// Sent is a message the bot sent, with its recipient resolved back to the
// fake's contacts.
type Sent struct {
	Seq        int    // 1-based, in the order WeChat accepted them
	MsgID      string // the MsgID WeChat answered
	ToUserName string // as sent: valid for one session only
	To         string // the contact's or group's ID; "filehelper" for the file helper
	ToName     string // the contact's NickName or the group's name
	Group      bool
	Type       int    // 1 text, 3 image
	Text       string // text messages
	Image      []byte // image messages: the uploaded bytes
	FileName   string // image messages: the upload's file name
	At         time.Time
}

type media struct {
	data []byte
	name string
}

type upload struct {
	chunks map[int][]byte
	total  int
}

// Sent returns everything the bot has sent so far.
func (f *Fake) Sent() []Sent {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Sent(nil), f.sent...)
}

// WaitSent waits until the bot has sent at least n messages and returns all
// of them; on timeout it returns what was sent and an error.
func (f *Fake) WaitSent(n int, timeout time.Duration) ([]Sent, error) {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		f.mu.Lock()
		sent := append([]Sent(nil), f.sent...)
		changed, closed := f.changed, f.closed
		f.mu.Unlock()
		if len(sent) >= n {
			return sent, nil
		}
		if closed {
			return sent, ErrClosed
		}
		select {
		case <-changed:
		case <-timer.C:
			return sent, fmt.Errorf("wxfake: %d of %d messages sent after %v", len(sent), n, timeout)
		}
	}
}

// FailSend makes the next `times` sends (text or image) answer
// BaseResponse.Ret = ret, e.g. 1205 (操作太频繁). Failed sends are not in Sent().
func (f *Fake) FailSend(ret, times int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failRet, f.failTimes = ret, times
}

// accept validates a send and records it; it returns the Ret to answer.
func (f *Fake) accept(r *http.Request, req wireSendRequest, image *media) (int, string) {
	s, ret := f.sessionByRequest(req.BaseRequest)
	if ret != 0 {
		return ret, ""
	}
	if r.URL.Query().Get("pass_ticket") != s.passTicket {
		return -14, ""
	}
	if req.Msg.FromUserName != s.name(f.self.key()) {
		return 1, ""
	}
	if f.failTimes > 0 {
		f.failTimes--
		return f.failRet, ""
	}
	rec := Sent{
		ToUserName: req.Msg.ToUserName,
		Type:       req.Msg.Type,
		At:         time.Now(),
	}
	p, g := f.entity(s, req.Msg.ToUserName)
	switch {
	case g != nil:
		rec.To, rec.ToName, rec.Group = g.id, g.name, true
	case p != nil && (p.kind == kindFriend || p.kind == kindMP):
		rec.To, rec.ToName = p.ID, p.NickName
	case req.Msg.ToUserName == "filehelper":
		rec.To, rec.ToName = "filehelper", "文件传输助手"
	default:
		// Strangers, the account itself, and UserNames of other sessions.
		return 1204, ""
	}
	if image != nil {
		rec.Image, rec.FileName = image.data, image.name
	} else {
		rec.Text = req.Msg.Content
	}
	rec.MsgID = f.newMsgID()
	rec.Seq = len(f.sent) + 1
	f.sent = append(f.sent, rec)
	f.notify()
	return 0, rec.MsgID
}

func (f *Fake) handleSendMsg(w http.ResponseWriter, r *http.Request) {
	var req wireSendRequest
	if err := decodeJSON(r, &req); err != nil || req.Msg.Type != 1 {
		writeRet(w, 1)
		return
	}
	f.mu.Lock()
	ret, id := f.accept(r, req, nil)
	f.mu.Unlock()
	writeJSON(w, wireSendResponse{BaseResponse: wireBaseResponse{Ret: ret}, MsgID: id, LocalID: localIDIf(ret, req.Msg.LocalID)})
}

func (f *Fake) handleSendMsgImg(w http.ResponseWriter, r *http.Request) {
	var req wireSendRequest
	if err := decodeJSON(r, &req); err != nil || req.Msg.Type != 3 {
		writeRet(w, 1)
		return
	}
	f.mu.Lock()
	m := f.media[req.Msg.MediaId]
	ret, id := 1, ""
	if m != nil {
		ret, id = f.accept(r, req, m)
	}
	f.mu.Unlock()
	writeJSON(w, wireSendResponse{BaseResponse: wireBaseResponse{Ret: ret}, MsgID: id, LocalID: localIDIf(ret, req.Msg.LocalID)})
}

func localIDIf(ret int, id string) string {
	if ret != 0 {
		return ""
	}
	return id
}

// handleUploadMedia takes openwechat's multipart (possibly chunked) upload
// on file.<domain>; it checks webwx_data_ticket and pass_ticket.
func (f *Fake) handleUploadMedia(w http.ResponseWriter, r *http.Request) {
	fail := func(ret int) {
		writeJSON(w, wireUploadResponse{BaseResponse: wireBaseResponse{Ret: ret}})
	}
	if err := r.ParseMultipartForm(64 << 20); err != nil {
		fail(1)
		return
	}
	var req wireUploadRequest
	if err := json.Unmarshal([]byte(r.FormValue("uploadmediarequest")), &req); err != nil {
		fail(1)
		return
	}
	fh, _, err := r.FormFile("filename")
	if err != nil {
		fail(1)
		return
	}
	data, err := io.ReadAll(fh)
	_ = fh.Close()
	if err != nil {
		fail(1)
		return
	}
	chunks, chunk := 1, 0
	if v := r.FormValue("chunks"); v != "" {
		chunks, _ = strconv.Atoi(v)
		chunk, _ = strconv.Atoi(r.FormValue("chunk"))
	}

	f.mu.Lock()
	defer f.mu.Unlock()
	s, ret := f.sessionByRequest(req.BaseRequest)
	switch {
	case ret != 0:
		fail(ret)
		return
	case r.FormValue("webwx_data_ticket") != s.dataTicket:
		fail(1102)
		return
	case r.FormValue("pass_ticket") != s.passTicket:
		fail(-14)
		return
	case chunks < 1 || chunk < 0 || chunk >= chunks:
		fail(1)
		return
	}
	key := strconv.FormatInt(req.ClientMediaId, 10) + "/" + req.FileMd5
	up := f.uploads[key]
	if up == nil {
		up = &upload{chunks: map[int][]byte{}, total: chunks}
		f.uploads[key] = up
	}
	up.chunks[chunk] = data
	if len(up.chunks) < up.total {
		writeJSON(w, wireUploadResponse{StartPos: int64(len(data) * len(up.chunks))})
		return
	}
	delete(f.uploads, key)
	var all bytes.Buffer
	for i := 0; i < up.total; i++ {
		all.Write(up.chunks[i])
	}
	sum := md5.Sum(all.Bytes())
	if hex.EncodeToString(sum[:]) != req.FileMd5 || int64(all.Len()) != req.TotalLen {
		fail(1)
		return
	}
	id := "@crypt_" + randHex(4) + "_" + randHex(48)
	f.media[id] = &media{data: all.Bytes(), name: r.FormValue("name")}
	resp := wireUploadResponse{MediaId: id, StartPos: int64(all.Len()), EncryFileName: r.FormValue("name")}
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(all.Bytes())); err == nil {
		resp.CDNThumbImgWidth, resp.CDNThumbImgHeight = thumbSize(cfg.Width, cfg.Height)
	}
	writeJSON(w, resp)
}

func thumbSize(w, h int) (int, int) {
	if w <= 0 || h <= 0 {
		return 0, 0
	}
	if w >= h {
		return 100, max(1, h*100/w)
	}
	return max(1, w*100/h), 100
}

// handleVerifyUser accepts a friend request (Opcode 3): the requester
// becomes a friend, and WeChat pushes the contact and a system message.
func (f *Fake) handleVerifyUser(w http.ResponseWriter, r *http.Request) {
	var req struct {
		BaseRequest    wireBaseRequest
		Opcode         int
		VerifyUserList []struct{ Value, VerifyUserTicket string }
	}
	if err := decodeJSON(r, &req); err != nil {
		writeRet(w, 1)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ret := f.sessionByRequest(req.BaseRequest)
	if ret != 0 {
		writeRet(w, ret)
		return
	}
	if r.URL.Query().Get("pass_ticket") != s.passTicket {
		writeRet(w, -14)
		return
	}
	if req.Opcode != 3 || len(req.VerifyUserList) == 0 {
		writeRet(w, 1)
		return
	}
	var accepted []*person
	for _, v := range req.VerifyUserList {
		p, _ := f.entity(s, v.Value)
		if p == nil || f.friendRequests[p.ID] == "" || f.friendRequests[p.ID] != v.VerifyUserTicket {
			writeRet(w, 1)
			return
		}
		accepted = append(accepted, p)
	}
	for _, p := range accepted {
		delete(f.friendRequests, p.ID)
		p.kind = kindFriend
		mod := f.wirePerson(s, p, "")
		f.push(s, event{mod: &mod})
		m := f.newMsg(10000, s.name(p.key()), s.name(f.self.key()))
		m.Content = webText(fmt.Sprintf("你已添加了%s，现在可以开始聊天了。", p.NickName))
		f.push(s, event{msg: m})
	}
	writeRet(w, 0)
}

// handleLogout ends the session. WeChat answers with a redirect and no
// JSON, so openwechat's Bot.Logout returns a decode error (io.EOF) and
// the next synccheck reports 1102.
func (f *Fake) handleLogout(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	if s := f.sessionBySkey(r.URL.Query().Get("skey")); s != nil {
		s.dead = "1102"
		if f.live == s {
			f.live = nil
		}
		f.notify()
	}
	f.mu.Unlock()
	w.Header().Set("Location", "https://"+f.opts.Domain+"/?&lang=zh_CN")
	writeBody(w, http.StatusMovedPermanently, "text/html", nil)
}

// handleAvatar serves webwxgeticon / webwxgetheadimg: a stable image per
// avatar id.
func (f *Fake) handleAvatar(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f.mu.Lock()
	defer f.mu.Unlock()
	var id string
	for _, s := range f.sessions {
		if p, g := f.entity(s, q.Get("username")); p != nil {
			id = p.AvatarID
		} else if g != nil {
			id = g.avatarID
		}
		if id != "" {
			break
		}
	}
	if id == "" {
		writeBody(w, http.StatusNotFound, "text/html", nil)
		return
	}
	writeBody(w, http.StatusOK, "image/png", f.avatarPNG(id))
}

func (f *Fake) handleGetMsgImg(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f.mu.Lock()
	defer f.mu.Unlock()
	data, ok := f.msgImage[q.Get("MsgID")]
	if !ok || f.sessionBySkey(q.Get("skey")) == nil {
		writeBody(w, http.StatusNotFound, "text/html", nil)
		return
	}
	writeBody(w, http.StatusOK, "image/jpeg", data)
}
