package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"liudong/internal/testenv"
)

const statsRoster = `姓名,性别,出生日期,学历,所在党支部,人员类别,流动类型,外出日期,流动地点,外出原因,职务
赵书记,男,1970-03-01,大学本科,第一党支部,在职,,,,,书记
周一,男,1990-06-30,高中,第一党支部,农民,流出,2024-03-01,苏州,务工,
周二,女,1999-05-05,大学专科,第一党支部,在职,流出,2025-05-15,合肥,经商,
钱书记,女,1975-04-04,大学本科,第二党支部,在职,,,,,书记
吴一,男,1988-08-08,中专,第二党支部,个体,流出,2024-12-01,深圳,经商,
吴二,男,1990-09-09,高中,第二党支部,,流入,,,,
`

func TestStatsCommand(t *testing.T) {
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "roster.csv")
	if err := os.WriteFile(csvPath, []byte(statsRoster), 0o644); err != nil {
		t.Fatal(err)
	}
	_, prefix := testenv.Redis(t)
	environ := []string{"LIUDONG_DATABASE_URL=" + testenv.DatabaseURL(t), "LIUDONG_SECRET_KEY=" + testenv.SecretKey,
		"LIUDONG_REDIS_PREFIX=" + prefix, "LIUDONG_COMMITTEE_NAME=测试镇党委", "LIUDONG_COMMITTEE_REGION=安徽省六安市",
		// The default path, absent here: the defaults and the environment only.
		"LIUDONG_STATS_FONT=none", "LIUDONG_CONFIG=configs/liudong.yaml"}
	liudong := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), args, &stdout, &stderr, environ)
		return code, stdout.String(), stderr.String()
	}
	if code, out, errOut := liudong("import", csvPath); code != 0 {
		t.Fatalf("import: %d\n%s%s", code, out, errOut)
	}

	code, out, errOut := liudong("stats", "--at", "2025-06")
	// 周一 turns 35 on 2025-06-30, the report date.
	want := "截止到2025年6月，测试镇党委共有流动党员4人，其中流出党员3人，流入党员1人，流出党员占党员总数5人的60%。" +
		"其中：外出务工党员1人，男性1人；外出经商党员2人，男性1人、女性1人；年龄结构为：35岁以下1人、35岁到45岁2人；" +
		"学历结构为：高中学历1人、中专学历1人、大专1人；分布情况为：省内1人，省外2人，外出3个月以上2人。\n"
	if code != 0 || out != want {
		t.Errorf("stats: %d\n%s%s\nwant\n%s", code, out, errOut, want)
	}
	// 周一 turns 35 on 2025-06-30: the day before, he is under 35.
	if code, out, _ := liudong("stats", "--org", "第一党支部", "--at", "2025-06-29"); code != 0 ||
		!strings.Contains(out, "截止到2025年6月29日，第一党支部共有流动党员2人") || !strings.Contains(out, "年龄结构为：全部是35岁以下") {
		t.Errorf("stats --org: %d\n%s", code, out)
	}
	if code, out, _ := liudong("stats", "--at", "2025-06", "--tables"); code != 0 || !strings.Contains(out, "测试镇党委流出党员年龄结构（截止到2025年6月）") {
		t.Errorf("stats --tables: %d\n%s", code, out)
	}
	if code, out, _ := liudong("stats", "--at", "2025-06", "--format", "csv"); code != 0 ||
		!strings.HasPrefix(out, "\ufeff测试镇党委流动党员情况汇总") || !strings.Contains(out, "\n合计,5,4,3,1,60%,") {
		t.Errorf("stats --format csv: %d\n%s", code, out)
	}
	xlsx := filepath.Join(dir, "stats.xlsx")
	if code, _, errOut := liudong("stats", "--at", "2025-06", "--format", "xlsx", "--out", xlsx); code != 0 {
		t.Errorf("stats --format xlsx: %d %s", code, errOut)
	} else if f, err := excelize.OpenFile(xlsx); err != nil {
		t.Error(err)
	} else {
		if sheets := strings.Join(f.GetSheetList(), ","); !strings.HasPrefix(sheets, "基本情况,汇总,流出年龄,流出学历") {
			t.Errorf("sheets: %s", sheets)
		}
		f.Close()
	}
	for _, c := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"stats", "--format", "xlsx"}, 1, "--format xlsx needs --out"},
		{[]string{"stats", "--format", "pdf"}, 2, "--format wants text, csv or xlsx"},
		{[]string{"stats", "--org", "第三党支部"}, 1, "没有名为“第三党支部”的党组织"},
		{[]string{"stats", "--at", "2999-01"}, 1, "future"},
		{[]string{"stats", "--at", "2025-06", "--chart", filepath.Join(dir, "c.png")}, 1, "no chart"},
	} {
		if code, _, errOut := liudong(c.args...); code != c.code || !strings.Contains(errOut, c.err) {
			t.Errorf("%v: %d %q, want %d and %q", c.args, code, errOut, c.code, c.err)
		}
	}
}
