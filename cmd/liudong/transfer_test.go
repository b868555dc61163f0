package main

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"liudong/internal/store"
	"liudong/internal/testenv"
)

func TestTransferLetterCommand(t *testing.T) {
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "roster.csv")
	if err := os.WriteFile(csvPath, []byte("姓名,性别,出生日期,学历,所在党支部,手机号码,职务\n赵书记,男,1970-03-01,大学本科,第一党支部,,书记\n"+
		"周一,男,1990-06-30,高中,第一党支部,13800001234,\n周二,女,1999-05-05,大学专科,第一党支部,,\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	url := testenv.DatabaseURL(t)
	_, prefix := testenv.Redis(t)
	environ := []string{"LIUDONG_DATABASE_URL=" + url, "LIUDONG_SECRET_KEY=" + testenv.SecretKey,
		"LIUDONG_REDIS_PREFIX=" + prefix, "LIUDONG_COMMITTEE_NAME=测试镇党委", "LIUDONG_COMMITTEE_REGION=安徽省六安市",
		"LIUDONG_CONFIG=configs/liudong.yaml"}
	liudong := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), args, &stdout, &stderr, environ)
		return code, stdout.String(), stderr.String()
	}
	if code, out, errOut := liudong("import", csvPath); code != 0 {
		t.Fatalf("import: %d\n%s%s", code, out, errOut)
	}
	st, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ms, err := st.MembersByName(context.Background(), "周一", nil)
	if err != nil || len(ms) != 1 {
		t.Fatal(err)
	}
	issued, until := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), time.Date(2027, 2, 20, 0, 0, 0, 0, time.UTC)
	tr := store.Transfer{MemberID: ms[0].ID, Direction: store.TransferOut, Number: "测试镇党委〔2026〕001号", Org: "广东省深圳市南山区粤海街道党工委",
		IssuedOn: issued, ValidUntil: &until,
		Stub: []byte(`{"name":"周一","gender":"男","age":36,"education":"高中","status":"正式党员","branch":"第一党支部","from":"测试镇党委"}`)}
	if err := st.InsertTransfer(context.Background(), &tr); err != nil {
		t.Fatal(err)
	}

	pngPath := filepath.Join(dir, "letter.png")
	code, out, errOut := liudong("transfer", "letter", "周一", "--out", pngPath)
	if code == 1 && strings.Contains(errOut, "no CJK font") {
		t.Skipf("no CJK font installed: %s", errOut)
	}
	if code != 0 || !strings.Contains(out, "测试镇党委〔2026〕001号") {
		t.Fatalf("letter png: %d %s %s", code, out, errOut)
	}
	f, err := os.Open(pngPath)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil || img.Bounds().Dx() != 1240 || img.Bounds().Dy() != 1754 {
		t.Fatalf("png: %v %v", err, img.Bounds())
	}
	pdfPath := filepath.Join(dir, "letter.pdf")
	if code, _, errOut := liudong("transfer", "letter", "周一", "--out", pdfPath); code != 0 {
		t.Fatalf("letter pdf: %d %s", code, errOut)
	}
	if data, _ := os.ReadFile(pdfPath); !bytes.HasPrefix(data, []byte("%PDF-1.4")) || !bytes.HasSuffix(data, []byte("%%EOF\n")) {
		t.Errorf("pdf: %q", data[:min(len(data), 20)])
	}
	if code, _, errOut := liudong("transfer", "letter", "周一", "--out", filepath.Join(dir, "x.bin"), "--format", "pdf"); code != 0 {
		t.Errorf("--format pdf: %d %s", code, errOut)
	}
	for _, c := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"transfer", "letter", "周二", "--out", pngPath}, 1, "没有开具过组织关系介绍信"},
		{[]string{"transfer", "letter", "周三", "--out", pngPath}, 1, "没有找到党员“周三”"},
		{[]string{"transfer", "letter", "周一", "--out", filepath.Join(dir, "x.txt")}, 2, "want --format png or pdf"},
		{[]string{"transfer", "letter", "周一"}, 2, "usage"},
		{[]string{"transfer", "print"}, 2, "usage"},
	} {
		if code, _, errOut := liudong(c.args...); code != c.code || !strings.Contains(errOut, c.err) {
			t.Errorf("%v: %d %q, want %d and %q", c.args, code, errOut, c.code, c.err)
		}
	}
}
