package transfer

import (
	"strings"
	"testing"
	"time"
)

func TestReceivingOrg(t *testing.T) {
	for in, want := range map[string]string{
		"广东省深圳市南山区粤海街道党工委":     "广东省深圳市南山区粤海街道党工委",
		"到 广东省深圳市南山区粤海街道党工委。":  "广东省深圳市南山区粤海街道党工委",
		"转到：深圳市南山区粤海街道党工委":     "深圳市南山区粤海街道党工委",
		"，至 浙江省杭州市西湖区XX街道党工委！": "浙江省杭州市西湖区XX街道党工委",
		"": "",
	} {
		if got := receivingOrg(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

func TestParseIncoming(t *testing.T) {
	today := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		in                              string
		name, org, number               string
		gender, birth, education, phone string
		ok                              bool
	}{
		{"王五 来自 江苏省苏州市吴中区XX党委 介绍信号 苏〔2026〕123", "王五", "江苏省苏州市吴中区XX党委", "苏〔2026〕123", "", "", "", "", true},
		{"王五 来自江苏省苏州市吴中区XX党委 介绍信编号：苏〔2026〕123 男 1990-05-01 大专 13800001234", "王五", "江苏省苏州市吴中区XX党委", "苏〔2026〕123",
			"男", "1990-05-01", "大学专科", "13800001234", true},
		{"王五，从江苏省XX党委，编号 77 女 1990年5月1日 本科", "王五", "江苏省XX党委", "77", "女", "1990-05-01", "大学本科", "", true},
		{"王五 来自 江苏省苏州市吴中区XX党委", "", "", "", "", "", "", "", false},
		{"王五 介绍信号 苏〔2026〕123", "", "", "", "", "", "", "", false},
		{"来自 X党委 介绍信号 1", "", "", "", "", "", "", "", false},
		{"王五 来自 X党委 介绍信号 1 蓝色", "", "", "", "", "", "", "", false},
	}
	for _, tc := range cases {
		in, words, err := parseIncoming(tc.in)
		if err == nil {
			for _, w := range words {
				if !in.take(w, today, nil) {
					err = errBad
				}
			}
		}
		if (err == nil) != tc.ok {
			t.Errorf("%q: err %v", tc.in, err)
			continue
		}
		if !tc.ok {
			continue
		}
		if in.Name != tc.name || in.Org != tc.org || in.Number != tc.number || in.Gender != tc.gender || in.Birth != tc.birth ||
			in.Education != tc.education || in.Phone != tc.phone {
			t.Errorf("%q: %+v", tc.in, in)
		}
	}
}

var errBad = errorString("bad word")

type errorString string

func (e errorString) Error() string { return string(e) }

func FuzzParseIncoming(f *testing.F) {
	for _, s := range []string{"王五 来自 江苏省苏州市吴中区XX党委 介绍信号 苏〔2026〕123 男", "介绍信号", "王五 来自 介绍信号", "王五 编号"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		in, _, err := parseIncoming(s)
		if err != nil {
			return
		}
		if in.Name == "" || in.Org == "" || in.Number == "" || strings.ContainsAny(in.Number, " \t\n") {
			t.Fatalf("%q: %+v", s, in)
		}
	})
}
