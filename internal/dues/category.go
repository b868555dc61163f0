package dues

import (
	"fmt"
	"strings"
)

// Category is who the member is for dues purposes (中组发〔2008〕3号 第一部分).
type Category string

const (
	Employed      Category = "在职"    // after-tax regular monthly wage
	AnnualSalary  Category = "年薪制"   // pay actually received that month
	SelfEmployed  Category = "个体"    // average monthly net income of the previous quarter
	NoFixedIncome Category = "无固定收入" // no monthly wage: same base as 个体 nationally; some provinces set a flat amount
	Retired       Category = "离退休"   // pension actually received (basic part)
	Farmer        Category = "农民"    // flat, set by the province
	Student       Category = "学生"    // flat
	Unemployed    Category = "失业"    // flat
	Relief        Category = "低保"    // on relief, 抚恤 or 低保: flat
)

// Categories lists every category in display order.
func Categories() []Category {
	return []Category{Employed, AnnualSalary, SelfEmployed, NoFixedIncome, Retired, Farmer, Student, Unemployed, Relief}
}

// Known reports whether c is one of Categories.
func (c Category) Known() bool {
	for _, k := range Categories() {
		if c == k {
			return true
		}
	}
	return false
}

// basisLabel names the income base in an explanation.
func (c Category) basisLabel() string {
	switch c {
	case Employed:
		return "税后月收入"
	case AnnualSalary:
		return "当月实际领取薪酬"
	case SelfEmployed, NoFixedIncome:
		return "上季度月平均纯收入"
	case Retired:
		return "月养老金"
	}
	return "月收入"
}

// categoryAliases maps what rosters and secretaries write onto categories;
// the roster's 人员类别 column uses 在职/离退休/农民/学生/失业/个体.
var categoryAliases = map[string]Category{
	"在职人员": Employed, "职工": Employed, "工薪": Employed,
	"年薪":  AnnualSalary,
	"个体户": SelfEmployed, "个体经营": SelfEmployed, "个体工商户": SelfEmployed,
	"无固定收入人员": NoFixedIncome, "灵活就业": NoFixedIncome,
	"退休": Retired, "离休": Retired, "离退休人员": Retired,
	"农民党员": Farmer, "务农": Farmer,
	"在校学生": Student, "学生党员": Student,
	"下岗": Unemployed, "下岗失业": Unemployed, "待业": Unemployed, "无业": Unemployed,
	"最低生活保障": Relief, "救济": Relief, "抚恤": Relief,
}

// ParseCategory maps a 人员类别 word onto a Category.
func ParseCategory(s string) (Category, error) {
	t := strings.TrimSpace(foldWidth(s))
	if c := Category(t); c.Known() {
		return c, nil
	}
	if c, ok := categoryAliases[t]; ok {
		return c, nil
	}
	if t == "" {
		return "", fmt.Errorf("缺少人员类别，应为在职、离退休、农民、学生、失业或个体")
	}
	return "", fmt.Errorf("未知人员类别“%s”，应为在职、离退休、农民、学生、失业或个体", s)
}
