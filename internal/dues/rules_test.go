package dues

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestDefaultRulesValid(t *testing.T) {
	if err := DefaultRules().Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestConfigFileMatchesDefault(t *testing.T) {
	got, err := LoadRules("../../configs/dues.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if want := DefaultRules(); !reflect.DeepEqual(got, want) {
		t.Errorf("configs/dues.yaml differs from DefaultRules():\nfile:    %+v\ndefault: %+v", got, want)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(r *Rules)
		wantKey string // the key the error must name
		wantMsg string
	}{
		{"no source", func(r *Rules) { r.Source = "" }, "source", "缺少"},
		{"bad rounding", func(r *Rules) { r.Rounding = 9 }, "rounding", "无效"},
		{"bad assessment month", func(r *Rules) { r.AssessmentMonth = 13 }, "assessment_month", "1到12"},
		{"advance too long", func(r *Rules) { r.Payment.MaxAdvanceMonths = 36 }, "payment.max_advance_months", "0到12"},
		{"negative arrears", func(r *Rules) { r.Payment.MaxArrearsMonths = -1 }, "payment.max_arrears_months", "0到24"},
		{"tolerance", func(r *Rules) { r.Payment.Tolerance = 500 }, "payment.tolerance", "1.00元"},
		{"missing category", func(r *Rules) { delete(r.Categories, Student) }, "categories.学生", "缺少"},
		{"unknown category", func(r *Rules) { r.Categories["老板"] = CategoryRule{Flat: 20} }, "categories.老板", "未知人员类别"},
		{"flat and brackets", func(r *Rules) {
			r.Categories[Farmer] = CategoryRule{Flat: 20, Brackets: []Bracket{{Rate: 50}}}
		}, "categories.农民", "只能填一个"},
		{"neither", func(r *Rules) { r.Categories[Farmer] = CategoryRule{} }, "categories.农民", "缺少flat或brackets"},
		{"flat too high", func(r *Rules) { r.Categories[Farmer] = CategoryRule{Flat: 100_01} }, "categories.农民.flat", "0.01元到100.00元"},
		{"rate zero", func(r *Rules) { r.Categories[Employed].Brackets[1].Rate = 0 }, "categories.在职.brackets[1].rate", "大于0"},
		{"rate above 5%", func(r *Rules) { r.Categories[Employed].Brackets[3].Rate = 600 }, "categories.在职.brackets[3].rate", "6%"},
		{"bounds out of order", func(r *Rules) {
			r.Categories[Employed].Brackets[1].UpTo = 2000_00
		}, "categories.在职.brackets[1].up_to", "重叠"},
		{"repeated bound", func(r *Rules) {
			r.Categories[Employed].Brackets[2].UpTo = 5000_00
		}, "categories.在职.brackets[2].up_to", "重叠"},
		{"last bracket closed", func(r *Rules) {
			r.Categories[Retired] = CategoryRule{Brackets: []Bracket{{UpTo: 5000_00, Rate: 50}, {UpTo: 20000_00, Rate: 100}}}
		}, "categories.离退休.brackets[1].up_to", "最后一档"},
		{"open bracket in the middle", func(r *Rules) {
			r.Categories[Retired] = CategoryRule{Brackets: []Bracket{{Rate: 50}, {Rate: 100}}}
		}, "categories.离退休.brackets[0].up_to", "只有最后一档"},
		{"short province name", func(r *Rules) {
			r.Provinces["广东"] = ProvinceRules{Categories: map[Category]CategoryRule{Farmer: {Flat: 50}}}
		}, "provinces.广东", "全称“广东省”"},
		{"unknown province", func(r *Rules) {
			r.Provinces["火星省"] = ProvinceRules{Categories: map[Category]CategoryRule{Farmer: {Flat: 50}}}
		}, "provinces.火星省", "未知省份"},
		{"empty province", func(r *Rules) { r.Provinces["广东省"] = ProvinceRules{} }, "provinces.广东省.categories", "至少"},
		{"bad province flat", func(r *Rules) {
			r.Provinces["广东省"] = ProvinceRules{Categories: map[Category]CategoryRule{Farmer: {Flat: -5}}}
		}, "provinces.广东省.categories.农民.flat", "实为-0.05元"},
		{"unknown province category", func(r *Rules) {
			r.Provinces["广东省"] = ProvinceRules{Categories: map[Category]CategoryRule{"务工": {Flat: 50}}}
		}, "provinces.广东省.categories.务工", "未知人员类别"},
	}
	for _, tt := range tests {
		r := DefaultRules()
		tt.edit(&r)
		err := r.Validate()
		if err == nil {
			t.Errorf("%s: Validate() = nil", tt.name)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, " "+tt.wantKey+"：") || !strings.Contains(msg, tt.wantMsg) {
			t.Errorf("%s: Validate() = %q; want key %q and %q", tt.name, msg, tt.wantKey, tt.wantMsg)
		}
	}
}

const provinceYAML = `
source: 中组发〔2008〕3号
rounding: half_even
assessment_month: 7
payment: {max_advance_months: 3, max_arrears_months: 12, tolerance: "0.01"}
categories:
  在职: {brackets: [{up_to: "3000", rate: "0.5%"}, {up_to: "5000", rate: "1%"}, {up_to: "10000", rate: "1.5%"}, {rate: "2%"}]}
  年薪制: {brackets: [{up_to: "3000", rate: "0.5%"}, {up_to: "5000", rate: "1%"}, {up_to: "10000", rate: "1.5%"}, {rate: "2%"}]}
  个体: {brackets: [{up_to: "3000", rate: "0.5%"}, {up_to: "5000", rate: "1%"}, {up_to: "10000", rate: "1.5%"}, {rate: "2%"}]}
  无固定收入: {brackets: [{up_to: "3000", rate: "0.5%"}, {up_to: "5000", rate: "1%"}, {up_to: "10000", rate: "1.5%"}, {rate: "2%"}]}
  离退休: {brackets: [{up_to: 5000, rate: 0.5%}, {rate: 1%}]}
  农民: {flat: 0.2}
  学生: {flat: "0.2元"}
  失业: {flat: "0.20"}
  低保: {flat: "0.20"}
provinces:
  甲省:
    source: 甲省委组织部文件
    categories:
      农民: {flat: "0.50"}
`

func TestParseRules(t *testing.T) {
	src := strings.Replace(provinceYAML, "甲省", "广东省", 1)
	r, err := ParseRules([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if r.Rounding != RoundHalfEven || r.AssessmentMonth != time.July || r.Payment != (PaymentRules{3, 12, 1}) {
		t.Errorf("scalars: %+v", r)
	}
	if got := r.Categories[Retired]; !reflect.DeepEqual(got, DefaultRules().Categories[Retired]) {
		t.Errorf("unquoted numbers read as %+v", got)
	}
	if got := r.Categories[Farmer].Flat; got != 20 {
		t.Errorf("flat 0.2 read as %v", got)
	}
	if got := r.Provinces["广东省"]; got.Source != "甲省委组织部文件" || got.Categories[Farmer].Flat != 50 {
		t.Errorf("province: %+v", got)
	}
}

func TestParseRulesErrors(t *testing.T) {
	tests := []struct {
		name, from, to, want string
	}{
		{"unknown province", "甲省", "甲省", "provinces.甲省：未知省份"},
		{"typo in key", "rounding: half_even", "rounding: half_even\nroundng: up", "roundng"},
		{"bad rounding", "rounding: half_even", "rounding: nearest", "rounding：取整方式"},
		{"missing rounding", "rounding: half_even", "", "rounding：缺少"},
		{"missing payment", "payment: {max_advance_months: 3, max_arrears_months: 12, tolerance: \"0.01\"}", "", "payment：缺少"},
		{"missing advance", "max_advance_months: 3, ", "", "payment.max_advance_months：缺少"},
		{"float-ish rate", `{rate: 1%}`, `{rate: 0.0125}`, "categories.离退休.brackets[1].rate：费率应写成百分数"},
		{"three decimals", `flat: "0.50"`, `flat: "0.505"`, "provinces.广东省.categories.农民.flat：金额最多精确到分"},
		{"zero flat", `flat: "0.50"`, `flat: "0"`, "provinces.广东省.categories.农民.flat：定额不能为0"},
		{"zero bound", `up_to: 5000,`, `up_to: 0,`, "categories.离退休.brackets[0].up_to：上限不能为0"},
		{"missing rate", `{rate: 1%}`, `{}`, "categories.离退休.brackets[1].rate：缺少费率"},
		{"flat as a list", `flat: "0.50"`, `flat: [1]`, "应为单个值"},
		{"rate too high", `{rate: 1%}`, `{rate: 8%}`, "categories.离退休.brackets[1].rate：费率应大于0且不超过5%"},
	}
	for _, tt := range tests {
		src := strings.Replace(provinceYAML, "甲省", "广东省", 1)
		if tt.name == "unknown province" {
			src = provinceYAML
		}
		if !strings.Contains(src, tt.from) {
			t.Fatalf("%s: %q not in the fixture", tt.name, tt.from)
		}
		src = strings.Replace(src, tt.from, tt.to, 1)
		_, err := ParseRules([]byte(src))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: ParseRules error = %v; want it to contain %q", tt.name, err, tt.want)
		}
	}
}

func TestReassessDue(t *testing.T) {
	r := DefaultRules() // January
	tests := []struct {
		last, today Month
		want        bool
	}{
		{ym(2026, 1), ym(2026, 12), false},
		{ym(2026, 1), ym(2027, 1), true},
		{ym(2026, 11), ym(2026, 12), false},
		{ym(2026, 11), ym(2027, 1), true},
		{ym(2026, 12), ym(2027, 1), true},
		{ym(2026, 12), ym(2026, 12), false},
	}
	for _, tt := range tests {
		if got := r.ReassessDue(tt.last, tt.today); got != tt.want {
			t.Errorf("ReassessDue(%v, %v) = %v, want %v", tt.last, tt.today, got, tt.want)
		}
	}
	r.AssessmentMonth = time.July
	if !r.ReassessDue(ym(2026, 1), ym(2026, 7)) || r.ReassessDue(ym(2026, 7), ym(2027, 6)) {
		t.Error("July assessment month")
	}
}
