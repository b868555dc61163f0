package collect

import (
	"context"
	"fmt"
	"io"
	"strings"

	"liudong/internal/dues"
	"liudong/internal/store"
)

// Report is the yearly collection of an org unit (the annual 公示): per branch, per member,
// the monthly amount, the months owed, paid and waived, and the sums.
type Report struct {
	Org      store.OrgUnit
	Year     int
	Through  dues.Month // the last month counted: December, or the current month of this year
	Branches []BranchReport
	Total    Totals
}

// BranchReport is one branch's part of a Report.
type BranchReport struct {
	Name  string
	Rows  []ReportRow
	Total Totals
}

// ReportRow is one member's year.
type ReportRow struct {
	Name     string
	Category string     // of the assessment in force at the end; "" when never assessed
	Monthly  []dues.Fen // the assessed monthly amounts of the year, in order
	Totals
	Note string
}

// Totals are the sums of a row, a branch or the whole report.
type Totals struct {
	Members      int
	DueMonths    int      // months with dues owed (after exemptions)
	PaidMonths   int      // months paid
	WaivedMonths int      // months waived
	Due          dues.Fen // owed for the year's months (after exemptions)
	Paid         dues.Fen // received for the year's months (a payment shared among its months)
	Owed         dues.Fen // owed for months not paid
}

func (t *Totals) add(o Totals) {
	t.Members += o.Members
	t.DueMonths += o.DueMonths
	t.PaidMonths += o.PaidMonths
	t.WaivedMonths += o.WaivedMonths
	t.Due += o.Due
	t.Paid += o.Paid
	t.Owed += o.Owed
}

// Report builds the yearly collection of org and every unit under it, counting months up to
// the current month when year is this year. After the assessments due by today are made, four
// statements load every record; the ledger arithmetic is the same as in chat.
func (s *Service) Report(ctx context.Context, org store.OrgUnit, year int, today dues.Month) (Report, error) {
	r := Report{Org: org, Year: year, Through: dues.Month{Year: year, Month: 12}}
	switch {
	case year > today.Year:
		return r, refuse("%d年尚未开始。", year)
	case year == today.Year:
		r.Through = today
	case !r.Through.Valid():
		return r, refuse("年份不合理：%d", year)
	}
	// The assessments due by today are made first, as for any other look at the dues.
	if _, err := s.AssessDue(ctx, today, []store.OrgUnit{org}); err != nil {
		return r, err
	}
	books, err := s.st.DuesBooksUnder(ctx, []store.OrgUnit{org})
	if err != nil {
		return r, err
	}
	jan := dues.Month{Year: year, Month: 1}
	byBranch := map[int64]int{}
	for _, m := range books.Members {
		a := &Account{Member: m, Assessments: books.Assessments[m.ID], Exemptions: books.Exemptions[m.ID], Payments: books.Payments[m.ID]}
		a.build()
		row, err := reportRow(a, jan, r.Through)
		if err != nil {
			return r, fmt.Errorf("%s（%s）：%w", m.Name, m.BranchName, err)
		}
		i, ok := byBranch[m.BranchID]
		if !ok {
			i = len(r.Branches)
			byBranch[m.BranchID] = i
			r.Branches = append(r.Branches, BranchReport{Name: m.BranchName})
		}
		b := &r.Branches[i]
		b.Rows = append(b.Rows, row)
		b.Total.add(row.Totals)
		r.Total.add(row.Totals)
	}
	return r, nil
}

func reportRow(a *Account, from, through dues.Month) (ReportRow, error) {
	row := ReportRow{Name: a.Member.Name, Totals: Totals{Members: 1}}
	if !a.Assessed() {
		row.Note = "未核定党费标准"
		return row, nil
	}
	if cur := a.InForce(through); cur != nil {
		row.Category = string(cur.Category)
	}
	months, err := a.Ledger.Months(from, through)
	if err != nil {
		return row, err
	}
	inflow := 0
	for _, m := range months {
		if m.Assessed > 0 && (len(row.Monthly) == 0 || row.Monthly[len(row.Monthly)-1] != m.Assessed) {
			row.Monthly = append(row.Monthly, m.Assessed)
		}
		if m.Waived {
			row.WaivedMonths++
		}
		if m.Due > 0 {
			row.DueMonths++
			row.Due += m.Due
		}
		if m.Payment != 0 {
			row.PaidMonths++
			row.Paid += m.Paid
			if p, ok := a.Payment(m.Payment); ok && p.Place == store.PaidAtInflow {
				inflow++
			}
		} else if m.Due > 0 {
			row.Owed += m.Due
		}
	}
	var notes []string
	if start, err := a.Ledger.StartMonth(); err == nil && start.After(from) && !start.After(through) {
		notes = append(notes, start.String()+"起计")
	}
	if inflow > 0 {
		notes = append(notes, fmt.Sprintf("在流入地缴纳%d个月", inflow))
	}
	for _, e := range sortedByFrom(a.LiveExemptions()) {
		if !e.To.Before(from) && !e.From.After(through) {
			notes = append(notes, e.Exemption().Explain())
		}
	}
	row.Note = strings.Join(notes, "；")
	return row, nil
}

// MonthlyText is the row's monthly amount: "40.00", or "40.00→52.00" when re-assessed.
func (r ReportRow) MonthlyText() string {
	parts := make([]string, len(r.Monthly))
	for i, m := range r.Monthly {
		parts[i] = m.Plain()
	}
	return strings.Join(parts, "→")
}

// Title is the report's heading.
func (r Report) Title() string {
	return fmt.Sprintf("%s%d年度党费收缴情况（%s）", r.Org.Name, r.Year, r.period())
}

func (r Report) period() string {
	if r.Through.Month == 12 {
		return fmt.Sprintf("%d年1月-12月", r.Year)
	}
	return "截至" + r.Through.String()
}

// reportHeader is the column heading of both renderings.
var reportHeader = []string{"姓名", "人员类别", "月缴纳标准（元）", "应缴月数", "已缴月数", "免交月数", "应缴金额（元）", "实缴金额（元）", "欠缴金额（元）", "备注"}

// WriteText renders the report as aligned plain text.
func (r Report) WriteText(w io.Writer) error {
	var b strings.Builder
	b.WriteString(r.Title() + "\n")
	if len(r.Branches) == 0 {
		b.WriteString("（没有党员）\n")
	}
	for _, br := range r.Branches {
		fmt.Fprintf(&b, "\n%s（%d人）\n", br.Name, br.Total.Members)
		rows := [][]string{reportHeader}
		for _, row := range br.Rows {
			rows = append(rows, []string{row.Name, row.Category, row.MonthlyText(), fmt.Sprint(row.DueMonths), fmt.Sprint(row.PaidMonths),
				fmt.Sprint(row.WaivedMonths), row.Due.Plain(), row.Paid.Plain(), row.Owed.Plain(), row.Note})
		}
		rows = append(rows, totalsCells("小计", br.Total))
		writeAligned(&b, rows)
	}
	if len(r.Branches) > 1 {
		t := r.Total
		fmt.Fprintf(&b, "\n合计（%d个支部，%d人）：应缴%d个月，已缴%d个月，免交%d个月；应缴%s，实缴%s，欠缴%s。\n",
			len(r.Branches), t.Members, t.DueMonths, t.PaidMonths, t.WaivedMonths, t.Due, t.Paid, t.Owed)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func totalsCells(label string, t Totals) []string {
	return []string{label, "", "", fmt.Sprint(t.DueMonths), fmt.Sprint(t.PaidMonths), fmt.Sprint(t.WaivedMonths),
		t.Due.Plain(), t.Paid.Plain(), t.Owed.Plain(), ""}
}

// writeAligned pads columns to the widest cell, counting CJK characters as two columns.
func writeAligned(b *strings.Builder, rows [][]string) {
	widths := map[int]int{}
	for _, row := range rows {
		for i, c := range row {
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	for _, row := range rows {
		var line strings.Builder
		line.WriteString("  ")
		for i, c := range row {
			line.WriteString(c)
			if i < len(row)-1 {
				line.WriteString(strings.Repeat(" ", widths[i]-displayWidth(c)+2))
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
}

func displayWidth(s string) int {
	w := 0
	for _, r := range s {
		if r >= 0x1100 && (r <= 0x115F || (r >= 0x2E80 && r <= 0xA4CF) || (r >= 0xAC00 && r <= 0xD7A3) ||
			(r >= 0xF900 && r <= 0xFAFF) || (r >= 0xFE30 && r <= 0xFE4F) || (r >= 0xFF00 && r <= 0xFF60) || (r >= 0xFFE0 && r <= 0xFFE6)) {
			w += 2
		} else {
			w++
		}
	}
	return w
}
