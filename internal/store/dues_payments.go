package store

import (
	"context"
	"time"

	"liudong/internal/dues"
)

// Where dues were paid.
const (
	PaidAtHome   = "home"   // the member's own branch
	PaidAtInflow = "inflow" // the inflow place, by a mobile member holding the certificate
)

// DuesPayment is one append-only ledger entry: a payment, or a reversal (Reverses set,
// negative amount) cancelling an earlier payment.
type DuesPayment struct {
	ID                 int64      `db:"id"`
	MemberID           int64      `db:"member_id"`
	From               dues.Month `db:"from_month"`
	To                 dues.Month `db:"to_month"`
	Amount             dues.Fen   `db:"amount_fen"`
	Reverses           *int64     `db:"reverses"`
	Place              string     `db:"place"`
	PlaceName          string     `db:"place_name"`
	OrgUnitID          *int64     `db:"org_unit_id"`
	Note               string     `db:"note"`
	Override           string     `db:"override"`
	PaidAt             time.Time  `db:"paid_at"`
	RecordedBy         string     `db:"recorded_by"`
	RecordedByMemberID *int64     `db:"recorded_by_member_id"`
	// RecordedByContact is the inflow organization's contact who recorded a payment collected there.
	RecordedByContact *int64    `db:"recorded_by_contact"`
	InboundID         *int64    `db:"inbound_id"`
	CreatedAt         time.Time `db:"created_at"`

	// ReversedBy is the reversal cancelling this payment, if any (read only).
	ReversedBy *int64 `db:"reversed_by"`
	// RecorderName is the name of the member who recorded it, if any (read only).
	RecorderName string `db:"recorder_name"`
}

// Payment returns the pure form of p.
func (p DuesPayment) Payment() dues.Payment {
	out := dues.Payment{ID: p.ID, From: p.From, To: p.To, Amount: p.Amount, Place: p.Place, Note: p.Note, Override: p.Override}
	if p.Reverses != nil {
		out.Reverses = *p.Reverses
	}
	return out
}

const duesPaymentColumns = `p.id, p.member_id, p.from_month, p.to_month, p.amount_fen, p.reverses, p.place, p.place_name,
	p.org_unit_id, p.note, p.override, p.paid_at, p.recorded_by, p.recorded_by_member_id, p.recorded_by_contact, p.inbound_id, p.created_at,
	r.id AS reversed_by, COALESCE(rm.name, '') AS recorder_name`

const duesPaymentFrom = ` FROM dues_payments p
	LEFT JOIN dues_payments r ON r.reverses = p.id
	LEFT JOIN members rm ON rm.id = p.recorded_by_member_id `

// LockMemberDues takes the member's row lock for the rest of the transaction, so two
// secretaries recording dues for one member at once do not both pass the ledger checks.
func (s *Store) LockMemberDues(ctx context.Context, memberID int64) error {
	var id int64
	err := s.q.GetContext(ctx, &id, `SELECT id FROM members WHERE id = $1 FOR UPDATE`, memberID)
	return wrap("lock member", err)
}

// InsertDuesPayment appends a payment or reversal.
func (s *Store) InsertDuesPayment(ctx context.Context, p *DuesPayment) error {
	err := s.q.GetContext(ctx, &p.ID, `
		INSERT INTO dues_payments (member_id, from_month, to_month, amount_fen, reverses, place, place_name, org_unit_id,
			note, override, paid_at, recorded_by, recorded_by_member_id, recorded_by_contact, inbound_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
		p.MemberID, p.From, p.To, p.Amount, p.Reverses, p.Place, p.PlaceName, p.OrgUnitID, p.Note, p.Override,
		p.PaidAt, p.RecordedBy, p.RecordedByMemberID, p.RecordedByContact, p.InboundID)
	return wrap("insert dues payment", err)
}

// DuesPaymentsOf lists a member's ledger entries in the order they were recorded.
func (s *Store) DuesPaymentsOf(ctx context.Context, memberID int64) ([]DuesPayment, error) {
	var ps []DuesPayment
	err := s.q.SelectContext(ctx, &ps, `SELECT `+duesPaymentColumns+duesPaymentFrom+`WHERE p.member_id = $1 ORDER BY p.id`, memberID)
	return ps, wrap("fetch dues payments", err)
}
