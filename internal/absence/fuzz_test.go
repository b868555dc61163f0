package absence_test

import (
	"strings"
	"testing"
	"time"

	"liudong/internal/absence"
)

// FuzzParseReason: any text is either refused or split into a reason taken from it and a day
// in the zone. (How far away the day may be is record's to check: past, or five years on.)
func FuzzParseReason(f *testing.F) {
	for _, s := range []string{"住院治疗 至2027年1月", "住院治疗至2027年1月15日", "产假 到2026年8月20号", "外派出国 至2027/1/15",
		"照顾病重父母 直到2026年12月底", "重病 至１２月", "术后休养（骨折） 至2026年6月30日止", "住院 至2027年13月", "住院治疗", "", "至"} {
		f.Add(s)
	}
	today := time.Date(2026, 3, 5, 0, 0, 0, 0, shanghai)
	f.Fuzz(func(t *testing.T, s string) {
		reason, until, ok, err := absence.ParseReason(s, today)
		if err != nil {
			return
		}
		if !ok {
			if reason != strings.TrimSpace(s) {
				t.Fatalf("no end: reason %q of %q", reason, s)
			}
			return
		}
		if !strings.Contains(s, reason) {
			t.Fatalf("reason %q is not from %q", reason, s)
		}
		if h, m, sec := until.Clock(); h != 0 || m != 0 || sec != 0 || until.Location() != shanghai {
			t.Fatalf("until %v is not a day in the zone", until)
		}
	})
}
