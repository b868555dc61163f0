package store

import (
	"context"
	"time"

	"liudong/internal/dues"
)

// DuesExemption is a hardship exemption (免交) or reduction (减交) for a span of months.
type DuesExemption struct {
	ID                 int64              `db:"id"`
	MemberID           int64              `db:"member_id"`
	From               dues.Month         `db:"from_month"`
	To                 dues.Month         `db:"to_month"`
	Kind               dues.ExemptionKind `db:"kind"`
	ReducedTo          dues.Fen           `db:"reduced_to_fen"`
	Reason             string             `db:"reason"`
	ApprovedBy         string             `db:"approved_by"`
	RecordedBy         string             `db:"recorded_by"`
	RecordedByMemberID *int64             `db:"recorded_by_member_id"`
	InboundID          *int64             `db:"inbound_id"`
	CreatedAt          time.Time          `db:"created_at"`

	// Set when the exemption has been revoked (read only).
	RevokedAt     *time.Time `db:"revoked_at"`
	RevokedReason *string    `db:"revoked_reason"`
}

// Exemption returns the pure form of e.
func (e DuesExemption) Exemption() dues.Exemption {
	return dues.Exemption{From: e.From, To: e.To, Kind: e.Kind, ReducedTo: e.ReducedTo, Reason: e.Reason, ApprovedBy: e.ApprovedBy}
}

// Live reports whether e has not been revoked.
func (e DuesExemption) Live() bool { return e.RevokedAt == nil }

const duesExemptionColumns = `e.id, e.member_id, e.from_month, e.to_month, e.kind, e.reduced_to_fen, e.reason, e.approved_by,
	e.recorded_by, e.recorded_by_member_id, e.inbound_id, e.created_at, v.created_at AS revoked_at, v.reason AS revoked_reason`

const duesExemptionFrom = ` FROM dues_exemptions e LEFT JOIN dues_exemption_revocations v ON v.exemption_id = e.id `

// InsertDuesExemption appends an exemption.
func (s *Store) InsertDuesExemption(ctx context.Context, e *DuesExemption) error {
	err := s.q.GetContext(ctx, &e.ID, `
		INSERT INTO dues_exemptions (member_id, from_month, to_month, kind, reduced_to_fen, reason, approved_by,
			recorded_by, recorded_by_member_id, inbound_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		e.MemberID, e.From, e.To, e.Kind, e.ReducedTo, e.Reason, e.ApprovedBy, e.RecordedBy, e.RecordedByMemberID, e.InboundID)
	return wrap("insert dues exemption", err)
}

// RevokeDuesExemption records that an exemption was entered in error; revoking twice is a
// conflict.
func (s *Store) RevokeDuesExemption(ctx context.Context, exemptionID int64, reason, by string, byMember, inbound *int64) error {
	_, err := s.q.ExecContext(ctx, `
		INSERT INTO dues_exemption_revocations (exemption_id, reason, revoked_by, revoked_by_member_id, inbound_id)
		VALUES ($1, $2, $3, $4, $5)`, exemptionID, reason, by, byMember, inbound)
	return wrap("revoke dues exemption", err)
}

// DuesExemptionsOf lists a member's exemptions, revoked ones included, in the order recorded.
func (s *Store) DuesExemptionsOf(ctx context.Context, memberID int64) ([]DuesExemption, error) {
	var es []DuesExemption
	err := s.q.SelectContext(ctx, &es, `SELECT `+duesExemptionColumns+duesExemptionFrom+`WHERE e.member_id = $1 ORDER BY e.id`, memberID)
	return es, wrap("fetch dues exemptions", err)
}
