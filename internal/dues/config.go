package dues

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"gopkg.in/yaml.v3"
)

// LoadRules reads and validates a dues table such as configs/dues.yaml.
func LoadRules(path string) (Rules, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Rules{}, fmt.Errorf("dues: %w", err)
	}
	r, err := ParseRules(data)
	if err != nil {
		return Rules{}, fmt.Errorf("dues: %s: %w", path, err)
	}
	return r, nil
}

// ParseRules decodes and validates a dues table in YAML. Amounts and rates
// are strings ("0.20", "1.5%") read exactly, never through a float.
func ParseRules(data []byte) (Rules, error) {
	var f fileRules
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return Rules{}, fmt.Errorf("党费配置格式错误：%w", err)
	}
	r, errs := f.rules()
	if len(errs) > 0 {
		return Rules{}, errors.Join(errs...)
	}
	return r, r.Validate()
}

type fileRules struct {
	Source          string                  `yaml:"source"`
	Rounding        string                  `yaml:"rounding"`
	AssessmentMonth int                     `yaml:"assessment_month"`
	Payment         *filePayment            `yaml:"payment"`
	Categories      map[string]fileCategory `yaml:"categories"`
	Provinces       map[string]fileProvince `yaml:"provinces"`
}

type filePayment struct {
	MaxAdvanceMonths *int   `yaml:"max_advance_months"`
	MaxArrearsMonths *int   `yaml:"max_arrears_months"`
	Tolerance        scalar `yaml:"tolerance"`
}

type fileCategory struct {
	Flat     scalar        `yaml:"flat"`
	Brackets []fileBracket `yaml:"brackets"`
}

type fileBracket struct {
	UpTo scalar `yaml:"up_to"`
	Rate scalar `yaml:"rate"`
}

type fileProvince struct {
	Source     string                  `yaml:"source"`
	Categories map[string]fileCategory `yaml:"categories"`
}

// scalar keeps a YAML scalar's source text, so 0.20 is never a float.
type scalar struct {
	text string
	set  bool
}

func (s *scalar) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("第%d行：应为单个值", n.Line)
	}
	s.text, s.set = n.Value, true
	return nil
}

// rules converts the file form; Validate then checks the table itself.
func (f fileRules) rules() (Rules, []error) {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("党费配置 %s：%s", key, fmt.Sprintf(format, args...)))
	}
	r := Rules{
		Source:          f.Source,
		AssessmentMonth: time.Month(f.AssessmentMonth),
		Categories:      map[Category]CategoryRule{},
		Provinces:       map[string]ProvinceRules{},
	}
	if f.Rounding == "" {
		bad("rounding", "缺少取整方式（half_up、half_even、down或up）")
	} else if rd, err := ParseRounding(f.Rounding); err != nil {
		bad("rounding", "%v", err)
	} else {
		r.Rounding = rd
	}
	if f.AssessmentMonth == 0 {
		bad("assessment_month", "缺少每年核定党费的月份（1到12）")
	}
	switch p := f.Payment; {
	case p == nil:
		bad("payment", "缺少缴纳规则")
	default:
		if p.MaxAdvanceMonths == nil {
			bad("payment.max_advance_months", "缺少")
		} else {
			r.Payment.MaxAdvanceMonths = *p.MaxAdvanceMonths
		}
		if p.MaxArrearsMonths == nil {
			bad("payment.max_arrears_months", "缺少")
		} else {
			r.Payment.MaxArrearsMonths = *p.MaxArrearsMonths
		}
		if p.Tolerance.set {
			t, err := ParseYuan(p.Tolerance.text)
			if err != nil {
				bad("payment.tolerance", "%v", err)
			}
			r.Payment.Tolerance = t
		}
	}
	r.Categories = convertCategories("categories", f.Categories, bad)
	for _, name := range sortedKeys(f.Provinces) {
		fp := f.Provinces[name]
		r.Provinces[name] = ProvinceRules{
			Source:     fp.Source,
			Categories: convertCategories("provinces."+name+".categories", fp.Categories, bad),
		}
	}
	return r, errs
}

func convertCategories(prefix string, in map[string]fileCategory, bad func(key, format string, args ...any)) map[Category]CategoryRule {
	out := map[Category]CategoryRule{}
	for _, name := range sortedKeys(in) {
		fc, key := in[name], prefix+"."+name
		var rule CategoryRule
		if fc.Flat.set {
			v, err := ParseYuan(fc.Flat.text)
			if err != nil {
				bad(key+".flat", "%v", err)
			} else if v == 0 {
				bad(key+".flat", "定额不能为0")
			}
			rule.Flat = v
		}
		for i, fb := range fc.Brackets {
			k := fmt.Sprintf("%s.brackets[%d]", key, i)
			var b Bracket
			if fb.UpTo.set {
				v, err := ParseYuan(fb.UpTo.text)
				if err != nil {
					bad(k+".up_to", "%v", err)
				}
				if v == 0 {
					bad(k+".up_to", "上限不能为0")
				}
				b.UpTo = v
			}
			if !fb.Rate.set {
				bad(k+".rate", "缺少费率")
			} else if v, err := ParseRate(fb.Rate.text); err != nil {
				bad(k+".rate", "%v", err)
			} else {
				b.Rate = v
			}
			rule.Brackets = append(rule.Brackets, b)
		}
		out[Category(name)] = rule
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
