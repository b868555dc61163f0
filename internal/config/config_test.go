package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const key = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

func write(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "liudong.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadFileThenEnv(t *testing.T) {
	p := write(t, `
platform: sim
secret_key: `+key+`
committee:
  name: 某某镇党委
  region: 安徽省
sim:
  addr: 127.0.0.1:9000
binding:
  code_ttl: 48h
`)
	cfg, err := Load(p, []string{
		"LIUDONG_SIM_ADDR=127.0.0.1:8090",
		"LIUDONG_DATABASE_URL=postgres://x@db:5432/liudong",
		"LIUDONG_COMMITTEE_REGION=安徽省六安市",
		"LIUDONG_BINDING_MAX_FAILURES=3",
		"UNRELATED=1",
	})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Sim.Addr != "127.0.0.1:8090" || cfg.DatabaseURL != "postgres://x@db:5432/liudong" {
		t.Errorf("env did not override the file: %+v", cfg)
	}
	if cfg.Committee.Name != "某某镇党委" || cfg.Committee.Region != "安徽省六安市" {
		t.Errorf("committee = %+v", cfg.Committee)
	}
	if cfg.Binding.CodeTTL != 48*time.Hour || cfg.Binding.MaxFailures != 3 {
		t.Errorf("binding = %+v", cfg.Binding)
	}
	if cfg.Location().String() != "Asia/Shanghai" {
		t.Errorf("location = %s", cfg.Location())
	}
}

func TestMissingDefaultFileIsFine(t *testing.T) {
	dir := t.TempDir()
	wd, _ := os.Getwd()
	defer os.Chdir(wd)
	os.Chdir(dir)
	if _, err := Load(DefaultPath, []string{"LIUDONG_SECRET_KEY=" + key}); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(filepath.Join(dir, "other.yaml"), nil); err == nil {
		t.Fatal("a named file that does not exist must be an error")
	}
}

func TestValidateNamesTheBadKey(t *testing.T) {
	cases := []struct {
		env  []string
		want string
	}{
		{[]string{"LIUDONG_PLATFORM=qq"}, "platform"},
		{[]string{"LIUDONG_TIMEZONE=Mars/Base"}, "timezone"},
		{[]string{"LIUDONG_DATABASE_URL=mysql://x"}, "database_url"},
		{[]string{"LIUDONG_REDIS_URL=http://x"}, "redis_url"},
		{[]string{"LIUDONG_COMMITTEE_NAME= "}, "committee.name"},
		{[]string{"LIUDONG_SIM_ADDR=8080"}, "sim.addr"},
		{[]string{"LIUDONG_LOG_FORMAT=xml"}, "log.format"},
		{[]string{"LIUDONG_BINDING_CODE_TTL=10s"}, "binding.code_ttl"},
		{[]string{"LIUDONG_BINDING_CODE_TTL=soon"}, "LIUDONG_BINDING_CODE_TTL"},
		{[]string{"LIUDONG_SECRET_KEY=abc"}, "secret_key"},
		{[]string{"LIUDONG_MESSAGES_MAX_RUNES=5"}, "messages.max_runes"},
		{[]string{"LIUDONG_REPORT_PERIOD=monthly"}, "report.period"},
		{[]string{"LIUDONG_REPORT_FLOW_TTL=5s"}, "report.flow_ttl"},
	}
	for _, tc := range cases {
		env := append([]string{"LIUDONG_SECRET_KEY=" + key}, tc.env...)
		_, err := Load("", env)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err %v, want it to name %q", tc.env, err, tc.want)
		}
	}
	if _, err := Load("", nil); err == nil || !strings.Contains(err.Error(), "secret_key") {
		t.Errorf("a missing secret key must be named: %v", err)
	}
}

func TestBadYAML(t *testing.T) {
	p := write(t, "platform: [sim\n")
	if _, err := Load(p, nil); err == nil || !strings.Contains(err.Error(), p) {
		t.Fatalf("err = %v", err)
	}
}

func TestKeysAndEnvNames(t *testing.T) {
	keys := strings.Join(Keys(), " ")
	for _, k := range []string{"database_url", "redis_url", "platform", "sim.addr", "timezone", "committee.name", "committee.region"} {
		if !strings.Contains(" "+keys+" ", " "+k+" ") {
			t.Errorf("key %s missing from %s", k, keys)
		}
	}
	if EnvName("sim.addr") != "LIUDONG_SIM_ADDR" || EnvName("committee.region") != "LIUDONG_COMMITTEE_REGION" {
		t.Error("EnvName")
	}
}

func TestExampleFileLoads(t *testing.T) {
	if _, err := Load("../../configs/liudong.example.yaml", []string{"LIUDONG_SECRET_KEY=" + key}); err != nil {
		t.Fatal(err)
	}
}

func TestUnknownKeyIsNamed(t *testing.T) {
	p := write(t, "platform: sim\nsim:\n  adress: 127.0.0.1:9000\n")
	_, err := Load(p, []string{"LIUDONG_SECRET_KEY=" + key})
	if err == nil || !strings.Contains(err.Error(), "adress") {
		t.Fatalf("a misspelt key must be refused by name: %v", err)
	}
	if _, err := Load(write(t, ""), []string{"LIUDONG_SECRET_KEY=" + key}); err != nil {
		t.Fatalf("an empty file is fine: %v", err)
	}
}
