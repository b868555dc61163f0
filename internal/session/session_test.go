package session_test

import (
	"context"
	"testing"
	"time"

	"liudong/internal/session"
	"liudong/internal/testenv"
)

func TestPutGetClearExpire(t *testing.T) {
	rdb, prefix := testenv.Redis(t)
	s := session.New(rdb, prefix, time.Hour)
	ctx := context.Background()
	k := session.Key{Platform: "test", Account: "a", Subject: "m:1"}
	if _, ok, err := s.Get(ctx, k); ok || err != nil {
		t.Fatalf("empty: %v %v", ok, err)
	}
	type data struct{ Answers []string }
	if err := s.Put(ctx, k, "report", "工作", data{Answers: []string{"思想内容"}}, 0); err != nil {
		t.Fatal(err)
	}
	// Another store over the same Redis (a restarted bot) sees the conversation.
	st, ok, err := session.New(rdb, prefix, time.Hour).Get(ctx, k)
	if err != nil || !ok || st.Flow != "report" || st.Step != "工作" {
		t.Fatalf("get: %+v %v %v", st, ok, err)
	}
	var d data
	if err := st.Decode(&d); err != nil || len(d.Answers) != 1 {
		t.Fatalf("decode: %+v %v", d, err)
	}
	// Other subjects and accounts are separate.
	if _, ok, _ := s.Get(ctx, session.Key{Platform: "test", Account: "b", Subject: "m:1"}); ok {
		t.Fatal("another account sees the conversation")
	}
	if err := s.Clear(ctx, k); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.Get(ctx, k); ok {
		t.Fatal("cleared conversation still there")
	}
	// An abandoned conversation expires.
	s.Put(ctx, k, "report", "思想", nil, 50*time.Millisecond)
	time.Sleep(200 * time.Millisecond)
	if _, ok, _ := s.Get(ctx, k); ok {
		t.Fatal("conversation did not expire")
	}
	// A state Redis holds that this version cannot read is dropped, not fatal.
	rdb.Set(ctx, prefix+"session:test:a:m:1", "not json", time.Hour)
	if _, ok, err := s.Get(ctx, k); ok || err != nil {
		t.Fatalf("garbage: %v %v", ok, err)
	}
}
