package notify_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"liudong/bot"
	"liudong/internal/notify"
	"liudong/internal/store"
	"liudong/internal/testenv"
)

// flakySender is offline for its first n sends, then delivers.
type flakySender struct {
	mu      sync.Mutex
	offline int
	sent    []bot.Outgoing
}

func (f *flakySender) Send(_ context.Context, out bot.Outgoing) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.offline > 0 {
		f.offline--
		return fmt.Errorf("logged out: %w", bot.ErrUnavailable)
	}
	f.sent = append(f.sent, out)
	return nil
}

func (f *flakySender) texts() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, o := range f.sent {
		out = append(out, o.Text)
	}
	return out
}

func setup(t *testing.T) (*store.Store, []store.Member) {
	t.Helper()
	st := testenv.Store(t)
	ctx := context.Background()
	root, _, err := st.EnsureRootOrgUnit(ctx, "committee", "测试镇党委", "安徽省")
	if err != nil {
		t.Fatal(err)
	}
	branch, _, err := st.EnsureChildOrgUnit(ctx, root, "branch", "第一党支部")
	if err != nil {
		t.Fatal(err)
	}
	var ms []store.Member
	for i, name := range []string{"张三", "李四"} {
		m := store.Member{BranchID: branch.ID, Name: name, Gender: "男", BirthDate: time.Date(1980+i, 1, 1, 0, 0, 0, 0, time.UTC), Education: "高中"}
		if err := st.InsertMember(ctx, &m); err != nil {
			t.Fatal(err)
		}
		if err := st.BindIdentity(ctx, &store.ChatIdentity{MemberID: m.ID, Platform: "test", Account: "a", Handle: "h-" + name}); err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
	}
	return st, ms
}

// While the platform is unavailable rows wait without spending attempts, and each goes out
// once when it is back.
func TestUnavailablePlatformDefersWithoutSpendingAttempts(t *testing.T) {
	st, ms := setup(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for i := 1; i <= 5; i++ {
		if _, err := notify.Enqueue(ctx, st, notify.Message{Kind: "k", Period: fmt.Sprint(i), MemberID: ms[0].ID, Text: fmt.Sprint("n", i)}); err != nil {
			t.Fatal(err)
		}
	}
	sender := &flakySender{offline: 7}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	d := notify.NewDispatcher(st, sender, notify.StoreResolver{Store: st, Platform: "test", Account: "a"}, log, notify.Options{PollInterval: 10 * time.Millisecond, MaxAttempts: 2})
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	deadline := time.Now().Add(10 * time.Second)
	for len(sender.texts()) < 5 {
		if time.Now().After(deadline) {
			t.Fatalf("sent %v", sender.texts())
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	if got := strings.Join(sender.texts(), ","); got != "n1,n2,n3,n4,n5" {
		t.Errorf("sent %s", got)
	}
	ns, _ := st.NotificationsByKind(context.Background(), "k")
	for _, n := range ns {
		if n.Status != store.OutboxSent || n.Attempts != 1 {
			t.Errorf("row %d: %s after %d attempts (max 2)", n.ID, n.Status, n.Attempts)
		}
	}
}

// A recipient whose binding waits for re-verification keeps the row waiting, unspent.
func TestUnverifiedRecipientDefers(t *testing.T) {
	st, ms := setup(t)
	ctx := context.Background()
	ci, err := st.IdentityOfMember(ctx, "test", "a", ms[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.UpdateIdentityHandle(ctx, ci.ID, "~unresolved", "", "", "", true); err != nil {
		t.Fatal(err)
	}
	id, err := notify.Enqueue(ctx, st, notify.Message{Kind: "k", Period: "1", MemberID: ms[1].ID, Text: "x"})
	if err != nil {
		t.Fatal(err)
	}
	sender := &flakySender{}
	d := notify.NewDispatcher(st, sender, notify.StoreResolver{Store: st, Platform: "test", Account: "a"}, slog.New(slog.NewTextHandler(io.Discard, nil)), notify.Options{PollInterval: time.Second, MaxAttempts: 1})
	if err := d.Deliver(ctx, []int64{id}); err != nil {
		t.Fatal(err)
	}
	n, _ := st.NotificationByID(ctx, id)
	if n.Status != store.OutboxPending || n.Attempts != 0 || n.NotBefore.Before(time.Now().Add(20*time.Minute)) || len(sender.texts()) != 0 {
		t.Errorf("row %+v, sent %v", n, sender.texts())
	}
}
