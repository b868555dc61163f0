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

// InsertInboundIdentify stores the message and, in the same round trip, resolves its sender's
// chat handle (as IdentifyHandle does): both happen for every inbound message. found is false for
// an unbound handle; a duplicate message is not stored again and is not identified.
func (s *Store) InsertInboundIdentify(ctx context.Context, m *InboundMessage) (duplicate bool, id Identified, found bool, err error) {
	var loc any
	if len(m.Location) > 0 {
		loc = []byte(m.Location)
	}
	var row struct {
		ID       *int64 `db:"id"`
		Identity []byte `db:"identity"`
	}
	err = s.q.GetContext(ctx, &row, `
		WITH ins AS (
			INSERT INTO inbound_messages (platform, account, message_id, sender, sender_nick, group_handle, group_name,
				text, truncated, original_runes, location, received_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
			ON CONFLICT (platform, account, message_id) DO NOTHING RETURNING id
		)
		SELECT (SELECT id FROM ins) AS id,
			(SELECT json_build_object('id', ci.id, 'member_id', ci.member_id, 'handle', ci.handle,
				'nickname', ci.nickname, 'avatar_id', ci.avatar_id, 'remark', ci.remark,
				'needs_verify', ci.needs_verify, 'bound_at', ci.bound_at, 'last_seen_at', ci.last_seen_at,
				'name', mb.name, 'branch_id', mb.branch_id, 'branch_name', b.name, 'transferred_out_on', mb.transferred_out_on,
				'units', (SELECT json_agg(json_build_object('id', o.id, 'name', o.name, 'path', o.path) ORDER BY o.path)
					FROM roles ro JOIN org_units o ON o.id = ro.org_unit_id
					WHERE ro.member_id = mb.id AND ro.role = $13))
			FROM chat_identities ci
			JOIN members mb ON mb.id = ci.member_id
			JOIN org_units b ON b.id = mb.branch_id
			WHERE ci.platform = $1 AND ci.account = $2 AND ci.handle = $4) AS identity`,
		m.Platform, m.Account, m.MessageID, m.Sender, m.SenderNick, m.GroupHandle, m.GroupName,
		m.Text, m.Truncated, m.OriginalRunes, loc, m.ReceivedAt, RoleSecretary)
	if err != nil {
		return false, id, false, wrap("store and identify inbound message", err)
	}
	if row.ID == nil {
		return true, id, false, nil
	}
	m.ID = *row.ID
	if row.Identity == nil {
		return false, id, false, nil
	}
	var j struct {
		ID          int64      `json:"id"`
		MemberID    int64      `json:"member_id"`
		Handle      string     `json:"handle"`
		Nickname    string     `json:"nickname"`
		AvatarID    string     `json:"avatar_id"`
		Remark      string     `json:"remark"`
		NeedsVerify bool       `json:"needs_verify"`
		BoundAt     time.Time  `json:"bound_at"`
		LastSeenAt  *time.Time `json:"last_seen_at"`
		Name        string     `json:"name"`
		BranchID    int64      `json:"branch_id"`
		BranchName  string     `json:"branch_name"`
		Out         *string    `json:"transferred_out_on"`
		Units       []struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
			Path string `json:"path"`
		} `json:"units"`
	}
	if err := json.Unmarshal(row.Identity, &j); err != nil {
		return false, id, false, wrap("decode identity", err)
	}
	id = Identified{
		ChatIdentity: ChatIdentity{ID: j.ID, MemberID: j.MemberID, Platform: m.Platform, Account: m.Account, Handle: j.Handle,
			Nickname: j.Nickname, AvatarID: j.AvatarID, Remark: j.Remark, NeedsVerify: j.NeedsVerify,
			BoundAt: j.BoundAt, LastSeenAt: j.LastSeenAt},
		Name: j.Name, BranchID: j.BranchID, BranchName: j.BranchName,
	}
	if j.Out != nil {
		if d, err := time.Parse(time.DateOnly, *j.Out); err == nil {
			id.TransferredOutOn = &d
		}
	}
	for _, u := range j.Units {
		id.SecretaryOf = append(id.SecretaryOf, OrgUnit{ID: u.ID, Name: u.Name, Path: u.Path})
	}
	return false, id, true, nil
}
