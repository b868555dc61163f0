package wxfake

import (
	"bytes"
	"crypto/md5"
	"encoding/xml"
	"errors"
	"fmt"
	"image"
	"strconv"
	"strings"
	"time"
)

// Inbound messages are queued on the live session in WeChat's wire form and
// delivered by synccheck/webwxsync. Each method returns the MsgId.

func (f *Fake) newMsgID() string {
	f.nextMsg++
	return strconv.FormatInt(f.nextMsg, 10)
}

func (f *Fake) newMsg(msgType int, from, to string) *wireMsg {
	id := f.newMsgID()
	n, _ := strconv.ParseInt(id, 10, 64)
	return &wireMsg{
		MsgId:        id,
		NewMsgId:     n,
		FromUserName: from,
		ToUserName:   to,
		MsgType:      msgType,
		Status:       3,
		ImgStatus:    1,
		CreateTime:   time.Now().Unix(),
	}
}

// deliver builds a message for the live session and queues it.
func (f *Fake) deliver(build func(s *session) (*wireMsg, error)) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.live == nil {
		return "", ErrNoSession
	}
	m, err := build(f.live)
	if err != nil {
		return "", err
	}
	f.push(f.live, event{msg: m})
	return m.MsgId, nil
}

// fromFriend builds a message from a friend (or official account) to self.
func (f *Fake) fromFriend(s *session, from string, msgType int) (*wireMsg, error) {
	p, err := f.findPerson(from)
	if err != nil {
		return nil, err
	}
	if p.kind != kindFriend && p.kind != kindMP {
		return nil, fmt.Errorf("wxfake: %q is not a friend: strangers cannot message the account", from)
	}
	return f.newMsg(msgType, s.name(p.key()), s.name(f.self.key())), nil
}

// fromMember builds a group message and returns the content prefix WeChat
// puts before a member's content: "@memberUserName:<br/>".
func (f *Fake) fromMember(s *session, groupRef, member string, msgType int) (*wireMsg, string, error) {
	g, err := f.findGroup(groupRef)
	if err != nil {
		return nil, "", err
	}
	p, err := f.findMember(g, member)
	if err != nil {
		return nil, "", err
	}
	if p == f.self {
		return nil, "", errors.New("wxfake: use SendFromPhone for the account's own messages")
	}
	m := f.newMsg(msgType, s.name(g.key()), s.name(f.self.key()))
	return m, s.name(p.key()) + ":<br/>", nil
}

// SendText delivers a text from a friend (by ID or NickName).
func (f *Fake) SendText(from, text string) (string, error) {
	return f.deliver(func(s *session) (*wireMsg, error) {
		m, err := f.fromFriend(s, from, 1)
		if err != nil {
			return nil, err
		}
		m.Content = webText(text)
		return m, nil
	})
}

// SendGroupText delivers a text from a group member (by ID, NickName or
// DisplayName). Content is "@memberUserName:<br/>text", as on WeChat.
func (f *Fake) SendGroupText(group, member, text string) (string, error) {
	return f.deliver(func(s *session) (*wireMsg, error) {
		m, prefix, err := f.fromMember(s, group, member, 1)
		if err != nil {
			return nil, err
		}
		m.Content = prefix + webText(text)
		return m, nil
	})
}

// SendLocation delivers a shared location from a friend: MsgType 1 with
// SubMsgType 48, the label and a map-image link in Content, the coordinates
// in Url and in OriContent's <location x=lat y=lng>.
func (f *Fake) SendLocation(from, label string, lat, lng float64) (string, error) {
	return f.deliver(func(s *session) (*wireMsg, error) {
		m, err := f.fromFriend(s, from, 1)
		if err != nil {
			return nil, err
		}
		setLocation(m, "", label, lat, lng)
		return m, nil
	})
}

// SendGroupLocation delivers a shared location from a group member.
func (f *Fake) SendGroupLocation(group, member, label string, lat, lng float64) (string, error) {
	return f.deliver(func(s *session) (*wireMsg, error) {
		m, prefix, err := f.fromMember(s, group, member, 1)
		if err != nil {
			return nil, err
		}
		setLocation(m, prefix, label, lat, lng)
		return m, nil
	})
}

func setLocation(m *wireMsg, prefix, label string, lat, lng float64) {
	m.SubMsgType = 48
	m.Url = fmt.Sprintf("https://apis.map.qq.com/uri/v1/geocoder?coord=%.6f,%.6f", lat, lng)
	m.Content = prefix + webText(label) + ":<br/>" + cgi +
		"webwxgetpubliclinkimg?url=xxx&amp;msgid=" + m.MsgId + "&amp;pictype=location"
	m.OriContent = htmlEscape(fmt.Sprintf("<?xml version=\"1.0\"?>\n<msg>\n\t<location x=\"%.6f\" y=\"%.6f\" scale=\"16\" label=\"%s\" maptype=\"0\" poiname=\"[位置]\" poiid=\"\" />\n</msg>\n",
		lat, lng, xmlAttr(label)))
}

// SendImage delivers a picture from a friend; openwechat's Message.GetPicture
// downloads img back through webwxgetmsgimg.
func (f *Fake) SendImage(from string, img []byte) (string, error) {
	return f.deliver(func(s *session) (*wireMsg, error) {
		m, err := f.fromFriend(s, from, 3)
		if err != nil {
			return nil, err
		}
		f.setImage(m, "", img)
		return m, nil
	})
}

// SendGroupImage delivers a picture from a group member.
func (f *Fake) SendGroupImage(group, member string, img []byte) (string, error) {
	return f.deliver(func(s *session) (*wireMsg, error) {
		m, prefix, err := f.fromMember(s, group, member, 3)
		if err != nil {
			return nil, err
		}
		f.setImage(m, prefix, img)
		return m, nil
	})
}

func (f *Fake) setImage(m *wireMsg, prefix string, img []byte) {
	sum := md5.Sum(img)
	m.Content = prefix + webText(fmt.Sprintf("<?xml version=\"1.0\"?>\n<msg>\n\t<img length=\"%d\" md5=\"%x\" hdlength=\"0\" />\n\t<commenturl></commenturl>\n</msg>\n", len(img), sum))
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(img)); err == nil {
		m.ImgWidth, m.ImgHeight = thumbSize(cfg.Width, cfg.Height)
	}
	m.ImgStatus = 2
	f.msgImage[m.MsgId] = append([]byte(nil), img...)
}

// SendSystem delivers a system message (MsgType 10000) in the chat with a
// friend or in a group, e.g. "收到红包，请在手机上查看".
func (f *Fake) SendSystem(chat, text string) (string, error) {
	return f.deliver(func(s *session) (*wireMsg, error) {
		key, err := f.chatKey(chat)
		if err != nil {
			return nil, err
		}
		m := f.newMsg(10000, s.name(key), s.name(f.self.key()))
		m.Content = webText(text)
		return m, nil
	})
}

// SendFromPhone delivers a text the account's owner typed on the phone to a
// friend or group: WeChat syncs it to the web session with FromUserName =
// the account itself.
func (f *Fake) SendFromPhone(to, text string) (string, error) {
	return f.deliver(func(s *session) (*wireMsg, error) {
		key, err := f.chatKey(to)
		if err != nil {
			return nil, err
		}
		m := f.newMsg(1, s.name(f.self.key()), s.name(key))
		m.Content = webText(text)
		return m, nil
	})
}

func (f *Fake) chatKey(ref string) (string, error) {
	if g, err := f.findGroup(ref); err == nil {
		return g.key(), nil
	}
	p, err := f.findPerson(ref)
	if err != nil {
		return "", err
	}
	if p.kind != kindFriend && p.kind != kindMP {
		return "", fmt.Errorf("wxfake: %q is not a friend", ref)
	}
	return p.key(), nil
}

// SendFriendRequest delivers a friend request (MsgType 37 from "fmessage"
// with RecommendInfo) from a stranger: a group member (by ID or NickName) or
// a new account with that NickName. An empty ticket is generated. It
// returns the ticket; msg.Agree() must send it back.
func (f *Fake) SendFriendRequest(from, ticket, content string) (string, error) {
	if ticket == "" {
		ticket = "v4_" + randHex(24) + "@stranger"
	}
	_, err := f.deliver(func(s *session) (*wireMsg, error) {
		p, err := f.findPerson(from)
		if errors.Is(err, errNoContact) {
			p, err = f.addPerson(Contact{NickName: from}, kindStranger), nil
		}
		if err != nil {
			return nil, err
		}
		if p.kind != kindStranger {
			return nil, fmt.Errorf("wxfake: %q is already a contact", from)
		}
		f.friendRequests[p.ID] = ticket
		m := f.newMsg(37, "fmessage", s.name(f.self.key()))
		m.Content = webText(fmt.Sprintf(`<msg fromusername="%s" encryptusername="v3_%s@stranger" fromnickname="%s" content="%s" fullpy="" shortpy="" imagestatus="3" scene="30" country="CN" province="%s" city="%s" sign="%s" percard="1" sex="%d" alias="" weibo="" albumflag="0" albumstyle="0" albumbgimgid="" snsflag="1" snsbgimgid="" snsbgobjectid="0" mhash="" mfullhash="" bigheadimgurl="" smallheadimgurl="" ticket="%s" opcode="2" googlecontact="" qrticket="" chatroomusername="" sourceusername="" sourcenickname=""><brandlist count="0" ver="0"></brandlist></msg>`,
			p.wxid, randHex(16), xmlAttr(p.NickName), xmlAttr(content), xmlAttr(p.Province), xmlAttr(p.City), xmlAttr(p.Signature), p.Sex, xmlAttr(ticket)))
		m.RecommendInfo = wireRecommendInfo{
			UserName:   s.name(p.key()),
			NickName:   p.NickName,
			Province:   p.Province,
			City:       p.City,
			Content:    content,
			Signature:  p.Signature,
			Scene:      30,
			AttrStatus: p.attr,
			Sex:        p.Sex,
			Ticket:     ticket,
			OpCode:     2,
		}
		return m, nil
	})
	if err != nil {
		return "", err
	}
	return ticket, nil
}

// Resend delivers an already delivered message again, with the same MsgId,
// as WeChat occasionally does.
func (f *Fake) Resend(msgID string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.live == nil {
		return ErrNoSession
	}
	for _, ev := range f.live.events {
		if ev.msg != nil && ev.msg.MsgId == msgID {
			f.push(f.live, event{msg: ev.msg})
			return nil
		}
	}
	return fmt.Errorf("wxfake: no message %s in the live session", msgID)
}

// IsFriend reports whether the account (by ID or NickName) is a friend.
func (f *Fake) IsFriend(ref string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, err := f.findPerson(ref)
	return err == nil && p.kind == kindFriend
}

// UpdateContact changes an account's profile (NickName, RemarkName,
// AvatarID, ...; not its ID). Friends' changes are pushed to the live
// session in ModContactList, which openwechat ignores.
func (f *Fake) UpdateContact(ref string, update func(*Contact)) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, err := f.findPerson(ref)
	if err != nil {
		return err
	}
	id := p.ID
	update(&p.Contact)
	p.ID = id
	if f.live != nil && (p.kind == kindFriend || p.kind == kindMP) {
		mod := f.wirePerson(f.live, p, "")
		f.push(f.live, event{mod: &mod})
	}
	return nil
}

// AddGroupMember adds a member (a friend by ID, or a stranger) to a group
// and announces it with a system message "…邀请"X"加入了群聊".
func (f *Fake) AddGroupMember(groupRef string, m Member) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	g, err := f.findGroup(groupRef)
	if err != nil {
		return err
	}
	p := f.memberPerson(m)
	for _, gm := range g.members {
		if gm.personID == p.ID {
			return fmt.Errorf("wxfake: %q is already in %q", p.ID, g.name)
		}
	}
	inviter := "你"
	if len(g.members) > 1 {
		inviter = `"` + f.people[g.members[1].personID].NickName + `"`
	}
	g.members = append(g.members, groupMember{personID: p.ID, displayName: m.DisplayName})
	if s := f.live; s != nil {
		mod := f.wireGroup(s, g, true)
		f.push(s, event{mod: &mod})
		msg := f.newMsg(10000, s.name(g.key()), s.name(f.self.key()))
		msg.Content = webText(fmt.Sprintf(`%s邀请"%s"加入了群聊`, inviter, p.NickName))
		f.push(s, event{msg: msg})
	}
	return nil
}

func xmlAttr(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
