package store

import (
	"context"
	"fmt"
	"time"
)

// MemberContact is a contact the branch made with a member (已联系).
type MemberContact struct {
	ID          int64     `db:"id"`
	MemberID    int64     `db:"member_id"`
	ContactedOn time.Time `db:"contacted_on"`
	Note        string    `db:"note"`
	RecordedBy  *int64    `db:"recorded_by"`
	InboundID   *int64    `db:"inbound_id"`
	RecordedAt  time.Time `db:"recorded_at"`
}

// InsertMemberContact records a contact.
func (s *Store) InsertMemberContact(ctx context.Context, c *MemberContact) error {
	err := s.q.GetContext(ctx, &c.ID, `INSERT INTO member_contacts (member_id, contacted_on, note, recorded_by, inbound_id, recorded_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, c.MemberID, c.ContactedOn, c.Note, c.RecordedBy, c.InboundID, c.RecordedAt)
	return wrap("record contact with member", err)
}

// LastContact is what liudong knows of a mobile member's last contact with the organization,
// by kind (nil: none on record by the clock).
type LastContact struct {
	MemberID int64  `db:"member_id"`
	Name     string `db:"name"`
	BranchID int64  `db:"branch_id"`
	Mobility string `db:"mobility"`
	// KnownSince is when liudong started keeping the member's record (created, or received by
	// transfer): nothing before it is known.
	KnownSince time.Time  `db:"known_since"`
	Message    *time.Time `db:"last_message"` // a chat message, or the binding of a chat account
	Report     *time.Time `db:"last_report"`
	Location   *time.Time `db:"last_location"`
	OrgLife    *time.Time `db:"last_org_life"`
	Dues       *time.Time `db:"last_dues"`
	Secretary  *time.Time `db:"last_secretary"`  // 已联系
	Assessment *time.Time `db:"last_assessment"` // the inflow organization's 表现
	NoteOfLast string     `db:"last_note"`       // what 已联系 said last
}

// LastContacts lists, in one statement, the mobile members within scope (nil: everyone; or the
// one member given) on the day of now — an open departure begun by then, or marked 流出 or 流入
// — not transferred out, each with the last contact of each kind up to now (dates after it are
// ignored, so a report for an earlier clock is reproducible). Ordered by member id.
func (s *Store) LastContacts(ctx context.Context, now time.Time, zone string, scope []OrgUnit, memberID int64) ([]LastContact, error) {
	args := []any{now, zone}
	filter := ""
	if scope != nil {
		args = append(args, pathPatterns(scope))
		filter = ` AND b.path LIKE ANY ($3::text[])`
	}
	if memberID != 0 {
		args = append(args, memberID)
		filter += fmt.Sprintf(` AND m.id = $%d`, len(args))
	}
	var out []LastContact
	err := s.heavyTx(ctx, func(tx *Store) error {
		return tx.q.SelectContext(ctx, &out, `
			WITH day AS (SELECT ($1::timestamptz AT TIME ZONE $2)::date AS d),
			mobile AS (
				SELECT m.id, m.name, m.branch_id, m.mobility,
					GREATEST((m.created_at AT TIME ZONE $2)::date, m.transferred_in_on) AS known_since
				FROM members m JOIN org_units b ON b.id = m.branch_id, day
				WHERE (m.transferred_out_on IS NULL OR m.transferred_out_on > day.d)
				  AND (m.mobility IN ('流出', '流入') OR EXISTS (
					SELECT 1 FROM departures d WHERE d.member_id = m.id AND d.returned_on IS NULL AND d.departed_on <= day.d))`+filter+`
			)
			SELECT mo.id AS member_id, mo.name, mo.branch_id, mo.mobility, mo.known_since,
				GREATEST(
					(SELECT max(ci.last_seen_at) FROM chat_identities ci WHERE ci.member_id = mo.id AND ci.last_seen_at <= $1),
					(SELECT max(bc.used_at) FROM binding_codes bc WHERE bc.member_id = mo.id AND bc.used_at <= $1)) AS last_message,
				(SELECT max(r.submitted_at) FROM reports r WHERE r.member_id = mo.id AND r.submitted_at <= $1) AS last_report,
				(SELECT max(l.reported_at) FROM locations l
					WHERE l.member_id = mo.id AND l.source <> 'roster' AND l.reported_at <= $1) AS last_location,
				(SELECT max(o.held_on) FROM org_life o, day
					WHERE o.member_id = mo.id AND o.status <> 'rejected' AND o.held_on <= day.d) AS last_org_life,
				(SELECT max(p.paid_at) FROM dues_payments p
					WHERE p.member_id = mo.id AND p.reverses IS NULL AND p.paid_at <= $1
					  AND NOT EXISTS (SELECT 1 FROM dues_payments v WHERE v.reverses = p.id)) AS last_dues,
				c.contacted_on AS last_secretary, COALESCE(c.note, '') AS last_note,
				(SELECT max(a.recorded_at) FROM inflow_assessments a WHERE a.member_id = mo.id AND a.recorded_at <= $1) AS last_assessment
			FROM mobile mo
			LEFT JOIN LATERAL (
				SELECT mc.contacted_on, mc.note FROM member_contacts mc, day
				WHERE mc.member_id = mo.id AND mc.contacted_on <= day.d
				ORDER BY mc.contacted_on DESC, mc.id DESC LIMIT 1
			) c ON true
			ORDER BY mo.id`, args...)
	})
	return out, wrap("fetch last contacts", err)
}
