package config

import (
	"strings"
	"testing"
	"time"
)

func TestParseSpan(t *testing.T) {
	for in, want := range map[string]Span{
		"3个月": {Months: 3}, "3 months": {Months: 3}, "1 month": {Months: 1}, "3": {Months: 3}, "90天": {Days: 90},
		"90d": {Days: 90}, "90 days": {Days: 90}, " 2月 ": {Months: 2}, "3m": {Months: 3}, "3mo": {Months: 3},
		"2周": {Days: 14}, "1年": {Months: 12}, "2160h": {Days: 90},
	} {
		got, err := ParseSpan(in)
		if err != nil || got != want {
			t.Errorf("%q: %+v %v", in, got, err)
		}
	}
	for _, in := range []string{"", "three months", "3 fortnights", "-3个月", "3h", "90m0s"} {
		if _, err := ParseSpan(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
	d := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	for sp, want := range map[Span]string{{Months: 3}: "2027-02-28", {Months: 1}: "2026-12-30", {Days: 90}: "2027-02-28", {Months: 12}: "2027-11-30"} {
		if got := sp.After(d).Format(time.DateOnly); got != want {
			t.Errorf("%v after %s: %s, want %s", sp, d.Format(time.DateOnly), got, want)
		}
	}
	if (Span{Months: 3}).String() != "3个月" || (Span{Days: 90}).String() != "90天" {
		t.Error("span names")
	}
}

func TestValidateTransfer(t *testing.T) {
	for _, c := range []struct {
		validity, receipt string
		warn              int
		bad               string
	}{
		{"3个月", "1个月", 7, ""},
		{"90天", "30天", 1, ""},
		{"13个月", "1个月", 7, "transfer.letter_validity"},
		{"三个月", "1个月", 7, "transfer.letter_validity"},
		{"3个月", "7个月", 7, "transfer.receipt_within"},
		{"3个月", "1个月", 0, "transfer.expiry_warning_days"},
	} {
		cfg := Default()
		cfg.SecretKey = strings.Repeat("ab", 32)
		cfg.Transfer.LetterValidity, cfg.Transfer.ReceiptWithin, cfg.Transfer.ExpiryWarningDays = c.validity, c.receipt, c.warn
		err := cfg.Validate()
		switch {
		case c.bad == "" && err != nil:
			t.Errorf("%+v: %v", c, err)
		case c.bad != "" && (err == nil || !strings.Contains(err.Error(), c.bad)):
			t.Errorf("%+v: want an error naming %s, got %v", c, c.bad, err)
		}
	}
	cfg, err := Load("", []string{"LIUDONG_SECRET_KEY=" + strings.Repeat("ab", 32), "LIUDONG_TRANSFER_LETTER_VALIDITY=60天"})
	if err != nil || cfg.Transfer.Validity != (Span{Days: 60}) || cfg.Transfer.Receipt != (Span{Months: 1}) {
		t.Errorf("from the environment: %+v %v", cfg.Transfer, err)
	}
}
