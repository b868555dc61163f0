package store

import (
	"context"
	"encoding/json"
	"time"
)

// Transfer directions and statuses.
const (
	TransferOut = "out"
	TransferIn  = "in"

	TransferPending   = "pending"
	TransferReceived  = "received"
	TransferCancelled = "cancelled"
)

// Transfer is a letter of transfer (介绍信) of a member's organizational relationship: one we
// issued (out) or one we received with the member (in). See migration 00140 for the fields.
type Transfer struct {
	ID           int64           `db:"id"`
	MemberID     int64           `db:"member_id"`
	Direction    string          `db:"direction"`
	Number       string          `db:"number"`
	Org          string          `db:"org"`
	ProvinceCode string          `db:"province_code"`
	CityCode     string          `db:"city_code"`
	CountyCode   string          `db:"county_code"`
	IssuedOn     time.Time       `db:"issued_on"`
	ValidUntil   *time.Time      `db:"valid_until"`
	Status       string          `db:"status"`
	ReceivedOn   *time.Time      `db:"received_on"`
	CancelledOn  *time.Time      `db:"cancelled_on"`
	CancelReason string          `db:"cancel_reason"`
	Stub         json.RawMessage `db:"stub"`
	IssuedBy     *int64          `db:"issued_by"`
	ClosedBy     *int64          `db:"closed_by"`
	InboundID    *int64          `db:"inbound_id"`
	CreatedAt    time.Time       `db:"created_at"`
}

const transferColumns = `id, member_id, direction, number, org, province_code, city_code, county_code, issued_on,
	valid_until, status, received_on, cancelled_on, cancel_reason, stub, issued_by, closed_by, inbound_id, created_at`

// NextTransferSequence takes the next letter number of a prefix in a year (in a transaction, the
// number is the caller's until it commits).
func (s *Store) NextTransferSequence(ctx context.Context, prefix string, year int) (int64, error) {
	var n int64
	err := s.q.GetContext(ctx, &n, `
		INSERT INTO transfer_sequences (prefix, year, last) VALUES ($1, $2, 1)
		ON CONFLICT (prefix, year) DO UPDATE SET last = transfer_sequences.last + 1
		RETURNING last`, prefix, year)
	return n, wrap("take transfer letter number", err)
}

// InsertTransfer records a letter. A second pending letter out for the member, or a letter
// number out used before, is ErrConflict.
func (s *Store) InsertTransfer(ctx context.Context, t *Transfer) error {
	if len(t.Stub) == 0 {
		t.Stub = json.RawMessage(`{}`)
	}
	err := s.q.GetContext(ctx, t, `
		INSERT INTO transfers (member_id, direction, number, org, province_code, city_code, county_code, issued_on,
			valid_until, stub, issued_by, inbound_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		RETURNING `+transferColumns,
		t.MemberID, t.Direction, t.Number, t.Org, t.ProvinceCode, t.CityCode, t.CountyCode, t.IssuedOn,
		t.ValidUntil, []byte(t.Stub), t.IssuedBy, t.InboundID)
	return wrap("create transfer", err)
}

// TransferByID fetches one letter.
func (s *Store) TransferByID(ctx context.Context, id int64) (Transfer, error) {
	var t Transfer
	err := s.q.GetContext(ctx, &t, `SELECT `+transferColumns+` FROM transfers WHERE id = $1`, id)
	return t, wrap("fetch transfer", err)
}

// LatestTransfer is the member's newest letter of a direction (any status); ErrNotFound when
// there is none.
func (s *Store) LatestTransfer(ctx context.Context, memberID int64, direction string) (Transfer, error) {
	var t Transfer
	err := s.q.GetContext(ctx, &t, `SELECT `+transferColumns+` FROM transfers
		WHERE member_id = $1 AND direction = $2 ORDER BY id DESC LIMIT 1`, memberID, direction)
	return t, wrap("fetch latest transfer", err)
}

// TransfersOf lists the member's letters, oldest first.
func (s *Store) TransfersOf(ctx context.Context, memberID int64) ([]Transfer, error) {
	var ts []Transfer
	err := s.q.SelectContext(ctx, &ts, `SELECT `+transferColumns+` FROM transfers WHERE member_id = $1 ORDER BY id`, memberID)
	return ts, wrap("fetch transfers", err)
}

// TransferByNumber finds a letter out by its number.
func (s *Store) TransferByNumber(ctx context.Context, number string) (Transfer, error) {
	var t Transfer
	err := s.q.GetContext(ctx, &t, `SELECT `+transferColumns+` FROM transfers WHERE direction = 'out' AND number = $1`, number)
	return t, wrap("fetch transfer by number", err)
}

// CancelTransfer cancels a pending letter out (撤销转出); false when it is no longer pending.
func (s *Store) CancelTransfer(ctx context.Context, id int64, on time.Time, reason string, by int64) (bool, error) {
	res, err := s.q.ExecContext(ctx, `UPDATE transfers SET status = 'cancelled', cancelled_on = $2, cancel_reason = $3,
		closed_by = $4 WHERE id = $1 AND status = 'pending'`, id, on, reason, by)
	if err != nil {
		return false, wrap("cancel transfer", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// ReceiveTransferOut records the receipt of a pending letter out: the member is 已转出 from on,
// and the links of contacts covering him end that day. False when the letter is no longer
// pending.
func (s *Store) ReceiveTransferOut(ctx context.Context, id int64, on time.Time, by int64) (bool, error) {
	var memberID int64
	err := s.q.GetContext(ctx, &memberID, `UPDATE transfers SET status = 'received', received_on = $2, closed_by = $3
		WHERE id = $1 AND status = 'pending' AND direction = 'out' RETURNING member_id`, id, on, by)
	if noRows(err) {
		return false, nil
	}
	if err != nil {
		return false, wrap("record transfer receipt", err)
	}
	if _, err := s.q.ExecContext(ctx, `UPDATE members SET transferred_out_on = $2, updated_at = now() WHERE id = $1`,
		memberID, on); err != nil {
		return false, wrap("mark member transferred out", err)
	}
	if _, err := s.q.ExecContext(ctx, `UPDATE contact_members SET ended_on = $2 WHERE member_id = $1 AND ended_on IS NULL`,
		memberID, on); err != nil {
		return false, wrap("end contact links", err)
	}
	return true, nil
}

// ReturnTransferReceipt records that our receipt for a letter in went back (已回执); false when
// it was recorded before.
func (s *Store) ReturnTransferReceipt(ctx context.Context, id int64, on time.Time, by int64) (bool, error) {
	res, err := s.q.ExecContext(ctx, `UPDATE transfers SET status = 'received', received_on = $2, closed_by = $3
		WHERE id = $1 AND status = 'pending' AND direction = 'in'`, id, on, by)
	if err != nil {
		return false, wrap("record receipt returned", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// PendingTransfer is a letter waiting for a receipt (out) or for ours to go back (in), with its
// member.
type PendingTransfer struct {
	Transfer
	Name     string `db:"name"`
	BranchID int64  `db:"branch_id"`
}

// PendingTransfers lists the pending letters of the members within scope (nil: everyone), issued
// on or before day, oldest first.
func (s *Store) PendingTransfers(ctx context.Context, day time.Time, scope []OrgUnit) ([]PendingTransfer, error) {
	var patterns any
	if scope != nil {
		patterns = pathPatterns(scope)
	}
	var out []PendingTransfer
	err := s.q.SelectContext(ctx, &out, `
		SELECT `+prefixed("t", transferColumns)+`, m.name, m.branch_id
		FROM transfers t JOIN members m ON m.id = t.member_id JOIN org_units b ON b.id = m.branch_id
		WHERE t.status = 'pending' AND t.issued_on <= $1::date AND ($2::text[] IS NULL OR b.path LIKE ANY ($2))
		ORDER BY t.issued_on, t.id`, day.Format(time.DateOnly), patterns)
	return out, wrap("fetch pending transfers", err)
}

// PendingTransferMembers is the set of members with a letter out waiting for its receipt.
func (s *Store) PendingTransferMembers(ctx context.Context) (map[int64]bool, error) {
	var ids []int64
	err := s.q.SelectContext(ctx, &ids, `SELECT member_id FROM transfers WHERE direction = 'out' AND status = 'pending'`)
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, wrap("fetch members being transferred", err)
}
