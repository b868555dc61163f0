package dues

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// NationalSource is the rule the default table comes from
// (《关于中国共产党党费收缴、使用和管理的规定》, in force 2008-04-01).
const NationalSource = "中组发〔2008〕3号"

// Rules is the whole dues table: the national rule, per-province
// overrides and the payment limits. Load it with LoadRules or use DefaultRules.
type Rules struct {
	Source          string // the rule the national table quotes
	Rounding        Rounding
	AssessmentMonth time.Month // the monthly amount is fixed once a year, in this month
	Payment         PaymentRules
	Categories      map[Category]CategoryRule // every category, national rule
	Provinces       map[string]ProvinceRules  // by full province name
}

// CategoryRule is either income brackets or a flat monthly amount.
type CategoryRule struct {
	Brackets []Bracket // ordered by UpTo; the last one has no upper bound
	Flat     Fen
}

// Bracket applies Rate to incomes up to and including UpTo.
// Brackets are written by upper bound only, so a gap cannot be expressed;
// a bound not above the previous one is an overlap.
type Bracket struct {
	UpTo Fen // 0 on the last, open-ended bracket
	Rate Rate
}

// ProvinceRules replaces the national rule of some categories in one province.
type ProvinceRules struct {
	Source     string // e.g. the provincial document; "" reads as "<省>规定"
	Categories map[Category]CategoryRule
}

// PaymentRules limits what a single payment may cover.
type PaymentRules struct {
	MaxAdvanceMonths int // 预交: months after the current one
	MaxArrearsMonths int // 补交: months before the current one, unless overridden
	Tolerance        Fen // accepted difference from the amount due; 0 = exact
}

// DefaultRules returns the national rule of 中组发〔2008〕3号; configs/dues.yaml
// holds the same table.
func DefaultRules() Rules {
	// 中组发〔2008〕3号: employed, annual-salary and self-employed members pay
	// on ≤3000元 0.5%, ≤5000元 1%, ≤10000元 1.5%, above 2% (bounds inclusive).
	wage := func() CategoryRule {
		return CategoryRule{Brackets: []Bracket{
			{UpTo: 3000_00, Rate: 50},
			{UpTo: 5000_00, Rate: 100},
			{UpTo: 10000_00, Rate: 150},
			{Rate: 200},
		}}
	}
	// 中组发〔2008〕3号: students, the unemployed and those on relief pay 0.2元;
	// farmers 0.2–1元 as the province sets, default 0.2元.
	flat := CategoryRule{Flat: 20}
	return Rules{
		Source:          NationalSource,
		Rounding:        RoundHalfUp,
		AssessmentMonth: time.January,
		Payment: PaymentRules{
			MaxAdvanceMonths: 6, // 中组发〔2008〕3号: 预交 up to 6 months
			MaxArrearsMonths: 6, // 中组发〔2008〕3号: 补交 normally no more than 6 months
		},
		Categories: map[Category]CategoryRule{
			Employed:      wage(),
			AnnualSalary:  wage(),
			SelfEmployed:  wage(),
			NoFixedIncome: wage(),
			// 中组发〔2008〕3号: retired members pay on ≤5000元 0.5%, above 1%.
			Retired:    {Brackets: []Bracket{{UpTo: 5000_00, Rate: 50}, {Rate: 100}}},
			Farmer:     flat,
			Student:    flat,
			Unemployed: flat,
			Relief:     flat,
		},
		Provinces: map[string]ProvinceRules{},
	}
}

// Limits of a sane configuration.
const (
	minFlat         Fen = 1      // 0.01元
	maxFlat         Fen = 100_00 // 100元
	maxTolerance    Fen = 1_00   // 1元
	maxAdvanceLimit     = 12     // months
	maxArrearsLimit     = 24     // months
	maxBracketBound Fen = MaxAmount
)

// Validate reports every problem in r, each naming its configuration key.
func (r Rules) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("党费配置 %s：%s", key, fmt.Sprintf(format, args...)))
	}
	if r.Source == "" {
		bad("source", "缺少依据文件，如%s", NationalSource)
	}
	if _, ok := roundingNames[r.Rounding]; !ok {
		bad("rounding", "取整方式无效（%d）", int(r.Rounding))
	}
	if r.AssessmentMonth < time.January || r.AssessmentMonth > time.December {
		bad("assessment_month", "应为1到12，实为%d", int(r.AssessmentMonth))
	}
	if n := r.Payment.MaxAdvanceMonths; n < 0 || n > maxAdvanceLimit {
		bad("payment.max_advance_months", "应为0到%d，实为%d", maxAdvanceLimit, n)
	}
	if n := r.Payment.MaxArrearsMonths; n < 0 || n > maxArrearsLimit {
		bad("payment.max_arrears_months", "应为0到%d，实为%d", maxArrearsLimit, n)
	}
	if t := r.Payment.Tolerance; t < 0 || t > maxTolerance {
		bad("payment.tolerance", "应在0到%s之间，实为%s", maxTolerance, t)
	}
	for _, c := range Categories() {
		if _, ok := r.Categories[c]; !ok {
			bad("categories."+string(c), "缺少该人员类别的标准")
		}
	}
	validateCategories("categories", r.Categories, bad)
	for _, p := range sortedKeys(r.Provinces) {
		key := "provinces." + p
		if full, ok := NormalizeProvince(p); !ok {
			bad(key, "未知省份")
		} else if full != p {
			bad(key, "省份应写全称“%s”", full)
		}
		if len(r.Provinces[p].Categories) == 0 {
			bad(key+".categories", "至少调整一个人员类别的标准")
		}
		validateCategories(key+".categories", r.Provinces[p].Categories, bad)
	}
	return errors.Join(errs...)
}

func validateCategories(prefix string, cats map[Category]CategoryRule, bad func(key, format string, args ...any)) {
	keys := make([]Category, 0, len(cats))
	for c := range cats {
		keys = append(keys, c)
	}
	slices.Sort(keys)
	for _, c := range keys {
		key := prefix + "." + string(c)
		if !c.Known() {
			bad(key, "未知人员类别，应为%v之一", Categories())
			continue
		}
		rule := cats[c]
		switch {
		case rule.Flat != 0 && len(rule.Brackets) > 0:
			bad(key, "flat与brackets只能填一个")
		case rule.Flat != 0:
			if rule.Flat < minFlat || rule.Flat > maxFlat {
				bad(key+".flat", "定额应在%s到%s之间，实为%s", minFlat, maxFlat, rule.Flat)
			}
		case len(rule.Brackets) == 0:
			bad(key, "缺少flat或brackets")
		default:
			validateBrackets(key+".brackets", rule.Brackets, bad)
		}
	}
}

func validateBrackets(key string, bs []Bracket, bad func(key, format string, args ...any)) {
	var prev Fen
	for i, b := range bs {
		k := fmt.Sprintf("%s[%d]", key, i)
		if b.Rate <= 0 || b.Rate > MaxRate {
			bad(k+".rate", "费率应大于0且不超过%s，实为%s", MaxRate, b.Rate)
		}
		last := i == len(bs)-1
		switch {
		case last && b.UpTo != 0:
			bad(k+".up_to", "最后一档不设上限（删去up_to），否则高于%s的收入无标准", b.UpTo)
		case !last && b.UpTo == 0:
			bad(k+".up_to", "只有最后一档可以不设上限")
		case !last && b.UpTo <= prev:
			bad(k+".up_to", "上限%s应高于上一档的%s，否则档位重叠或顺序颠倒", b.UpTo, prev)
		case !last && b.UpTo > maxBracketBound:
			bad(k+".up_to", "上限过大：%s", b.UpTo)
		}
		if !last && b.UpTo > prev {
			prev = b.UpTo
		}
	}
}

// rateFor returns the rate of the bracket income falls in.
func (rule CategoryRule) rateFor(income Fen) Rate {
	for _, b := range rule.Brackets {
		if b.UpTo == 0 || income <= b.UpTo {
			return b.Rate
		}
	}
	return 0 // unreachable on a validated rule
}

// ReassessDue reports whether an assessment made in month last should be
// renewed by today: the amount is fixed once a year, in AssessmentMonth.
func (r Rules) ReassessDue(last, today Month) bool {
	ahead := (int(r.AssessmentMonth) - int(last.Month) + 11) % 12
	return !today.Before(last.Add(ahead + 1))
}
