package stats

import (
	"bytes"
	"errors"
	"image/png"
	"os"
	"strings"
	"testing"
)

func TestChart(t *testing.T) {
	r := newRoster(t)
	_, s := r.paragraph(r.root, "2026-11-30")

	// stats.font: none — text only, and the log says why, once.
	if img := r.svc.Chart(s); img != nil {
		t.Fatal("a chart without a font")
	}
	r.svc.Chart(s)
	if n := strings.Count(r.log.String(), "charts disabled"); n != 1 {
		t.Errorf("logged %d times, want once:\n%s", n, r.log.String())
	}

	// A font without Chinese glyphs is refused.
	const latin = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
	if _, err := os.Stat(latin); err == nil {
		r.newService(latin)
		if _, err := r.svc.FontPath(); !errors.Is(err, ErrNoFont) || !strings.Contains(err.Error(), "no Chinese glyphs") {
			t.Errorf("latin font: %v", err)
		}
	}

	// The system's CJK font (Debian: fonts-wqy-microhei) draws the chart.
	r.newService("")
	path, err := r.svc.FontPath()
	if err != nil {
		t.Skipf("no CJK font installed (apt-get install fonts-wqy-microhei): %v", err)
	}
	data := r.svc.Chart(s)
	if data == nil {
		t.Fatalf("no chart with %s:\n%s", path, r.log.String())
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 960 || b.Dy() != 540 {
		t.Errorf("chart is %v", b)
	}
	// Nothing to draw for a unit without outflow members.
	_, empty := r.paragraph(r.office, "2026-11-30")
	if r.svc.Chart(empty) != nil {
		t.Error("a chart of nobody")
	}
	if os.Getenv("LIUDONG_STATS_CHART") != "" {
		os.WriteFile(os.Getenv("LIUDONG_STATS_CHART"), data, 0o644)
	}
}
