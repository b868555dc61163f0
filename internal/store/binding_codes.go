package store

import (
	"context"
	"time"
)

// BindingCode is a single-use code for binding a chat account to a member, or to the contact of
// an organization outside the committee (ContactID set, MemberID 0); only its hash is kept.
type BindingCode struct {
	ID        int64      `db:"id"`
	MemberID  int64      `db:"member_id"`
	ContactID *int64     `db:"contact_id"`
	CodeHash  string     `db:"code_hash"`
	IssuedBy  string     `db:"issued_by"`
	IssuedAt  time.Time  `db:"issued_at"`
	ExpiresAt time.Time  `db:"expires_at"`
	UsedAt    *time.Time `db:"used_at"`
	UsedBy    *string    `db:"used_by"`
	RevokedAt *time.Time `db:"revoked_at"`
}

const bindingCodeColumns = `id, COALESCE(member_id, 0) AS member_id, contact_id, code_hash, issued_by, issued_at, expires_at, used_at, used_by, revoked_at`

// InsertBindingCode stores a new live code for the member (or contact), revoking their earlier
// live codes and any expired live code with the same hash. ErrConflict means another live code
// has that hash: the caller draws a new code.
func (s *Store) InsertBindingCode(ctx context.Context, c *BindingCode, now time.Time) error {
	return s.InTx(ctx, func(tx *Store) error {
		if _, err := tx.q.ExecContext(ctx, `UPDATE binding_codes SET revoked_at = $3
			WHERE used_at IS NULL AND revoked_at IS NULL
			  AND (member_id = NULLIF($1, 0) OR contact_id = $4 OR (code_hash = $2 AND expires_at <= $3))`,
			c.MemberID, c.CodeHash, now, c.ContactID); err != nil {
			return wrap("revoke binding codes", err)
		}
		err := tx.q.GetContext(ctx, c, `INSERT INTO binding_codes (member_id, contact_id, code_hash, issued_by, issued_at, expires_at)
			VALUES (NULLIF($1, 0), $2, $3, $4, $5, $6) RETURNING `+bindingCodeColumns,
			c.MemberID, c.ContactID, c.CodeHash, c.IssuedBy, now, c.ExpiresAt)
		return wrap("create binding code", err)
	})
}

// BindingCodeByHash finds the newest code with that hash, live or not, so the caller can tell
// "wrong" from "expired" from "used".
func (s *Store) BindingCodeByHash(ctx context.Context, hash string) (BindingCode, error) {
	var c BindingCode
	err := s.q.GetContext(ctx, &c, `SELECT `+bindingCodeColumns+` FROM binding_codes WHERE code_hash = $1
		ORDER BY (used_at IS NULL AND revoked_at IS NULL) DESC, issued_at DESC LIMIT 1`, hash)
	return c, wrap("fetch binding code", err)
}

// UseBindingCode marks a live code used; false when it was used or revoked meanwhile.
func (s *Store) UseBindingCode(ctx context.Context, id int64, usedBy string, now time.Time) (bool, error) {
	res, err := s.q.ExecContext(ctx, `UPDATE binding_codes SET used_at = $3, used_by = $2
		WHERE id = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $3`, id, usedBy, now)
	if err != nil {
		return false, wrap("use binding code", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}
