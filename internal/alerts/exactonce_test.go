package alerts_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"liudong/internal/app"
	"liudong/internal/app/apptest"
	"liudong/internal/store"
)

// phase2World is a committee in which every phase 2 job has work on 22 December 2026 and on
// 4 January 2027: dues ledgers with arrears, certificates due for 年审 and one not handed back,
// mobile members with and without reports, no organizational life on record.
func phase2World(t *testing.T) *apptest.Harness {
	h := setupWith(t, rosterDues)
	for _, step := range []struct{ when, who, text string }{
		{"2026-01-05 10:00", "u-zhou", "发证 孙二"},
		{"2026-07-05 10:00", "u-wang", "发证 张三"},
		{"2026-08-01 10:00", "u-wang", "发证 吴六"},
		{"2026-10-20 10:00", "u-wang", "核定党费 张三 在职 月收入4000 自2026年8月"},
		{"2026-10-20 10:00", "u-zhou", "核定党费 孙二 在职 月收入8000 自2026年6月"},
		{"2026-11-25 10:00", "u-zhang", "汇报\n思想：认真学习\n工作：按时完成任务"},
		{"2026-12-01 10:00", "u-wu", "返乡"},
	} {
		h.Now = at(step.when)
		h.Say(step.who, step.text)
	}
	return h
}

var phase2Clocks = []time.Time{at("2026-12-22 09:00"), at("2027-01-04 09:00")}

// TestPhase2ExactlyOnce runs every job from two app instances (two connection pools, one
// database) at once, twice at each clock, and compares the outbox with a single sequential
// run over the same data: the same rows, each delivered once.
func TestPhase2ExactlyOnce(t *testing.T) {
	ctx := context.Background()
	h := phase2World(t)
	st2, err := store.Open(ctx, h.App.Cfg.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st2.Close() })
	a2, err := app.New(h.App.Cfg, discard(), st2, h.App.Redis)
	if err != nil {
		t.Fatal(err)
	}
	for _, now := range phase2Clocks {
		for round := 0; round < 2; round++ {
			var wg sync.WaitGroup
			errs := make(chan error, 2)
			for _, a := range []*app.App{h.App, a2} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if err := a.Jobs.RunAll(ctx, now); err != nil {
						errs <- err
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
		}
		h.DeliverDue(now)
	}

	want := phase2World(t)
	for _, now := range phase2Clocks {
		if err := want.App.Jobs.RunAll(ctx, now); err != nil {
			t.Fatal(err)
		}
	}
	count := func(st *store.Store) map[string]int {
		var rows []struct {
			Kind  string `db:"kind"`
			Count int    `db:"count"`
		}
		if err := st.DB().SelectContext(ctx, &rows, `SELECT kind, count(*) AS count FROM outbox GROUP BY kind`); err != nil {
			t.Fatal(err)
		}
		m := map[string]int{}
		for _, r := range rows {
			m[r.Kind] = r.Count
		}
		return m
	}
	got, single := count(h.Store), count(want.Store)
	for _, kind := range []string{"report.reminder", "report.overdue", "sixmonth.member", "sixmonth.note", "dues.notice",
		"dues.arrears", "certificate.review", "certificate.review.member", "certificate.inspection", "certificate.inspection.member",
		"digest.weekly"} {
		if single[kind] == 0 {
			t.Errorf("%s: no row in the sequential run: the world gives it no work", kind)
		}
	}
	if len(got) != len(single) {
		t.Errorf("kinds: %v, sequential %v", got, single)
	}
	for kind, n := range single {
		if got[kind] != n {
			t.Errorf("%s: %d rows, %d in the sequential run", kind, got[kind], n)
		}
	}
	seen := map[string]int{}
	for _, s := range h.Platform.Sent()[baseline[h]:] {
		seen[s.To+"|"+s.Group+"|"+s.Text]++
	}
	for k, n := range seen {
		if n > 1 {
			t.Errorf("sent %d times: %s", n, strings.ReplaceAll(k, "\n", " "))
		}
	}
	for _, n := range h.Outbox("dues.notice") {
		if n.Status != store.OutboxSent {
			t.Errorf("dues.notice %d: %s %s", n.ID, n.Status, n.LastError)
		}
	}
}
