// Package bottest is an in-memory platform for tests: inject a message, read what was sent.
package bottest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"liudong/bot"
)

// Sent is one message the bot sent.
type Sent struct {
	Seq int
	bot.Outgoing
	At time.Time
}

// Platform is the fake. Handle must be set (by Run or directly) before messages are injected.
type Platform struct {
	mu      sync.Mutex
	handle  bot.HandleFunc
	sent    []Sent
	nextID  int
	account string
	// FailSends makes the next n sends fail, to test retries.
	failSends int
}

// New makes a fake platform with account "test".
func New() *Platform { return &Platform{account: "test"} }

func (p *Platform) Name() string    { return "test" }
func (p *Platform) Account() string { return p.account }

func (p *Platform) Health() bot.Health { return bot.Health{OK: true, State: "online"} }

// Run installs handle and waits for ctx to end.
func (p *Platform) Run(ctx context.Context, handle bot.HandleFunc) error {
	p.SetHandler(handle)
	<-ctx.Done()
	return nil
}

// SetHandler installs the function messages are handed to.
func (p *Platform) SetHandler(handle bot.HandleFunc) {
	p.mu.Lock()
	p.handle = handle
	p.mu.Unlock()
}

// Send records out.
func (p *Platform) Send(_ context.Context, out bot.Outgoing) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.failSends > 0 {
		p.failSends--
		return fmt.Errorf("bottest: send refused")
	}
	if out.Group == "" {
		out.Group = out.GroupName // a group known by name only: fake handles are the names
	}
	p.sent = append(p.sent, Sent{Seq: len(p.sent) + 1, Outgoing: out, At: time.Now()})
	return nil
}

// FailNextSends makes the next n sends fail.
func (p *Platform) FailNextSends(n int) {
	p.mu.Lock()
	p.failSends = n
	p.mu.Unlock()
}

// Inject hands m to the handler (filling in platform, account, id and time when empty) and
// returns the result.
func (p *Platform) Inject(ctx context.Context, m bot.Message) bot.Result {
	p.mu.Lock()
	handle := p.handle
	p.nextID++
	if m.ID == "" {
		m.ID = fmt.Sprintf("test-%d-%d", time.Now().UnixNano(), p.nextID)
	}
	p.mu.Unlock()
	if handle == nil {
		panic("bottest: no handler installed")
	}
	if m.Platform == "" {
		m.Platform = p.Name()
	}
	if m.Account == "" {
		m.Account = p.account
	}
	if m.At.IsZero() {
		m.At = time.Now()
	}
	return handle(ctx, &m)
}

// Say sends a private text from handle and returns the replies' texts joined by newlines.
func (p *Platform) Say(ctx context.Context, from, text string) string {
	return Texts(p.Inject(ctx, bot.Message{From: from, Nick: from, Text: text}).Replies)
}

// Sent returns everything sent so far.
func (p *Platform) Sent() []Sent {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Sent(nil), p.sent...)
}

// SentTo returns the texts sent to a handle in private chats.
func (p *Platform) SentTo(handle string) []string {
	var out []string
	for _, s := range p.Sent() {
		if s.Group == "" && s.To == handle {
			out = append(out, s.Text)
		}
	}
	return out
}

// SentToGroup returns the texts sent into a group.
func (p *Platform) SentToGroup(group string) []string {
	var out []string
	for _, s := range p.Sent() {
		if s.Group == group {
			out = append(out, s.Text)
		}
	}
	return out
}

// Texts joins the texts of messages.
func Texts(outs []bot.Outgoing) string {
	parts := make([]string, 0, len(outs))
	for _, o := range outs {
		parts = append(parts, o.Text)
	}
	return strings.Join(parts, "\n")
}
