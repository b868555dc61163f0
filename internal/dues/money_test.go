package dues

import (
	"strings"
	"testing"
)

func TestParseYuan(t *testing.T) {
	tests := []struct {
		in      string
		want    Fen
		wantErr string // substring of the error; "" = success
	}{
		{"12.5", 1250, ""},
		{"12.50", 1250, ""},
		{"12.5元", 1250, ""},
		{"12.5 元", 1250, ""},
		{"０.２", 20, ""},
		{"０．２０元", 20, ""},
		{"1,234.56", 123456, ""},
		{"1，234.56", 123456, ""},
		{"1,234,567", 123456700, ""},
		{"¥40", 4000, ""},
		{"￥ 40", 4000, ""},
		{"40元整", 4000, ""},
		{"12。5", 1250, ""},
		{".5", 50, ""},
		{"7.", 700, ""},
		{"007", 700, ""},
		{"0", 0, ""},
		{"12.500", 1250, ""},
		{"12.5000元", 1250, ""},
		{"99,999,999.99", MaxAmount, ""},
		{"12.505", 0, "两位小数"},
		{"0.001", 0, "两位小数"},
		{"-5", 0, "负数"},
		{"－5", 0, "负数"},
		{"", 0, "请输入金额"},
		{"元", 0, "请输入金额"},
		{"abc", 0, "格式不对"},
		{"12.5.3", 0, "格式不对"},
		{"1,23", 0, "格式不对"},
		{"12,5", 0, "格式不对"},
		{",123", 0, "格式不对"},
		{"1234,567", 0, "格式不对"},
		{"+5", 0, "格式不对"},
		{"1e3", 0, "格式不对"},
		{".", 0, "格式不对"},
		{"十二元", 0, "格式不对"},
		{"100000000", 0, "过大"},
		{"99999999999999999999999", 0, "过大"},
	}
	for _, tt := range tests {
		got, err := ParseYuan(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseYuan(%q) = %v, %v; want error containing %q", tt.in, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseYuan(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

func TestFenString(t *testing.T) {
	tests := []struct {
		in   Fen
		want string
	}{
		{0, "0.00元"},
		{5, "0.05元"},
		{20, "0.20元"},
		{4000, "40.00元"},
		{400000, "4,000.00元"},
		{99999, "999.99元"},
		{100000, "1,000.00元"},
		{123456789, "1,234,567.89元"},
		{-1250, "-12.50元"},
		{-400000, "-4,000.00元"},
	}
	for _, tt := range tests {
		if got := tt.in.String(); got != tt.want {
			t.Errorf("Fen(%d).String() = %q, want %q", tt.in, got, tt.want)
		}
		if got, want := tt.in.Plain(), strings.TrimSuffix(tt.want, "元"); got != want {
			t.Errorf("Fen(%d).Plain() = %q, want %q", tt.in, got, want)
		}
	}
}

func FuzzParseYuan(f *testing.F) {
	for _, s := range []string{"12.5", "1,234.56", "¥40", "０.２", "12.505", "-1", "", "99,999,999.99", "1,23", "12.500元"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseYuan(s)
		if err != nil {
			return
		}
		if v < 0 || v > MaxAmount {
			t.Fatalf("ParseYuan(%q) = %d, out of range", s, v)
		}
		for _, text := range []string{v.String(), v.Plain()} {
			back, err := ParseYuan(text)
			if err != nil || back != v {
				t.Fatalf("ParseYuan(%q) = %d; round trip via %q gave %d, %v", s, v, text, back, err)
			}
		}
	})
}
