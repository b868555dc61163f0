package app_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"liudong/internal/app"
	"liudong/internal/roster"
	"liudong/internal/store"
)

var (
	rosterOptions = roster.Options{}
	testNow       = time.Now()
)

func itoa(n int) string { return strconv.Itoa(n) }

func mustMember(t *testing.T, a *app.App, name string) store.Member {
	t.Helper()
	ms, err := a.Store.MembersByName(context.Background(), name, nil)
	if err != nil || len(ms) != 1 {
		t.Fatalf("member %s: %v %v", name, ms, err)
	}
	return ms[0]
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}
