package wxfake

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"image/png"
	"strconv"
	"strings"
)

var errNoContact = errors.New("wxfake: no contact")

type personKind int

const (
	kindSelf personKind = iota
	kindFriend
	kindStranger // known only as a group member or a friend requester
	kindMP
)

type person struct {
	Contact
	kind personKind
	attr int64  // AttrStatus: stable per account, as on WeChat
	wxid string // the real account id; WeChat shows it only in friend requests
}

func (p *person) key() string { return "p:" + p.ID }

type groupMember struct {
	personID    string
	displayName string
}

type group struct {
	id       string
	name     string
	avatarID string
	unsaved  bool
	members  []groupMember
}

func (g *group) key() string { return "g:" + g.id }

// session is one login: fresh skey/sid/pass_ticket and fresh UserNames for
// every contact, as WeChat web mints them per login.
type session struct {
	sid, skey, passTicket, dataTicket string

	names map[string]string // entity key -> UserName
	keys  map[string]string // UserName -> entity key
	encry map[string]string // group key -> EncryChatRoomId

	events []event
	dead   string // synccheck retcode once the session has ended
}

type event struct {
	seq int64
	msg *wireMsg
	mod *wireUser
}

func newSession() *session {
	return &session{
		sid:        randToken(16),
		skey:       "@crypt_" + randHex(4) + "_" + randHex(16),
		passTicket: randToken(20) + "%2B" + randToken(20),
		dataTicket: randToken(40) + "+" + randToken(20),
		names:      map[string]string{},
		keys:       map[string]string{},
		encry:      map[string]string{},
	}
}

// name returns the session's UserName for an entity, minting one on first use.
func (s *session) name(key string) string {
	if n, ok := s.names[key]; ok {
		return n
	}
	var n string
	if strings.HasPrefix(key, "g:") {
		n = "@@" + randHex(32)
	} else {
		n = "@" + randHex(16)
	}
	s.names[key] = n
	s.keys[n] = key
	return n
}

func (s *session) encryFor(key string) string {
	if e, ok := s.encry[key]; ok {
		return e
	}
	e := "@" + randHex(16)
	s.encry[key] = e
	return e
}

func (f *Fake) addPerson(c Contact, kind personKind) *person {
	if c.ID == "" {
		c.ID = c.NickName
	}
	if c.ID == "" {
		panic("wxfake: a contact needs an ID or a NickName")
	}
	if _, dup := f.people[c.ID]; dup {
		panic(fmt.Sprintf("wxfake: duplicate contact id %q", c.ID))
	}
	if c.AvatarID == "" {
		c.AvatarID = stableNumber("avatar:" + c.ID)
	}
	p := &person{Contact: c, kind: kind}
	h := fnv.New64a()
	h.Write([]byte(c.ID))
	sum := h.Sum64()
	p.attr = int64(sum%100000000) + 4000000
	p.wxid = "wxid_" + strconv.FormatUint(sum, 36)
	f.people[c.ID] = p
	f.peopleOrder = append(f.peopleOrder, c.ID)
	return p
}

func (f *Fake) addGroup(g Group) {
	if g.ID == "" {
		g.ID = g.NickName
	}
	if g.ID == "" {
		panic("wxfake: a group needs an ID or a NickName")
	}
	if _, dup := f.groups[g.ID]; dup {
		panic(fmt.Sprintf("wxfake: duplicate group id %q", g.ID))
	}
	if g.AvatarID == "" {
		g.AvatarID = stableNumber("group:" + g.ID)
	}
	gr := &group{id: g.ID, name: g.NickName, avatarID: g.AvatarID, unsaved: g.Unsaved}
	gr.members = append(gr.members, groupMember{personID: f.self.ID})
	for _, m := range g.Members {
		p := f.memberPerson(m)
		if p == f.self {
			gr.members[0].displayName = m.DisplayName
			continue
		}
		gr.members = append(gr.members, groupMember{personID: p.ID, displayName: m.DisplayName})
	}
	f.groups[g.ID] = gr
	f.groupOrder = append(f.groupOrder, g.ID)
}

// memberPerson finds the account a Member refers to, creating a stranger.
func (f *Fake) memberPerson(m Member) *person {
	id := m.ID
	if id == "" {
		id = m.NickName
	}
	if p, ok := f.people[id]; ok {
		return p
	}
	return f.addPerson(m.Contact, kindStranger)
}

// findPerson resolves a test reference: an ID, else a unique NickName.
func (f *Fake) findPerson(ref string) (*person, error) {
	if p, ok := f.people[ref]; ok {
		return p, nil
	}
	var found *person
	for _, id := range f.peopleOrder {
		if p := f.people[id]; p.NickName == ref {
			if found != nil {
				return nil, fmt.Errorf("wxfake: nickname %q is ambiguous: use the contact's ID", ref)
			}
			found = p
		}
	}
	if found == nil {
		return nil, fmt.Errorf("%w %q", errNoContact, ref)
	}
	return found, nil
}

func (f *Fake) findGroup(ref string) (*group, error) {
	if g, ok := f.groups[ref]; ok {
		return g, nil
	}
	var found *group
	for _, id := range f.groupOrder {
		if g := f.groups[id]; g.name == ref {
			if found != nil {
				return nil, fmt.Errorf("wxfake: group name %q is ambiguous: use the group's ID", ref)
			}
			found = g
		}
	}
	if found == nil {
		return nil, fmt.Errorf("wxfake: no group %q", ref)
	}
	return found, nil
}

// findMember resolves a member of g by ID, NickName or DisplayName.
func (f *Fake) findMember(g *group, ref string) (*person, error) {
	var found *person
	for _, m := range g.members {
		p := f.people[m.personID]
		if p.ID == ref {
			return p, nil
		}
		if p.NickName == ref || (m.displayName != "" && m.displayName == ref) {
			if found != nil && found != p {
				return nil, fmt.Errorf("wxfake: member %q of %q is ambiguous: use the ID", ref, g.name)
			}
			found = p
		}
	}
	if found == nil {
		return nil, fmt.Errorf("wxfake: %q is not a member of %q", ref, g.name)
	}
	return found, nil
}

// entity resolves a UserName of session s.
func (f *Fake) entity(s *session, userName string) (*person, *group) {
	key, ok := s.keys[userName]
	if !ok {
		return nil, nil
	}
	if id, ok := strings.CutPrefix(key, "g:"); ok {
		return nil, f.groups[id]
	}
	return f.people[strings.TrimPrefix(key, "p:")], nil
}

// sessionByRequest finds the session a BaseRequest belongs to. ret is 0 for a
// live session, the end retcode for an ended one, 1101 for an unknown one.
func (f *Fake) sessionByRequest(br wireBaseRequest) (*session, int) {
	for _, s := range f.sessions {
		if s.sid == br.Sid && s.skey == br.Skey && br.Uin == f.uin {
			if s.dead != "" {
				return nil, atoiOr(s.dead, 1101)
			}
			return s, 0
		}
	}
	return nil, 1101
}

func (f *Fake) sessionBySkey(skey string) *session {
	for _, s := range f.sessions {
		if s.skey == skey && s.dead == "" {
			return s
		}
	}
	return nil
}

// push appends an event to s and wakes its pollers; f.mu must be held.
func (f *Fake) push(s *session, ev event) {
	f.seq++
	ev.seq = f.seq
	s.events = append(s.events, ev)
	f.notify()
}

// avatarPNG renders a small, stable image for an avatar id.
func (f *Fake) avatarPNG(id string) []byte {
	if b, ok := f.avatars[id]; ok {
		return b
	}
	h := fnv.New32a()
	h.Write([]byte(id))
	v := h.Sum32()
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	c := color.RGBA{R: uint8(v), G: uint8(v >> 8), B: uint8(v >> 16), A: 255}
	for y := 0; y < 16; y++ {
		for x := 0; x < 16; x++ {
			if (x/4+y/4)%2 == 0 {
				img.Set(x, y, c)
			} else {
				img.Set(x, y, color.White)
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic(err)
	}
	f.avatars[id] = buf.Bytes()
	return buf.Bytes()
}

func stableNumber(s string) string {
	h := fnv.New32a()
	h.Write([]byte(s))
	return fmt.Sprint(600000000 + h.Sum32()%400000000)
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

const tokenChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func randToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = tokenChars[int(b[i])%len(tokenChars)]
	}
	return string(b)
}

func randInt63n(n int64) int64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return int64(binary.BigEndian.Uint64(b[:])>>1) % n
}

func atoiOr(s string, def int) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return def
	}
	return n
}

// webText encodes text the way WeChat web delivers message content:
// HTML-escaped, newlines as <br/>, emoji as <span class="emoji emojiXXXX">.
func webText(s string) string {
	s = htmlEscape(s)
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\n", "<br/>")
	return emojiSpans(s)
}

var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func htmlEscape(s string) string { return htmlEscaper.Replace(s) }

// emojiSpans replaces emoji runes by WeChat web's span markup, which is also
// how nicknames arrive; openwechat's FormatEmoji turns them back.
func emojiSpans(s string) string {
	if !strings.ContainsFunc(s, isEmoji) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if isEmoji(r) {
			fmt.Fprintf(&b, `<span class="emoji emoji%x"></span>`, r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isEmoji(r rune) bool {
	return (r >= 0x1F000 && r <= 0x1FAFF) || (r >= 0x2600 && r <= 0x27BF)
}
