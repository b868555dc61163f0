package dues

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Assessed is an assessment in force from a month until the next one.
type Assessed struct {
	From Month
	Assessment
}

// Payment is one append-only ledger entry: a payment for the months From..To,
// or a reversal that cancels an earlier payment. Entries are never updated.
type Payment struct {
	ID       int64  // unique; assigned by the store
	From, To Month  // inclusive
	Amount   Fen    // negative on a reversal
	Reverses int64  // ID of the payment this entry cancels; 0 for a payment
	Place    string // who collected it; a mobile member may pay at the inflow place, and the record must show where
	Note     string // remark; required on a reversal
	Override string // why 补交 beyond the usual window is accepted
}

// Reversal returns the entry that cancels p.
func Reversal(p Payment, id int64, note string) Payment {
	return Payment{ID: id, From: p.From, To: p.To, Amount: -p.Amount, Reverses: p.ID, Place: p.Place, Note: note}
}

// Ledger is one member's dues history as the store holds it.
type Ledger struct {
	Start       Month // first month dues are owed; zero means the first assessment's month
	Assessments []Assessed
	Exemptions  []Exemption
	Payments    []Payment
}

// MonthDue is the amount owed for one month.
type MonthDue struct {
	Month Month
	Due   Fen
}

// Status is where a member stands in a given month.
type Status struct {
	// PaidThrough is the last month of the unbroken run of settled months
	// from the start (waived months count as settled); zero if the first is not.
	PaidThrough    Month
	Arrears        []MonthDue // unsettled months before the current one
	Owed           Fen        // sum of Arrears
	Current        MonthDue   // the current month; zero before the start
	CurrentSettled bool
}

// Due returns what is owed for m after exemptions: 0 for a waived month or
// one before the start.
func (l Ledger) Due(m Month) (Fen, error) {
	b, err := l.book()
	if err != nil {
		return 0, err
	}
	return b.due(m)
}

// DueFor returns the sum owed for the months from..to.
func (l Ledger) DueFor(from, to Month) (Fen, error) {
	b, err := l.book()
	if err != nil {
		return 0, err
	}
	return b.dueFor(from, to)
}

// Status derives paid-through, arrears and the current month as of today.
func (l Ledger) Status(today Month) (Status, error) {
	if !today.Valid() {
		return Status{}, errors.New("当前月份无效")
	}
	b, err := l.book()
	if err != nil {
		return Status{}, err
	}
	var s Status
	for m := b.start; m.Before(today); m = m.Add(1) {
		due, err := b.due(m)
		if err != nil {
			return Status{}, err
		}
		if due > 0 && b.paidBy[m] == 0 {
			s.Arrears = append(s.Arrears, MonthDue{m, due})
			s.Owed += due
		}
	}
	if !today.Before(b.start) {
		due, err := b.due(today)
		if err != nil {
			return Status{}, err
		}
		s.Current = MonthDue{today, due}
		s.CurrentSettled = due == 0 || b.paidBy[today] != 0
	}
	m, err := b.firstUnsettled(b.start)
	if err != nil {
		return Status{}, err
	}
	if m != b.start {
		s.PaidThrough = m.Add(-1)
	}
	return s, nil
}

// Check validates a new entry against the ledger as of today: for a payment,
// the months are within the advance and arrears windows (补交 beyond needs
// Override), none is already paid, and the amount matches the sum due
// within the tolerance; for a reversal, it cancels a live payment exactly.
func (l Ledger) Check(p Payment, today Month, pr PaymentRules) error {
	if !today.Valid() {
		return errors.New("当前月份无效")
	}
	b, err := l.book()
	if err != nil {
		return err
	}
	if _, dup := b.byID[p.ID]; dup && p.ID != 0 {
		return fmt.Errorf("缴费记录编号%d重复", p.ID)
	}
	if p.Reverses != 0 {
		return b.checkReversal(p)
	}
	if err := checkMonths(p); err != nil {
		return err
	}
	if p.Amount <= 0 {
		return fmt.Errorf("实收金额应大于0，实为%s", p.Amount)
	}
	if p.From.Before(b.start) {
		return fmt.Errorf("%s早于党费记账起始月份%s", p.From, b.start)
	}
	if last := today.Add(pr.MaxAdvanceMonths); p.To.After(last) {
		return fmt.Errorf("预交最多%d个月，最晚可交到%s", pr.MaxAdvanceMonths, last)
	}
	if first := today.Add(-pr.MaxArrearsMonths); p.From.Before(first) && strings.TrimSpace(p.Override) == "" {
		return fmt.Errorf("补交一般不超过%d个月（最早%s），确需补交%s请注明原因", pr.MaxArrearsMonths, first, FormatMonths(p.From, p.To))
	}
	for m := p.From; !m.After(p.To); m = m.Add(1) {
		if id := b.paidBy[m]; id != 0 {
			return fmt.Errorf("%s已缴（记录%d），如需更正请先冲销该记录", m, id)
		}
	}
	want, err := b.dueFor(p.From, p.To)
	if err != nil {
		return err
	}
	if want == 0 {
		return fmt.Errorf("%s已免交，无需缴纳", FormatMonths(p.From, p.To))
	}
	if diff := p.Amount - want; diff > pr.Tolerance || -diff > pr.Tolerance {
		return fmt.Errorf("金额不符：%s应交%s，实收%s", FormatMonths(p.From, p.To), want, p.Amount)
	}
	return nil
}

func checkMonths(p Payment) error {
	switch {
	case !p.From.Valid() || !p.To.Valid():
		return errors.New("缴费月份无效")
	case p.To.Before(p.From):
		return fmt.Errorf("缴费起止月份颠倒：%s至%s", p.From, p.To)
	}
	return nil
}

// book is a ledger indexed and checked for consistency.
type book struct {
	start      Month
	terms      []Assessed // by From
	exemptions []Exemption
	byID       map[int64]Payment
	reversedBy map[int64]int64 // payment ID -> reversal ID
	paidBy     map[Month]int64 // month -> live payment ID
}

func (l Ledger) book() (*book, error) {
	b := &book{
		start:      l.Start,
		terms:      slices.Clone(l.Assessments),
		exemptions: slices.Clone(l.Exemptions),
		byID:       map[int64]Payment{},
		reversedBy: map[int64]int64{},
		paidBy:     map[Month]int64{},
	}
	if len(b.terms) == 0 {
		return nil, errors.New("尚未核定党费标准")
	}
	slices.SortFunc(b.terms, func(x, y Assessed) int { return x.From.Sub(y.From) })
	for i, t := range b.terms {
		switch {
		case !t.From.Valid():
			return nil, errors.New("党费核定的起始月份无效")
		case t.Monthly <= 0:
			return nil, fmt.Errorf("%s起的核定金额应大于0", t.From)
		case i > 0 && t.From == b.terms[i-1].From:
			return nil, fmt.Errorf("%s有两条党费核定", t.From)
		}
	}
	if b.start.IsZero() {
		b.start = b.terms[0].From
	}
	if !b.start.Valid() {
		return nil, errors.New("党费记账起始月份无效")
	}

	slices.SortFunc(b.exemptions, func(x, y Exemption) int { return x.From.Sub(y.From) })
	for i, e := range b.exemptions {
		if err := e.Validate(); err != nil {
			return nil, err
		}
		if i > 0 && !e.From.After(b.exemptions[i-1].To) {
			return nil, fmt.Errorf("免交/减交期间重叠：%s与%s", FormatMonths(b.exemptions[i-1].From, b.exemptions[i-1].To), FormatMonths(e.From, e.To))
		}
	}

	for _, p := range l.Payments {
		if p.ID == 0 {
			return nil, errors.New("缴费记录缺少编号")
		}
		if _, dup := b.byID[p.ID]; dup {
			return nil, fmt.Errorf("缴费记录编号%d重复", p.ID)
		}
		b.byID[p.ID] = p
	}
	for _, p := range l.Payments {
		if p.Reverses == 0 {
			continue
		}
		if err := b.checkReversal(p); err != nil {
			return nil, fmt.Errorf("记录%d：%w", p.ID, err)
		}
		b.reversedBy[p.Reverses] = p.ID
	}
	for _, p := range l.Payments {
		if p.Reverses != 0 || b.reversedBy[p.ID] != 0 {
			continue
		}
		if err := checkMonths(p); err != nil {
			return nil, fmt.Errorf("记录%d：%w", p.ID, err)
		}
		for m := p.From; !m.After(p.To); m = m.Add(1) {
			if other := b.paidBy[m]; other != 0 {
				return nil, fmt.Errorf("%s重复缴纳（记录%d和%d）", m, other, p.ID)
			}
			b.paidBy[m] = p.ID
		}
	}
	return b, nil
}

// checkReversal checks that r cancels a live payment exactly.
func (b *book) checkReversal(r Payment) error {
	p, ok := b.byID[r.Reverses]
	switch {
	case !ok:
		return fmt.Errorf("要冲销的记录%d不存在", r.Reverses)
	case p.Reverses != 0:
		return fmt.Errorf("记录%d本身是冲销记录，不能再冲销，请重新登记缴费", p.ID)
	case b.reversedBy[p.ID] != 0:
		return fmt.Errorf("记录%d已被记录%d冲销", p.ID, b.reversedBy[p.ID])
	case r.From != p.From || r.To != p.To || r.Amount != -p.Amount:
		return fmt.Errorf("冲销记录应与记录%d的月份和金额一致（%s，%s）", p.ID, FormatMonths(p.From, p.To), -p.Amount)
	case strings.TrimSpace(r.Note) == "":
		return errors.New("冲销需注明原因")
	}
	return nil
}

func (b *book) due(m Month) (Fen, error) {
	if m.Before(b.start) {
		return 0, nil
	}
	monthly, err := b.assessed(m)
	if err != nil {
		return 0, err
	}
	for _, e := range b.exemptions {
		if !e.Covers(m) {
			continue
		}
		if e.Kind == Waive {
			return 0, nil
		}
		// A reduction never raises the dues: a later, lower assessment
		// (the yearly one, say) prevails over it.
		return min(e.ReducedTo, monthly), nil
	}
	return monthly, nil
}

func (b *book) dueFor(from, to Month) (Fen, error) {
	if err := checkMonths(Payment{From: from, To: to}); err != nil {
		return 0, err
	}
	if from.Before(b.start) {
		return 0, fmt.Errorf("%s早于党费记账起始月份%s", from, b.start)
	}
	var sum Fen
	for m := from; !m.After(to); m = m.Add(1) {
		due, err := b.due(m)
		if err != nil {
			return 0, err
		}
		sum += due
	}
	return sum, nil
}

// Supersede turns assessments in the order they were made into the terms in
// force: each applies from its month on and replaces every earlier-made one
// from that month on. So a re-assessment back-dated to June replaces one made
// for November, and next year's assessment leaves this year's alone.
func Supersede(made []Assessed) []Assessed {
	var terms []Assessed
	for _, a := range made {
		terms = slices.DeleteFunc(terms, func(t Assessed) bool { return !t.From.Before(a.From) })
		terms = append(terms, a)
	}
	return terms
}

// StartMonth is the first month dues are owed.
func (l Ledger) StartMonth() (Month, error) {
	b, err := l.book()
	if err != nil {
		return Month{}, err
	}
	return b.start, nil
}

// FirstUnsettled is the first month from the start that is neither paid nor
// waived: where "3个月" of a payment begins.
func (l Ledger) FirstUnsettled() (Month, error) {
	b, err := l.book()
	if err != nil {
		return Month{}, err
	}
	return b.firstUnsettled(b.start)
}

func (b *book) firstUnsettled(m Month) (Month, error) {
	// Terminates: only finitely many months are paid or waived.
	for {
		due, err := b.due(m)
		if err != nil {
			return Month{}, err
		}
		if due > 0 && b.paidBy[m] == 0 {
			return m, nil
		}
		m = m.Add(1)
	}
}

// MonthState is one month of a ledger.
type MonthState struct {
	Month    Month
	Assessed Fen  // monthly amount in force; 0 before the start
	Due      Fen  // after exemptions
	Waived   bool // due is 0 by an exemption
	Payment  int64
	Paid     Fen // the share of Payment's amount that falls on this month
}

// Months returns the months from..to. A payment's amount is shared among the
// months it covers in proportion to their dues (equally when none is due),
// the remainder in 分 going to its last month, so the shares add up exactly.
func (l Ledger) Months(from, to Month) ([]MonthState, error) {
	if err := checkMonths(Payment{From: from, To: to}); err != nil {
		return nil, err
	}
	b, err := l.book()
	if err != nil {
		return nil, err
	}
	shares := map[Month]Fen{}
	for _, id := range b.livePayments() {
		p := b.byID[id]
		if p.To.Before(from) || p.From.After(to) {
			continue
		}
		if err := b.share(p, shares); err != nil {
			return nil, err
		}
	}
	var out []MonthState
	for m := from; !m.After(to); m = m.Add(1) {
		st := MonthState{Month: m, Payment: b.paidBy[m], Paid: shares[m]}
		if !m.Before(b.start) {
			if st.Assessed, err = b.assessed(m); err != nil {
				return nil, err
			}
		}
		if st.Due, err = b.due(m); err != nil {
			return nil, err
		}
		st.Waived = st.Assessed > 0 && st.Due == 0
		out = append(out, st)
	}
	return out, nil
}

// livePayments lists the IDs of payments not reversed, in ID order.
func (b *book) livePayments() []int64 {
	var ids []int64
	for _, id := range b.paidBy {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

func (b *book) share(p Payment, into map[Month]Fen) error {
	n := p.To.Sub(p.From) + 1
	dues := make([]Fen, n)
	var total Fen
	for i := range n {
		d, err := b.due(p.From.Add(i))
		if err != nil {
			return err
		}
		dues[i], total = d, total+d
	}
	var given Fen
	for i := range n {
		var s Fen
		if total > 0 {
			s = Fen(int64(p.Amount) * int64(dues[i]) / int64(total))
		} else {
			s = p.Amount / Fen(n)
		}
		if i == n-1 {
			s = p.Amount - given
		}
		into[p.From.Add(i)] += s
		given += s
	}
	return nil
}

func (b *book) assessed(m Month) (Fen, error) {
	var monthly Fen
	for _, t := range b.terms {
		if t.From.After(m) {
			break
		}
		monthly = t.Monthly
	}
	if monthly == 0 {
		return 0, fmt.Errorf("%s尚无党费核定标准", m)
	}
	return monthly, nil
}
