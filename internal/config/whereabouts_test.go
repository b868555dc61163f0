package config

import (
	"strings"
	"testing"
)

func TestWhereaboutsKeys(t *testing.T) {
	cfg, err := Load("", []string{"LIUDONG_SECRET_KEY=" + key, "LIUDONG_LOCATION_COORDINATES=drop",
		"LIUDONG_CERTIFICATE_PREFIX=皖六流", "LIUDONG_CERTIFICATE_VALID_MONTHS=24"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.LocationUpdates.Coordinates != "drop" || cfg.Certificate.Prefix != "皖六流" ||
		cfg.Certificate.ValidMonths != 24 || cfg.Certificate.ReviewMonths != 12 || cfg.Certificate.Digits != 5 {
		t.Errorf("got %+v %+v", cfg.LocationUpdates, cfg.Certificate)
	}
	cases := []struct {
		env  []string
		want string
	}{
		{[]string{"LIUDONG_LOCATION_COORDINATES=exact"}, "location.coordinates"},
		{[]string{"LIUDONG_CERTIFICATE_DIGITS=1"}, "certificate.digits"},
		{[]string{"LIUDONG_CERTIFICATE_VALID_MONTHS=-1"}, "certificate.valid_months"},
		{[]string{"LIUDONG_CERTIFICATE_REVIEW_MONTHS=0"}, "certificate.review_months"},
		{[]string{"LIUDONG_CERTIFICATE_PREFIX=" + strings.Repeat("x", 21)}, "certificate.prefix"},
		// Ambiguous (several 朝阳) or unknown regions cannot decide 省内/省外.
		{[]string{"LIUDONG_COMMITTEE_REGION=朝阳"}, "committee.region"},
		{[]string{"LIUDONG_COMMITTEE_REGION=火星"}, "committee.region"},
	}
	for _, tc := range cases {
		_, err := Load("", append([]string{"LIUDONG_SECRET_KEY=" + key}, tc.env...))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err %v, want it to name %q", tc.env, err, tc.want)
		}
	}
}
