package schedule

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"liudong/internal/testenv"
)

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestLeaseOneHolderAtATime(t *testing.T) {
	rdb, prefix := testenv.Redis(t)
	ctx := context.Background()
	a := NewLease(rdb, prefix+"lease", 3*time.Second, discard())
	b := NewLease(rdb, prefix+"lease", 3*time.Second, discard())
	if ok, err := a.TryAcquire(ctx); !ok || err != nil {
		t.Fatalf("a: %v %v", ok, err)
	}
	if ok, err := b.TryAcquire(ctx); ok || err != nil {
		t.Fatalf("b took a held lease: %v %v", ok, err)
	}
	if ok, _ := a.TryAcquire(ctx); !ok || !a.Held() || b.Held() {
		t.Fatalf("renewal: a %v, b %v", a.Held(), b.Held())
	}
	if err := b.Release(ctx); err != nil {
		t.Fatal(err)
	}
	if ok, _ := a.TryAcquire(ctx); !ok {
		t.Fatal("b's release freed a's lease")
	}
	if err := a.Release(ctx); err != nil {
		t.Fatal(err)
	}
	if a.Held() {
		t.Fatal("released lease still held")
	}
	if ok, _ := b.TryAcquire(ctx); !ok || !b.Held() {
		t.Fatal("b could not take the released lease")
	}
}

func TestLeaseExpiresWhenNotRenewed(t *testing.T) {
	rdb, prefix := testenv.Redis(t)
	ctx := context.Background()
	a := NewLease(rdb, prefix+"lease", 3*time.Second, discard())
	b := NewLease(rdb, prefix+"lease", 3*time.Second, discard())
	if ok, _ := a.TryAcquire(ctx); !ok {
		t.Fatal("a")
	}
	// a stops renewing (it died): b takes over after the TTL, and a knows it lost it.
	deadline := time.Now().Add(10 * time.Second)
	for {
		if ok, _ := b.TryAcquire(ctx); ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the lease never expired")
		}
		time.Sleep(200 * time.Millisecond)
	}
	if a.Held() {
		t.Fatal("a still thinks it holds an expired lease")
	}
}

func TestLeaseRunRenewsAndReleases(t *testing.T) {
	rdb, prefix := testenv.Redis(t)
	a := NewLease(rdb, prefix+"lease", 3*time.Second, discard())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { a.Run(ctx); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for !a.Held() {
		if time.Now().After(deadline) {
			t.Fatal("never acquired")
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(4 * time.Second) // longer than the TTL: only renewals keep it
	if !a.Held() {
		t.Fatal("lease not renewed")
	}
	cancel()
	<-done
	if v, _ := rdb.Get(context.Background(), prefix+"lease").Result(); v != "" {
		t.Fatalf("lease not released on shutdown: %q", v)
	}
}

func TestGuardSkipsOverlapRecoversAndNeedsTheLease(t *testing.T) {
	rdb, prefix := testenv.Redis(t)
	ctx := context.Background()
	release := make(chan struct{})
	var runs atomic.Int32
	slow := Job{Name: "slow", Schedule: "* * * * *", Run: func(ctx context.Context, now time.Time) error {
		runs.Add(1)
		<-release
		return nil
	}}
	lease := NewLease(rdb, prefix+"lease", 3*time.Second, discard())
	s := NewScheduler(NewRegistry(), time.UTC, lease, discard())
	var running atomic.Bool
	if s.runGuarded(ctx, []Job{slow}, &running) {
		t.Fatal("ran without the lease")
	}
	if ok, _ := lease.TryAcquire(ctx); !ok {
		t.Fatal("lease")
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); s.runGuarded(ctx, []Job{slow}, &running) }()
	for runs.Load() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	if s.runGuarded(ctx, []Job{slow}, &running) {
		t.Fatal("a second run started while the first was running")
	}
	close(release)
	wg.Wait()
	if runs.Load() != 1 {
		t.Fatalf("runs = %d", runs.Load())
	}
	panicky := Job{Name: "panicky", Run: func(ctx context.Context, now time.Time) error { panic("boom") }}
	var pr atomic.Bool
	if !s.runGuarded(ctx, []Job{panicky}, &pr) {
		t.Fatal("panicking job did not run")
	}
	if pr.Load() {
		t.Fatal("a panicking run left the job marked running")
	}
}

func TestRegistry(t *testing.T) {
	r := NewRegistry()
	var got time.Time
	r.Add(Job{Name: "a", Schedule: "0 9 * * *", Description: "甲", Run: func(ctx context.Context, now time.Time) error { got = now; return nil }})
	r.Add(Job{Name: "b", Schedule: "0 9 * * 1", Run: func(ctx context.Context, now time.Time) error { return errors.New("broken") }})
	r.Add(Job{Name: "c", Schedule: "0 9 * * 1", Run: func(ctx context.Context, now time.Time) error { panic("oops") }})
	if names := strings.Join(r.Names(), ","); names != "a,b,c" {
		t.Fatalf("names %s", names)
	}
	at := time.Date(2027, 1, 23, 9, 0, 0, 0, time.UTC)
	if err := r.Run(context.Background(), "a", at); err != nil || !got.Equal(at) {
		t.Fatalf("run a: %v, clock %s", err, got)
	}
	if err := r.Run(context.Background(), "b", at); err == nil || !strings.Contains(err.Error(), "broken") {
		t.Fatalf("run b: %v", err)
	}
	if err := r.Run(context.Background(), "c", at); err == nil || !strings.Contains(err.Error(), "panicked") {
		t.Fatalf("run c: %v", err)
	}
	if err := r.Run(context.Background(), "nope", at); err == nil {
		t.Fatal("unknown job ran")
	}
	defer func() {
		if recover() == nil {
			t.Error("a duplicate name was accepted")
		}
	}()
	r.Add(Job{Name: "a", Run: func(ctx context.Context, now time.Time) error { return nil }})
}

// TestSchedulerRunsOnTheHolder runs the cron loop with an every-second job on two schedulers
// sharing a lease: only one of them runs it.
func TestSchedulerRunsOnTheHolder(t *testing.T) {
	rdb, prefix := testenv.Redis(t)
	var mu sync.Mutex
	ranOn := map[int]int{}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		reg := NewRegistry()
		reg.Add(Job{Name: "tick", Schedule: "@every 1s", Run: func(ctx context.Context, now time.Time) error {
			mu.Lock()
			ranOn[i]++
			mu.Unlock()
			return nil
		}})
		s := NewScheduler(reg, time.UTC, NewLease(rdb, prefix+"lease", 3*time.Second, discard()), discard())
		wg.Add(1)
		go func() { defer wg.Done(); s.Run(ctx) }()
	}
	time.Sleep(3500 * time.Millisecond)
	cancel()
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if (ranOn[0] == 0) == (ranOn[1] == 0) {
		t.Fatalf("runs per instance %v: want exactly one instance running the job", ranOn)
	}
}

func TestSweepSharesMemo(t *testing.T) {
	calls := 0
	read := func(ctx context.Context) int {
		v, err := Memo(ctx, "stays@9", func() (int, error) { calls++; return 42, nil })
		if err != nil || v != 42 {
			t.Fatalf("memo: %v %v", v, err)
		}
		return v
	}
	ctx := context.Background()
	read(ctx)
	read(ctx)
	if calls != 2 {
		t.Fatalf("outside a sweep nothing is kept: %d calls", calls)
	}
	calls = 0
	r := NewRegistry()
	for _, name := range []string{"a", "b", "c"} {
		r.Add(Job{Name: name, Schedule: "0 9 * * *", Run: func(ctx context.Context, now time.Time) error {
			if name == "b" {
				panic("b fails")
			}
			read(ctx)
			return nil
		}})
	}
	if err := r.RunAll(ctx, time.Now()); err == nil {
		t.Fatal("RunAll hid b's panic")
	}
	if calls != 1 {
		t.Fatalf("RunAll: %d calls, want 1", calls)
	}
	// The scheduler runs the jobs of one spec as one sweep; b's panic does not stop c.
	calls = 0
	s := NewScheduler(r, time.UTC, nil, discard())
	var running atomic.Bool
	if !s.runGuarded(ctx, r.Jobs(), &running) || calls != 1 {
		t.Fatalf("scheduled sweep: %d calls, want 1 (a and c sharing)", calls)
	}
	var failing int
	_, err := Memo(WithSweep(ctx), "x", func() (int, error) { failing++; return 0, errors.New("down") })
	if err == nil || failing != 1 {
		t.Fatalf("error not returned: %v", err)
	}
}
