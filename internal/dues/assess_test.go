package dues

import (
	"strings"
	"testing"
)

func TestAssessBrackets(t *testing.T) {
	r := DefaultRules()
	tests := []struct {
		cat     Category
		income  Fen
		rate    Rate
		monthly Fen
	}{
		// 中组发〔2008〕3号: upper bounds are inclusive.
		{Employed, 3000_00, 50, 15_00},
		{Employed, 3000_01, 100, 30_00},
		{Employed, 5000_00, 100, 50_00},
		{Employed, 5000_01, 150, 75_00},
		{Employed, 10000_00, 150, 150_00},
		{Employed, 10000_01, 200, 200_00},
		{Employed, 4000_00, 100, 40_00},
		{AnnualSalary, 3000_00, 50, 15_00},
		{AnnualSalary, 10000_01, 200, 200_00},
		{SelfEmployed, 5000_01, 150, 75_00},
		{NoFixedIncome, 2000_00, 50, 10_00},
		{Retired, 5000_00, 50, 25_00},
		{Retired, 5000_01, 100, 50_00},
		{Retired, 6000_00, 100, 60_00},
		{Retired, 100000_00, 100, 1000_00},
		// 1.5% of 6666.66元 = 99.9999元, half-up.
		{Employed, 6666_66, 150, 100_00},
		// 1% of 3333.33元 = 33.3333元.
		{SelfEmployed, 3333_33, 100, 33_33},
	}
	for _, tt := range tests {
		a, err := r.Assess(AssessInput{Category: tt.cat, Income: tt.income})
		if err != nil {
			t.Errorf("%s %v: %v", tt.cat, tt.income, err)
			continue
		}
		if a.Rate != tt.rate || a.Monthly != tt.monthly || a.Base != tt.income || a.Source != NationalSource || a.Province != "" {
			t.Errorf("%s %v: got %+v; want rate %v, monthly %v", tt.cat, tt.income, a, tt.rate, tt.monthly)
		}
	}
}

func TestAssessFlatAndProvince(t *testing.T) {
	r := DefaultRules()
	r.Provinces["广东省"] = ProvinceRules{
		Source: "广东省规定（示例）",
		Categories: map[Category]CategoryRule{
			Farmer:        {Flat: 50},
			NoFixedIncome: {Flat: 50},
			Retired:       {Brackets: []Bracket{{UpTo: 4000_00, Rate: 50}, {Rate: 100}}},
		},
	}
	r.Provinces["安徽省"] = ProvinceRules{Categories: map[Category]CategoryRule{Farmer: {Flat: 30}}}
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		in       AssessInput
		monthly  Fen
		province string
		source   string
		explain  string
	}{
		{AssessInput{Category: Farmer}, 20, "", NationalSource, "农民，按规定每月0.20元"},
		{AssessInput{Category: Student, Income: 5000_00}, 20, "", NationalSource, "学生，按规定每月0.20元"},
		{AssessInput{Category: Unemployed}, 20, "", NationalSource, "失业，按规定每月0.20元"},
		{AssessInput{Category: Relief}, 20, "", NationalSource, "低保，按规定每月0.20元"},
		{AssessInput{Category: Farmer, Province: "广东省"}, 50, "广东省", "广东省规定（示例）", "农民，按广东省规定每月0.50元"},
		{AssessInput{Category: Farmer, Province: "广东"}, 50, "广东省", "广东省规定（示例）", "农民，按广东省规定每月0.50元"},
		{AssessInput{Category: Farmer, Province: "安徽省六安市"}, 30, "安徽省", "安徽省规定", "农民，按安徽省规定每月0.30元"},
		{AssessInput{Category: NoFixedIncome, Province: "广东省"}, 50, "广东省", "广东省规定（示例）", "无固定收入，按广东省规定每月0.50元"},
		{AssessInput{Category: NoFixedIncome, Income: 2000_00}, 10_00, "", NationalSource, "无固定收入，上季度月平均纯收入2,000.00元，按0.5%计，每月10.00元"},
		// A category the province leaves alone keeps the national rule.
		{AssessInput{Category: Student, Province: "广东省"}, 20, "", NationalSource, "学生，按规定每月0.20元"},
		{AssessInput{Category: Farmer, Province: "浙江省"}, 20, "", NationalSource, "农民，按规定每月0.20元"},
		{AssessInput{Category: Employed, Income: 4000_00}, 40_00, "", NationalSource, "在职，税后月收入4,000.00元，按1%计，每月40.00元"},
		{AssessInput{Category: Retired, Income: 6000_00}, 60_00, "", NationalSource, "离退休，月养老金6,000.00元，按1%计，每月60.00元"},
		{AssessInput{Category: Retired, Income: 4500_00, Province: "广东省"}, 45_00, "广东省", "广东省规定（示例）", "离退休，月养老金4,500.00元，按1%计，每月45.00元（广东省标准）"},
		{AssessInput{Category: AnnualSalary, Income: 12000_00}, 240_00, "", NationalSource, "年薪制，当月实际领取薪酬12,000.00元，按2%计，每月240.00元"},
	}
	for _, tt := range tests {
		a, err := r.Assess(tt.in)
		if err != nil {
			t.Errorf("%+v: %v", tt.in, err)
			continue
		}
		if a.Monthly != tt.monthly || a.Province != tt.province || a.Source != tt.source {
			t.Errorf("%+v: got %+v", tt.in, a)
		}
		if got := a.Explain(); got != tt.explain {
			t.Errorf("%+v: Explain() = %q, want %q", tt.in, got, tt.explain)
		}
	}
}

func TestAssessQuarter(t *testing.T) {
	r := DefaultRules()
	tests := []struct {
		total, base, monthly Fen
	}{
		{12000_00, 4000_00, 40_00},
		{9000_00, 3000_00, 15_00},
		{9000_03, 3000_01, 30_00}, // average above 3000元: the 1% bracket
		{9000_02, 3000_01, 30_00}, // 3000.00666…元 rounds half-up to 3000.01元
		{9000_01, 3000_00, 15_00}, // 3000.00333…元 rounds to 3000.00元
	}
	for _, tt := range tests {
		a, err := r.Assess(AssessInput{Category: SelfEmployed, QuarterTotal: tt.total})
		if err != nil {
			t.Errorf("quarter %v: %v", tt.total, err)
			continue
		}
		if a.Base != tt.base || a.Monthly != tt.monthly {
			t.Errorf("quarter %v: base %v monthly %v; want %v, %v", tt.total, a.Base, a.Monthly, tt.base, tt.monthly)
		}
	}
	a, _ := r.Assess(AssessInput{Category: SelfEmployed, QuarterTotal: 12000_00})
	if want := "个体，上季度月平均纯收入4,000.00元，按1%计，每月40.00元"; a.Explain() != want {
		t.Errorf("Explain() = %q, want %q", a.Explain(), want)
	}
}

func TestAssessRounding(t *testing.T) {
	// 0.5% of 2501.00元 = 12.505元.
	tests := []struct {
		mode Rounding
		want Fen
	}{
		{RoundHalfUp, 12_51},
		{RoundHalfEven, 12_50},
		{RoundDown, 12_50},
		{RoundUp, 12_51},
	}
	for _, tt := range tests {
		r := DefaultRules()
		r.Rounding = tt.mode
		a, err := r.Assess(AssessInput{Category: Employed, Income: 2501_00})
		if err != nil || a.Monthly != tt.want {
			t.Errorf("%v: %v, %v; want %v", tt.mode, a.Monthly, err, tt.want)
		}
	}
}

func TestAssessErrors(t *testing.T) {
	r := DefaultRules()
	tests := []struct {
		in   AssessInput
		want string
	}{
		{AssessInput{Category: "老板", Income: 100}, "未知人员类别"},
		{AssessInput{Category: Employed}, "在职人员需填写税后月收入"},
		{AssessInput{Category: Retired}, "离退休人员需填写月养老金"},
		{AssessInput{Category: Employed, Income: -1}, "负数"},
		{AssessInput{Category: Employed, Income: MaxAmount + 1}, "过大"},
		{AssessInput{Category: Employed, Income: 1}, "不足0.01元"},
		{AssessInput{Category: Employed, QuarterTotal: 9000_00}, "只有个体和无固定收入"},
		{AssessInput{Category: SelfEmployed, Income: 1000_00, QuarterTotal: 9000_00}, "只填一个"},
		{AssessInput{Category: SelfEmployed, QuarterTotal: -3}, "负数"},
		{AssessInput{Category: Farmer, Province: "火星"}, "未知省份"},
	}
	for _, tt := range tests {
		_, err := r.Assess(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: error %v; want %q", tt.in, err, tt.want)
		}
	}
}
