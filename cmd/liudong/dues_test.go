package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"liudong/internal/app"
	"liudong/internal/dues"
	"liudong/internal/dues/collect"
	"liudong/internal/roster"
	"liudong/internal/store"
	"liudong/internal/testenv"
)

const duesRoster = `姓名,性别,出生日期,学历,所在党支部,人员类别,月收入,流动类型,外出日期,流动地点
王建国,男,1968-05-12,大学专科,第一党支部,在职,5200,,,
张三,男,1990-03-15,高中,第一党支部,在职,4000,流出,2025-03-01,广东省深圳市南山区
孙七,女,1960-01-20,高中,第一党支部,离退休,,,,
周八,男,1975-09-09,高中,第二党支部,农民,,,,
`

func TestDuesReport(t *testing.T) {
	ctx := context.Background()
	url := testenv.DatabaseURL(t)
	st, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rdb, prefix := testenv.Redis(t)
	cfg := testenv.Config(t, url, prefix)
	a, err := app.New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), st, rdb)
	if err != nil {
		t.Fatal(err)
	}
	if res, err := a.Importer().Import(ctx, strings.NewReader(duesRoster), "roster.csv", roster.Options{}); err != nil || len(res.Rejected) > 0 {
		t.Fatalf("import: %v %+v", err, res.Rejected)
	}
	loc := cfg.Location()
	member := func(name string) int64 {
		ms, err := st.MembersByName(ctx, name, nil)
		if err != nil || len(ms) != 1 {
			t.Fatalf("%s: %v %v", name, ms, err)
		}
		return ms[0].ID
	}
	s := a.Dues
	actor := collect.Actor{Name: "测试"}
	pay := func(name string, from, to dues.Month, amount dues.Fen, at time.Time, inflow bool) {
		t.Helper()
		if _, err := s.RecordPayment(ctx, actor, member(name), collect.PaymentInput{
			Months: dues.MonthSpan{From: from, To: to}, Amount: amount, Inflow: inflow, PlaceName: "深圳市南山区某支部", PaidAt: at}); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	jan := time.Date(2026, 1, 5, 10, 0, 0, 0, loc)
	m := func(mo int) dues.Month { return dues.Month{Year: 2026, Month: time.Month(mo)} }
	// Everyone's dues are first looked at in January 2026: the ledgers start then.
	for _, name := range []string{"王建国", "张三", "孙七", "周八"} {
		if _, err := s.Account(ctx, member(name), m(1)); err != nil {
			t.Fatal(err)
		}
	}
	// 王建国 (78元) pays half a year ahead twice.
	pay("王建国", m(1), m(6), 6*78_00, jan, false)
	pay("王建国", m(7), m(12), 6*78_00, time.Date(2026, 7, 1, 9, 0, 0, 0, loc), false)
	// 张三 (40元) pays January to October, two months at the inflow place, then is re-assessed.
	pay("张三", m(1), m(8), 8*40_00, time.Date(2026, 7, 1, 9, 0, 0, 0, loc), false)
	if _, err := s.Reassess(ctx, actor, member("张三"), collect.ReassessInput{Income: 5200_00, From: m(9), Today: m(9)}); err != nil {
		t.Fatal(err)
	}
	pay("张三", m(9), m(10), 2*78_00, time.Date(2026, 10, 1, 9, 0, 0, 0, loc), true)
	// 周八 (farmer, 0.20元) has March to May waived.
	if _, err := s.Exempt(ctx, actor, member("周八"), dues.Exemption{From: m(3), To: m(5), Kind: dues.Waive, Reason: "因灾", ApprovedBy: "测试镇党委"}, jan); err != nil {
		t.Fatal(err)
	}
	pay("周八", m(1), m(2), 40, jan, false)

	xlsx := filepath.Join(t.TempDir(), "dues.xlsx")
	var stdout, stderr bytes.Buffer
	environ := []string{"LIUDONG_DATABASE_URL=" + url, "LIUDONG_REDIS_URL=" + cfg.RedisURL, "LIUDONG_REDIS_PREFIX=" + prefix,
		"LIUDONG_SECRET_KEY=" + testenv.SecretKey, "LIUDONG_COMMITTEE_NAME=" + cfg.Committee.Name, "LIUDONG_COMMITTEE_REGION=" + cfg.Committee.Region}
	code := run(ctx, []string{"dues", "report", "--org", cfg.Committee.Name, "--year", "2026", "--at", "2026-12-20", "--xlsx", xlsx}, &stdout, &stderr, environ)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	text := stdout.String()
	t.Log("\n" + text)
	for _, want := range []string{
		"测试镇党委2026年度党费收缴情况（2026年1月-12月）",
		"第一党支部（3人）",
		// name, category, monthly, due months, paid months, waived months, due, paid, owed
		"40.00→78.00",
		"在流入地缴纳2个月",
		"未核定党费标准",
		"第二党支部（1人）",
		"2026年3月-5月免交党费（原因：因灾；经测试镇党委批准）",
		"合计（2个支部，4人）",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %q:\n%s", want, text)
		}
	}
	rows := map[string][]string{}
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) > 0 {
			rows[f[0]] = f
		}
	}
	want := map[string][]string{
		// 12 months due, 12 paid: 936.00 due and paid.
		"王建国": {"王建国", "在职", "78.00", "12", "12", "0", "936.00", "936.00", "0.00"},
		// 8×40 + 4×78 = 632 due; 8×40 + 2×78 = 476 paid; 156 owed.
		"张三": {"张三", "在职", "40.00→78.00", "12", "10", "0", "632.00", "476.00", "156.00"},
		// 9 months due at 0.20, 3 waived, 2 paid.
		"周八": {"周八", "农民", "0.20", "9", "2", "3", "1.80", "0.40", "1.40"},
	}
	for name, w := range want {
		if got := rows[name]; len(got) < len(w) || strings.Join(got[:len(w)], " ") != strings.Join(w, " ") {
			t.Errorf("%s: %v, want %v", name, got, w)
		}
	}

	f, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if sheets := f.GetSheetList(); strings.Join(sheets, ",") != "汇总,第一党支部,第二党支部" {
		t.Fatalf("sheets %v", sheets)
	}
	summary, err := f.GetRows("汇总")
	if err != nil {
		t.Fatal(err)
	}
	last := summary[len(summary)-1]
	if summary[0][0] != "测试镇党委2026年度党费收缴情况（2026年1月-12月）" || last[0] != "合计" || last[1] != "4" || last[5] != "1569.80" || last[6] != "1412.40" || last[7] != "157.40" {
		t.Errorf("summary sheet %q", summary)
	}
	branch, err := f.GetRows("第一党支部")
	if err != nil {
		t.Fatal(err)
	}
	var zhang []string
	for _, r := range branch {
		if len(r) > 0 && r[0] == "张三" {
			zhang = r
		}
	}
	if strings.Join(zhang[:9], " ") != "张三 在职 40.00→78.00 12 10 0 632.00 476.00 156.00" {
		t.Errorf("张三's row %q", zhang)
	}
	// Amounts are numbers, not text.
	raw, err := f.GetRows("第一党支部", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range raw {
		if len(r) > 7 && r[0] == "王建国" {
			found = true
			if r[6] != "936" || r[7] != "936" {
				t.Errorf("王建国's raw amounts %q", r)
			}
		}
	}
	if !found {
		t.Errorf("王建国 not in the branch sheet: %q", raw)
	}

	// Errors: an unknown org unit, a year not begun.
	stdout.Reset()
	stderr.Reset()
	if code := run(ctx, []string{"dues", "report", "--org", "火星党委"}, &stdout, &stderr, environ); code != 1 || !strings.Contains(stderr.String(), "没有名为“火星党委”的党组织") {
		t.Errorf("unknown org: exit %d, %s", code, stderr.String())
	}
	stderr.Reset()
	if code := run(ctx, []string{"dues", "report", "--year", "2099", "--at", "2026-12-20"}, &stdout, &stderr, environ); code != 1 || !strings.Contains(stderr.String(), "2099年尚未开始") {
		t.Errorf("future year: exit %d, %s", code, stderr.String())
	}
	if code := run(ctx, []string{"dues", "bogus"}, &stdout, &stderr, environ); code != 2 {
		t.Errorf("bad subcommand: exit %d", code)
	}
}

func TestBadDuesRulesRefused(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "dues.yaml")
	if err := os.WriteFile(bad, []byte("source: 中组发〔2008〕3号\nrounding: nearest\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"LIUDONG_SECRET_KEY=" + testenv.SecretKey, "LIUDONG_DUES_RULES_FILE=" + bad}
	for _, cmd := range []string{"serve", "migrate", "dues"} {
		var stdout, stderr bytes.Buffer
		args := []string{cmd}
		if cmd == "dues" {
			args = append(args, "report")
		}
		code := run(context.Background(), args, &stdout, &stderr, env)
		if code != 1 || !strings.Contains(stderr.String(), "dues.rules_file") || !strings.Contains(stderr.String(), "rounding：取整方式") {
			t.Errorf("%s with bad rules: exit %d, %s", cmd, code, stderr.String())
		}
	}
}
