package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"liudong/internal/testenv"
)

func TestJobsCommand(t *testing.T) {
	_, prefix := testenv.Redis(t)
	environ := []string{
		"LIUDONG_DATABASE_URL=" + testenv.DatabaseURL(t),
		"LIUDONG_REDIS_URL=redis://127.0.0.1:63799/1",
		"LIUDONG_REDIS_PREFIX=" + prefix,
		"LIUDONG_SECRET_KEY=" + testenv.SecretKey,
		"LIUDONG_SCHEDULE_TRANSFER_MONTHS=4",
	}
	if u := os.Getenv("LIUDONG_TEST_REDIS_URL"); u != "" {
		environ[1] = "LIUDONG_REDIS_URL=" + u
	}
	ctx := context.Background()
	liudong := func(args ...string) (string, string, int) {
		var out, errOut bytes.Buffer
		code := run(ctx, args, &out, &errOut, environ)
		return out.String(), errOut.String(), code
	}
	out, errOut, code := liudong("jobs", "list")
	if code != 0 {
		t.Fatalf("jobs list: %d %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	jobs := []string{"spring-festival  ", "inflow-registration  ", "transfer-prompt  ", "report-invite  ", "report-reminder  ",
		"report-overdue  ", "six-month  ", "dues-notice  ", "certificate-review  ", "certificate-inspection  ", "weekly-digest  ",
		"transfer-followup  ", "lost-contact  ", "inflow-assessment  "}
	if len(lines) != len(jobs) {
		t.Fatalf("jobs list: %q", out)
	}
	for i, want := range jobs {
		if !strings.HasPrefix(lines[i], want) {
			t.Errorf("line %d: %q, want it to start with %q", i, lines[i], want)
		}
	}
	if !strings.Contains(lines[2], "0 9 * * *") || !strings.Contains(lines[2], "满4个月") {
		t.Errorf("transfer-prompt line: %q (schedule and the configured months)", lines[2])
	}

	csv := filepath.Join(t.TempDir(), "roster.csv")
	os.WriteFile(csv, []byte("姓名,性别,出生日期,学历,所在党支部,流动类型,外出日期,流动地点,职务\n"+
		"王书记,男,1968-05-12,大学专科,第一党支部,,,,书记\n张三,男,1990-03-15,高中,第一党支部,流出,2026-01-10,广东省深圳市,\n"), 0o600)
	if _, errOut, code := liudong("import", csv); code != 0 {
		t.Fatalf("import: %s", errOut)
	}
	out, errOut, code = liudong("jobs", "run", "transfer-prompt", "--now", "2026-05-10 09:20")
	if code != 0 || !strings.Contains(out, "transfer.member") || !strings.Contains(out, "2 notification(s) enqueued") {
		t.Fatalf("jobs run: %d %q %s", code, out, errOut)
	}
	out, _, _ = liudong("jobs", "run", "transfer-prompt", "--now", "2026-05-11T09:20:00+08:00")
	if !strings.Contains(out, "0 notification(s) enqueued") {
		t.Fatalf("second run: %q", out)
	}
	if _, errOut, code := liudong("jobs", "run", "nope"); code != 1 || !strings.Contains(errOut, "no job named") {
		t.Errorf("unknown job: %d %s", code, errOut)
	}
	if _, _, code := liudong("jobs", "run", "transfer-prompt", "--now", "yesterday"); code != 1 {
		t.Errorf("bad --now: %d", code)
	}
	if _, _, code := liudong("jobs"); code != 2 {
		t.Errorf("no subcommand: %d", code)
	}
}
