package cert

import "testing"

func TestParseHome(t *testing.T) {
	cases := []struct{ in, org, contact, phone, number string }{
		{"来自江苏省苏州市吴中区XX党委 联系人张书记 13800000000 活动证号3205060001", "江苏省苏州市吴中区XX党委", "张书记", "13800000000", "3205060001"},
		{"联系人周书记 13900002222 活动证号3401040001", "", "周书记", "13900002222", "3401040001"},
		{"流出地党组织：安徽省合肥市蜀山区XX党委，活动证编号：34010400012", "安徽省合肥市蜀山区XX党委", "", "", "34010400012"},
		{"", "", "", "", ""},
	}
	for _, tc := range cases {
		org, contact, phone, number := parseHome(tc.in)
		if org != tc.org || contact != tc.contact || phone != tc.phone || number != tc.number {
			t.Errorf("%q: %q %q %q %q", tc.in, org, contact, phone, number)
		}
	}
}
