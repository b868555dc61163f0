package sim_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"liudong/bot/sim"
	"liudong/internal/app"
	"liudong/internal/roster"
	"liudong/internal/store"
	"liudong/internal/testenv"
)

type server struct {
	t   *testing.T
	url string
	app *app.App
}

func start(t *testing.T) *server {
	t.Helper()
	url := testenv.DatabaseURL(t)
	st, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	rdb, prefix := testenv.Redis(t)
	cfg := testenv.Config(t, url, prefix)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := app.New(cfg, log, st, rdb)
	if err != nil {
		t.Fatal(err)
	}
	jobs := &app.JobRunner{App: a}
	p := sim.New("sim", log, jobs, app.SimDirectory{App: a})
	d := a.Dispatcher(p)
	jobs.Dispatcher = d
	ctx, cancel := context.WithCancel(context.Background())
	go p.Run(ctx, a.Handler(p, d, true))
	srv := httptest.NewServer(p.Handler())
	t.Cleanup(func() { srv.Close(); cancel() })
	res, err := a.Importer().Import(ctx, strings.NewReader("姓名,性别,出生日期,学历,所在党支部\n张三,男,1990-03-15,高中,第一党支部\n"), "r.csv", roster.Options{})
	if err != nil || res.Created != 1 {
		t.Fatalf("import: %+v %v", res, err)
	}
	return &server{t: t, url: srv.URL, app: a}
}

func (s *server) post(path string, body any, out any) int {
	s.t.Helper()
	b, _ := json.Marshal(body)
	resp, err := http.Post(s.url+path, "application/json", bytes.NewReader(b))
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			s.t.Fatal(err)
		}
	}
	return resp.StatusCode
}

type replies struct {
	Replies []struct{ To, Group, Text string } `json:"replies"`
}

func (s *server) say(from, text string) string {
	s.t.Helper()
	var r replies
	if code := s.post("/sim/api/messages", map[string]any{"from": from, "nick": "张三", "group": "", "text": text}, &r); code != 200 {
		s.t.Fatalf("status %d", code)
	}
	var parts []string
	for _, x := range r.Replies {
		if x.To != from || x.Group != "" {
			s.t.Errorf("reply addressed to %q/%q, want %q", x.To, x.Group, from)
		}
		parts = append(parts, x.Text)
	}
	return strings.Join(parts, "\n")
}

func TestBindingThroughTheAPI(t *testing.T) {
	s := start(t)
	ms, _ := s.app.Store.MembersByName(context.Background(), "张三", nil)
	code, err := s.app.Binding.IssueCode(context.Background(), ms[0].ID, "test", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if got := s.say("u-zhang", "活动证"); !strings.Contains(got, "还没有绑定") {
		t.Fatalf("unbound: %q", got)
	}
	wrong := "000001"
	if wrong == code.Code {
		wrong = "000002"
	}
	if got := s.say("u-zhang", "绑定 "+wrong); !strings.Contains(got, "不正确") {
		t.Fatalf("wrong: %q", got)
	}
	if got := s.say("u-zhang", "绑定 "+code.Code); !strings.Contains(got, "绑定成功") || !strings.Contains(got, "第一党支部") {
		t.Fatalf("bind: %q", got)
	}
	if got := s.say("u-other", "绑定 "+code.Code); !strings.Contains(got, "已经使用过") {
		t.Fatalf("reused: %q", got)
	}

	// Everything sent is in the log, in order, with seq numbers.
	resp, err := http.Get(s.url + "/sim/api/sent?after=1")
	if err != nil {
		t.Fatal(err)
	}
	var sent struct {
		Messages []struct {
			Seq      int
			To, Text string
			At       time.Time
		}
	}
	json.NewDecoder(resp.Body).Decode(&sent)
	resp.Body.Close()
	if len(sent.Messages) != 3 || sent.Messages[0].Seq != 2 || !strings.Contains(sent.Messages[1].Text, "绑定成功") || sent.Messages[2].To != "u-other" {
		t.Fatalf("sent log %+v", sent.Messages)
	}
}

func TestAPIErrorsAndJobs(t *testing.T) {
	s := start(t)
	for _, body := range []string{`{`, `{"text":"你好"}`, `{"from":"u"}`, `{"from":"u","text":"x","at":"yesterday"}`} {
		resp, err := http.Post(s.url+"/sim/api/messages", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		var e struct{ Error string }
		json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if resp.StatusCode != 400 || e.Error == "" {
			t.Errorf("%s: status %d error %q", body, resp.StatusCode, e.Error)
		}
	}
	resp, _ := http.Get(s.url + "/sim/api/sent?after=x")
	if resp.StatusCode != 400 {
		t.Errorf("bad after: %d", resp.StatusCode)
	}
	resp, _ = http.Get(s.url + "/sim/api/jobs")
	var jobs struct{ Jobs []string }
	json.NewDecoder(resp.Body).Decode(&jobs)
	if resp.StatusCode != 200 || jobs.Jobs == nil {
		t.Errorf("jobs: %d %+v", resp.StatusCode, jobs)
	}
	if code := s.post("/sim/api/jobs/nope?now=2026-12-20T09:00:00%2B08:00", nil, nil); code != 404 {
		t.Errorf("unknown job: %d", code)
	}
	// A duplicate message id is acknowledged, not handled again.
	var r1, r2 struct {
		Replies   []any
		Duplicate bool
	}
	s.post("/sim/api/messages", map[string]any{"id": "m1", "from": "u", "text": "你好"}, &r1)
	s.post("/sim/api/messages", map[string]any{"id": "m1", "from": "u", "text": "你好"}, &r2)
	if len(r1.Replies) != 1 || len(r2.Replies) != 0 || !r2.Duplicate {
		t.Errorf("duplicate: %+v %+v", r1, r2)
	}
	// The web page and the identity picker.
	resp, _ = http.Get(s.url + "/")
	page, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(page), "流动党员助手") {
		t.Error("web page missing")
	}
	resp, _ = http.Get(s.url + "/sim/api/members")
	var dir struct{ Members []sim.DirectoryEntry }
	json.NewDecoder(resp.Body).Decode(&dir)
	if len(dir.Members) != 1 || dir.Members[0].Name != "张三" {
		t.Errorf("members: %+v", dir)
	}
	var code struct{ Code string }
	s.post("/sim/api/members/"+itoa(dir.Members[0].ID)+"/code", nil, &code)
	if got := s.say("u-web", "绑定 "+code.Code); !strings.Contains(got, "绑定成功") {
		t.Errorf("web code: %q", got)
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }
