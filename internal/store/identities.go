package store

import (
	"context"
	"time"

	"github.com/lib/pq"
)

// ChatIdentity binds one chat account (on one bot account of one platform) to a member.
type ChatIdentity struct {
	ID          int64      `db:"id"`
	MemberID    int64      `db:"member_id"`
	Platform    string     `db:"platform"`
	Account     string     `db:"account"`
	Handle      string     `db:"handle"`
	Nickname    string     `db:"nickname"`
	AvatarID    string     `db:"avatar_id"`
	Remark      string     `db:"remark"`
	NeedsVerify bool       `db:"needs_verify"`
	BoundAt     time.Time  `db:"bound_at"`
	LastSeenAt  *time.Time `db:"last_seen_at"`
}

const identityColumns = `id, member_id, platform, account, handle, nickname, avatar_id, remark, needs_verify, bound_at, last_seen_at`

// IdentityByHandle finds the binding of a chat handle.
func (s *Store) IdentityByHandle(ctx context.Context, platform, account, handle string) (ChatIdentity, error) {
	var ci ChatIdentity
	err := s.q.GetContext(ctx, &ci, `SELECT `+identityColumns+` FROM chat_identities
		WHERE platform = $1 AND account = $2 AND handle = $3`, platform, account, handle)
	return ci, wrap("fetch chat identity", err)
}

// IdentityOfMember finds the member's binding on one bot account.
func (s *Store) IdentityOfMember(ctx context.Context, platform, account string, memberID int64) (ChatIdentity, error) {
	var ci ChatIdentity
	err := s.q.GetContext(ctx, &ci, `SELECT `+identityColumns+` FROM chat_identities
		WHERE platform = $1 AND account = $2 AND member_id = $3`, platform, account, memberID)
	return ci, wrap("fetch member's chat identity", err)
}

// IdentitiesOf lists every binding on one bot account (re-resolved after a WeChat login).
func (s *Store) IdentitiesOf(ctx context.Context, platform, account string) ([]ChatIdentity, error) {
	var cis []ChatIdentity
	err := s.q.SelectContext(ctx, &cis, `SELECT `+identityColumns+` FROM chat_identities
		WHERE platform = $1 AND account = $2 ORDER BY id`, platform, account)
	return cis, wrap("fetch chat identities", err)
}

// BindIdentity binds the handle to the member, replacing the member's earlier binding on this
// bot account. A handle bound to another member is ErrConflict.
func (s *Store) BindIdentity(ctx context.Context, ci *ChatIdentity) error {
	err := s.q.GetContext(ctx, ci, `
		INSERT INTO chat_identities (member_id, platform, account, handle, nickname, avatar_id, remark)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (platform, account, member_id) DO UPDATE SET handle = EXCLUDED.handle,
			nickname = EXCLUDED.nickname, avatar_id = EXCLUDED.avatar_id, remark = EXCLUDED.remark,
			needs_verify = false, bound_at = now()
		RETURNING `+identityColumns,
		ci.MemberID, ci.Platform, ci.Account, ci.Handle, ci.Nickname, ci.AvatarID, ci.Remark)
	return wrap("bind chat identity", err)
}

// UpdateIdentityHandle records a re-resolved handle (and hints) after a platform re-login.
func (s *Store) UpdateIdentityHandle(ctx context.Context, id int64, handle, nickname, avatarID, remark string, needsVerify bool) error {
	_, err := s.q.ExecContext(ctx, `UPDATE chat_identities SET handle = $2, nickname = $3, avatar_id = $4,
		remark = $5, needs_verify = $6 WHERE id = $1`, id, handle, nickname, avatarID, remark, needsVerify)
	return wrap("update chat identity", err)
}

// TouchIdentity records that the handle was seen.
func (s *Store) TouchIdentity(ctx context.Context, id int64, at time.Time) error {
	_, err := s.q.ExecContext(ctx, `UPDATE chat_identities SET last_seen_at = $2 WHERE id = $1`, id, at)
	return wrap("touch chat identity", err)
}

// Identified is a chat handle's binding with what the bot needs to know of its member on
// every message: name, branch and the org units they are secretary of.
type Identified struct {
	ChatIdentity
	Name        string `db:"name"`
	BranchID    int64  `db:"branch_id"`
	BranchName  string `db:"branch_name"`
	SecretaryOf []OrgUnit
	// TransferredOutOn is set for a member transferred out (已转出).
	TransferredOutOn *time.Time `db:"transferred_out_on"`
}

// IdentifyHandle resolves a chat handle to its member and secretary roles in one query (it runs
// for every inbound message).
func (s *Store) IdentifyHandle(ctx context.Context, platform, account, handle string) (Identified, error) {
	var row struct {
		ChatIdentity
		Name       string      `db:"name"`
		BranchID   int64       `db:"branch_id"`
		BranchName string      `db:"branch_name"`
		Out        *time.Time  `db:"transferred_out_on"`
		UnitIDs    Int64Array  `db:"unit_ids"`
		UnitNames  StringArray `db:"unit_names"`
		UnitPaths  StringArray `db:"unit_paths"`
	}
	err := s.q.GetContext(ctx, &row, `
		SELECT `+prefixed("ci", identityColumns)+`, m.name, m.branch_id, b.name AS branch_name, m.transferred_out_on,
			COALESCE(r.ids, '{}') AS unit_ids, COALESCE(r.names, '{}') AS unit_names, COALESCE(r.paths, '{}') AS unit_paths
		FROM chat_identities ci
		JOIN members m ON m.id = ci.member_id
		JOIN org_units b ON b.id = m.branch_id
		LEFT JOIN LATERAL (
			SELECT array_agg(o.id ORDER BY o.path) AS ids, array_agg(o.name ORDER BY o.path) AS names,
				array_agg(o.path ORDER BY o.path) AS paths
			FROM roles ro JOIN org_units o ON o.id = ro.org_unit_id
			WHERE ro.member_id = m.id AND ro.role = $4
		) r ON true
		WHERE ci.platform = $1 AND ci.account = $2 AND ci.handle = $3`, platform, account, handle, RoleSecretary)
	if err != nil {
		return Identified{}, wrap("identify chat handle", err)
	}
	out := Identified{ChatIdentity: row.ChatIdentity, Name: row.Name, BranchID: row.BranchID, BranchName: row.BranchName,
		TransferredOutOn: row.Out}
	for i, id := range row.UnitIDs {
		out.SecretaryOf = append(out.SecretaryOf, OrgUnit{ID: id, Name: row.UnitNames[i], Path: row.UnitPaths[i]})
	}
	return out, nil
}

// UnverifiedIdentities lists the bindings on one bot account that wait for their member to
// re-verify (a platform re-login could not re-resolve them).
func (s *Store) UnverifiedIdentities(ctx context.Context, platform, account string) ([]ChatIdentity, error) {
	var cis []ChatIdentity
	err := s.q.SelectContext(ctx, &cis, `SELECT `+identityColumns+` FROM chat_identities
		WHERE platform = $1 AND account = $2 AND needs_verify ORDER BY id`, platform, account)
	return cis, wrap("fetch unverified chat identities", err)
}

// IdentityUpdate is a re-resolved binding: its new handle and hints.
type IdentityUpdate struct {
	ID                         int64
	Handle                     string
	Nickname, AvatarID, Remark string
	NeedsVerify                bool
}

// UpdateIdentityHandles applies re-resolved bindings in two statements. Handles are unique and
// may trade places between bindings, so the bindings are parked on placeholder handles first
// (park gives each id its placeholder) and then get their new ones.
func (s *Store) UpdateIdentityHandles(ctx context.Context, us []IdentityUpdate, park func(id int64) string) error {
	if len(us) == 0 {
		return nil
	}
	ids := make(Int64Array, len(us))
	parked, handles, nicks, avatars, remarks := make(StringArray, len(us)), make(StringArray, len(us)),
		make(StringArray, len(us)), make(StringArray, len(us)), make(StringArray, len(us))
	verify := make(pq.BoolArray, len(us))
	for i, u := range us {
		ids[i], parked[i], handles[i], nicks[i], avatars[i], remarks[i], verify[i] =
			u.ID, park(u.ID), u.Handle, u.Nickname, u.AvatarID, u.Remark, u.NeedsVerify
	}
	return s.InTx(ctx, func(tx *Store) error {
		if _, err := tx.q.ExecContext(ctx, `UPDATE chat_identities c SET handle = v.parked
			FROM unnest($1::bigint[], $2::text[]) AS v(id, parked) WHERE c.id = v.id`, ids, parked); err != nil {
			return wrap("park chat identities", err)
		}
		_, err := tx.q.ExecContext(ctx, `UPDATE chat_identities c SET handle = v.handle, nickname = v.nickname,
			avatar_id = v.avatar_id, remark = v.remark, needs_verify = v.needs_verify
			FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[])
				AS v(id, handle, nickname, avatar_id, remark, needs_verify)
			WHERE c.id = v.id`, ids, handles, nicks, avatars, remarks, verify)
		return wrap("update chat identities", err)
	})
}
