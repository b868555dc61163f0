package collect

import (
	"context"
	"fmt"
	"strings"
	"time"

	"liudong/internal/dues"
	"liudong/internal/store"
)

// PaymentInput is a payment as a secretary records it (收党费).
type PaymentInput struct {
	Months dues.MonthSpan // a count starts at the member's first unsettled month
	Amount dues.Fen       // 0: not given (the refusal tells what is due)
	// Inflow marks a payment made at the inflow place (流入地); PlaceName names it if known.
	Inflow    bool
	PlaceName string
	// Note is the secretary's remark; it is also what allows 补交 beyond the usual window.
	Note   string
	PaidAt time.Time
	// Also, when set, runs in the payment's transaction once it is recorded (to tell someone):
	// it returns the outbox rows it enqueued.
	Also func(ctx context.Context, tx *store.Store, p store.DuesPayment) ([]int64, error)
}

// Recorded is the outcome of a payment or reversal.
type Recorded struct {
	Account  *Account
	Entry    store.DuesPayment // the payment or the reversal
	Reversed *store.DuesPayment
	Status   dues.Status
	Notified []int64
}

// RecordPayment appends a payment after the ledger checks: months within the advance and
// arrears windows (补交 beyond them needs a note), none paid already, the amount equal to what
// is due. The member is notified.
func (s *Service) RecordPayment(ctx context.Context, actor Actor, memberID int64, in PaymentInput) (Recorded, error) {
	var out Recorded
	today := s.Month(in.PaidAt)
	err := s.st.InTx(ctx, func(tx *store.Store) error {
		a, err := s.lockAndLoad(ctx, tx, memberID, today)
		if err != nil {
			return err
		}
		if err := a.requireAssessed(); err != nil {
			return err
		}
		first, err := a.Ledger.FirstUnsettled()
		if err != nil {
			return err
		}
		from, to, err := in.Months.Resolve(first)
		if err != nil {
			return refuse("%s", err)
		}
		m := a.Member
		if in.Amount == 0 {
			due, err := a.Ledger.DueFor(from, to)
			if err != nil {
				return refuse("%s", err)
			}
			return refuse("请写上实收金额：%s应交%s，例如：收党费 %s %s %s", dues.FormatMonths(from, to), due, m.Name, dues.FormatMonths(from, to), due.Plain())
		}
		p := store.DuesPayment{
			MemberID: memberID, From: from, To: to, Amount: in.Amount, Place: store.PaidAtHome,
			OrgUnitID: &m.BranchID, Note: strings.TrimSpace(in.Note), PaidAt: in.PaidAt,
			RecordedBy: actor.label(), RecordedByMemberID: actor.member(), InboundID: actor.inbound(),
		}
		if actor.ContactID != 0 {
			p.RecordedByContact = &actor.ContactID
		}
		switch {
		case m.Mobility == "流入":
			// The member's branch here is the inflow branch.
			p.Place, p.PlaceName = store.PaidAtInflow, m.BranchName
			if in.PlaceName != "" {
				p.PlaceName = in.PlaceName
			}
		case in.Inflow && m.Mobility == "":
			return refuse("%s不是流动党员，不能登记为在流入地缴纳。", m.Name)
		case in.Inflow:
			p.Place, p.PlaceName, p.OrgUnitID = store.PaidAtInflow, in.PlaceName, nil
		}
		if window := today.Add(-s.rules.Payment.MaxArrearsMonths); from.Before(window) {
			p.Override = p.Note
		}
		if err := a.Ledger.Check(p.Payment(), today, s.rules.Payment); err != nil {
			return refuse("%s", err)
		}
		if err := tx.InsertDuesPayment(ctx, &p); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, actor, "dues.payment", m, map[string]any{
			"payment": p.ID, "from": from.String(), "to": to.String(), "amount_fen": p.Amount,
			"place": p.Place, "place_name": p.PlaceName, "note": p.Note, "override": p.Override,
		}); err != nil {
			return err
		}
		a.Payments = append(a.Payments, p)
		a.build()
		st, err := a.Ledger.Status(today)
		if err != nil {
			return err
		}
		text := fmt.Sprintf("您的党费缴纳已登记：%s，%s（%s，记录#%d）。%s", dues.FormatMonths(from, to), p.Amount,
			placeText(p, actor), p.ID, standingLine(st))
		if out.Notified, err = notifyMember(ctx, tx, actor, memberID, "dues.payment", fmt.Sprintf("payment:%d", p.ID), text); err != nil {
			return err
		}
		if in.Also != nil {
			more, err := in.Also(ctx, tx, p)
			if err != nil {
				return err
			}
			out.Notified = append(out.Notified, more...)
		}
		out.Account, out.Entry, out.Status = a, p, st
		return nil
	})
	return out, err
}

func (a *Account) requireAssessed() error {
	if a.Assessed() {
		return nil
	}
	name := a.Member.Name
	return refuse("%s尚未核定党费标准（%s），请先核定，例如：核定党费 %s 在职 月收入4000", name, a.Unassessed, name)
}

// placeText says where and by whom a payment was taken.
func placeText(p store.DuesPayment, actor Actor) string {
	where := "在本支部缴纳"
	if p.Place == store.PaidAtInflow {
		where = "在流入地缴纳"
		if p.PlaceName != "" {
			where = "在流入地" + p.PlaceName + "缴纳"
		}
	}
	if actor.Name != "" {
		where += "，" + actor.Name + "登记"
	}
	return where
}

// standingLine is the one-line standing after a change.
func standingLine(st dues.Status) string {
	var b strings.Builder
	if st.PaidThrough.IsZero() {
		b.WriteString("目前尚无连续缴纳的月份")
	} else {
		b.WriteString("目前已缴至" + st.PaidThrough.String())
	}
	if len(st.Arrears) > 0 {
		fmt.Fprintf(&b, "，欠缴%d个月共%s。", len(st.Arrears), st.Owed)
	} else {
		b.WriteString("，无欠缴。")
	}
	return b.String()
}

// PaymentRef names a ledger entry: by its number, or by a month it covers.
type PaymentRef struct {
	ID    int64
	Month dues.Month
}

func (r PaymentRef) String() string {
	if r.ID != 0 {
		return fmt.Sprintf("#%d", r.ID)
	}
	return r.Month.String()
}

// Reverse cancels a payment entered in error with a correcting entry (冲正): same months, the
// negative amount, the reason. The original stays in the ledger.
func (s *Service) Reverse(ctx context.Context, actor Actor, memberID int64, ref PaymentRef, reason string, at time.Time) (Recorded, error) {
	var out Recorded
	today := s.Month(at)
	reason = strings.TrimSpace(reason)
	err := s.st.InTx(ctx, func(tx *store.Store) error {
		a, err := s.lockAndLoad(ctx, tx, memberID, today)
		if err != nil {
			return err
		}
		m := a.Member
		var orig store.DuesPayment
		switch {
		case ref.ID != 0:
			p, ok := a.Payment(ref.ID)
			if !ok {
				return refuse("%s没有编号为#%d的缴费记录。发送“党费 %s”可查看缴费记录及编号。", m.Name, ref.ID, m.Name)
			}
			orig = p
		default:
			found := false
			for _, p := range a.Payments {
				if p.Reverses == nil && p.ReversedBy == nil && !ref.Month.Before(p.From) && !ref.Month.After(p.To) {
					orig, found = p, true
				}
			}
			if !found {
				return refuse("%s的%s没有可冲正的缴费记录。", m.Name, ref.Month)
			}
		}
		if reason == "" {
			return refuse("冲正需注明原因，例如：冲正 %s %s 金额录错", m.Name, ref)
		}
		r := store.DuesPayment{
			MemberID: memberID, From: orig.From, To: orig.To, Amount: -orig.Amount, Reverses: &orig.ID,
			Place: orig.Place, PlaceName: orig.PlaceName, OrgUnitID: orig.OrgUnitID, Note: reason, PaidAt: at,
			RecordedBy: actor.label(), RecordedByMemberID: actor.member(), InboundID: actor.inbound(),
		}
		if err := a.requireAssessed(); err != nil {
			return err
		}
		if err := a.Ledger.Check(r.Payment(), today, s.rules.Payment); err != nil {
			return refuse("%s", err)
		}
		if err := tx.InsertDuesPayment(ctx, &r); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, actor, "dues.reversal", m, map[string]any{
			"reversal": r.ID, "reverses": orig.ID, "from": orig.From.String(), "to": orig.To.String(),
			"amount_fen": orig.Amount, "reason": reason,
		}); err != nil {
			return err
		}
		a.Payments = append(a.Payments, r)
		for i := range a.Payments {
			if a.Payments[i].ID == orig.ID {
				a.Payments[i].ReversedBy = &r.ID
			}
		}
		a.build()
		st, err := a.Ledger.Status(today)
		if err != nil {
			return err
		}
		text := fmt.Sprintf("您%s的党费缴纳记录#%d（%s）已冲正，原因：%s。%s", dues.FormatMonths(orig.From, orig.To), orig.ID, orig.Amount, reason, standingLine(st))
		if out.Notified, err = notifyMember(ctx, tx, actor, memberID, "dues.reversal", fmt.Sprintf("reversal:%d", r.ID), text); err != nil {
			return err
		}
		out.Account, out.Entry, out.Reversed, out.Status = a, r, &orig, st
		return nil
	})
	return out, err
}

// maxExemptionMonths bounds one exemption: a longer hardship is approved again.
const maxExemptionMonths = 24

// Exempted is the outcome of recording or revoking an exemption.
type Exempted struct {
	Account   *Account
	Exemption store.DuesExemption
	Status    dues.Status
	Notified  []int64
}

// Exempt records a hardship exemption or reduction approved above the branch.
func (s *Service) Exempt(ctx context.Context, actor Actor, memberID int64, e dues.Exemption, at time.Time) (Exempted, error) {
	var out Exempted
	today := s.Month(at)
	err := s.st.InTx(ctx, func(tx *store.Store) error {
		a, err := s.lockAndLoad(ctx, tx, memberID, today)
		if err != nil {
			return err
		}
		if err := a.requireAssessed(); err != nil {
			return err
		}
		m := a.Member
		if err := e.Validate(); err != nil {
			return refuse("%s", err)
		}
		if by := strings.TrimSpace(e.ApprovedBy); by == m.BranchName || (strings.HasSuffix(by, "支部") && !strings.Contains(by, "总支")) {
			return refuse("党费减免须经党支部的上一级党组织（如镇党委）批准，不能由支部自行批准。")
		}
		if n := e.To.Sub(e.From) + 1; n > maxExemptionMonths {
			return refuse("一次减免最长%d个月（现为%d个月），期满后可再次报批。", maxExemptionMonths, n)
		}
		start, err := a.Ledger.StartMonth()
		if err != nil {
			return err
		}
		if e.To.Before(start) {
			return refuse("%s的党费从%s起计，%s无需减免。", m.Name, start, dues.FormatMonths(e.From, e.To))
		}
		for _, x := range a.LiveExemptions() {
			if !e.To.Before(x.From) && !x.To.Before(e.From) {
				return refuse("与已有的减免重叠：%s。如需更改，请先发送“撤销减免 %s %s 原因”。", x.Exemption().Explain(), m.Name, x.From)
			}
		}
		if e.Kind == dues.Reduce {
			for mo := e.From; !mo.After(e.To); mo = mo.Add(1) {
				cur := a.InForce(mo)
				if cur != nil && e.ReducedTo >= cur.Monthly {
					return refuse("减交后的金额%s应低于核定的每月%s（%s）；不需缴纳请写“免交”。", e.ReducedTo, cur.Monthly, mo)
				}
			}
		}
		row := store.DuesExemption{
			MemberID: memberID, From: e.From, To: e.To, Kind: e.Kind, ReducedTo: e.ReducedTo,
			Reason: strings.TrimSpace(e.Reason), ApprovedBy: strings.TrimSpace(e.ApprovedBy),
			RecordedBy: actor.label(), RecordedByMemberID: actor.member(), InboundID: actor.inbound(),
		}
		trial := *a
		trial.Exemptions = append(append([]store.DuesExemption(nil), a.Exemptions...), row)
		trial.build()
		if _, err := trial.Ledger.Status(today); err != nil {
			return refuse("%s", err)
		}
		if err := tx.InsertDuesExemption(ctx, &row); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, actor, "dues.exemption", m, map[string]any{
			"exemption": row.ID, "from": e.From.String(), "to": e.To.String(), "kind": e.Kind,
			"reduced_to_fen": e.ReducedTo, "reason": row.Reason, "approved_by": row.ApprovedBy,
		}); err != nil {
			return err
		}
		a.Exemptions = append(a.Exemptions, row)
		a.build()
		st, err := a.Ledger.Status(today)
		if err != nil {
			return err
		}
		text := "经批准，您" + row.Exemption().Explain() + "。" + standingLine(st)
		if out.Notified, err = notifyMember(ctx, tx, actor, memberID, "dues.exemption", fmt.Sprintf("exemption:%d", row.ID), text); err != nil {
			return err
		}
		out.Account, out.Exemption, out.Status = a, row, st
		return nil
	})
	return out, err
}

// RevokeExemption revokes an exemption entered in error, named by a month it covers.
func (s *Service) RevokeExemption(ctx context.Context, actor Actor, memberID int64, month dues.Month, reason string, at time.Time) (Exempted, error) {
	var out Exempted
	today := s.Month(at)
	reason = strings.TrimSpace(reason)
	err := s.st.InTx(ctx, func(tx *store.Store) error {
		a, err := s.lockAndLoad(ctx, tx, memberID, today)
		if err != nil {
			return err
		}
		m := a.Member
		var target *store.DuesExemption
		for _, e := range a.LiveExemptions() {
			if e.Exemption().Covers(month) {
				target = &e
			}
		}
		if target == nil {
			return refuse("%s的%s没有减免记录。", m.Name, month)
		}
		if reason == "" {
			return refuse("撤销减免需注明原因，例如：撤销减免 %s %s 期间录错", m.Name, month)
		}
		if err := tx.RevokeDuesExemption(ctx, target.ID, reason, actor.label(), actor.member(), actor.inbound()); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, actor, "dues.exemption_revoked", m, map[string]any{
			"exemption": target.ID, "reason": reason,
		}); err != nil {
			return err
		}
		if a, err = s.load(ctx, tx, memberID); err != nil {
			return err
		}
		st, err := a.Status(today)
		if err != nil {
			return err
		}
		text := fmt.Sprintf("您的党费减免（%s）已撤销，原因：%s。%s", target.Exemption().Explain(), reason, standingLine(st))
		if out.Notified, err = notifyMember(ctx, tx, actor, memberID, "dues.exemption_revoked", fmt.Sprintf("revocation:%d", target.ID), text); err != nil {
			return err
		}
		out.Account, out.Exemption, out.Status = a, *target, st
		return nil
	})
	return out, err
}

// Standings makes the assessments due by month within scope (nil: everyone), then derives
// every member's standing in month (store.DuesStandings): monthly amount, the month's due,
// paid-through, the last month paid and when, arrears. For the scheduler's dues notices and
// six-month rule, and for 党费未交.
func (s *Service) Standings(ctx context.Context, month dues.Month, scope []store.OrgUnit) ([]store.DuesStanding, error) {
	if _, err := s.AssessDue(ctx, month, scope); err != nil {
		return nil, err
	}
	return s.st.DuesStandings(ctx, month, scope)
}

// StandingsWhere is Standings for the members matching filter only (store.DuesFilter): the
// scheduler's daily read of the members behind with their dues.
func (s *Service) StandingsWhere(ctx context.Context, month dues.Month, scope []store.OrgUnit, filter store.DuesFilter) ([]store.DuesStanding, error) {
	if _, err := s.AssessDue(ctx, month, scope); err != nil {
		return nil, err
	}
	return s.st.DuesStandingsWhere(ctx, month, scope, filter)
}
