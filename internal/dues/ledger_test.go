package dues

import (
	"reflect"
	"strings"
	"testing"
)

func assessed(from Month, monthly Fen) Assessed {
	return Assessed{From: from, Assessment: Assessment{Category: Employed, Monthly: monthly}}
}

func paid(id int64, from, to Month, amount Fen) Payment {
	return Payment{ID: id, From: from, To: to, Amount: amount}
}

func TestLedgerStatus(t *testing.T) {
	forty := []Assessed{assessed(ym(2026, 1), 40_00)}
	tests := []struct {
		name        string
		ledger      Ledger
		today       Month
		paidThrough Month
		arrears     []MonthDue
		owed        Fen
		current     MonthDue
		settled     bool
	}{
		{
			name:    "nothing paid",
			ledger:  Ledger{Assessments: forty},
			today:   ym(2026, 3),
			arrears: []MonthDue{{ym(2026, 1), 40_00}, {ym(2026, 2), 40_00}},
			owed:    80_00,
			current: MonthDue{ym(2026, 3), 40_00},
		},
		{
			name:        "one month behind",
			ledger:      Ledger{Assessments: forty, Payments: []Payment{paid(1, ym(2026, 1), ym(2026, 10), 400_00)}},
			today:       ym(2026, 12),
			paidThrough: ym(2026, 10),
			arrears:     []MonthDue{{ym(2026, 11), 40_00}},
			owed:        40_00,
			current:     MonthDue{ym(2026, 12), 40_00},
		},
		{
			name: "paid in advance across a year boundary",
			ledger: Ledger{Assessments: forty, Payments: []Payment{
				paid(1, ym(2026, 1), ym(2026, 10), 400_00),
				paid(2, ym(2026, 11), ym(2027, 2), 160_00),
			}},
			today:       ym(2026, 12),
			paidThrough: ym(2027, 2),
			current:     MonthDue{ym(2026, 12), 40_00},
			settled:     true,
		},
		{
			name: "a reversed payment no longer counts",
			ledger: Ledger{Assessments: forty, Payments: []Payment{
				paid(1, ym(2026, 1), ym(2026, 10), 400_00),
				paid(2, ym(2026, 11), ym(2026, 12), 80_00),
				Reversal(paid(2, ym(2026, 11), ym(2026, 12), 80_00), 3, "金额录错"),
			}},
			today:       ym(2026, 12),
			paidThrough: ym(2026, 10),
			arrears:     []MonthDue{{ym(2026, 11), 40_00}},
			owed:        40_00,
			current:     MonthDue{ym(2026, 12), 40_00},
		},
		{
			name: "paid again after a reversal",
			ledger: Ledger{Assessments: forty, Payments: []Payment{
				paid(1, ym(2026, 1), ym(2026, 10), 400_00),
				paid(2, ym(2026, 11), ym(2026, 11), 50_00),
				Reversal(paid(2, ym(2026, 11), ym(2026, 11), 50_00), 3, "金额录错"),
				paid(4, ym(2026, 11), ym(2026, 11), 40_00),
			}},
			today:       ym(2026, 12),
			paidThrough: ym(2026, 11),
			current:     MonthDue{ym(2026, 12), 40_00},
		},
		{
			name: "waived months are not arrears, reduced months owe the reduced amount",
			ledger: Ledger{
				Assessments: forty,
				Exemptions: []Exemption{
					{From: ym(2026, 9), To: ym(2026, 10), Kind: Reduce, ReducedTo: 10_00, Reason: "家庭困难", ApprovedBy: "某某镇党委"},
					{From: ym(2026, 6), To: ym(2026, 8), Kind: Waive, Reason: "住院治疗", ApprovedBy: "某某镇党委"},
				},
				Payments: []Payment{paid(1, ym(2026, 1), ym(2026, 5), 200_00)},
			},
			today:       ym(2026, 12),
			paidThrough: ym(2026, 8),
			arrears:     []MonthDue{{ym(2026, 9), 10_00}, {ym(2026, 10), 10_00}, {ym(2026, 11), 40_00}},
			owed:        60_00,
			current:     MonthDue{ym(2026, 12), 40_00},
		},
		{
			name:        "waived current month is settled",
			ledger:      Ledger{Assessments: forty, Exemptions: []Exemption{{From: ym(2026, 1), To: ym(2026, 12), Kind: Waive, Reason: "低保", ApprovedBy: "某某镇党委"}}},
			today:       ym(2026, 3),
			paidThrough: ym(2026, 12),
			current:     MonthDue{ym(2026, 3), 0},
			settled:     true,
		},
		{
			name:    "a new assessment applies from its month",
			ledger:  Ledger{Assessments: []Assessed{assessed(ym(2026, 7), 60_00), assessed(ym(2026, 1), 40_00)}},
			today:   ym(2026, 9),
			arrears: []MonthDue{{ym(2026, 1), 40_00}, {ym(2026, 2), 40_00}, {ym(2026, 3), 40_00}, {ym(2026, 4), 40_00}, {ym(2026, 5), 40_00}, {ym(2026, 6), 40_00}, {ym(2026, 7), 60_00}, {ym(2026, 8), 60_00}},
			owed:    360_00,
			current: MonthDue{ym(2026, 9), 60_00},
		},
		{
			name:    "ledger start after the first assessment",
			ledger:  Ledger{Start: ym(2026, 6), Assessments: forty},
			today:   ym(2026, 8),
			arrears: []MonthDue{{ym(2026, 6), 40_00}, {ym(2026, 7), 40_00}},
			owed:    80_00,
			current: MonthDue{ym(2026, 8), 40_00},
		},
		{
			name: "a gap keeps paid-through at the gap",
			ledger: Ledger{Assessments: forty, Payments: []Payment{
				paid(1, ym(2026, 1), ym(2026, 3), 120_00),
				paid(2, ym(2026, 5), ym(2026, 7), 120_00),
			}},
			today:       ym(2026, 7),
			paidThrough: ym(2026, 3),
			arrears:     []MonthDue{{ym(2026, 4), 40_00}},
			owed:        40_00,
			current:     MonthDue{ym(2026, 7), 40_00},
			settled:     true,
		},
		{
			name:        "before the start nothing is owed",
			ledger:      Ledger{Start: ym(2027, 1), Assessments: []Assessed{assessed(ym(2027, 1), 40_00)}, Payments: []Payment{paid(1, ym(2027, 1), ym(2027, 1), 40_00)}},
			today:       ym(2026, 12),
			paidThrough: ym(2027, 1),
		},
	}
	for _, tt := range tests {
		s, err := tt.ledger.Status(tt.today)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		want := Status{PaidThrough: tt.paidThrough, Arrears: tt.arrears, Owed: tt.owed, Current: tt.current, CurrentSettled: tt.settled}
		if !reflect.DeepEqual(s, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.name, s, want)
		}
	}
}

func TestLedgerDueFor(t *testing.T) {
	l := Ledger{
		Assessments: []Assessed{assessed(ym(2026, 1), 40_00), assessed(ym(2026, 7), 60_00)},
		Exemptions:  []Exemption{{From: ym(2026, 12), To: ym(2027, 1), Kind: Reduce, ReducedTo: 5_00, Reason: "家庭困难", ApprovedBy: "某某镇党委"}},
	}
	tests := []struct {
		from, to Month
		want     Fen
		wantErr  string
	}{
		{ym(2026, 6), ym(2026, 7), 100_00, ""},
		{ym(2026, 11), ym(2027, 2), 60_00 + 5_00 + 5_00 + 60_00, ""},
		{ym(2025, 12), ym(2026, 1), 0, "早于党费记账起始月份"},
		{ym(2026, 3), ym(2026, 2), 0, "颠倒"},
	}
	for _, tt := range tests {
		got, err := l.DueFor(tt.from, tt.to)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("DueFor(%v, %v) = %v, %v; want error %q", tt.from, tt.to, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("DueFor(%v, %v) = %v, %v; want %v", tt.from, tt.to, got, err, tt.want)
		}
	}
	if got, err := l.Due(ym(2027, 1)); err != nil || got != 5_00 {
		t.Errorf("Due(2027年1月) = %v, %v", got, err)
	}
}

func TestLedgerCheck(t *testing.T) {
	forty := []Assessed{assessed(ym(2026, 1), 40_00)}
	upToOctober := Ledger{Assessments: forty, Payments: []Payment{paid(1, ym(2026, 1), ym(2026, 10), 400_00)}}
	nothingPaid := Ledger{Assessments: forty}
	reversed := Ledger{Assessments: forty, Payments: []Payment{
		paid(1, ym(2026, 1), ym(2026, 10), 400_00),
		Reversal(paid(1, ym(2026, 1), ym(2026, 10), 400_00), 2, "重复登记"),
	}}
	withExemptions := Ledger{Assessments: forty, Exemptions: []Exemption{
		{From: ym(2026, 6), To: ym(2026, 8), Kind: Waive, Reason: "住院治疗", ApprovedBy: "某某镇党委"},
		{From: ym(2026, 9), To: ym(2026, 10), Kind: Reduce, ReducedTo: 10_00, Reason: "家庭困难", ApprovedBy: "某某镇党委"},
	}}
	strict := DefaultRules().Payment
	lenient := strict
	lenient.Tolerance = 1
	today := ym(2026, 11)

	tests := []struct {
		name    string
		ledger  Ledger
		p       Payment
		pr      PaymentRules
		wantErr string // "" = accepted
	}{
		{"this month", upToOctober, paid(0, ym(2026, 11), ym(2026, 11), 40_00), strict, ""},
		{"six months ahead", upToOctober, paid(0, ym(2026, 11), ym(2027, 5), 280_00), strict, ""},
		{"seven months ahead", upToOctober, paid(0, ym(2026, 11), ym(2027, 6), 320_00), strict, "预交最多6个月，最晚可交到2027年5月"},
		{"too little", upToOctober, paid(0, ym(2026, 11), ym(2026, 11), 35_00), strict, "金额不符：2026年11月应交40.00元，实收35.00元"},
		{"too much", upToOctober, paid(0, ym(2026, 11), ym(2026, 11), 40_01), strict, "金额不符：2026年11月应交40.00元，实收40.01元"},
		{"within tolerance", upToOctober, paid(0, ym(2026, 11), ym(2026, 11), 40_01), lenient, ""},
		{"beyond tolerance", upToOctober, paid(0, ym(2026, 11), ym(2026, 11), 39_98), lenient, "金额不符"},
		{"quarter across the new year", upToOctober, paid(0, ym(2026, 11), ym(2027, 1), 120_00), strict, ""},
		{"already paid", upToOctober, paid(0, ym(2026, 10), ym(2026, 10), 40_00), strict, "2026年10月已缴（记录1），如需更正请先冲销"},
		{"range overlaps a paid month", upToOctober, paid(0, ym(2026, 9), ym(2026, 11), 120_00), strict, "2026年9月已缴"},
		{"zero amount", upToOctober, paid(0, ym(2026, 11), ym(2026, 11), 0), strict, "应大于0"},
		{"months reversed", upToOctober, paid(0, ym(2026, 12), ym(2026, 11), 80_00), strict, "颠倒"},
		{"no months", upToOctober, Payment{Amount: 40_00}, strict, "月份无效"},
		{"duplicate id", upToOctober, paid(1, ym(2026, 11), ym(2026, 11), 40_00), strict, "编号1重复"},
		{"before the start", nothingPaid, paid(0, ym(2025, 12), ym(2025, 12), 40_00), strict, "早于党费记账起始月份2026年1月"},
		{"six months of arrears", nothingPaid, paid(0, ym(2026, 5), ym(2026, 11), 280_00), strict, ""},
		{"seven months of arrears", nothingPaid, paid(0, ym(2026, 4), ym(2026, 11), 320_00), strict, "补交一般不超过6个月（最早2026年5月），确需补交2026年4月-11月请注明原因"},
		{"arrears with an override", nothingPaid, Payment{From: ym(2026, 1), To: ym(2026, 11), Amount: 440_00, Override: "外出务工期间无法缴纳，支委会同意补交"}, strict, ""},
		{"waived months", withExemptions, paid(0, ym(2026, 6), ym(2026, 8), 0_01), strict, "2026年6月-8月已免交，无需缴纳"},
		{"reduced month", withExemptions, paid(0, ym(2026, 9), ym(2026, 9), 10_00), strict, ""},
		{"reduced month at full rate", withExemptions, paid(0, ym(2026, 9), ym(2026, 9), 40_00), strict, "2026年9月应交10.00元"},
		{"range over waived and reduced months", withExemptions, paid(0, ym(2026, 5), ym(2026, 11), 40_00+10_00+10_00+40_00), strict, ""},
		{"reversed months can be paid again", reversed, paid(0, ym(2026, 5), ym(2026, 10), 240_00), strict, ""},

		{"reversal", upToOctober, Reversal(upToOctober.Payments[0], 2, "重复登记"), strict, ""},
		{"reversal without a reason", upToOctober, Reversal(upToOctober.Payments[0], 2, " "), strict, "冲销需注明原因"},
		{"reversal of a missing entry", upToOctober, Payment{ID: 2, Reverses: 9, Note: "x"}, strict, "记录9不存在"},
		{"reversal with another amount", upToOctober, Payment{ID: 2, Reverses: 1, From: ym(2026, 1), To: ym(2026, 10), Amount: -40_00, Note: "x"}, strict, "应与记录1的月份和金额一致"},
		{"reversal twice", reversed, Reversal(reversed.Payments[0], 3, "再次冲销"), strict, "记录1已被记录2冲销"},
		{"reversal of a reversal", reversed, Reversal(reversed.Payments[1], 3, "撤销冲销"), strict, "本身是冲销记录"},
	}
	for _, tt := range tests {
		err := tt.ledger.Check(tt.p, today, tt.pr)
		if tt.wantErr == "" {
			if err != nil {
				t.Errorf("%s: Check = %v; want accepted", tt.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: Check = %v; want error containing %q", tt.name, err, tt.wantErr)
		}
	}
}

// TestLedgerFlow records entries the way the store layer will: check, then append.
func TestLedgerFlow(t *testing.T) {
	pr := DefaultRules().Payment
	l := Ledger{Start: ym(2026, 10), Assessments: []Assessed{assessed(ym(2026, 1), 15_00)}}
	var nextID int64
	record := func(p Payment, today Month) {
		t.Helper()
		if err := l.Check(p, today, pr); err != nil {
			t.Fatalf("record %+v: %v", p, err)
		}
		nextID++
		p.ID = nextID
		l.Payments = append(l.Payments, p)
	}
	from, to, err := ParseMonths("2026年10月-12月", Month{})
	if err != nil {
		t.Fatal(err)
	}
	record(Payment{From: from, To: to, Amount: 45_00, Place: "深圳市南山区某某支部"}, ym(2026, 12))
	record(Reversal(l.Payments[0], 0, "实为两个月"), ym(2026, 12))
	s, err := l.Status(ym(2027, 1))
	if err != nil {
		t.Fatal(err)
	}
	if !s.PaidThrough.IsZero() || s.Owed != 45_00 || len(s.Arrears) != 3 {
		t.Fatalf("after reversal: %+v", s)
	}
	from, to, err = ParseMonths("两个月", s.Arrears[0].Month)
	if err != nil {
		t.Fatal(err)
	}
	record(Payment{From: from, To: to, Amount: 30_00}, ym(2027, 1))
	if err := l.Check(Payment{From: ym(2026, 11), To: ym(2026, 12), Amount: 30_00}, ym(2027, 1), pr); err == nil {
		t.Fatal("double payment of 2026年11月 accepted")
	}
	record(Payment{From: ym(2026, 12), To: ym(2027, 3), Amount: 60_00}, ym(2027, 1))
	s, err = l.Status(ym(2027, 1))
	if err != nil {
		t.Fatal(err)
	}
	want := Status{PaidThrough: ym(2027, 3), Current: MonthDue{ym(2027, 1), 15_00}, CurrentSettled: true}
	if !reflect.DeepEqual(s, want) {
		t.Fatalf("got %+v, want %+v", s, want)
	}
}

func TestLedgerInconsistent(t *testing.T) {
	forty := []Assessed{assessed(ym(2026, 1), 40_00)}
	tests := []struct {
		name   string
		ledger Ledger
		want   string
	}{
		{"no assessment", Ledger{}, "尚未核定党费标准"},
		{"two assessments in one month", Ledger{Assessments: []Assessed{assessed(ym(2026, 1), 40_00), assessed(ym(2026, 1), 50_00)}}, "2026年1月有两条党费核定"},
		{"zero assessment", Ledger{Assessments: []Assessed{assessed(ym(2026, 1), 0)}}, "应大于0"},
		{"start before any assessment", Ledger{Start: ym(2025, 11), Assessments: forty}, "2025年11月尚无党费核定标准"},
		{"overlapping exemptions", Ledger{Assessments: forty, Exemptions: []Exemption{
			{From: ym(2026, 3), To: ym(2026, 5), Kind: Waive, Reason: "a", ApprovedBy: "b"},
			{From: ym(2026, 5), To: ym(2026, 6), Kind: Waive, Reason: "a", ApprovedBy: "b"},
		}}, "免交/减交期间重叠：2026年3月-5月与2026年5月-6月"},
		{"unapproved exemption", Ledger{Assessments: forty, Exemptions: []Exemption{{From: ym(2026, 3), To: ym(2026, 5), Kind: Waive, Reason: "a"}}}, "上一级党组织批准"},
		{"month paid twice", Ledger{Assessments: forty, Payments: []Payment{
			paid(1, ym(2026, 1), ym(2026, 3), 120_00), paid(2, ym(2026, 3), ym(2026, 3), 40_00),
		}}, "2026年3月重复缴纳（记录1和2）"},
		{"entry without id", Ledger{Assessments: forty, Payments: []Payment{paid(0, ym(2026, 1), ym(2026, 1), 40_00)}}, "缺少编号"},
		{"reversal of nothing", Ledger{Assessments: forty, Payments: []Payment{{ID: 2, Reverses: 1, Note: "x"}}}, "记录2：要冲销的记录1不存在"},
	}
	for _, tt := range tests {
		_, err := tt.ledger.Status(ym(2026, 6))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Status error %v; want %q", tt.name, err, tt.want)
		}
	}
}

func TestExemption(t *testing.T) {
	e := Exemption{From: ym(2026, 11), To: ym(2027, 1), Kind: Reduce, ReducedTo: 20, Reason: "家庭困难", ApprovedBy: "某某镇党委"}
	if err := e.Validate(); err != nil {
		t.Fatal(err)
	}
	if got, want := e.Explain(), "2026年11月-2027年1月党费减为每月0.20元（原因：家庭困难；经某某镇党委批准）"; got != want {
		t.Errorf("Explain() = %q, want %q", got, want)
	}
	if !e.Covers(ym(2026, 12)) || e.Covers(ym(2027, 2)) || e.Covers(ym(2026, 10)) {
		t.Error("Covers")
	}
	w := Exemption{From: ym(2026, 6), To: ym(2026, 8), Kind: Waive, Reason: "住院治疗", ApprovedBy: "某某镇党委"}
	if got, want := w.Explain(), "2026年6月-8月免交党费（原因：住院治疗；经某某镇党委批准）"; got != want {
		t.Errorf("Explain() = %q, want %q", got, want)
	}
	bad := []Exemption{
		{From: ym(2026, 6), To: ym(2026, 5), Kind: Waive, Reason: "a", ApprovedBy: "b"},
		{From: ym(2026, 6), To: ym(2026, 6), Kind: "免", Reason: "a", ApprovedBy: "b"},
		{From: ym(2026, 6), To: ym(2026, 6), Kind: Reduce, Reason: "a", ApprovedBy: "b"},
		{From: ym(2026, 6), To: ym(2026, 6), Kind: Waive, ReducedTo: 5, Reason: "a", ApprovedBy: "b"},
		{From: ym(2026, 6), To: ym(2026, 6), Kind: Waive, ApprovedBy: "b"},
		{To: ym(2026, 6), Kind: Waive, Reason: "a", ApprovedBy: "b"},
	}
	for _, e := range bad {
		if e.Validate() == nil {
			t.Errorf("Validate(%+v) = nil", e)
		}
	}
}
