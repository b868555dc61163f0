package store

import (
	"context"
	"encoding/json"
	"time"
)

// InboundMessage is a raw inbound message as stored before handling.
type InboundMessage struct {
	ID            int64           `db:"id"`
	Platform      string          `db:"platform"`
	Account       string          `db:"account"`
	MessageID     string          `db:"message_id"`
	Sender        string          `db:"sender"`
	SenderNick    string          `db:"sender_nick"`
	GroupHandle   string          `db:"group_handle"`
	GroupName     string          `db:"group_name"`
	Text          string          `db:"text"`
	Truncated     bool            `db:"truncated"`
	OriginalRunes int             `db:"original_runes"`
	Location      json.RawMessage `db:"location"`
	MemberID      *int64          `db:"member_id"`
	ReceivedAt    time.Time       `db:"received_at"`
	Command       string          `db:"command"`
	Outcome       string          `db:"outcome"`
	HandledAt     *time.Time      `db:"handled_at"`
}

const inboundColumns = `id, platform, account, message_id, sender, sender_nick, group_handle, group_name, text,
	truncated, original_runes, location, member_id, received_at, command, outcome, handled_at`

// InsertInbound stores the message; a message already stored (same platform, account and message
// id) is not stored again and duplicate is true.
func (s *Store) InsertInbound(ctx context.Context, m *InboundMessage) (duplicate bool, err error) {
	var loc any
	if len(m.Location) > 0 {
		loc = []byte(m.Location)
	}
	err = s.q.GetContext(ctx, &m.ID, `
		INSERT INTO inbound_messages (platform, account, message_id, sender, sender_nick, group_handle, group_name,
			text, truncated, original_runes, location, received_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		ON CONFLICT (platform, account, message_id) DO NOTHING RETURNING id`,
		m.Platform, m.Account, m.MessageID, m.Sender, m.SenderNick, m.GroupHandle, m.GroupName,
		m.Text, m.Truncated, m.OriginalRunes, loc, m.ReceivedAt)
	if noRows(err) {
		return true, nil
	}
	return false, wrap("store inbound message", err)
}

// FinishInbound records how a stored message was handled.
func (s *Store) FinishInbound(ctx context.Context, id int64, memberID *int64, command, outcome string, at time.Time) error {
	_, err := s.q.ExecContext(ctx, `UPDATE inbound_messages SET member_id = $2, command = $3, outcome = $4, handled_at = $5
		WHERE id = $1`, id, memberID, command, outcome, at)
	return wrap("finish inbound message", err)
}

// UnhandledInbound lists messages stored since the given time but never handled (the process
// stopped in between), oldest first.
func (s *Store) UnhandledInbound(ctx context.Context, platform, account string, since time.Time, limit int) ([]InboundMessage, error) {
	var ms []InboundMessage
	err := s.q.SelectContext(ctx, &ms, `SELECT `+inboundColumns+` FROM inbound_messages
		WHERE handled_at IS NULL AND platform = $1 AND account = $2 AND received_at >= $3
		ORDER BY id LIMIT $4`, platform, account, since, limit)
	return ms, wrap("fetch unhandled inbound messages", err)
}

// InboundByID fetches one stored message.
func (s *Store) InboundByID(ctx context.Context, id int64) (InboundMessage, error) {
	var m InboundMessage
	err := s.q.GetContext(ctx, &m, `SELECT `+inboundColumns+` FROM inbound_messages WHERE id = $1`, id)
	return m, wrap("fetch inbound message", err)
}
