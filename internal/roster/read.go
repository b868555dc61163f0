// Package roster imports the branches' member roster (花名册): CSV in UTF-8 (with or without
// BOM) or GBK as Excel on Chinese Windows saves it, or XLSX.
package roster

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// record is one data row with its line number in the file (1 = the header).
type record struct {
	line   int
	fields []string
}

// readTable returns the header and the data rows of a CSV or XLSX file.
func readTable(data []byte, name string) ([]string, []record, error) {
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) || strings.HasSuffix(strings.ToLower(name), ".xlsx") {
		return readXLSX(data)
	}
	return readCSV(data)
}

func readCSV(data []byte) ([]string, []record, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		// Excel on Chinese Windows saves CSV in GBK; GB18030 decodes it and is a superset.
		decoded, _, err := transform.Bytes(simplifiedchinese.GB18030.NewDecoder(), data)
		if err != nil {
			return nil, nil, fmt.Errorf("文件既不是UTF-8也不是GBK编码：%w", err)
		}
		data = decoded
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var header []string
	var rows []record
	for {
		fields, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("CSV格式错误：%w", err)
		}
		line, _ := r.FieldPos(0)
		if header == nil {
			if blank(fields) {
				continue
			}
			header = fields
			continue
		}
		if blank(fields) {
			continue
		}
		rows = append(rows, record{line: line, fields: fields})
	}
	if header == nil {
		return nil, nil, errors.New("文件是空的，没有表头")
	}
	return header, rows, nil
}

func readXLSX(data []byte) ([]string, []record, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, nil, fmt.Errorf("无法读取XLSX文件：%w", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, nil, errors.New("XLSX文件中没有工作表")
	}
	// Raw values: a date cell gives its serial number whatever its display format.
	all, err := f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, nil, fmt.Errorf("无法读取工作表%s：%w", sheets[0], err)
	}
	var header []string
	var rows []record
	for i, fields := range all {
		if blank(fields) {
			continue
		}
		if header == nil {
			header = fields
			continue
		}
		rows = append(rows, record{line: i + 1, fields: fields})
	}
	if header == nil {
		return nil, nil, errors.New("工作表是空的，没有表头")
	}
	return header, rows, nil
}

func blank(fields []string) bool {
	for _, f := range fields {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}
