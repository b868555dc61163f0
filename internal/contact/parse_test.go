package contact

import (
	"testing"
	"time"
)

func TestParseInvite(t *testing.T) {
	cases := []struct {
		in, org, name, phone string
		ok                   bool
	}{
		{"深圳南山区粤海街道党工委 李书记", "深圳南山区粤海街道党工委", "李书记", "", true},
		{"深圳市 南山区 粤海街道党工委 李书记 13900001111", "深圳市南山区粤海街道党工委", "李书记", "13900001111", true},
		{"深圳南山区粤海街道党工委，联系人：李书记，电话：0755-86661234", "深圳南山区粤海街道党工委", "李书记", "0755-86661234", true},
		{"深圳南山区粤海街道党工委", "", "", "", false},
		{"李书记", "", "", "", false},
		{"深圳XX 南山支部", "", "", "", false},
		{"", "", "", "", false},
	}
	for _, tc := range cases {
		org, name, phone, ok := parseInvite(tc.in)
		if ok != tc.ok || ok && (org != tc.org || name != tc.name || phone != tc.phone) {
			t.Errorf("%q: %q %q %q %v", tc.in, org, name, phone, ok)
		}
	}
}

func TestHalfYear(t *testing.T) {
	if got := halfYearLabel(HalfYear(mustDay("2026-06-30"))); got != "2026年上半年" {
		t.Errorf("June: %s", got)
	}
	if got := halfYearLabel(HalfYear(mustDay("2026-07-01"))); got != "2026年下半年" {
		t.Errorf("July: %s", got)
	}
}

func mustDay(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}
