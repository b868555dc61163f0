package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"liudong/internal/testenv"
)

// cli runs liudong with a test environment and returns exit code, stdout and stderr.
func cli(t *testing.T, env []string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut, env)
	return code, out.String(), errOut.String()
}

func testEnv(t *testing.T, dbURL string) []string {
	_, prefix := testenv.Redis(t)
	cfg := testenv.Config(t, dbURL, prefix)
	return []string{
		"LIUDONG_CONFIG=", // no file: defaults, then the environment
		"LIUDONG_DATABASE_URL=" + dbURL,
		"LIUDONG_REDIS_URL=" + cfg.RedisURL,
		"LIUDONG_REDIS_PREFIX=" + prefix,
		"LIUDONG_SECRET_KEY=" + testenv.SecretKey,
		"LIUDONG_COMMITTEE_NAME=测试镇党委",
	}
}

func TestMigrateImportCode(t *testing.T) {
	env := testEnv(t, testenv.EmptyDatabaseURL(t))

	code, _, stderr := cli(t, env, "import", "../../configs/demo-roster.csv")
	if code != 1 || !strings.Contains(stderr, "liudong migrate") {
		t.Fatalf("import before migrate: %d %q", code, stderr)
	}
	code, stdout, stderr := cli(t, env, "migrate")
	if code != 0 || !strings.Contains(stdout, "applied") {
		t.Fatalf("migrate: %d %q %q", code, stdout, stderr)
	}
	if code, stdout, _ = cli(t, env, "migrate"); code != 0 || !strings.Contains(stdout, "up to date") {
		t.Fatalf("migrate again: %d %q", code, stdout)
	}
	code, stdout, stderr = cli(t, env, "import", "../../configs/demo-roster.csv")
	if code != 0 || !strings.Contains(stdout, "新增10人") {
		t.Fatalf("import: %d %q %q", code, stdout, stderr)
	}
	if code, stdout, _ = cli(t, env, "import", "../../configs/demo-roster.csv"); code != 0 || !strings.Contains(stdout, "未变10人") {
		t.Fatalf("re-import: %d %q", code, stdout)
	}
	bad := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(bad, []byte("姓名,性别,出生日期,学历,所在党支部\n甲,男,1990-01-01,高中,第一党支部\n乙,男,1990-02-30,高中,第一党支部\n"), 0o600)
	code, stdout, _ = cli(t, env, "import", bad)
	if code != 1 || !strings.Contains(stdout, "第3行（乙）：出生日期") {
		t.Fatalf("bad import: %d %q", code, stdout)
	}
	if code, stdout, _ = cli(t, env, "import", bad, "--partial"); code != 0 || !strings.Contains(stdout, "新增1人") {
		t.Fatalf("partial import: %d %q", code, stdout)
	}
	code, stdout, _ = cli(t, env, "code", "张三")
	if code != 0 || !strings.Contains(stdout, "张三（第一党支部）的绑定码：") {
		t.Fatalf("code: %d %q", code, stdout)
	}
	if code, _, stderr = cli(t, env, "code", "无此人"); code != 1 || !strings.Contains(stderr, "没有找到") {
		t.Fatalf("code unknown: %d %q", code, stderr)
	}
	if code, _, _ = cli(t, env, "import"); code != 2 {
		t.Fatalf("usage: %d", code)
	}
	if code, _, _ = cli(t, env, "frobnicate"); code != 2 {
		t.Fatalf("unknown command: %d", code)
	}
	if code, _, stderr = cli(t, append(env, "LIUDONG_PLATFORM=qq"), "migrate"); code != 1 || !strings.Contains(stderr, "platform") {
		t.Fatalf("bad config: %d %q", code, stderr)
	}
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestServe(t *testing.T) {
	empty := testEnv(t, testenv.EmptyDatabaseURL(t))
	if code, _, stderr := cli(t, empty, "serve"); code != 1 || !strings.Contains(stderr, "liudong migrate") {
		t.Fatalf("serve on an unmigrated database: %d %q", code, stderr)
	}

	addr := freeAddr(t)
	env := append(testEnv(t, testenv.DatabaseURL(t)), "LIUDONG_SIM_ADDR="+addr)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	var stderr bytes.Buffer
	go func() { done <- run(ctx, []string{"serve"}, &bytes.Buffer{}, &stderr, env) }()
	var resp *http.Response
	var err error
	for range 100 {
		if resp, err = http.Get("http://" + addr + "/healthz"); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("healthz: %v\n%s", err, stderr.String())
	}
	var health map[string]any
	json.NewDecoder(resp.Body).Decode(&health)
	resp.Body.Close()
	if resp.StatusCode != 200 || health["database"] != "ok" || health["redis"] != "ok" {
		t.Fatalf("healthz %d %v", resp.StatusCode, health)
	}
	resp, err = http.Post("http://"+addr+"/sim/api/messages", "application/json", strings.NewReader(`{"from":"u1","text":"帮助"}`))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("message: %v", err)
	}
	resp.Body.Close()
	resp, _ = http.Get("http://" + addr + "/metrics")
	var metrics bytes.Buffer
	metrics.ReadFrom(resp.Body)
	resp.Body.Close()
	if !strings.Contains(metrics.String(), `liudong_messages_handled_total{command="帮助",outcome="ok"} 1`) {
		t.Fatalf("metrics:\n%s", metrics.String())
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d: %s", code, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
	if !strings.Contains(stderr.String(), "stopped") {
		t.Fatalf("log: %s", stderr.String())
	}
}
