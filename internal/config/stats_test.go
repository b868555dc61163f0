package config

import (
	"strings"
	"testing"
)

func TestValidateStats(t *testing.T) {
	for _, c := range []struct {
		font, home string
		bad        string // the key named in the error, "" for valid
	}{
		{"", "", ""},
		{"none", "34", ""},
		{"", "340000", ""},
		{"/nonexistent/wqy-microhei.ttc", "", "stats.font"},
		{"", "3400", "stats.home_province"},
		{"", "安徽", "stats.home_province"},
		{"", "341500", "stats.home_province"}, // a city, not a province
	} {
		cfg := Default()
		cfg.SecretKey = strings.Repeat("ab", 32)
		cfg.Stats.Font, cfg.Stats.HomeProvince = c.font, c.home
		err := cfg.Validate()
		switch {
		case c.bad == "" && err != nil:
			t.Errorf("font %q home %q: %v", c.font, c.home, err)
		case c.bad != "" && (err == nil || !strings.Contains(err.Error(), c.bad)):
			t.Errorf("font %q home %q: want an error naming %s, got %v", c.font, c.home, c.bad, err)
		}
	}
	if env := EnvName("stats.home_province"); env != "LIUDONG_STATS_HOME_PROVINCE" {
		t.Errorf("env name %s", env)
	}
}
