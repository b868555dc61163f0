package wechat

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/eatmoreapple/openwechat"
)

// Contact is a friend of the bot account as one login names it: Handle (WeChat's UserName)
// changes at every login; the rest are the hints that tell who it is.
type Contact struct {
	Handle   string
	Nickname string
	AvatarID string
	Remark   string
}

// directory is what one login knows of the account's friends and groups. The adapter keeps
// its own instead of openwechat's contact cache, which only the sync goroutine may touch.
type directory struct {
	mu      sync.Mutex
	friends map[string]Contact     // by handle
	groups  map[string]*groupEntry // by handle
}

type groupEntry struct {
	name    string
	members map[string]string // member handle → the name shown in the group
}

func newDirectory() *directory {
	return &directory{friends: map[string]Contact{}, groups: map[string]*groupEntry{}}
}

func (d *directory) putFriend(c Contact) {
	d.mu.Lock()
	d.friends[c.Handle] = c
	d.mu.Unlock()
}

func (d *directory) friend(handle string) (Contact, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	c, ok := d.friends[handle]
	return c, ok
}

func (d *directory) putGroup(handle, name string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	g := d.groups[handle]
	if g == nil {
		g = &groupEntry{members: map[string]string{}}
		d.groups[handle] = g
	}
	if name != "" {
		g.name = name
	}
}

func (d *directory) putMember(group, member, shown string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if g := d.groups[group]; g != nil && shown != "" {
		g.members[member] = shown
	}
}

// memberName is how a member is shown in a group ("" if unknown).
func (d *directory) memberName(group, member string) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if g := d.groups[group]; g != nil {
		return g.members[member]
	}
	return ""
}

func (d *directory) hasGroup(handle string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.groups[handle] != nil
}

// groupsNamed returns the handles of the groups with that name.
func (d *directory) groupsNamed(name string) []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var hs []string
	for h, g := range d.groups {
		if g.name == name {
			hs = append(hs, h)
		}
	}
	sort.Strings(hs)
	return hs
}

func (d *directory) friendList() []Contact {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]Contact, 0, len(d.friends))
	for _, c := range d.friends {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Handle < out[j].Handle })
	return out
}

func (d *directory) friendCount() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.friends)
}

func (d *directory) groupCount() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.groups)
}

// contactOf reads a user's hints.
func contactOf(u *openwechat.User) Contact {
	return Contact{
		Handle:   u.UserName,
		Nickname: openwechat.FormatEmoji(u.NickName),
		AvatarID: u.AvatarID(),
		Remark:   openwechat.FormatEmoji(u.RemarkName),
	}
}

// isPerson reports a personal account: not a group, official account or built-in one.
func isPerson(u *openwechat.User) bool {
	return strings.HasPrefix(u.UserName, "@") && !strings.HasPrefix(u.UserName, "@@") && !u.IsMP()
}

// loadContacts fills the session's directory from the address book, with openwechat's
// stateless calls (its contact cache belongs to the sync goroutine).
func (p *Platform) loadContacts(s *session) error {
	p.sdk.Lock()
	members, err := s.bot.Caller.WebWxGetContact(s.ctx, s.info)
	p.sdk.Unlock()
	if err != nil {
		return fmt.Errorf("reading the address book: %w", err)
	}
	for _, u := range members {
		switch {
		case u.IsGroup():
			s.dir.putGroup(u.UserName, openwechat.FormatEmoji(u.NickName))
			p.rememberGroup(u.UserName, openwechat.FormatEmoji(u.NickName))
		case isPerson(u):
			s.dir.putFriend(contactOf(u))
		}
	}
	return nil
}

// rememberGroup keeps every group handle's name, so a handle of an earlier login (an alerts
// group stored before a re-login) still finds its group.
func (p *Platform) rememberGroup(handle, name string) {
	if name == "" {
		return
	}
	p.mu.Lock()
	p.groupNames[handle] = name
	p.mu.Unlock()
}

// checkGroups logs the configured group names this login cannot address.
func (p *Platform) checkGroups(s *session) {
	for _, name := range p.opts.Groups {
		switch hs := s.dir.groupsNamed(name); len(hs) {
		case 1:
		case 0:
			p.log.Error("wechat: alerts group not found: save it to the bot's address book (保存到通讯录) or have someone write in it",
				"group", name)
		default:
			p.log.Error("wechat: several groups share this name, so alerts cannot tell them apart: rename all but one",
				"group", name, "count", len(hs))
		}
	}
}
