package app_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"liudong/bot/sim"
	"liudong/internal/app"
	"liudong/internal/store"
	"liudong/internal/testenv"
)

// TestSimulatorRunsJobs wires the simulator as serve does and runs a job over its HTTP API:
// the job's messages are in GET /sim/api/sent when POST /sim/api/jobs/{name} returns, whatever
// the real time of day (quiet hours are judged at the job's clock).
func TestSimulatorRunsJobs(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dbURL := testenv.DatabaseURL(t)
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rdb, prefix := testenv.Redis(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := app.New(testenv.Config(t, dbURL, prefix), log, st, rdb)
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Importer().Import(ctx, strings.NewReader("姓名,性别,出生日期,学历,所在党支部,流动类型,外出日期,流动地点,职务\n"+
		"王书记,男,1968-05-12,大学专科,第一党支部,,,,书记\n张三,男,1990-03-15,高中,第一党支部,流出,2026-01-10,广东省深圳市,\n"), "r.csv", rosterOptions)
	if err != nil || len(res.Rejected) > 0 {
		t.Fatal(err, res.Rejected)
	}
	jobs := &app.JobRunner{App: a}
	p := sim.New("sim", log, jobs, app.SimDirectory{App: a})
	d := a.Dispatcher(p)
	jobs.Dispatcher = d
	go p.Run(ctx, a.Handler(p, d, true))
	srv := httptest.NewServer(p.Handler())
	defer srv.Close()
	for _, name := range []string{"王书记", "张三"} {
		m := mustMember(t, a, name)
		code, err := a.Binding.IssueCode(ctx, m.ID, "test", testNow)
		if err != nil {
			t.Fatal(err)
		}
		body := `{"from":"u-` + name + `","text":"绑定 ` + code.Code + `"}`
		resp, err := http.Post(srv.URL+"/sim/api/messages", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}

	var list struct{ Jobs []string }
	getJSON(t, srv.URL+"/sim/api/jobs", &list)
	if strings.Join(list.Jobs, ",") != "spring-festival,inflow-registration,transfer-prompt,report-invite,report-reminder,"+
		"report-overdue,six-month,dues-notice,certificate-review,certificate-inspection,weekly-digest,"+
		"transfer-followup,lost-contact,inflow-assessment" {
		t.Fatalf("jobs: %v", list.Jobs)
	}
	// 23:30 would be quiet hours; 09:20 is not.
	resp, err := http.Post(srv.URL+"/sim/api/jobs/transfer-prompt?now="+url.QueryEscape("2026-07-10T09:20:00+08:00"), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	var ran struct {
		SentAfter int `json:"sent_after"`
	}
	json.NewDecoder(resp.Body).Decode(&ran)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("run: %d", resp.StatusCode)
	}
	var sent struct {
		Messages []struct{ To, Text string }
	}
	getJSON(t, srv.URL+"/sim/api/sent?after="+itoa(ran.SentAfter), &sent)
	if len(sent.Messages) != 2 || !strings.Contains(sent.Messages[0].Text+sent.Messages[1].Text, "组织关系") {
		t.Fatalf("sent after the job: %+v", sent.Messages)
	}
	resp, _ = http.Post(srv.URL+"/sim/api/jobs/nope", "", nil)
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown job: %d", resp.StatusCode)
	}
	resp.Body.Close()
}
