// Package dues holds the Party dues rules of 中组发〔2008〕3号 and the pure
// ledger arithmetic on top of them: assessment of the monthly amount,
// exemptions, payments, reversals and arrears. It knows nothing of storage
// or chat; money is always an integer number of 分.
package dues

import (
	"errors"
	"fmt"
	"strings"
)

// Fen is an amount of money in 分 (0.01元). Never a float.
type Fen int64

// MaxAmount is the largest amount ParseYuan accepts: anything above is a typo.
const MaxAmount Fen = 99_999_999_99 // 99,999,999.99元

// ParseYuan parses an amount in 元 as secretaries type it: "12.5", "12.50",
// "12.5元", "０.２", "1,234.56", "¥40". The result is exact; more than two
// decimals are rejected unless the extra digits are zeros.
func ParseYuan(s string) (Fen, error) {
	t := strings.Join(strings.Fields(foldWidth(s)), "")
	t = strings.TrimPrefix(t, "¥")
	t = strings.TrimSuffix(t, "整")
	t = strings.TrimSuffix(t, "元")
	if t == "" {
		return 0, errors.New("请输入金额，如12.50")
	}
	if strings.HasPrefix(t, "-") || strings.HasPrefix(t, "−") {
		return 0, fmt.Errorf("金额不能为负数：“%s”", s)
	}
	bad := fmt.Errorf("金额格式不对：“%s”，请写成如12.50或1,234.56", s)
	whole, frac, _ := strings.Cut(t, ".")
	if whole == "" && frac == "" {
		return 0, bad
	}
	if strings.Contains(whole, ",") {
		groups := strings.Split(whole, ",")
		if len(groups[0]) < 1 || len(groups[0]) > 3 {
			return 0, bad
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return 0, bad
			}
		}
		whole = strings.Join(groups, "")
	}
	if !allDigits(whole) || !allDigits(frac) {
		return 0, bad
	}
	if len(frac) > 2 {
		if strings.Trim(frac[2:], "0") != "" {
			return 0, fmt.Errorf("金额最多精确到分（两位小数）：“%s”", s)
		}
		frac = frac[:2]
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > 8 {
		return 0, fmt.Errorf("金额过大：“%s”，请核对", s)
	}
	var f Fen
	for _, c := range whole {
		f = f*10 + Fen(c-'0')
	}
	frac += "00"[len(frac):]
	f = f*100 + Fen(frac[0]-'0')*10 + Fen(frac[1]-'0')
	return f, nil
}

// String formats the amount as "4,000.00元".
func (f Fen) String() string { return f.Plain() + "元" }

// Plain formats the amount as "4,000.00", without the unit.
func (f Fen) Plain() string {
	u := uint64(f)
	sign := ""
	if f < 0 {
		sign, u = "-", -u
	}
	digits := fmt.Sprint(u / 100)
	var b strings.Builder
	b.WriteString(sign)
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	fmt.Fprintf(&b, ".%02d", u%100)
	return b.String()
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// foldWidth maps full-width ASCII forms (０-９，．－％ …), the ideographic
// space, ￥ and the ideographic full stop to their half-width forms, as
// users type either.
func foldWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '！' && r <= '～':
			return r - '！' + '!'
		case r == '\u3000':
			return ' '
		case r == '￥':
			return '¥'
		case r == '。':
			return '.'
		}
		return r
	}, s)
}
