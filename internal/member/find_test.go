package member

import "testing"

func TestSplitName(t *testing.T) {
	cases := []struct{ in, name, branch, rest string }{
		{"张三 已阅，继续保持", "张三", "", "已阅，继续保持"},
		{"张三", "张三", "", ""},
		{"张三（第一党支部） 已阅", "张三", "第一党支部", "已阅"},
		{"张三(第二党支部)：已阅", "张三", "第二党支部", "已阅"},
		{"　阿不都·热合曼　2026年11月 12.5", "阿不都·热合曼", "", "2026年11月 12.5"},
		{"", "", "", ""},
	}
	for _, tc := range cases {
		name, branch, rest := SplitName(tc.in)
		if name != tc.name || branch != tc.branch || rest != tc.rest {
			t.Errorf("SplitName(%q) = %q %q %q, want %q %q %q", tc.in, name, branch, rest, tc.name, tc.branch, tc.rest)
		}
	}
}
