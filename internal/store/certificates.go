package store

import (
	"context"
	"time"
)

// Certificate statuses.
const (
	CertificateIssued   = "issued"   // in force, held by the member
	CertificateReturned = "returned" // handed back and inspected (收回, 查验)
	CertificateLost     = "lost"     // reported lost (挂失)
)

// Certificate is one 《流动党员活动证》. Dates are calendar dates.
type Certificate struct {
	ID             int64      `db:"id"`
	MemberID       int64      `db:"member_id"`
	Number         string     `db:"number"`
	Issuer         string     `db:"issuer"`
	IssuedOn       time.Time  `db:"issued_on"`
	IssuedBy       *int64     `db:"issued_by"`
	ValidUntil     *time.Time `db:"valid_until"`
	ReviewedOn     *time.Time `db:"reviewed_on"`
	ReviewBaseOn   time.Time  `db:"review_base_on"`
	Status         string     `db:"status"`
	InflowOn       *time.Time `db:"inflow_on"`
	InflowOrg      string     `db:"inflow_org"`
	InflowContact  string     `db:"inflow_contact"`
	InflowPhoneEnc []byte     `db:"inflow_phone_enc"`
	InflowBy       *int64     `db:"inflow_by"`
	ReturnedOn     *time.Time `db:"returned_on"`
	InspectedBy    *int64     `db:"inspected_by"`
	InspectionNote string     `db:"inspection_note"`
	LostOn         *time.Time `db:"lost_on"`
	ReplacedBy     *int64     `db:"replaced_by"`
	CreatedAt      time.Time  `db:"created_at"`
}

const certificateColumns = `id, member_id, number, issuer, issued_on, issued_by, valid_until, reviewed_on, review_base_on,
	status, inflow_on, inflow_org, inflow_contact, inflow_phone_enc, inflow_by, returned_on, inspected_by, inspection_note,
	lost_on, replaced_by, created_at`

// NextCertificateSequence takes the next number after prefix (1 for a new prefix); the counter
// row is locked until the transaction ends, so numbers are never handed out twice.
func (s *Store) NextCertificateSequence(ctx context.Context, prefix string) (int64, error) {
	var n int64
	err := s.q.GetContext(ctx, &n, `INSERT INTO certificate_sequences (prefix, last) VALUES ($1, 1)
		ON CONFLICT (prefix) DO UPDATE SET last = certificate_sequences.last + 1 RETURNING last`, prefix)
	return n, wrap("take certificate number", err)
}

// InsertCertificate records an issued certificate; a zero ReviewBaseOn is the issue date. A
// member who already holds one in force, or a number already used, is ErrConflict.
func (s *Store) InsertCertificate(ctx context.Context, c *Certificate) error {
	if c.Status == "" {
		c.Status = CertificateIssued
	}
	if c.ReviewBaseOn.IsZero() {
		c.ReviewBaseOn = c.IssuedOn
	}
	err := s.q.GetContext(ctx, c, `INSERT INTO certificates (member_id, number, issuer, issued_on, issued_by,
		valid_until, reviewed_on, review_base_on, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING `+certificateColumns,
		c.MemberID, c.Number, c.Issuer, c.IssuedOn, c.IssuedBy, c.ValidUntil, c.ReviewedOn, c.ReviewBaseOn, c.Status)
	return wrap("create certificate", err)
}

// CertificateInForce returns the member's certificate in force (status issued).
func (s *Store) CertificateInForce(ctx context.Context, memberID int64) (Certificate, error) {
	var c Certificate
	err := s.q.GetContext(ctx, &c, `SELECT `+certificateColumns+` FROM certificates WHERE member_id = $1 AND status = 'issued'`, memberID)
	return c, wrap("fetch certificate in force", err)
}

// LatestCertificate returns the member's newest certificate, whatever its status.
func (s *Store) LatestCertificate(ctx context.Context, memberID int64) (Certificate, error) {
	var c Certificate
	err := s.q.GetContext(ctx, &c, `SELECT `+certificateColumns+` FROM certificates WHERE member_id = $1
		ORDER BY (status = 'issued') DESC, issued_on DESC, id DESC LIMIT 1`, memberID)
	return c, wrap("fetch latest certificate", err)
}

// ReviewCertificate records an annual review (年审); the same certificate reviewed twice on
// one day is ErrConflict.
func (s *Store) ReviewCertificate(ctx context.Context, id int64, on time.Time, by int64, note string) error {
	return s.InTx(ctx, func(tx *Store) error {
		if _, err := tx.q.ExecContext(ctx, `INSERT INTO certificate_reviews (certificate_id, reviewed_on, reviewed_by, note)
			VALUES ($1, $2, $3, $4)`, id, on, by, note); err != nil {
			return wrap("record certificate review", err)
		}
		_, err := tx.q.ExecContext(ctx, `UPDATE certificates SET reviewed_on = GREATEST(reviewed_on, $2::date),
			review_base_on = GREATEST(review_base_on, $2::date) WHERE id = $1`, id, on)
		return wrap("record certificate review", err)
	})
}

// CertificateReview is one annual review.
type CertificateReview struct {
	ID            int64     `db:"id"`
	CertificateID int64     `db:"certificate_id"`
	ReviewedOn    time.Time `db:"reviewed_on"`
	ReviewedBy    *int64    `db:"reviewed_by"`
	Note          string    `db:"note"`
}

// CertificateReviews lists a certificate's reviews, oldest first.
func (s *Store) CertificateReviews(ctx context.Context, id int64) ([]CertificateReview, error) {
	var rs []CertificateReview
	err := s.q.SelectContext(ctx, &rs, `SELECT id, certificate_id, reviewed_on, reviewed_by, note FROM certificate_reviews
		WHERE certificate_id = $1 ORDER BY reviewed_on, id`, id)
	return rs, wrap("fetch certificate reviews", err)
}

// ReturnCertificate records the certificate handed back and inspected (收回, 查验).
func (s *Store) ReturnCertificate(ctx context.Context, id int64, on time.Time, by int64, note string) error {
	_, err := s.q.ExecContext(ctx, `UPDATE certificates SET status = 'returned', returned_on = $2, inspected_by = $3,
		inspection_note = $4 WHERE id = $1 AND status = 'issued'`, id, on, by, note)
	return wrap("record certificate return", err)
}

// LoseCertificate records the certificate reported lost (挂失); replacedBy may be nil.
func (s *Store) LoseCertificate(ctx context.Context, id int64, on time.Time, replacedBy *int64) error {
	_, err := s.q.ExecContext(ctx, `UPDATE certificates SET status = 'lost', lost_on = $2, replaced_by = $3
		WHERE id = $1 AND status = 'issued'`, id, on, replacedBy)
	return wrap("record certificate lost", err)
}

// SetCertificateReplacement links a lost certificate to the one issued in its place.
func (s *Store) SetCertificateReplacement(ctx context.Context, lostID, newID int64) error {
	_, err := s.q.ExecContext(ctx, `UPDATE certificates SET replaced_by = $2 WHERE id = $1`, lostID, newID)
	return wrap("link replacement certificate", err)
}

// RegisterCertificateInflow records the inflow side's registration: the date it received the
// member, the inflow organisation and a contact person (the phone sealed).
func (s *Store) RegisterCertificateInflow(ctx context.Context, id int64, on time.Time, org, contact string, phoneEnc []byte, by int64) error {
	_, err := s.q.ExecContext(ctx, `UPDATE certificates SET inflow_on = $2, inflow_org = $3, inflow_contact = $4,
		inflow_phone_enc = $5, inflow_by = $6 WHERE id = $1`, id, on, org, contact, phoneEnc, by)
	return wrap("register certificate at the inflow side", err)
}

// CertificateDue is a certificate in force with its next annual review.
type CertificateDue struct {
	CertificateID int64      `db:"certificate_id"`
	Number        string     `db:"number"`
	MemberID      int64      `db:"member_id"`
	MemberName    string     `db:"member_name"`
	BranchID      int64      `db:"branch_id"`
	BranchName    string     `db:"branch_name"`
	IssuedOn      time.Time  `db:"issued_on"`
	ReviewedOn    *time.Time `db:"reviewed_on"`
	NextReviewOn  time.Time  `db:"next_review_on"`
}

// CertificatesReviewDue lists, in one statement, the certificates in force whose next annual
// review (ReviewBaseOn, i.e. the last review or the issue date, plus reviewMonths) falls on or
// before the date of at plus withinDays: overdue ones included. scope keeps the members of
// those org units' subtrees (nil: everyone). Ordered by next review, then member.
func (s *Store) CertificatesReviewDue(ctx context.Context, at time.Time, withinDays, reviewMonths int, scope []OrgUnit) ([]CertificateDue, error) {
	args := []any{at.Format(time.DateOnly), withinDays, reviewMonths}
	filter := ""
	if scope != nil {
		args = append(args, pathPatterns(scope))
		filter = ` AND b.path LIKE ANY ($4::text[])`
	}
	var ds []CertificateDue
	// Certificates are filtered before the members are joined: a few are due.
	err := s.q.SelectContext(ctx, &ds, `
		SELECT c.id AS certificate_id, c.number, c.member_id, m.name AS member_name, m.branch_id, b.name AS branch_name,
			c.issued_on, c.reviewed_on, (c.review_base_on + make_interval(months => $3))::date AS next_review_on
		FROM certificates c JOIN members m ON m.id = c.member_id JOIN org_units b ON b.id = m.branch_id
		WHERE c.status = 'issued' AND (c.review_base_on + make_interval(months => $3))::date <= $1::date + $2::int
		  AND `+PresentOn("m", "$1::date")+filter+`
		ORDER BY next_review_on, c.member_id`, args...)
	return ds, wrap("fetch certificates due for review", err)
}

// CertificateUninspected is a certificate still held by a member who has come home.
type CertificateUninspected struct {
	CertificateID int64     `db:"certificate_id"`
	Number        string    `db:"number"`
	MemberID      int64     `db:"member_id"`
	MemberName    string    `db:"member_name"`
	BranchID      int64     `db:"branch_id"`
	BranchName    string    `db:"branch_name"`
	ReturnedOn    time.Time `db:"returned_on"` // the member's return home (返乡)
}

// CertificatesNotInspected lists, in one statement, members who came home (their latest
// departure closed) at least afterDays before the date of at and still hold a certificate in
// force issued before that return: it has not been handed back for inspection. scope keeps the
// members of those org units' subtrees (nil: everyone). Ordered by return date, then member.
func (s *Store) CertificatesNotInspected(ctx context.Context, at time.Time, afterDays int, scope []OrgUnit) ([]CertificateUninspected, error) {
	args := []any{at.Format(time.DateOnly), afterDays}
	filter := ""
	if scope != nil {
		args = append(args, pathPatterns(scope))
		filter = ` AND b.path LIKE ANY ($3::text[])`
	}
	var us []CertificateUninspected
	// Members away now (an open departure) are left out at once; the latest departure is read
	// only for the others, most of whom hold no certificate in force.
	err := s.q.SelectContext(ctx, &us, `
		SELECT c.id AS certificate_id, c.number, c.member_id, m.name AS member_name, m.branch_id, b.name AS branch_name,
			d.returned_on
		FROM certificates c
		JOIN members m ON m.id = c.member_id JOIN org_units b ON b.id = m.branch_id
		JOIN LATERAL (
			SELECT departed_on, returned_on FROM departures WHERE member_id = c.member_id
			ORDER BY departed_on DESC, id DESC LIMIT 1
		) d ON true
		WHERE c.status = 'issued'
		  AND NOT EXISTS (SELECT 1 FROM departures o WHERE o.member_id = c.member_id AND o.returned_on IS NULL)
		  AND d.returned_on IS NOT NULL AND d.returned_on <= $1::date - $2::int
		  AND c.issued_on <= d.returned_on AND `+PresentOn("m", "$1::date")+filter+`
		ORDER BY d.returned_on, c.member_id`, args...)
	return us, wrap("fetch certificates not inspected", err)
}
