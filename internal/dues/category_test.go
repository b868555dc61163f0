package dues

import "testing"

func TestParseCategory(t *testing.T) {
	tests := []struct {
		in   string
		want Category
		ok   bool
	}{
		// The roster's 人员类别 words.
		{"在职", Employed, true},
		{"离退休", Retired, true},
		{"农民", Farmer, true},
		{"学生", Student, true},
		{"失业", Unemployed, true},
		{"个体", SelfEmployed, true},
		// Categories set by the secretary, and common variants.
		{"年薪制", AnnualSalary, true},
		{"低保", Relief, true},
		{"无固定收入", NoFixedIncome, true},
		{" 退休 ", Retired, true},
		{"个体户", SelfEmployed, true},
		{"下岗", Unemployed, true},
		{"", "", false},
		{"老板", "", false},
	}
	for _, tt := range tests {
		got, err := ParseCategory(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseCategory(%q) = %q, %v; want %q ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestNormalizeProvince(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"广东省", "广东省", true},
		{"广东", "广东省", true},
		{"安徽省六安市", "安徽省", true},
		{"广西", "广西壮族自治区", true},
		{"新疆维吾尔自治区乌鲁木齐市", "新疆维吾尔自治区", true},
		{"北京", "北京市", true},
		{"北京市朝阳区", "北京市", true},
		{"深圳", "", false},
		{"广东深圳", "", false},
		{"海南藏族自治州", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := NormalizeProvince(tt.in)
		if ok != tt.ok || got != tt.want {
			t.Errorf("NormalizeProvince(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
