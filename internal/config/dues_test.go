package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"liudong/internal/dues"
)

func validEnv() []string {
	return []string{"LIUDONG_SECRET_KEY=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"}
}

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestDuesRules(t *testing.T) {
	// Without a rules file: the national rule.
	cfg, err := Load("", validEnv())
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Dues.Rules.Source != dues.NationalSource || cfg.Dues.Rules.Categories[dues.Farmer].Flat != 20 {
		t.Errorf("default rules: %+v", cfg.Dues.Rules)
	}

	// The shipped table loads, from the file or the environment.
	cfg, err = Load("", append(validEnv(), "LIUDONG_DUES_RULES_FILE=../../configs/dues.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Dues.Rules.Payment.MaxAdvanceMonths != 6 {
		t.Errorf("configs/dues.yaml: %+v", cfg.Dues.Rules.Payment)
	}

	// A provincial rule applies to the committee's province.
	table, err := os.ReadFile("../../configs/dues.yaml")
	if err != nil {
		t.Fatal(err)
	}
	anhui := strings.Replace(string(table), "provinces: {}", "provinces:\n  安徽省:\n    categories:\n      农民: {flat: \"0.50\"}", 1)
	cfg, err = Load(writeFile(t, "liudong.yaml", "dues:\n  rules_file: "+writeFile(t, "dues.yaml", anhui)+"\n"), validEnv())
	if err != nil {
		t.Fatal(err)
	}
	a, err := cfg.Dues.Rules.Assess(dues.AssessInput{Category: dues.Farmer, Province: cfg.Committee.Region})
	if err != nil || a.Monthly != 50 || a.Province != "安徽省" {
		t.Errorf("provincial rule: %+v, %v", a, err)
	}

	// Bad tables are refused, naming the key and the table's own key.
	tests := []struct {
		name, env, want string
	}{
		{"missing file", "LIUDONG_DUES_RULES_FILE=/nonexistent/dues.yaml", "dues.rules_file"},
		{"bracket out of order", "LIUDONG_DUES_RULES_FILE=" + writeFile(t, "bad1.yaml",
			strings.Replace(string(table), `{up_to: "5000", rate: "1%"}`, `{up_to: "2000", rate: "1%"}`, 1)),
			"categories.在职.brackets[1].up_to"},
		{"rate too high", "LIUDONG_DUES_RULES_FILE=" + writeFile(t, "bad2.yaml",
			strings.Replace(string(table), `{rate: "2%"}`, `{rate: "20%"}`, 1)), "费率应大于0且不超过5%"},
		{"province without a province", "LIUDONG_DUES_RULES_FILE=" + writeFile(t, "good.yaml", anhui) + "\x00LIUDONG_COMMITTEE_REGION=六安", "committee.region"},
	}
	for _, tt := range tests {
		env := append(validEnv(), strings.Split(tt.env, "\x00")...)
		_, err := Load("", env)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Load error %v; want it to name %q", tt.name, err, tt.want)
		}
		if err != nil && !strings.Contains(err.Error(), "dues.rules_file") && !strings.Contains(err.Error(), "committee.region") {
			t.Errorf("%s: error does not name the configuration key: %v", tt.name, err)
		}
	}
}
