package store

import (
	"context"
	"encoding/json"
	"time"
)

// AuditEntry is one append-only audit row.
type AuditEntry struct {
	ID             int64           `db:"id"`
	At             time.Time       `db:"at"`
	Actor          string          `db:"actor"` // "member:12", "cli", "system"
	ActorMemberID  *int64          `db:"actor_member_id"`
	Action         string          `db:"action"`
	OrgUnitID      *int64          `db:"org_unit_id"`
	TargetMemberID *int64          `db:"target_member_id"`
	InboundID      *int64          `db:"inbound_id"`
	Detail         json.RawMessage `db:"detail"`
}

// Audit appends an entry; detail is marshalled to JSON.
func (s *Store) Audit(ctx context.Context, e AuditEntry, detail any) error {
	raw := []byte("{}")
	if detail != nil {
		b, err := json.Marshal(detail)
		if err != nil {
			return wrap("encode audit detail", err)
		}
		raw = b
	}
	_, err := s.q.ExecContext(ctx, `INSERT INTO audit_log (actor, actor_member_id, action, org_unit_id, target_member_id, inbound_id, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, e.Actor, e.ActorMemberID, e.Action, e.OrgUnitID, e.TargetMemberID, e.InboundID, raw)
	return wrap("write audit entry", err)
}

// AuditOf lists the audit entries about a member, oldest first.
func (s *Store) AuditOf(ctx context.Context, memberID int64) ([]AuditEntry, error) {
	var es []AuditEntry
	err := s.q.SelectContext(ctx, &es, `SELECT id, at, actor, actor_member_id, action, org_unit_id, target_member_id, inbound_id, detail
		FROM audit_log WHERE target_member_id = $1 OR actor_member_id = $1 ORDER BY id`, memberID)
	return es, wrap("fetch audit entries", err)
}

// AuditByAction lists entries of one action, oldest first.
func (s *Store) AuditByAction(ctx context.Context, action string) ([]AuditEntry, error) {
	var es []AuditEntry
	err := s.q.SelectContext(ctx, &es, `SELECT id, at, actor, actor_member_id, action, org_unit_id, target_member_id, inbound_id, detail
		FROM audit_log WHERE action = $1 ORDER BY id`, action)
	return es, wrap("fetch audit entries", err)
}
