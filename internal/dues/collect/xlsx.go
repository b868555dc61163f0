package collect

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"liudong/internal/dues"
)

// WriteXLSX renders the report as a workbook: a 汇总 sheet with one row per branch, then one
// sheet per branch with its members. Amounts are numbers in 元 shown with two decimals.
func (r Report) WriteXLSX(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	var st sheetStyles
	for _, s := range []struct {
		id    *int
		style excelize.Style
	}{
		{&st.money, excelize.Style{NumFmt: 2}}, // 0.00
		{&st.bold, excelize.Style{Font: &excelize.Font{Bold: true}}},
		{&st.boldMoney, excelize.Style{NumFmt: 2, Font: &excelize.Font{Bold: true}}},
	} {
		id, err := f.NewStyle(&s.style)
		if err != nil {
			return err
		}
		*s.id = id
	}
	const summary = "汇总"
	if err := f.SetSheetName("Sheet1", summary); err != nil {
		return err
	}
	yuan := func(v dues.Fen) float64 { return float64(v) / 100 }
	header := []any{"党支部", "人数", "应缴月数", "已缴月数", "免交月数", "应缴金额（元）", "实缴金额（元）", "欠缴金额（元）"}
	rows := [][]any{{r.Title()}, header}
	for _, b := range r.Branches {
		t := b.Total
		rows = append(rows, []any{b.Name, t.Members, t.DueMonths, t.PaidMonths, t.WaivedMonths, yuan(t.Due), yuan(t.Paid), yuan(t.Owed)})
	}
	t := r.Total
	rows = append(rows, []any{"合计", t.Members, t.DueMonths, t.PaidMonths, t.WaivedMonths, yuan(t.Due), yuan(t.Paid), yuan(t.Owed)})
	if err := writeSheet(f, summary, rows, "F", "H", st, []float64{24, 8, 10, 10, 10, 16, 16, 16}); err != nil {
		return err
	}

	used := map[string]bool{summary: true}
	for _, b := range r.Branches {
		name := sheetName(b.Name, used)
		if _, err := f.NewSheet(name); err != nil {
			return err
		}
		head := make([]any, len(reportHeader))
		for i, h := range reportHeader {
			head[i] = h
		}
		rows := [][]any{{fmt.Sprintf("%s %d年度党费收缴情况（%s）", b.Name, r.Year, r.period())}, head}
		for _, row := range b.Rows {
			rows = append(rows, []any{row.Name, row.Category, row.MonthlyText(), row.DueMonths, row.PaidMonths, row.WaivedMonths,
				yuan(row.Due), yuan(row.Paid), yuan(row.Owed), row.Note})
		}
		t := b.Total
		rows = append(rows, []any{"小计", "", "", t.DueMonths, t.PaidMonths, t.WaivedMonths, yuan(t.Due), yuan(t.Paid), yuan(t.Owed), ""})
		if err := writeSheet(f, name, rows, "G", "I", st, []float64{12, 10, 16, 10, 10, 10, 16, 16, 16, 48}); err != nil {
			return err
		}
	}
	f.SetActiveSheet(0)
	return f.Write(w)
}

type sheetStyles struct{ money, bold, boldMoney int }

// writeSheet writes rows from A1: a bold title merged across the table, a bold header, the
// body with money columns from..to formatted, and a bold last row (the totals).
func writeSheet(f *excelize.File, sheet string, rows [][]any, moneyFrom, moneyTo string, st sheetStyles, widths []float64) error {
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			return err
		}
	}
	last, _ := excelize.ColumnNumberToName(len(widths))
	for i, w := range widths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, col, col, w); err != nil {
			return err
		}
	}
	n := len(rows)
	steps := []error{
		f.MergeCell(sheet, "A1", last+"1"),
		f.SetCellStyle(sheet, "A1", "A1", st.bold),
		f.SetCellStyle(sheet, "A2", fmt.Sprintf("%s2", last), st.bold),
		f.SetCellStyle(sheet, fmt.Sprintf("%s3", moneyFrom), fmt.Sprintf("%s%d", moneyTo, n), st.money),
		f.SetCellStyle(sheet, fmt.Sprintf("A%d", n), fmt.Sprintf("%s%d", last, n), st.bold),
		f.SetCellStyle(sheet, fmt.Sprintf("%s%d", moneyFrom, n), fmt.Sprintf("%s%d", moneyTo, n), st.boldMoney),
	}
	for _, err := range steps {
		if err != nil {
			return err
		}
	}
	return nil
}

// sheetName makes a valid, unused sheet name from a branch name (at most 31 characters, none
// of []:*?/\).
func sheetName(name string, used map[string]bool) string {
	clean := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '_'
		}
		return r
	}, name)
	cut := func(s string, n int) string {
		if utf8.RuneCountInString(s) <= n {
			return s
		}
		return string([]rune(s)[:n])
	}
	out := cut(clean, 31)
	for i := 2; used[out]; i++ {
		suffix := fmt.Sprintf("(%d)", i)
		out = cut(clean, 31-len(suffix)) + suffix
	}
	used[out] = true
	return out
}
