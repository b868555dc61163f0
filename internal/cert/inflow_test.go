package cert

import (
	"testing"
	"unicode/utf8"
)

func TestParseInflow(t *testing.T) {
	cases := []struct {
		in, org, contact, phone string
		ok                      bool
	}{
		{"深圳南山区XX支部 联系人李书记 13800001234", "深圳南山区XX支部", "李书记", "13800001234", true},
		{"联系人：李书记，电话：13800001234", "", "李书记", "13800001234", true},
		{"联系人李书记电话13800001234", "", "李书记", "13800001234", true},
		{"东莞长安镇党委，联系人 王干事 0769-85551234", "东莞长安镇党委", "王干事", "0769-85551234", true},
		{"联系人：李书记 手机+86 13900001111", "", "李书记", "13900001111", true},
		{"联系人李书记", "", "李书记", "", true},
		{"深圳南山区XX支部 联系人 13800001234", "", "", "", false},
		{"深圳南山区XX支部 李书记", "", "", "", false},
		{"", "", "", "", false},
	}
	for _, tc := range cases {
		org, contact, phone, err := parseInflow(tc.in)
		if (err == nil) != tc.ok || tc.ok && (org != tc.org || contact != tc.contact || phone != tc.phone) {
			t.Errorf("%q: %q %q %q %v", tc.in, org, contact, phone, err)
		}
	}
}

func FuzzParseInflow(f *testing.F) {
	for _, s := range []string{"深圳南山区XX支部 联系人李书记 13800001234", "联系人：李书记，电话：13800001234", "联系人", "联系人 +86 0769-85551234"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		org, contact, phone, err := parseInflow(s)
		if err != nil {
			return
		}
		if contact == "" || !utf8.ValidString(org) || len(phone) > 20 {
			t.Fatalf("%q: %q %q %q", s, org, contact, phone)
		}
	})
}
