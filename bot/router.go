package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"liudong/internal/session"
)

// Handler handles one message.
type Handler func(*Context) error

// Middleware wraps a handler with cross-cutting work.
type Middleware func(Handler) Handler

// Audience says who may use a command.
type Audience int

const (
	// Anyone includes senders who have not bound their chat account.
	Anyone Audience = iota
	// Members are bound members (secretaries included).
	Members
	// Secretaries hold the secretary role of some org unit.
	Secretaries
	// InflowContacts are the contacts of inflow organizations (流入地联系人): not members; each
	// acts for the members registered with his organization only.
	InflowContacts
)

// Scope says where a command may be sent.
type Scope int

const (
	Private Scope = iota
	Group
	Anywhere
)

// Command is one chat command of DESIGN.md §4.
type Command struct {
	Name    string
	Aliases []string
	// Glued lets arguments follow the name with no separator ("汇报思想：…"); digits and Latin
	// letters may always follow directly ("绑定482913").
	Glued    bool
	Audience Audience
	Scope    Scope
	// Usage is one example; Summary says what it does; both appear in 帮助.
	Usage   string
	Summary string
	// Audit writes an audit row for every use (secretary commands).
	Audit bool
	// Contacts lets inflow contacts use a secretaries' command too, for the members they cover
	// (确认活动, 收党费); member.Find keeps each actor within his own. ContactUsage is the
	// example shown to contacts when it differs.
	Contacts     bool
	ContactUsage string
	Handler      Handler
}

// Pattern is a free-form matcher tried on private messages from members that match no command
// ("我在深圳南山", a shared location).
type Pattern struct {
	Name    string
	Match   func(c *Context) bool
	Handler Handler
}

// Router matches messages to commands, flows and patterns and runs them behind middleware.
type Router struct {
	commands []*Command
	names    []nameEntry // every name and alias, longest first
	patterns []*Pattern
	flows    map[string]Handler
	mw       []Middleware
	sessions *session.Store
	log      *slog.Logger

	mu    sync.Mutex
	chain Handler
}

type nameEntry struct {
	name string
	cmd  *Command
}

// NewRouter makes an empty router; sessions may be nil for routers without flows.
func NewRouter(sessions *session.Store, log *slog.Logger) *Router {
	if log == nil {
		log = slog.Default()
	}
	return &Router{flows: map[string]Handler{}, sessions: sessions, log: log}
}

// Use appends middleware; the first added is the outermost. Call it before handling messages.
func (r *Router) Use(mw ...Middleware) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.mw = append(r.mw, mw...)
	r.chain = nil
}

// Add registers a command.
func (r *Router) Add(c Command) {
	cmd := &c
	r.commands = append(r.commands, cmd)
	for _, n := range append([]string{c.Name}, c.Aliases...) {
		for _, e := range r.names {
			if e.name == n {
				panic("bot: command registered twice: " + n)
			}
		}
		r.names = append(r.names, nameEntry{name: n, cmd: cmd})
	}
	sort.SliceStable(r.names, func(i, j int) bool { return len(r.names[i].name) > len(r.names[j].name) })
}

// AddPattern registers a free-form matcher.
func (r *Router) AddPattern(p Pattern) { r.patterns = append(r.patterns, &p) }

// AddFlow registers the handler of a multi-step conversation.
func (r *Router) AddFlow(name string, h Handler) { r.flows[name] = h }

// Commands lists the registered commands in registration order.
func (r *Router) Commands() []*Command { return r.commands }

// Match finds the command a text starts with and the arguments after it.
func (r *Router) Match(text string) (*Command, string, bool) {
	folded := FoldString(text)
	for _, e := range r.names {
		if !strings.HasPrefix(folded, e.name) {
			continue
		}
		rest := text[len(e.name):] // folding keeps byte offsets for the name itself (CJK, unchanged)
		if rest != "" && !e.cmd.Glued {
			next, _ := utf8.DecodeRuneInString(rest)
			f := Fold(next)
			if !IsSeparator(next) && !(f < utf8.RuneSelf && (unicode.IsDigit(f) || unicode.IsLetter(f))) {
				continue
			}
		}
		return e.cmd, TrimSeparators(rest), true
	}
	return nil, "", false
}

// Handle runs one message through middleware and its handler.
func (r *Router) Handle(ctx context.Context, m *Message) Result {
	text, mentioned := StripMention(Clean(m.Text))
	if mentioned {
		m.Mentioned = true
	}
	c := &Context{Context: ctx, Msg: m, Text: text, router: r, Route: "fallback"}
	if cmd, args, ok := r.Match(text); ok {
		c.Cmd, c.Args, c.Route = cmd, args, cmd.Name
	}
	chain := r.handler()
	func() {
		defer func() {
			if p := recover(); p != nil {
				r.log.Error("handler panic", "route", c.Route, "panic", p, "stack", string(debug.Stack()))
				c.Outcome = "error"
				c.Reply("系统出错了，已记录，请稍后再试。")
			}
		}()
		if err := chain(c); err != nil {
			r.fail(c, err)
		}
	}()
	return Result{Replies: c.replies, Notified: c.notified, Duplicate: c.Outcome == "duplicate"}
}

// handler builds the middleware chain once (after every Use).
func (r *Router) handler() Handler {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.chain == nil {
		h := r.dispatch
		for i := len(r.mw) - 1; i >= 0; i-- {
			h = r.mw[i](h)
		}
		r.chain = h
	}
	return r.chain
}

func (r *Router) fail(c *Context, err error) {
	var ue *UserError
	if errors.As(err, &ue) {
		c.Outcome = "rejected"
		c.Reply(ue.Text)
		return
	}
	c.Outcome = "error"
	r.log.Error("handler failed", "route", c.Route, "platform", c.Msg.Platform, "message", c.Msg.ID, "err", err)
	c.Reply("系统繁忙，这条消息没有处理成功，请稍后再发一次。")
}

// dispatch runs after all middleware: a running conversation first, then a command, then a
// pattern, then the fallback.
func (r *Router) dispatch(c *Context) error {
	err := r.route(c)
	if err == nil && c.Outcome == "" {
		c.Outcome = "ok"
	}
	return err
}

func (r *Router) route(c *Context) error {
	id := c.Identity
	if c.Msg.InGroup() {
		return r.routeGroup(c)
	}
	if id.Bound() && r.sessions != nil {
		st, ok, err := c.Flow()
		if err != nil {
			return err
		}
		if h, known := r.flows[st.Flow]; ok && known {
			route := c.Route
			c.Route = "flow:" + st.Flow
			err := h(c)
			if !errors.Is(err, ErrPass) {
				return err
			}
			c.Route = route
		}
	}
	if c.Cmd != nil {
		return r.runCommand(c)
	}
	if id.IsContact() {
		c.Outcome = "ignored"
		c.Reply(r.HelpText(id))
		return nil
	}
	if !id.Bound() {
		c.Outcome = "ignored"
		c.Reply(UnboundHint)
		return nil
	}
	if id.TransferredOut != "" {
		c.Outcome = "ignored"
		c.Reply(transferredHint(id))
		return nil
	}
	if c.Msg.Location == nil && !HasContent(c.Text) {
		c.Outcome = "ignored"
		c.Reply(UnknownHint)
		return nil
	}
	for _, p := range r.patterns {
		if p.Match(c) {
			c.Route = "pattern:" + p.Name
			return p.Handler(c)
		}
	}
	c.Outcome = "ignored"
	c.Reply(UnknownHint)
	return nil
}

// routeGroup: in a group the bot answers commands meant for groups, and an @mention; other chat
// is stored and left alone.
func (r *Router) routeGroup(c *Context) error {
	cmd := c.Cmd
	switch {
	case cmd == nil && !c.Msg.Mentioned:
		c.Outcome = "ignored"
		return nil
	case cmd == nil:
		c.Outcome = "ignored"
		c.Reply(UnknownHint)
		return nil
	case cmd.Scope == Private:
		c.Outcome = "ignored"
		if c.Msg.Mentioned {
			c.Replyf("“%s”请私聊我发送。", cmd.Name)
		}
		return nil
	case !c.Identity.Bound() && cmd.Audience != Anyone:
		c.Outcome = "ignored"
		switch {
		case c.Msg.Mentioned && c.Identity.IsContact():
			c.Replyf("“%s”请私聊我发送。", cmd.Name)
		case c.Msg.Mentioned:
			c.Reply("请先私聊我绑定党员身份。")
		}
		return nil
	}
	return r.runCommand(c)
}

func (r *Router) runCommand(c *Context) error {
	cmd := c.Cmd
	if cmd.Scope == Group && !c.Msg.InGroup() {
		return Reject("“%s”需要在群聊中发送。", cmd.Name)
	}
	if id := c.Identity; id.IsContact() {
		switch {
		case cmd.Audience == Anyone:
		case id.Contact.Inflow && (cmd.Audience == InflowContacts || cmd.Contacts):
		default:
			return Reject("“%s”不是%s使用的命令。发送“帮助”查看您可以做什么。", cmd.Name, id.Contact.Role())
		}
		return cmd.Handler(c)
	}
	if id := c.Identity; id.Bound() && id.TransferredOut != "" && cmd.Audience != Anyone {
		c.Outcome = "rejected"
		c.Reply(transferredHint(id))
		return nil
	}
	switch cmd.Audience {
	case Members:
		if !c.Identity.Bound() {
			c.Outcome = "rejected"
			c.Reply(UnboundHint)
			return nil
		}
	case Secretaries:
		if !c.Identity.Bound() {
			c.Outcome = "rejected"
			c.Reply(UnboundHint)
			return nil
		}
		if !c.Identity.IsSecretary() {
			return Reject("“%s”仅限党支部书记使用。", cmd.Name)
		}
	case InflowContacts:
		return Reject("“%s”仅限流入地党组织的联系人使用。", cmd.Name)
	}
	return cmd.Handler(c)
}

// transferredHint answers a member whose organizational relationship has been transferred out.
func transferredHint(id *Identity) string {
	return fmt.Sprintf("%s同志，您的党员组织关系已于%s从%s转出，现由接收党组织管理，本助手不再为您办理支部事务。"+
		"参加组织生活、交纳党费等请联系接收党组织；对原支部的记录有疑问，请联系%s书记。", id.Name, id.TransferredOut, id.BranchName, id.BranchName)
}

// UnboundHint explains binding to a sender the bot does not know.
const UnboundHint = "您好，我是流动党员助手。您的微信还没有绑定党员身份：请向所在党支部书记索取6位绑定码，然后发送“绑定 123456”（把123456换成您的绑定码）。"

// UnknownHint answers a message the bot did not understand.
const UnknownHint = "没有看懂这条消息。发送“帮助”查看我能做什么，例如发送“汇报”开始本季度思想汇报。"

// HelpText lists what this sender can do, one example each.
func (r *Router) HelpText(id *Identity) string {
	var b strings.Builder
	if id.IsContact() {
		fmt.Fprintf(&b, "%s同志（%s，%s），您可以发送：\n", id.Contact.Name, id.Contact.Org, id.Contact.Role())
		n := 0
		for _, cmd := range r.commands {
			if cmd.Usage == "" || !id.Contact.Inflow || (cmd.Audience != InflowContacts && !cmd.Contacts) {
				continue
			}
			usage := cmd.Usage
			if cmd.ContactUsage != "" {
				usage = cmd.ContactUsage
			}
			fmt.Fprintf(&b, "· %s — %s\n", usage, cmd.Summary)
			n++
		}
		if n == 0 {
			b.WriteString("· 帮助 — 查看本说明\n本助手会把您联系的党员的有关通知发给您。\n")
		}
		b.WriteString("您只能查看和办理在贵组织登记的党员的事项；您办理的每件事都会告知其所在党支部书记。")
		return b.String()
	}
	if !id.Bound() {
		b.WriteString(UnboundHint)
		return b.String()
	}
	b.WriteString(fmt.Sprintf("%s同志，您可以发送：\n", id.Name))
	var member, secretary []*Command
	for _, cmd := range r.commands {
		if cmd.Usage == "" {
			continue
		}
		switch cmd.Audience {
		case Secretaries:
			if id.IsSecretary() {
				secretary = append(secretary, cmd)
			}
		case InflowContacts:
		default:
			member = append(member, cmd)
		}
	}
	for _, cmd := range member {
		fmt.Fprintf(&b, "· %s — %s\n", cmd.Usage, cmd.Summary)
	}
	if len(secretary) > 0 {
		b.WriteString("书记命令（私聊或提醒群中发送）：\n")
		for _, cmd := range secretary {
			fmt.Fprintf(&b, "· %s — %s\n", cmd.Usage, cmd.Summary)
		}
	}
	return strings.TrimRight(b.String(), "\n")
}
