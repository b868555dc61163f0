package stats

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strconv"
	"testing"
	"time"

	"liudong/internal/store"
	"liudong/internal/testenv"
)

// BenchmarkReport times the report over a generated committee of LIUDONG_BENCH_MEMBERS members
// (default 1,000,000: 20,000 branches under 200 general branches, 12% away, 2% 流入), in a
// fresh database. Generating takes a minute or two; it is not timed.
//
//	make services && go test -run '^$' -bench Report -benchtime 5x ./internal/stats/
func BenchmarkReport(b *testing.B) {
	n := 1_000_000
	if v := os.Getenv("LIUDONG_BENCH_MEMBERS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
	st := testenv.Store(b)
	root, _, err := st.EnsureRootOrgUnit(ctx, store.KindCommittee, "测试镇党委", "安徽省六安市")
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if err := st.SeedSynthetic(ctx, root, store.SyntheticSpec{Members: n, HomeProvince: "34", Today: time.Now()}); err != nil {
		b.Fatal(err)
	}
	b.Logf("generated %d members in %s", n, time.Since(start).Round(time.Second))
	cfg := testenv.Config(b, "", "bench:")
	cfg.Stats.Font = "none"
	svc, err := New(st, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	d := Today(time.Now().In(svc.Location()))
	branches, err := st.OrgUnitsByName(ctx, "合成第1党支部")
	if err != nil || len(branches) != 1 {
		b.Fatalf("branch: %v %v", branches, err)
	}
	b.Run("summary/committee", func(b *testing.B) {
		for b.Loop() {
			if _, err := svc.Summary(ctx, root, d); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("summary/branch", func(b *testing.B) {
		for b.Loop() {
			if _, err := svc.Summary(ctx, branches[0], d); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("tables/committee", func(b *testing.B) {
		for b.Loop() {
			if _, err := svc.Tables(ctx, root, d); err != nil {
				b.Fatal(err)
			}
		}
	})
	s, err := svc.Summary(ctx, root, d)
	if err != nil {
		b.Fatal(err)
	}
	tables, err := svc.Tables(ctx, root, d)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("xlsx/committee", func(b *testing.B) {
		for b.Loop() {
			if err := WriteXLSX(io.Discard, Report{Summary: s, Tables: tables}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
