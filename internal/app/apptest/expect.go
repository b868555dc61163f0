package apptest

import (
	"strings"
	"testing"
)

// Expect fails unless got (a reply, say) contains every part.
func Expect(t testing.TB, what, got string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(got, p) {
			t.Errorf("%s: reply %q lacks %q", what, got, p)
		}
	}
}

// Refuse fails if got contains any part.
func Refuse(t testing.TB, what, got string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if strings.Contains(got, p) {
			t.Errorf("%s: reply %q must not contain %q", what, got, p)
		}
	}
}

// SentSince returns the private messages sent to handle after the first n, joined by newlines.
func (h *Harness) SentSince(handle string, n int) string {
	all := h.Platform.SentTo(handle)
	if n > len(all) {
		return ""
	}
	return strings.Join(all[n:], "\n")
}
