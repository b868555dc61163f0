// Package collect keeps the Party dues ledger in PostgreSQL on top of the pure rules of
// internal/dues: assessments and their yearly renewal, hardship exemptions, payments and
// reversals, each with its audit row and the member's notification, and the chat commands,
// the standings the scheduler reads and the yearly 公示 report. Paid-through and arrears are
// always derived from the ledger, never stored.
package collect

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"liudong/internal/dues"
	"liudong/internal/notify"
	"liudong/internal/store"
)

// Service is the dues ledger of one committee.
type Service struct {
	st       *store.Store
	rules    dues.Rules
	province string // the committee's province, for provincial rules; "" when unknown
	loc      *time.Location
}

// New builds the service; region is the committee's (安徽省六安市), its province selects the
// provincial rules.
func New(st *store.Store, rules dues.Rules, region string, loc *time.Location) *Service {
	province, _ := dues.NormalizeProvince(region)
	if rules.Categories == nil {
		rules = dues.DefaultRules()
	}
	return &Service{st: st, rules: rules, province: province, loc: loc}
}

// Rules is the dues table in force.
func (s *Service) Rules() dues.Rules { return s.rules }

// Month is the dues month t falls in, in the configured time zone.
func (s *Service) Month(t time.Time) dues.Month { return dues.MonthOf(t.In(s.loc)) }

// Actor is who makes a change: a secretary by chat, the command line, or the system.
type Actor struct {
	MemberID  int64  // 0 unless a member
	ContactID int64  // 0 unless an inflow organization's contact
	Name      string // shown to the member notified
	InboundID int64  // the chat message that asked for it, if any
}

func (a Actor) label() string {
	if a.MemberID != 0 {
		return "member:" + strconv.FormatInt(a.MemberID, 10)
	}
	if a.ContactID != 0 {
		return "contact:" + strconv.FormatInt(a.ContactID, 10)
	}
	if a.Name != "" {
		return a.Name
	}
	return "system"
}

func (a Actor) member() *int64 {
	if a.MemberID == 0 {
		return nil
	}
	return &a.MemberID
}

func (a Actor) inbound() *int64 {
	if a.InboundID == 0 {
		return nil
	}
	return &a.InboundID
}

// Refusal is an error whose text is meant for the user: the request broke a rule, nothing
// was written.
type Refusal struct{ Text string }

func (r *Refusal) Error() string { return r.Text }

func refuse(format string, args ...any) error { return &Refusal{Text: fmt.Sprintf(format, args...)} }

// AsRefusal reports whether err is a Refusal and returns its text.
func AsRefusal(err error) (string, bool) {
	var r *Refusal
	if errors.As(err, &r) {
		return r.Text, true
	}
	return "", false
}

// Account is one member's dues records and the ledger built from them.
type Account struct {
	Member      store.Member
	Assessments []store.DuesAssessment // in the order made
	Exemptions  []store.DuesExemption  // revoked ones included
	Payments    []store.DuesPayment    // reversals included
	Ledger      dues.Ledger
	// Unassessed says why the member has no assessment yet ("" once assessed).
	Unassessed string
}

// Assessed reports whether the member has a monthly amount.
func (a *Account) Assessed() bool { return len(a.Assessments) > 0 }

// InForce returns the assessment in force in month m: the newest made whose month is not
// later; nil before the start.
func (a *Account) InForce(m dues.Month) *store.DuesAssessment {
	var best *store.DuesAssessment
	for i := range a.Assessments {
		r := &a.Assessments[i]
		if !r.From.After(m) && (best == nil || r.ID > best.ID) {
			best = r
		}
	}
	return best
}

// Latest returns the newest assessment, or nil.
func (a *Account) Latest() *store.DuesAssessment {
	if len(a.Assessments) == 0 {
		return nil
	}
	return &a.Assessments[len(a.Assessments)-1]
}

// LiveExemptions returns the exemptions not revoked.
func (a *Account) LiveExemptions() []store.DuesExemption {
	var out []store.DuesExemption
	for _, e := range a.Exemptions {
		if e.Live() {
			out = append(out, e)
		}
	}
	return out
}

// Payment returns the ledger entry with that id.
func (a *Account) Payment(id int64) (store.DuesPayment, bool) {
	for _, p := range a.Payments {
		if p.ID == id {
			return p, true
		}
	}
	return store.DuesPayment{}, false
}

func (a *Account) build() {
	made := make([]dues.Assessed, len(a.Assessments))
	for i, r := range a.Assessments {
		made[i] = r.Assessment()
	}
	a.Ledger = dues.Ledger{Assessments: dues.Supersede(made)}
	for _, e := range a.LiveExemptions() {
		a.Ledger.Exemptions = append(a.Ledger.Exemptions, e.Exemption())
	}
	for _, p := range a.Payments {
		a.Ledger.Payments = append(a.Ledger.Payments, p.Payment())
	}
}

// load reads a member's records; tx should hold the member's lock when it is about to write.
func (s *Service) load(ctx context.Context, tx *store.Store, memberID int64) (*Account, error) {
	m, err := tx.MemberByID(ctx, memberID)
	if err != nil {
		return nil, err
	}
	a := &Account{Member: m}
	if a.Assessments, err = tx.DuesAssessmentsOf(ctx, memberID); err != nil {
		return nil, err
	}
	if a.Exemptions, err = tx.DuesExemptionsOf(ctx, memberID); err != nil {
		return nil, err
	}
	if a.Payments, err = tx.DuesPaymentsOf(ctx, memberID); err != nil {
		return nil, err
	}
	a.build()
	return a, nil
}

// Account returns a member's records as of today, making the member's first or yearly
// assessment when it is due.
func (s *Service) Account(ctx context.Context, memberID int64, today dues.Month) (*Account, error) {
	var a *Account
	err := s.st.InTx(ctx, func(tx *store.Store) error {
		var err error
		a, err = s.lockAndLoad(ctx, tx, memberID, today)
		return err
	})
	return a, err
}

// lockAndLoad takes the member's lock, makes a due assessment and loads the records.
func (s *Service) lockAndLoad(ctx context.Context, tx *store.Store, memberID int64, today dues.Month) (*Account, error) {
	if err := tx.LockMemberDues(ctx, memberID); err != nil {
		return nil, err
	}
	rep, err := s.assessDue(ctx, tx, today, []int64{memberID}, nil)
	if err != nil {
		return nil, err
	}
	a, err := s.load(ctx, tx, memberID)
	if err != nil {
		return nil, err
	}
	if !a.Assessed() && len(rep.Skipped) > 0 {
		a.Unassessed = rep.Skipped[0].Reason
	}
	return a, nil
}

// Status derives where the account stands today.
func (a *Account) Status(today dues.Month) (dues.Status, error) {
	if !a.Assessed() {
		return dues.Status{}, nil
	}
	return a.Ledger.Status(today)
}

// notifyMember enqueues a notification to the member (in tx, so it is sent only if the change
// is committed); the member acting on their own record is not told.
func notifyMember(ctx context.Context, tx *store.Store, actor Actor, memberID int64, kind, period, text string) ([]int64, error) {
	if actor.MemberID == memberID {
		return nil, nil
	}
	id, err := notify.Enqueue(ctx, tx, notify.Message{Kind: kind, Period: period, MemberID: memberID, Text: text})
	if err != nil || id == 0 {
		return nil, err
	}
	return []int64{id}, nil
}

func (s *Service) audit(ctx context.Context, tx *store.Store, actor Actor, action string, m store.Member, detail map[string]any) error {
	return tx.Audit(ctx, store.AuditEntry{
		Actor: actor.label(), ActorMemberID: actor.member(), Action: action,
		OrgUnitID: &m.BranchID, TargetMemberID: &m.ID, InboundID: actor.inbound(),
	}, detail)
}

// sortedByFrom returns exemptions ordered by their first month.
func sortedByFrom(es []store.DuesExemption) []store.DuesExemption {
	out := slices.Clone(es)
	slices.SortFunc(out, func(x, y store.DuesExemption) int { return x.From.Sub(y.From) })
	return out
}
