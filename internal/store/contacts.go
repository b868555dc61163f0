package store

import (
	"context"
	"time"
)

// Sides of an organization contact.
const (
	// ContactInflow is the contact of the organization where our outflow members are
	// registered (流入地联系人).
	ContactInflow = "inflow"
	// ContactHome is the contact of a 流入 member's home organization (流出地党组织).
	ContactHome = "home"
)

// OrgContact is the contact person of an organization outside the committee.
type OrgContact struct {
	ID           int64     `db:"id"`
	Side         string    `db:"side"`
	Org          string    `db:"org"`
	Name         string    `db:"name"`
	PhoneEnc     []byte    `db:"phone_enc"`
	ProvinceCode string    `db:"province_code"`
	CityCode     string    `db:"city_code"`
	CountyCode   string    `db:"county_code"`
	CreatedBy    *int64    `db:"created_by"`
	CreatedAt    time.Time `db:"created_at"`
}

const orgContactColumns = `id, side, org, name, phone_enc, province_code, city_code, county_code, created_by, created_at`

// EnsureOrgContact returns the contact of that side, organization and name, creating it; a phone
// or region given replaces the stored one.
func (s *Store) EnsureOrgContact(ctx context.Context, c *OrgContact) error {
	err := s.q.GetContext(ctx, c, `
		INSERT INTO org_contacts (side, org, name, phone_enc, province_code, city_code, county_code, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (side, org, name) DO UPDATE SET
			phone_enc = COALESCE(EXCLUDED.phone_enc, org_contacts.phone_enc),
			province_code = CASE WHEN EXCLUDED.province_code <> '' THEN EXCLUDED.province_code ELSE org_contacts.province_code END,
			city_code = CASE WHEN EXCLUDED.province_code <> '' THEN EXCLUDED.city_code ELSE org_contacts.city_code END,
			county_code = CASE WHEN EXCLUDED.province_code <> '' THEN EXCLUDED.county_code ELSE org_contacts.county_code END
		RETURNING `+orgContactColumns,
		c.Side, c.Org, c.Name, c.PhoneEnc, c.ProvinceCode, c.CityCode, c.CountyCode, c.CreatedBy)
	return wrap("save organization contact", err)
}

// OrgContactByID fetches one contact.
func (s *Store) OrgContactByID(ctx context.Context, id int64) (OrgContact, error) {
	var c OrgContact
	err := s.q.GetContext(ctx, &c, `SELECT `+orgContactColumns+` FROM org_contacts WHERE id = $1`, id)
	return c, wrap("fetch organization contact", err)
}

// LinkContact makes the contact cover the member from since, ending the member's other live
// links on the contact's side (a member is registered with one inflow organization, and has
// one home organization). linked is false when this link was live already.
func (s *Store) LinkContact(ctx context.Context, contactID, memberID int64, since time.Time, by *int64) (linked bool, err error) {
	if _, err := s.q.ExecContext(ctx, `
		UPDATE contact_members l SET ended_on = $3
		FROM org_contacts c, org_contacts mine
		WHERE l.contact_id = c.id AND mine.id = $1 AND c.side = mine.side
		  AND l.member_id = $2 AND l.ended_on IS NULL AND l.contact_id <> $1`, contactID, memberID, since); err != nil {
		return false, wrap("end earlier contact links", err)
	}
	res, err := s.q.ExecContext(ctx, `
		INSERT INTO contact_members (contact_id, member_id, since, linked_by) VALUES ($1, $2, $3, $4)
		ON CONFLICT (contact_id, member_id) WHERE ended_on IS NULL DO NOTHING`, contactID, memberID, since, by)
	if err != nil {
		return false, wrap("link contact", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// ContactLink is a live link of a member to a contact, with whether the contact has a chat
// account bound (on any bot account).
type ContactLink struct {
	OrgContact
	Since time.Time `db:"since"`
	Bound bool      `db:"bound"`
}

// ContactsOfMember lists the member's live contacts of a side ("" for both), newest first.
func (s *Store) ContactsOfMember(ctx context.Context, memberID int64, side string) ([]ContactLink, error) {
	var out []ContactLink
	err := s.q.SelectContext(ctx, &out, `
		SELECT `+prefixed("c", orgContactColumns)+`, l.since,
			EXISTS (SELECT 1 FROM contact_identities ci WHERE ci.contact_id = c.id) AS bound
		FROM contact_members l JOIN org_contacts c ON c.id = l.contact_id
		WHERE l.member_id = $1 AND l.ended_on IS NULL AND ($2 = '' OR c.side = $2)
		ORDER BY l.since DESC, l.id DESC`, memberID, side)
	return out, wrap("fetch the member's contacts", err)
}

// MembersOfContact lists the members a contact covers now (live links, not transferred out).
func (s *Store) MembersOfContact(ctx context.Context, contactID int64) ([]Member, error) {
	var ms []Member
	err := s.q.SelectContext(ctx, &ms, `SELECT `+memberColumns+memberFrom+`
		JOIN contact_members l ON l.member_id = m.id AND l.ended_on IS NULL
		WHERE l.contact_id = $1 AND m.transferred_out_on IS NULL ORDER BY m.name, m.id`, contactID)
	return ms, wrap("fetch the contact's members", err)
}

// MembersByNameForContact is MembersByName within what a contact covers.
func (s *Store) MembersByNameForContact(ctx context.Context, name string, contactID int64) ([]Member, error) {
	var ms []Member
	err := s.q.SelectContext(ctx, &ms, `SELECT `+memberColumns+memberFrom+`
		JOIN contact_members l ON l.member_id = m.id AND l.ended_on IS NULL
		WHERE l.contact_id = $1 AND m.name = $2 AND m.transferred_out_on IS NULL ORDER BY b.name, m.id`, contactID, name)
	return ms, wrap("fetch the contact's members by name", err)
}

// BoundContactsOf maps each of the members to the contacts of a side covering them that have a
// chat account bound (jobs tell them about the member).
func (s *Store) BoundContactsOf(ctx context.Context, memberIDs []int64, side string) (map[int64][]OrgContact, error) {
	out := map[int64][]OrgContact{}
	if len(memberIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		MemberID int64 `db:"member_id"`
		OrgContact
	}
	err := s.q.SelectContext(ctx, &rows, `
		SELECT l.member_id, `+prefixed("c", orgContactColumns)+`
		FROM contact_members l JOIN org_contacts c ON c.id = l.contact_id
		WHERE l.member_id = ANY ($1) AND l.ended_on IS NULL AND c.side = $2
		  AND EXISTS (SELECT 1 FROM contact_identities ci WHERE ci.contact_id = c.id)
		ORDER BY l.member_id, c.id`, Int64Array(memberIDs), side)
	for _, r := range rows {
		out[r.MemberID] = append(out[r.MemberID], r.OrgContact)
	}
	return out, wrap("fetch bound contacts", err)
}

// ContactIdentity is a contact's chat account on one bot account.
type ContactIdentity struct {
	ID         int64      `db:"id"`
	ContactID  int64      `db:"contact_id"`
	Platform   string     `db:"platform"`
	Account    string     `db:"account"`
	Handle     string     `db:"handle"`
	Nickname   string     `db:"nickname"`
	AvatarID   string     `db:"avatar_id"`
	Remark     string     `db:"remark"`
	BoundAt    time.Time  `db:"bound_at"`
	LastSeenAt *time.Time `db:"last_seen_at"`
}

const contactIdentityColumns = `id, contact_id, platform, account, handle, nickname, avatar_id, remark, bound_at, last_seen_at`

// BindContactIdentity binds a chat handle to the contact, replacing the contact's earlier
// binding on this bot account.
func (s *Store) BindContactIdentity(ctx context.Context, ci *ContactIdentity) error {
	err := s.q.GetContext(ctx, ci, `
		INSERT INTO contact_identities (contact_id, platform, account, handle, nickname, avatar_id, remark)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (platform, account, contact_id) DO UPDATE SET handle = EXCLUDED.handle,
			nickname = EXCLUDED.nickname, avatar_id = EXCLUDED.avatar_id, remark = EXCLUDED.remark, bound_at = now()
		RETURNING `+contactIdentityColumns,
		ci.ContactID, ci.Platform, ci.Account, ci.Handle, ci.Nickname, ci.AvatarID, ci.Remark)
	return wrap("bind contact chat account", err)
}

// IdentifiedContact is a chat handle's contact binding with the contact.
type IdentifiedContact struct {
	ContactIdentity
	Contact OrgContact
}

// ContactByHandle resolves a chat handle bound to a contact; ErrNotFound when it is not.
func (s *Store) ContactByHandle(ctx context.Context, platform, account, handle string) (IdentifiedContact, error) {
	var row struct {
		ContactIdentity
		Side string `db:"side"`
		Org  string `db:"org"`
		Name string `db:"name"`
	}
	err := s.q.GetContext(ctx, &row, `
		SELECT `+prefixed("ci", contactIdentityColumns)+`, c.side, c.org, c.name
		FROM contact_identities ci JOIN org_contacts c ON c.id = ci.contact_id
		WHERE ci.platform = $1 AND ci.account = $2 AND ci.handle = $3`, platform, account, handle)
	if err != nil {
		return IdentifiedContact{}, wrap("identify contact chat handle", err)
	}
	return IdentifiedContact{ContactIdentity: row.ContactIdentity,
		Contact: OrgContact{ID: row.ContactID, Side: row.Side, Org: row.Org, Name: row.Name}}, nil
}

// ContactIdentityOn finds the contact's binding on one bot account.
func (s *Store) ContactIdentityOn(ctx context.Context, platform, account string, contactID int64) (ContactIdentity, error) {
	var ci ContactIdentity
	err := s.q.GetContext(ctx, &ci, `SELECT `+contactIdentityColumns+` FROM contact_identities
		WHERE platform = $1 AND account = $2 AND contact_id = $3`, platform, account, contactID)
	return ci, wrap("fetch contact chat account", err)
}

// TouchContactIdentity records that the contact's handle was seen.
func (s *Store) TouchContactIdentity(ctx context.Context, id int64, at time.Time) error {
	_, err := s.q.ExecContext(ctx, `UPDATE contact_identities SET last_seen_at = $2 WHERE id = $1`, id, at)
	return wrap("touch contact chat account", err)
}

// IdentityHandleTaken reports whether a chat handle is bound already, to a member or a contact.
func (s *Store) IdentityHandleTaken(ctx context.Context, platform, account, handle string) (bool, error) {
	var taken bool
	err := s.q.GetContext(ctx, &taken, `SELECT
		EXISTS (SELECT 1 FROM chat_identities WHERE platform = $1 AND account = $2 AND handle = $3) OR
		EXISTS (SELECT 1 FROM contact_identities WHERE platform = $1 AND account = $2 AND handle = $3)`, platform, account, handle)
	return taken, wrap("check chat handle", err)
}
