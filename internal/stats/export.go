package stats

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/width"
)

// Report is what `liudong stats` prints: the paragraph, its note, and the tables.
type Report struct {
	Summary Summary
	Tables  []Table
}

// WriteText prints the paragraph (and note), then each table with aligned columns.
func WriteText(w io.Writer, r Report) error {
	var b strings.Builder
	b.WriteString(Paragraph(r.Summary) + "\n")
	if n := Note(r.Summary); n != "" {
		b.WriteString(n + "\n")
	}
	for _, t := range r.Tables {
		b.WriteString("\n" + t.Title + "\n")
		cells := [][]string{t.Header}
		for _, row := range t.Rows {
			cells = append(cells, texts(row))
		}
		widths := make([]int, len(t.Header))
		for _, row := range cells {
			for i, c := range row {
				widths[i] = max(widths[i], displayWidth(c))
			}
		}
		for _, row := range cells {
			for i, c := range row {
				pad := strings.Repeat(" ", widths[i]-displayWidth(c))
				switch {
				case i == 0:
					b.WriteString(c + pad)
				default:
					b.WriteString("  " + pad + c)
				}
			}
			b.WriteString("\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func texts(row []any) []string {
	out := make([]string, len(row))
	for i, c := range row {
		out[i] = fmt.Sprint(c)
	}
	return out
}

// displayWidth counts a wide (CJK) character as two columns.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// WriteCSV writes the tables one after another, each under its title and separated by an
// empty line, UTF-8 with a byte-order mark so that Excel reads the Chinese right.
func WriteCSV(w io.Writer, r Report) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	for i, t := range r.Tables {
		if i > 0 {
			cw.Write(nil)
		}
		cw.Write([]string{t.Title})
		cw.Write(t.Header)
		for _, row := range t.Rows {
			cw.Write(texts(row))
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteXLSX writes a workbook: the paragraph on the first sheet (基本情况), then one sheet per
// table, counts as numbers.
func WriteXLSX(w io.Writer, r Report) error {
	f := excelize.NewFile()
	defer f.Close()
	const first = "基本情况"
	if err := f.SetSheetName("Sheet1", first); err != nil {
		return err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	f.SetColWidth(first, "A", "A", 100)
	f.SetCellValue(first, "A1", Paragraph(r.Summary))
	f.SetCellStyle(first, "A1", "A1", wrap)
	f.SetRowHeight(first, 1, 120)
	if n := Note(r.Summary); n != "" {
		f.SetCellValue(first, "A2", n)
		f.SetCellStyle(first, "A2", "A2", wrap)
	}
	for _, t := range r.Tables {
		if _, err := f.NewSheet(t.Sheet); err != nil {
			return err
		}
		// Streamed: a committee's tables run to thousands of rows.
		sw, err := f.NewStreamWriter(t.Sheet)
		if err != nil {
			return err
		}
		sw.SetColWidth(1, 1, 28)
		sw.SetColWidth(2, len(t.Header), 10)
		if err := sw.SetRow("A1", []any{excelize.Cell{Value: t.Title, StyleID: bold}}); err != nil {
			return err
		}
		header := make([]any, len(t.Header))
		for i, h := range t.Header {
			header[i] = h
		}
		if err := sw.SetRow("A2", header); err != nil {
			return err
		}
		for i, row := range t.Rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+3)
			if err := sw.SetRow(cell, row); err != nil {
				return err
			}
		}
		if err := sw.Flush(); err != nil {
			return err
		}
	}
	return f.Write(w)
}
