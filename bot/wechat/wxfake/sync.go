package wxfake

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

const maxSyncBatch = 50

func (f *Fake) syncKey(head int64) wireSyncKey {
	return wireSyncKey{Count: 4, List: []wireKeyVal{
		{Key: 1, Val: head}, {Key: 2, Val: head}, {Key: 3, Val: head},
		{Key: 1000, Val: time.Now().Unix()},
	}}
}

func (s *session) head() int64 {
	if len(s.events) == 0 {
		return 0
	}
	return s.events[len(s.events)-1].seq
}

// pending returns the events after seq, at most limit of them.
func (s *session) pending(after int64, limit int) []event {
	var out []event
	for _, ev := range s.events {
		if ev.seq > after {
			out = append(out, ev)
			if len(out) == limit {
				break
			}
		}
	}
	return out
}

func (f *Fake) wireSelf(s *session) wireUser {
	u := f.wirePerson(s, f.self, "")
	u.Uin = f.uin // openwechat's Self.AvatarID() returns it
	return u
}

func (f *Fake) wirePerson(s *session, p *person, chatroom string) wireUser {
	un := s.name(p.key())
	u := wireUser{
		UserName:   un,
		NickName:   emojiSpans(p.NickName),
		RemarkName: emojiSpans(p.RemarkName),
		Sex:        p.Sex,
		Signature:  p.Signature,
		Province:   p.Province,
		City:       p.City,
		AttrStatus: p.attr,
		MemberList: []wireMember{},
		SnsFlag:    17,
	}
	u.HeadImgUrl = fmt.Sprintf(cgi+"webwxgeticon?seq=%s&username=%s&skey=%s", p.AvatarID, un, s.skey)
	if chatroom != "" {
		u.HeadImgUrl = fmt.Sprintf(cgi+"webwxgeticon?seq=%s&username=%s&chatroomid=%s&skey=", p.AvatarID, un, chatroom)
	}
	switch p.kind {
	case kindFriend:
		u.ContactFlag = 3
	case kindMP:
		u.ContactFlag, u.VerifyFlag, u.SnsFlag = 3, 24, 0
	case kindStranger:
		u.SnsFlag = 0
	}
	return u
}

func (f *Fake) wireGroup(s *session, g *group, withMembers bool) wireUser {
	un := s.name(g.key())
	u := wireUser{
		UserName:    un,
		NickName:    emojiSpans(g.name),
		HeadImgUrl:  fmt.Sprintf(cgi+"webwxgetheadimg?seq=%s&username=%s&skey=", g.avatarID, un),
		ContactFlag: 3,
		Statues:     1,
		MemberCount: len(g.members),
		MemberList:  []wireMember{},
	}
	if g.unsaved {
		u.ContactFlag, u.Statues = 2, 0
	}
	if withMembers {
		u.EncryChatRoomId = s.encryFor(g.key())
		for _, m := range g.members {
			p := f.people[m.personID]
			u.MemberList = append(u.MemberList, wireMember{
				UserName:    s.name(p.key()),
				NickName:    emojiSpans(p.NickName),
				AttrStatus:  p.attr,
				DisplayName: emojiSpans(m.displayName),
			})
		}
	}
	return u
}

func wireSpecial(userName, nick string, verifyFlag int) wireUser {
	return wireUser{
		UserName: userName, NickName: nick, VerifyFlag: verifyFlag,
		HeadImgUrl: cgi + "webwxgeticon?seq=0&username=" + userName + "&skey=",
		MemberList: []wireMember{},
	}
}

func (f *Fake) handleInit(w http.ResponseWriter, r *http.Request) {
	var req struct{ BaseRequest wireBaseRequest }
	if err := decodeJSON(r, &req); err != nil {
		writeRet(w, 1)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ret := f.sessionByRequest(req.BaseRequest)
	if ret != 0 {
		writeJSON(w, wireInitResponse{BaseResponse: wireBaseResponse{Ret: ret}})
		return
	}
	self := f.wireSelf(s)
	resp := wireInitResponse{
		SyncKey:             f.syncKey(s.head()),
		User:                &self,
		SKey:                s.skey,
		ClientVersion:       0x28000000,
		SystemTime:          time.Now().Unix(),
		GrayScale:           1,
		InviteStartCount:    40,
		ClickReportInterval: 600000,
		MPSubscribeMsgList:  []struct{}{},
	}
	// ContactList holds the recent chats: the file helper and the groups.
	resp.ContactList = append(resp.ContactList, wireSpecial("filehelper", "文件传输助手", 0))
	chats := []string{"filehelper"}
	for _, id := range f.groupOrder {
		g := f.groups[id]
		resp.ContactList = append(resp.ContactList, f.wireGroup(s, g, true))
		chats = append(chats, s.name(g.key()))
	}
	resp.Count = len(resp.ContactList)
	resp.ChatSet = strings.Join(chats, ",") + ","
	writeJSON(w, resp)
}

// handleStatusNotify: Code 3 is the "logged in on the web" notice, after
// which WeChat pushes a MsgType 51 status message; Code 1 marks read.
func (f *Fake) handleStatusNotify(w http.ResponseWriter, r *http.Request) {
	var req struct {
		BaseRequest  wireBaseRequest
		Code         int
		FromUserName string
		ToUserName   string
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
	if r.URL.Query().Has("pass_ticket") && r.URL.Query().Get("pass_ticket") != s.passTicket {
		writeRet(w, -14)
		return
	}
	if req.Code == 3 {
		selfName := s.name(f.self.key())
		chats := []string{"filehelper"}
		for _, id := range f.groupOrder {
			chats = append(chats, s.name(f.groups[id].key()))
		}
		m := f.newMsg(51, selfName, selfName)
		m.StatusNotifyCode = 4
		m.StatusNotifyUserName = strings.Join(chats, ",")
		m.Content = webText(fmt.Sprintf("<msg>\n<op id='4'>\n<username>%s</username>\n<unreadchatlist>\n<chat>\n<username>MomentsUnreadMsgStatus</username>\n<lastreadtime>%d</lastreadtime>\n</chat>\n</unreadchatlist>\n<unreadfunctionlist>\n</unreadfunctionlist>\n</op>\n</msg>", m.StatusNotifyUserName, time.Now().Unix()))
		f.push(s, event{msg: m})
	}
	writeJSON(w, wireSendResponse{MsgID: f.newMsgID()})
}

func parseSyncKey(s string) int64 {
	var best int64
	for _, part := range strings.Split(s, "|") {
		k, v, ok := strings.Cut(part, "_")
		if ok && k == "1" {
			best, _ = strconv.ParseInt(v, 10, 64)
		}
	}
	return best
}

func syncKeyVal(k wireSyncKey) int64 {
	for _, kv := range k.List {
		if kv.Key == 1 {
			return kv.Val
		}
	}
	return 0
}

// handleSyncCheck is the long poll on webpush.<domain>: it answers at once
// when events are pending or the session has ended, else after PollWait.
func (f *Fake) handleSyncCheck(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	after := parseSyncKey(q.Get("synckey"))
	br := wireBaseRequest{Sid: q.Get("sid"), Skey: q.Get("skey")}
	br.Uin, _ = strconv.ParseInt(q.Get("uin"), 10, 64)
	timer := time.NewTimer(f.opts.PollWait)
	defer timer.Stop()
	reply := func(ret, sel string) {
		writeJS(w, fmt.Sprintf(`window.synccheck={retcode:"%s",selector:"%s"}`, ret, sel))
	}
	for {
		f.mu.Lock()
		s, ret := f.sessionByRequest(br)
		sel := "0"
		if s != nil {
			sel = selector(s.pending(after, maxSyncBatch))
		}
		changed := f.changed
		f.mu.Unlock()
		switch {
		case ret != 0:
			reply(strconv.Itoa(ret), "0")
			return
		case sel != "0":
			reply("0", sel)
			return
		}
		if !f.wait(r, changed, timer) {
			reply("0", "0")
			return
		}
	}
}

func selector(evs []event) string {
	if len(evs) == 0 {
		return "0"
	}
	for _, ev := range evs {
		if ev.msg != nil {
			return "2"
		}
	}
	return "4"
}

func (f *Fake) handleSync(w http.ResponseWriter, r *http.Request) {
	var req struct {
		BaseRequest wireBaseRequest
		SyncKey     wireSyncKey
	}
	if err := decodeJSON(r, &req); err != nil {
		writeRet(w, 1)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ret := f.sessionByRequest(req.BaseRequest)
	if ret == 0 && r.URL.Query().Get("pass_ticket") != s.passTicket {
		ret = -14
	}
	if ret != 0 {
		writeJSON(w, wireSyncResponse{BaseResponse: wireBaseResponse{Ret: ret}, SyncKey: wireSyncKey{List: []wireKeyVal{}}})
		return
	}
	after := syncKeyVal(req.SyncKey)
	evs := s.pending(after, maxSyncBatch)
	resp := wireSyncResponse{
		AddMsgList:            []wireMsg{},
		ModContactList:        []wireUser{},
		DelContactList:        []wireUser{},
		ModChatRoomMemberList: []wireUser{},
		SKey:                  s.skey,
	}
	head := after
	for _, ev := range evs {
		if ev.msg != nil {
			resp.AddMsgList = append(resp.AddMsgList, *ev.msg)
		}
		if ev.mod != nil {
			resp.ModContactList = append(resp.ModContactList, *ev.mod)
		}
		head = ev.seq
	}
	if len(s.pending(head, 1)) > 0 {
		resp.ContinueFlag = 1
	}
	resp.AddMsgCount = len(resp.AddMsgList)
	resp.ModContactCount = len(resp.ModContactList)
	resp.SyncKey = f.syncKey(head)
	resp.SyncCheckKey = resp.SyncKey
	writeJSON(w, resp)
}

// handleGetContact pages the address book: friends, saved groups (without
// members), official accounts and a few built-in accounts.
func (f *Fake) handleGetContact(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.sessionBySkey(q.Get("skey"))
	if s == nil {
		writeJSON(w, map[string]any{"BaseResponse": wireBaseResponse{Ret: 1101}, "MemberCount": 0, "MemberList": []wireUser{}, "Seq": 0})
		return
	}
	var all []wireUser
	for _, id := range f.peopleOrder {
		if p := f.people[id]; p.kind == kindFriend || p.kind == kindMP {
			all = append(all, f.wirePerson(s, p, ""))
		}
	}
	for _, id := range f.groupOrder {
		if g := f.groups[id]; !g.unsaved {
			all = append(all, f.wireGroup(s, g, false))
		}
	}
	all = append(all, wireSpecial("filehelper", "文件传输助手", 0), wireSpecial("weixin", "微信团队", 56))

	start, _ := strconv.Atoi(q.Get("seq"))
	if start < 0 || start > len(all) {
		start = len(all)
	}
	end := min(start+f.opts.ContactPageSize, len(all))
	next := 0
	if end < len(all) {
		next = end
	}
	page := all[start:end]
	writeJSON(w, map[string]any{
		"BaseResponse": wireBaseResponse{},
		"MemberCount":  len(page),
		"MemberList":   page,
		"Seq":          next,
	})
}

// handleBatchGetContact returns details: groups with their MemberList and
// EncryChatRoomId, people with their profile.
func (f *Fake) handleBatchGetContact(w http.ResponseWriter, r *http.Request) {
	var req struct {
		BaseRequest wireBaseRequest
		List        []struct{ UserName, EncryChatRoomId string }
	}
	if err := decodeJSON(r, &req); err != nil {
		writeRet(w, 1)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ret := f.sessionByRequest(req.BaseRequest)
	if ret != 0 {
		writeJSON(w, map[string]any{"BaseResponse": wireBaseResponse{Ret: ret}, "Count": 0, "ContactList": []wireUser{}})
		return
	}
	list := []wireUser{}
	for _, item := range req.List {
		p, g := f.entity(s, item.UserName)
		switch {
		case g != nil:
			list = append(list, f.wireGroup(s, g, true))
		case p == f.self:
			list = append(list, f.wireSelf(s))
		case p != nil:
			list = append(list, f.wirePerson(s, p, item.EncryChatRoomId))
		case item.UserName == "filehelper":
			list = append(list, wireSpecial("filehelper", "文件传输助手", 0))
		}
	}
	writeJSON(w, map[string]any{"BaseResponse": wireBaseResponse{}, "Count": len(list), "ContactList": list})
}
