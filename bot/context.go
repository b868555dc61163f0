package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"liudong/internal/session"
)

// Identity is who sent a message, as far as liudong knows.
type Identity struct {
	MemberID   int64
	Name       string
	BranchID   int64
	BranchName string
	// SecretaryOf lists the org units the member is secretary of.
	SecretaryOf []OrgRef
	// NeedsVerify is set when a platform could not re-resolve the chat account with certainty.
	NeedsVerify bool
	IdentityID  int64
	// TransferredOut is set (the receipt's date, 2027年1月5日) for a member whose organizational
	// relationship has been transferred out: no longer the branch's.
	TransferredOut string
	// Contact is set for the contact person of an organization outside the committee (not a
	// member): he acts only for the members his organization covers.
	Contact *ContactRef
}

// ContactRef names an organization contact and his role.
type ContactRef struct {
	ID   int64
	Name string // 李书记
	Org  string // 深圳市南山区粤海街道党工委
	// Inflow: the contact of the organization where our outflow members are registered
	// (流入地联系人); else of a 流入 member's home organization (流出地联系人).
	Inflow bool
}

// Role names the contact's role: 流入地联系人 or 流出地联系人.
func (c *ContactRef) Role() string {
	if c.Inflow {
		return "流入地联系人"
	}
	return "流出地联系人"
}

// IsContact reports whether the sender is an organization contact.
func (i *Identity) IsContact() bool { return i != nil && i.Contact != nil }

// IsInflowContact reports whether the sender is an inflow organization's contact (流入地联系人).
func (i *Identity) IsInflowContact() bool { return i.IsContact() && i.Contact.Inflow }

// OrgRef names an org unit.
type OrgRef struct {
	ID   int64
	Name string
	Path string
}

// Bound reports whether the sender is a known member.
func (i *Identity) Bound() bool { return i != nil && i.MemberID != 0 }

// IsSecretary reports whether the sender holds the secretary role anywhere.
func (i *Identity) IsSecretary() bool { return i != nil && len(i.SecretaryOf) > 0 }

// Context carries one message through middleware and its handler.
type Context struct {
	context.Context
	Msg *Message
	// Text is the cleaned message text without a leading @mention.
	Text string
	// Route names what handles the message: a command name, "flow:<name>", "pattern:<name>", or
	// "fallback"; Cmd is set for commands.
	Route string
	Cmd   *Command
	// Args is the text after the command name and its separator, as the user typed it.
	Args     string
	Identity *Identity
	// InboundID is the stored inbound message's id (0 before the persist middleware).
	InboundID int64
	// Outcome is "ok", "rejected", "error", "ignored", "duplicate", "too_long".
	Outcome string

	router   *Router
	replies  []Outgoing
	notified []int64

	// The sender's conversation as last read or written while handling this message: the
	// router reads it before a flow handler does, and one Redis read per message is enough.
	flow       session.State
	flowOK     bool
	flowLoaded bool
}

// Now is the time the message was received: handlers use it as their clock.
func (c *Context) Now() time.Time { return c.Msg.At }

// Reply sends text back where the message came from.
func (c *Context) Reply(text string) {
	out := Outgoing{To: c.Msg.From, Group: c.Msg.Group, Text: text}
	c.replies = append(c.replies, out)
}

// Replyf formats a reply.
func (c *Context) Replyf(format string, args ...any) { c.Reply(fmt.Sprintf(format, args...)) }

// ReplyImage sends an image back where the message came from.
func (c *Context) ReplyImage(name string, data []byte) {
	c.replies = append(c.replies, Outgoing{To: c.Msg.From, Group: c.Msg.Group, Image: data, ImageName: name})
}

// Replies returns what the handler has replied so far.
func (c *Context) Replies() []Outgoing { return c.replies }

// Notified records outbox rows the handler enqueued.
func (c *Context) Notified(ids ...int64) { c.notified = append(c.notified, ids...) }

// ArgsFolded is Args with full-width digits and punctuation folded to half-width.
func (c *Context) ArgsFolded() string { return FoldString(c.Args) }

// SessionKey identifies this sender's conversation: by member once bound, else by handle.
func (c *Context) SessionKey() session.Key {
	subject := "h:" + c.Msg.From
	if c.Identity.Bound() {
		subject = "m:" + strconv.FormatInt(c.Identity.MemberID, 10)
	}
	return session.Key{Platform: c.Msg.Platform, Account: c.Msg.Account, Subject: subject}
}

// Sessions is the conversation store (nil when the router has none).
func (c *Context) Sessions() *session.Store { return c.router.sessions }

// StartFlow puts the sender into a multi-step conversation; the flow's handler receives the
// sender's next messages until EndFlow.
func (c *Context) StartFlow(flow, step string, data any) error {
	return c.StartFlowTTL(flow, step, data, 0)
}

// StartFlowTTL is StartFlow with the conversation's own lifetime (0: the session default),
// counted from this message.
func (c *Context) StartFlowTTL(flow, step string, data any, ttl time.Duration) error {
	if c.router.sessions == nil {
		return errors.New("bot: no session store")
	}
	c.flowLoaded = false
	return c.router.sessions.Put(c, c.SessionKey(), flow, step, data, ttl)
}

// Flow returns the sender's current conversation, if any.
func (c *Context) Flow() (session.State, bool, error) {
	if c.router.sessions == nil {
		return session.State{}, false, nil
	}
	if c.flowLoaded {
		return c.flow, c.flowOK, nil
	}
	st, ok, err := c.router.sessions.Get(c, c.SessionKey())
	if err != nil {
		return st, ok, err
	}
	c.flow, c.flowOK, c.flowLoaded = st, ok, true
	return st, ok, nil
}

// EndFlow ends the sender's conversation.
func (c *Context) EndFlow() error {
	if c.router.sessions == nil {
		return nil
	}
	c.flow, c.flowOK, c.flowLoaded = session.State{}, false, false
	if err := c.router.sessions.Clear(c, c.SessionKey()); err != nil {
		return err
	}
	c.flowLoaded = true
	return nil
}

// UserError is an error whose text is meant for the user: the router replies with it.
type UserError struct{ Text string }

func (e *UserError) Error() string { return e.Text }

// Reject returns a UserError.
func Reject(format string, args ...any) error {
	return &UserError{Text: fmt.Sprintf(format, args...)}
}

// ErrPass, returned by a flow handler, lets the router match the message as a command instead.
var ErrPass = errors.New("bot: pass to commands")

func asUserError(err error, target **UserError) bool { return errors.As(err, target) }
