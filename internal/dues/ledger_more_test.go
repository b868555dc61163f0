package dues

import (
	"reflect"
	"testing"
	"time"
)

func TestSupersede(t *testing.T) {
	a := func(y int, m, monthly int) Assessed { return assessed(ym(y, time.Month(m)), Fen(monthly)) }
	tests := []struct {
		name string
		made []Assessed
		want []Assessed
	}{
		{"none", nil, nil},
		{"yearly", []Assessed{a(2026, 11, 40), a(2027, 1, 50)}, []Assessed{a(2026, 11, 40), a(2027, 1, 50)}},
		{"back-dated replaces a later start", []Assessed{a(2026, 11, 40), a(2026, 6, 52)}, []Assessed{a(2026, 6, 52)}},
		{"mid-year change keeps the earlier months", []Assessed{a(2026, 1, 40), a(2026, 7, 60), a(2026, 3, 45)}, []Assessed{a(2026, 1, 40), a(2026, 3, 45)}},
		{"same month: the later one", []Assessed{a(2026, 1, 40), a(2026, 1, 41)}, []Assessed{a(2026, 1, 41)}},
	}
	for _, tt := range tests {
		if got := Supersede(tt.made); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestReductionNeverRaisesDues(t *testing.T) {
	l := Ledger{
		Assessments: []Assessed{assessed(ym(2026, 1), 40_00), assessed(ym(2026, 3), 10_00)},
		Exemptions:  []Exemption{{From: ym(2026, 1), To: ym(2026, 4), Kind: Reduce, ReducedTo: 20_00, Reason: "a", ApprovedBy: "b"}},
	}
	got, err := l.DueFor(ym(2026, 1), ym(2026, 5))
	if err != nil || got != 20_00+20_00+10_00+10_00+10_00 {
		t.Errorf("DueFor = %v, %v", got, err)
	}
}

func TestFirstUnsettled(t *testing.T) {
	forty := []Assessed{assessed(ym(2026, 3), 40_00)}
	waive := Exemption{From: ym(2026, 3), To: ym(2026, 4), Kind: Waive, Reason: "a", ApprovedBy: "b"}
	tests := []struct {
		name   string
		ledger Ledger
		want   Month
	}{
		{"nothing paid", Ledger{Assessments: forty}, ym(2026, 3)},
		{"paid into next year", Ledger{Assessments: forty, Payments: []Payment{paid(1, ym(2026, 3), ym(2027, 2), 480_00)}}, ym(2027, 3)},
		{"waived then paid", Ledger{Assessments: forty, Exemptions: []Exemption{waive}, Payments: []Payment{paid(1, ym(2026, 5), ym(2026, 6), 80_00)}}, ym(2026, 7)},
		{"a hole", Ledger{Assessments: forty, Payments: []Payment{paid(1, ym(2026, 3), ym(2026, 3), 40_00), paid(2, ym(2026, 5), ym(2026, 5), 40_00)}}, ym(2026, 4)},
	}
	for _, tt := range tests {
		got, err := tt.ledger.FirstUnsettled()
		if err != nil || got != tt.want {
			t.Errorf("%s: FirstUnsettled = %v, %v; want %v", tt.name, got, err, tt.want)
		}
	}
}

func TestLedgerMonths(t *testing.T) {
	l := Ledger{
		Assessments: []Assessed{assessed(ym(2026, 11), 40_00), assessed(ym(2027, 1), 50_00)},
		Exemptions:  []Exemption{{From: ym(2027, 3), To: ym(2027, 3), Kind: Waive, Reason: "a", ApprovedBy: "b"}},
		Payments: []Payment{
			paid(1, ym(2026, 11), ym(2027, 2), 180_00), // 40+40+50+50
			paid(2, ym(2027, 3), ym(2027, 4), 50_00),   // a waived month and a due one
			paid(3, ym(2027, 5), ym(2027, 7), 100_00),  // paid at a tolerance below 150
			Reversal(paid(3, ym(2027, 5), ym(2027, 7), 100_00), 4, "录错"),
			{ID: 5, From: ym(2027, 5), To: ym(2027, 7), Amount: 150_01},
		},
	}
	got, err := l.Months(ym(2026, 10), ym(2027, 8))
	if err != nil {
		t.Fatal(err)
	}
	want := []MonthState{
		{Month: ym(2026, 10)},
		{Month: ym(2026, 11), Assessed: 40_00, Due: 40_00, Payment: 1, Paid: 40_00},
		{Month: ym(2026, 12), Assessed: 40_00, Due: 40_00, Payment: 1, Paid: 40_00},
		{Month: ym(2027, 1), Assessed: 50_00, Due: 50_00, Payment: 1, Paid: 50_00},
		{Month: ym(2027, 2), Assessed: 50_00, Due: 50_00, Payment: 1, Paid: 50_00},
		{Month: ym(2027, 3), Assessed: 50_00, Waived: true, Payment: 2, Paid: 0},
		{Month: ym(2027, 4), Assessed: 50_00, Due: 50_00, Payment: 2, Paid: 50_00},
		{Month: ym(2027, 5), Assessed: 50_00, Due: 50_00, Payment: 5, Paid: 50_00},
		{Month: ym(2027, 6), Assessed: 50_00, Due: 50_00, Payment: 5, Paid: 50_00},
		{Month: ym(2027, 7), Assessed: 50_00, Due: 50_00, Payment: 5, Paid: 50_01},
		{Month: ym(2027, 8), Assessed: 50_00, Due: 50_00},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Months:\n got %+v\nwant %+v", got, want)
	}
	// A range that cuts a payment keeps the shares of the months inside it.
	part, err := l.Months(ym(2027, 1), ym(2027, 1))
	if err != nil || len(part) != 1 || part[0].Paid != 50_00 {
		t.Errorf("Months(2027年1月) = %+v, %v", part, err)
	}
	// Shares add up when no month of a payment is due any more.
	w := Ledger{
		Assessments: []Assessed{assessed(ym(2026, 1), 10_00)},
		Exemptions:  []Exemption{{From: ym(2026, 1), To: ym(2026, 3), Kind: Waive, Reason: "a", ApprovedBy: "b"}},
		Payments:    []Payment{paid(1, ym(2026, 1), ym(2026, 3), 10_00)},
	}
	ms, err := w.Months(ym(2026, 1), ym(2026, 3))
	if err != nil || ms[0].Paid != 3_33 || ms[1].Paid != 3_33 || ms[2].Paid != 3_34 {
		t.Errorf("equal shares: %+v, %v", ms, err)
	}
}

func TestFormatMonthList(t *testing.T) {
	tests := []struct {
		in   []Month
		want string
	}{
		{nil, ""},
		{[]Month{ym(2026, 11)}, "2026年11月"},
		{[]Month{ym(2027, 1), ym(2026, 11), ym(2026, 12)}, "2026年11月-2027年1月"},
		{[]Month{ym(2026, 3), ym(2026, 5), ym(2026, 6), ym(2026, 7), ym(2026, 7)}, "2026年3月、2026年5月-7月"},
	}
	for _, tt := range tests {
		if got := FormatMonthList(tt.in); got != tt.want {
			t.Errorf("FormatMonthList(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMonthSQL(t *testing.T) {
	v, err := ym(2026, 3).Value()
	if err != nil || v != "2026-03-01" {
		t.Errorf("Value = %v, %v", v, err)
	}
	if v, _ := (Month{}).Value(); v != nil {
		t.Errorf("zero Value = %v", v)
	}
	var m Month
	for _, src := range []any{ym(2026, 3).Date(), "2026-03-01", []byte("2026-03-01T00:00:00Z")} {
		m = Month{}
		if err := m.Scan(src); err != nil || m != ym(2026, 3) {
			t.Errorf("Scan(%v) = %v, %v", src, m, err)
		}
	}
	if err := m.Scan(nil); err != nil || !m.IsZero() {
		t.Errorf("Scan(nil) = %v, %v", m, err)
	}
	if err := m.Scan(42); err == nil {
		t.Error("Scan(42) accepted")
	}
}
