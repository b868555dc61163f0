package member_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"liudong/bot"
	"liudong/internal/app"
	"liudong/internal/app/apptest"
	"liudong/internal/store"
)

const roster = `姓名,性别,出生日期,学历,所在党支部,职务
王书记,男,1970-01-01,大学本科,第一党支部,书记
张三,男,1990-03-15,高中,第一党支部,
李四,男,1985-11-02,初中,第二党支部,
张三,男,1992-05-01,高中,第二党支部,
`

func TestBindingEndToEnd(t *testing.T) {
	h := apptest.New(t)
	h.Import(roster)
	ctx := context.Background()
	zhang := h.Member("李四")
	now := time.Now()

	// Unbound: any message gets the explanation.
	if got := h.Say("u-li", "你好"); !strings.Contains(got, "绑定") {
		t.Fatalf("unbound hint: %q", got)
	}
	code, err := h.App.Binding.IssueCode(ctx, zhang.ID, "test", now)
	if err != nil {
		t.Fatal(err)
	}
	// Wrong code, then the right one written with full-width digits after a colon.
	if got := h.Say("u-li", "绑定 000000"); !strings.Contains(got, "不正确") {
		if code.Code != "000000" {
			t.Fatalf("wrong code: %q", got)
		}
	}
	full := strings.Map(func(r rune) rune { return r - '0' + '０' }, code.Code)
	got := h.Say("u-li", "绑定："+full)
	if !strings.Contains(got, "绑定成功") || !strings.Contains(got, "李四") || !strings.Contains(got, "第二党支部") {
		t.Fatalf("bind: %q", got)
	}
	// The code is single use.
	if got := h.Say("u-other", "绑定 "+code.Code); !strings.Contains(got, "已经使用过") {
		t.Fatalf("reused code: %q", got)
	}
	// Bound: help is personal.
	if got := h.Say("u-li", "帮助"); !strings.Contains(got, "李四同志") {
		t.Fatalf("help: %q", got)
	}

	// Expired.
	h.Now = now
	old, err := h.App.Binding.IssueCode(ctx, h.Member("王书记").ID, "test", now.Add(-73*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if got := h.Say("u-wang", "绑定 "+old.Code); !strings.Contains(got, "过期") {
		t.Fatalf("expired: %q", got)
	}
	// A new code for the same member revokes the earlier one.
	first, _ := h.App.Binding.IssueCode(ctx, h.Member("王书记").ID, "test", now)
	second, _ := h.App.Binding.IssueCode(ctx, h.Member("王书记").ID, "test", now)
	if first.Code != second.Code {
		if got := h.Say("u-wang", "绑定 "+first.Code); !strings.Contains(got, "作废") {
			t.Fatalf("revoked: %q", got)
		}
	}
	if got := h.Say("u-wang", "绑定 "+second.Code); !strings.Contains(got, "绑定成功") {
		t.Fatalf("second code: %q", got)
	}
	// A bound account cannot take another member's code.
	c3, _ := h.App.Binding.IssueCode(ctx, zhang.ID, "test", now)
	if got := h.Say("u-wang", "绑定 "+c3.Code); !strings.Contains(got, "已经绑定了党员王书记") {
		t.Fatalf("rebind other: %q", got)
	}

	// Restart: a new app on the same database and Redis still knows the binding.
	a2, err := app.New(h.App.Cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), h.Store, h.App.Redis)
	if err != nil {
		t.Fatal(err)
	}
	res := a2.Router.Handle(ctx, &bot.Message{Platform: "test", Account: "test", ID: "after-restart", From: "u-li", Text: "帮助", At: now})
	if got := bottestTexts(res); !strings.Contains(got, "李四同志") {
		t.Fatalf("after restart: %q", got)
	}

	audit, err := h.Store.AuditByAction(ctx, "member.bind")
	if err != nil || len(audit) != 2 {
		t.Fatalf("bind audit: %d %v", len(audit), err)
	}
}

func bottestTexts(res bot.Result) string {
	var parts []string
	for _, r := range res.Replies {
		parts = append(parts, r.Text)
	}
	return strings.Join(parts, "\n")
}

func TestLockoutAfterFiveFailures(t *testing.T) {
	h := apptest.New(t)
	h.Import(roster)
	ctx := context.Background()
	code, err := h.App.Binding.IssueCode(ctx, h.Member("李四").ID, "test", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	wrong := "111111"
	if code.Code == wrong {
		wrong = "222222"
	}
	for i := 1; i <= 4; i++ {
		if got := h.Say("u-x", "绑定 "+wrong); !strings.Contains(got, "还可以再试") {
			t.Fatalf("try %d: %q", i, got)
		}
	}
	if got := h.Say("u-x", "绑定 12"); !strings.Contains(got, "暂停15分钟") {
		t.Fatalf("fifth failure: %q", got)
	}
	// Locked: even the right code is refused, for this account only.
	if got := h.Say("u-x", "绑定 "+code.Code); !strings.Contains(got, "输错次数过多") {
		t.Fatalf("locked: %q", got)
	}
	if got := h.Say("u-y", "绑定 "+code.Code); !strings.Contains(got, "绑定成功") {
		t.Fatalf("another account: %q", got)
	}
}

func TestSecretaryIssuesCode(t *testing.T) {
	h := apptest.New(t)
	h.Import(roster)
	h.Bind("王书记", "u-wang")
	h.Bind("李四", "u-li")

	got := h.Say("u-wang", "邀请码 张三")
	if !strings.Contains(got, "张三（第一党支部）的绑定码：") {
		t.Fatalf("issue: %q", got)
	}
	code := got[strings.Index(got, "绑定码：")+len("绑定码："):][:6]
	if got := h.Say("u-zhang", "绑定 "+code); !strings.Contains(got, "第一党支部") {
		t.Fatalf("bind with secretary's code: %q", got)
	}
	// Outside the secretary's branch; and not for ordinary members.
	if got := h.Say("u-wang", "邀请码 李四"); !strings.Contains(got, "没有找到") {
		t.Fatalf("out of scope: %q", got)
	}
	if got := h.Say("u-li", "邀请码 张三"); !strings.Contains(got, "仅限党支部书记") {
		t.Fatalf("member: %q", got)
	}
	if got := h.Say("u-wang", "邀请码"); !strings.Contains(got, "请写上党员姓名") {
		t.Fatalf("no name: %q", got)
	}
	audit, _ := h.Store.AuditByAction(context.Background(), "command:邀请码")
	// Every attempt is audited, the refused ones (a member trying a secretary command) too.
	if len(audit) != 4 || !strings.Contains(string(audit[0].Detail), `"outcome": "ok"`) ||
		!strings.Contains(string(audit[2].Detail), `"outcome": "rejected"`) {
		t.Fatalf("secretary commands audited: %d %+v", len(audit), audit)
	}
}

func TestDuplicateMessageHandledOnce(t *testing.T) {
	h := apptest.New(t)
	h.Import(roster)
	code, _ := h.App.Binding.IssueCode(context.Background(), h.Member("李四").ID, "test", time.Now())
	msg := bot.Message{ID: "wx-42", From: "u-li", Text: "绑定 " + code.Code}
	first := h.Send(msg)
	second := h.Send(msg)
	if len(first.Replies) != 1 || !strings.Contains(first.Replies[0].Text, "绑定成功") {
		t.Fatalf("first: %+v", first)
	}
	if !second.Duplicate || len(second.Replies) != 0 {
		t.Fatalf("second: %+v", second)
	}
	var n int
	h.Store.DB().Get(&n, `SELECT count(*) FROM inbound_messages WHERE message_id = 'wx-42'`)
	if n != 1 {
		t.Fatalf("stored %d times", n)
	}
}

func TestBadInput(t *testing.T) {
	h := apptest.New(t)
	h.Import(roster)
	h.Bind("李四", "u-li")
	long := strings.Repeat("长", 5000)
	if got := h.Say("u-li", long); !strings.Contains(got, "太长") {
		t.Fatalf("long: %q", got)
	}
	var row store.InboundMessage
	if err := h.Store.DB().Get(&row, `SELECT id, truncated, original_runes, length(text) AS text FROM inbound_messages WHERE truncated`); err != nil {
		t.Fatal(err)
	}
	if !row.Truncated || row.OriginalRunes != 5000 {
		t.Fatalf("stored %+v", row)
	}
	for _, text := range []string{"", "   ", "😀😀", "\x00\x01\x02", "'; DROP TABLE members; --", "绑定 ' OR 1=1 --"} {
		if got := h.Say("u-li", text); got == "" {
			t.Errorf("%q: silence", text)
		}
	}
	if n, _ := h.Store.CountMembers(context.Background()); n != 4 {
		t.Fatalf("members: %d", n)
	}
	// The unhandled-message replay skips nothing and repeats nothing: everything was handled.
	var unhandled int
	h.Store.DB().Get(&unhandled, `SELECT count(*) FROM inbound_messages WHERE handled_at IS NULL`)
	if unhandled != 0 {
		t.Fatalf("%d messages left unhandled", unhandled)
	}
}
