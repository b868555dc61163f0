package dues

import (
	"fmt"
	"strconv"
	"strings"
)

// Rate is a dues rate in basis points (0.01%): 1.5% is 150. Exact, never a float.
type Rate int64

// MaxRate bounds a configured rate; the national maximum is 2%.
const MaxRate Rate = 500 // 5%

// ParseRate parses "1.5%", "0.5%", "2%" (at most two decimals of a percent).
func ParseRate(s string) (Rate, error) {
	t := strings.TrimSpace(foldWidth(s))
	num, ok := strings.CutSuffix(t, "%")
	if !ok {
		return 0, fmt.Errorf("费率应写成百分数，如1.5%%：“%s”", s)
	}
	whole, frac, _ := strings.Cut(strings.TrimSpace(num), ".")
	if whole == "" || len(whole) > 3 || !allDigits(whole) || !allDigits(frac) {
		return 0, fmt.Errorf("费率格式不对：“%s”", s)
	}
	if len(frac) > 2 {
		return 0, fmt.Errorf("费率最多精确到0.01%%：“%s”", s)
	}
	w, _ := strconv.Atoi(whole)
	frac += "00"[len(frac):]
	f, _ := strconv.Atoi(frac)
	return Rate(w*100 + f), nil
}

// String formats r as "1.5%".
func (r Rate) String() string {
	s := fmt.Sprintf("%d.%02d", r/100, r%100)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s + "%"
}

// Of returns r applied to base, rounded to 分 by mode.
func (r Rate) Of(base Fen, mode Rounding) Fen {
	return Fen(mode.div(int64(base)*int64(r), 10000))
}

// Rounding is how an amount is rounded to 分. No central rule exists
// (中组发〔2008〕3号 is silent), so it is configuration.
type Rounding int

const (
	RoundHalfUp   Rounding = iota // 四舍五入
	RoundHalfEven                 // 四舍六入五成双
	RoundDown                     // 舍去
	RoundUp                       // 进一
)

var roundingNames = map[Rounding]string{
	RoundHalfUp:   "half_up",
	RoundHalfEven: "half_even",
	RoundDown:     "down",
	RoundUp:       "up",
}

// ParseRounding parses "half_up", "half_even", "down", "up" ("-" may stand for "_").
func ParseRounding(s string) (Rounding, error) {
	t := strings.ReplaceAll(strings.TrimSpace(s), "-", "_")
	for r, name := range roundingNames {
		if name == t {
			return r, nil
		}
	}
	return 0, fmt.Errorf("取整方式应为half_up、half_even、down或up：“%s”", s)
}

func (r Rounding) String() string {
	if name, ok := roundingNames[r]; ok {
		return name
	}
	return fmt.Sprintf("Rounding(%d)", int(r))
}

// div returns n/d rounded by r; n >= 0, d > 0.
func (r Rounding) div(n, d int64) int64 {
	q, rem := n/d, n%d
	if rem == 0 {
		return q
	}
	switch r {
	case RoundUp:
		return q + 1
	case RoundHalfUp:
		if 2*rem >= d {
			return q + 1
		}
	case RoundHalfEven:
		if 2*rem > d || (2*rem == d && q%2 == 1) {
			return q + 1
		}
	}
	return q
}
