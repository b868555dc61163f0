package dues

import (
	"errors"
	"fmt"
)

// AssessInput is what the monthly amount is assessed from.
type AssessInput struct {
	Category Category
	// Income is the monthly base: after-tax wage (在职), pay received that
	// month (年薪制), pension (离退休), or for 个体/无固定收入 the previous
	// quarter's monthly average. Ignored for flat categories.
	Income Fen
	// QuarterTotal, for 个体/无固定收入 only, is the previous quarter's total
	// net income in place of Income (add up the three months); the average is
	// rounded to 分 first, so the explanation shows the base actually used.
	QuarterTotal Fen
	// Province is where the dues are assessed ("广东省", "广东", "安徽省六安市");
	// "" means the national rule.
	Province string
}

// Assessment is a member's monthly dues and the basis it was computed on.
type Assessment struct {
	Category Category
	Province string // province whose own rule applied; "" for the national rule
	Base     Fen    // income base; 0 for a flat amount
	Rate     Rate   // 0 for a flat amount
	Monthly  Fen
	Source   string // rule the amount comes from, e.g. 中组发〔2008〕3号
}

// Assess computes the monthly dues for in under r.
func (r Rules) Assess(in AssessInput) (Assessment, error) {
	if !in.Category.Known() {
		return Assessment{}, fmt.Errorf("未知人员类别“%s”", in.Category)
	}
	a := Assessment{Category: in.Category, Source: r.Source}
	rule, ok := r.Categories[in.Category]
	if !ok {
		return Assessment{}, fmt.Errorf("党费配置缺少人员类别“%s”的标准", in.Category)
	}
	if in.Province != "" {
		p, ok := NormalizeProvince(in.Province)
		if !ok {
			return Assessment{}, fmt.Errorf("未知省份“%s”", in.Province)
		}
		if local, ok := r.Provinces[p].Categories[in.Category]; ok {
			rule, a.Province, a.Source = local, p, r.Provinces[p].Source
			if a.Source == "" {
				a.Source = p + "规定"
			}
		}
	}
	if rule.Flat > 0 {
		a.Monthly = rule.Flat
		return a, nil
	}

	base := in.Income
	if in.QuarterTotal != 0 {
		if in.Category != SelfEmployed && in.Category != NoFixedIncome {
			return Assessment{}, fmt.Errorf("只有个体和无固定收入人员按上季度收入计算，%s人员请填月收入", in.Category)
		}
		if in.Income != 0 {
			return Assessment{}, errors.New("月平均收入和上季度总收入只填一个")
		}
		if in.QuarterTotal < 0 {
			return Assessment{}, errors.New("收入不能为负数")
		}
		base = Fen(r.Rounding.div(int64(in.QuarterTotal), 3))
	}
	label := in.Category.basisLabel()
	switch {
	case base < 0:
		return Assessment{}, errors.New("收入不能为负数")
	case base == 0:
		return Assessment{}, fmt.Errorf("%s人员需填写%s", in.Category, label)
	case base > MaxAmount:
		return Assessment{}, fmt.Errorf("%s%s过大，请核对", label, base)
	}
	a.Base, a.Rate = base, rule.rateFor(base)
	a.Monthly = a.Rate.Of(base, r.Rounding)
	if a.Monthly <= 0 {
		return Assessment{}, fmt.Errorf("%s%s按%s计不足0.01元，请核对收入", label, base, a.Rate)
	}
	return a, nil
}

// Explain renders the basis in one line, e.g.
// "在职，税后月收入4,000.00元，按1%计，每月40.00元" or "农民，按规定每月0.20元".
func (a Assessment) Explain() string {
	if a.Rate == 0 {
		by := "按规定"
		if a.Province != "" {
			by = "按" + a.Province + "规定"
		}
		return fmt.Sprintf("%s，%s每月%s", a.Category, by, a.Monthly)
	}
	s := fmt.Sprintf("%s，%s%s，按%s计，每月%s", a.Category, a.Category.basisLabel(), a.Base, a.Rate, a.Monthly)
	if a.Province != "" {
		s += "（" + a.Province + "标准）"
	}
	return s
}
