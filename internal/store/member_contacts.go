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

// LastContactQuery selects the members LastContacts reads.
type LastContactQuery struct {
	// Now is the clock: the day is Now's date in Zone; contacts after Now are ignored (so a report
	// for an earlier clock is reproducible).
	Now  time.Time
	Zone string
	// Scope keeps the members of these org units' subtrees (nil: everyone); MemberID one member.
	Scope    []OrgUnit
	MemberID int64
	// SilentSince, when set (a day), keeps only the members with no contact of any kind from that
	// day on, known to liudong from before it: the lost-contact candidates, found by anti-joins
	// before any member's history is read.
	SilentSince time.Time
}

// LastContacts lists, in one statement, the mobile members q selects — an open departure begun
// by the day, or marked 流出 or 流入 — not transferred out, each with the last contact of each
// kind up to Now. Ordered by member id.
func (s *Store) LastContacts(ctx context.Context, q LastContactQuery) ([]LastContact, error) {
	args := []any{q.Now, q.Zone}
	filter := ""
	if q.Scope != nil {
		args = append(args, pathPatterns(q.Scope))
		filter = fmt.Sprintf(` AND b.path LIKE ANY ($%d::text[])`, len(args))
	}
	if q.MemberID != 0 {
		args = append(args, q.MemberID)
		filter += fmt.Sprintf(` AND m.id = $%d`, len(args))
	}
	if !q.SilentSince.IsZero() {
		// A contact on or after the day (its date in the zone), and not after the clock.
		args = append(args, q.SilentSince.Format(time.DateOnly))
		n := len(args)
		since := fmt.Sprintf(`($%d::date::timestamp AT TIME ZONE $2)`, n)
		filter += fmt.Sprintf(`
				  AND GREATEST((m.created_at AT TIME ZONE $2)::date, m.transferred_in_on) < $%[1]d::date
				  AND NOT EXISTS (SELECT 1 FROM chat_identities x WHERE x.member_id = m.id AND x.last_seen_at >= %[2]s AND x.last_seen_at <= $1)
				  AND NOT EXISTS (SELECT 1 FROM binding_codes x WHERE x.member_id = m.id AND x.used_at >= %[2]s AND x.used_at <= $1)
				  AND NOT EXISTS (SELECT 1 FROM reports x WHERE x.member_id = m.id AND x.submitted_at >= %[2]s AND x.submitted_at <= $1)
				  AND NOT EXISTS (SELECT 1 FROM locations x WHERE x.member_id = m.id AND x.source <> 'roster'
					AND x.reported_at >= %[2]s AND x.reported_at <= $1)
				  AND NOT EXISTS (SELECT 1 FROM org_life x WHERE x.member_id = m.id AND x.status <> 'rejected'
					AND x.held_on >= $%[1]d::date AND x.held_on <= day.d)
				  AND NOT EXISTS (SELECT 1 FROM dues_payments x WHERE x.member_id = m.id AND x.reverses IS NULL
					AND x.paid_at >= %[2]s AND x.paid_at <= $1 AND NOT EXISTS (SELECT 1 FROM dues_payments v WHERE v.reverses = x.id))
				  AND NOT EXISTS (SELECT 1 FROM member_contacts x WHERE x.member_id = m.id AND x.contacted_on >= $%[1]d::date
					AND x.contacted_on <= day.d)
				  AND NOT EXISTS (SELECT 1 FROM inflow_assessments x WHERE x.member_id = m.id AND x.recorded_at >= %[2]s
					AND x.recorded_at <= $1)`, n, since)
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
