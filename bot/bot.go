// Package bot is liudong's platform-neutral core: the Message a platform delivers, the Sender
// and Platform it implements, and the Router that matches the Chinese commands and runs the
// handlers behind middleware.
package bot

import (
	"context"
	"errors"
	"time"
)

// Message is one inbound chat message.
type Message struct {
	Platform  string // "sim", "wechat", "test"
	Account   string // the bot account that received it
	ID        string // platform message id, unique per platform and account
	From      string // sender handle (on WeChat it changes at every login)
	Nick      string // sender display name
	Group     string // group handle; empty for a private chat
	GroupName string
	Text      string
	Location  *Location
	Mentioned bool // the bot was @-mentioned in a group
	// Identity hints a platform may give (WeChat: avatar id and remark name).
	AvatarID string
	Remark   string
	At       time.Time
	// StoredID is set when a message already stored is handled again after a restart.
	StoredID int64
}

// InGroup reports whether the message came from a group chat.
func (m *Message) InGroup() bool { return m.Group != "" }

// Location is a shared location; coordinates are rounded before they are stored.
type Location struct {
	Lat   float64 `json:"lat"`
	Lng   float64 `json:"lng"`
	Label string  `json:"label"`
}

// Outgoing is one message to send: to a user in a private chat, or into a group (To then names
// the member addressed, if any). With both Text and Image set, the text goes first.
// GroupName names the group for platforms whose group handles change (WeChat, at every login):
// when Group is empty or no longer a live handle, the platform finds the group by its name.
type Outgoing struct {
	To        string `json:"to"`
	Group     string `json:"group"`
	GroupName string `json:"group_name,omitempty"`
	Text      string `json:"text"`
	Image     []byte `json:"-"`
	ImageName string `json:"image,omitempty"`
}

// Sender sends one message.
type Sender interface {
	Send(ctx context.Context, out Outgoing) error
}

// ErrUnavailable, wrapped in a Send error, means nothing was sent because the platform cannot
// send right now (logged out, reconnecting, told to slow down). The message itself is fine:
// senders keep it and try again later without counting the failure against it.
var ErrUnavailable = errors.New("bot: platform unavailable")

// Result is what handling a message produced: the replies to send back, and the outbox rows
// it enqueued (a platform that answers synchronously waits for those to be delivered).
type Result struct {
	Replies   []Outgoing
	Notified  []int64
	Duplicate bool
}

// HandleFunc handles one message.
type HandleFunc func(ctx context.Context, m *Message) Result

// Health is a platform's state for /healthz.
type Health struct {
	OK     bool   `json:"ok"`
	State  string `json:"state"`
	Detail string `json:"detail,omitempty"`
}

// Platform is a chat platform adapter. SDK types never leave it.
type Platform interface {
	Sender
	Name() string
	Account() string
	// Run delivers messages to handle until ctx ends. Platforms that answer synchronously
	// (the simulator) call handle from their own request goroutines.
	Run(ctx context.Context, handle HandleFunc) error
	Health() Health
}
