package member_test

import (
	"strings"
	"testing"
	"time"

	"liudong/bot"
	"liudong/bot/bottest"
	"liudong/internal/app/apptest"
	"liudong/internal/member"
)

const verifyRoster = `姓名,性别,出生日期,学历,所在党支部,手机号码,职务
王书记,男,1970-01-01,大学本科,第一党支部,13800000001,书记
张三,男,1990-03-15,高中,第一党支部,13912345678,
`

// say sends a private message carrying identity hints, as the WeChat adapter does.
func say(h *apptest.Harness, handle, nick, avatar, text string) string {
	h.T.Helper()
	res := h.Send(bot.Message{From: handle, Nick: nick, AvatarID: avatar, Text: text})
	return strings.Join(func() []string {
		var out []string
		for _, r := range res.Replies {
			out = append(out, r.Text)
		}
		return out
	}(), "\n")
}

func TestUnresolvedMemberReverifies(t *testing.T) {
	h := apptest.New(t)
	h.Import(verifyRoster)
	zhang := h.Member("张三")
	code, err := h.App.Binding.IssueCode(h.Ctx, zhang.ID, "test", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if got := say(h, "h1", "张三", "111", "绑定 "+code.Code); !strings.Contains(got, "绑定成功") {
		t.Fatal(got)
	}
	// A re-login where 张三 changed his avatar: nickname alone does not carry the binding over.
	res, err := member.Reresolve(h.Ctx, h.Store, "test", "test", []member.Contact{{Handle: "h2", Nickname: "张三", AvatarID: "222"}})
	if err != nil || len(res.Unresolved) != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	// The old handle is not 张三 any more; the new one must answer first, even a command.
	if got := say(h, "h1", "张三", "111", "帮助"); strings.Contains(got, "张三同志") {
		t.Fatalf("old handle still bound: %q", got)
	}
	if got := say(h, "h2", "张三", "222", "帮助"); !strings.Contains(got, "出生日期") || strings.Contains(got, "张三同志") {
		t.Fatalf("asked: %q", got)
	}
	if got := say(h, "h2", "张三", "222", "不记得了"); !strings.Contains(got, "例如") {
		t.Fatalf("unparseable answer: %q", got)
	}
	if got := say(h, "h2", "张三", "222", "1990.3.15"); !strings.Contains(got, "后4位") {
		t.Fatalf("birth date: %q", got)
	}
	if got := say(h, "h2", "张三", "222", "尾号5678"); !strings.Contains(got, "身份已确认：张三同志（第一党支部）") {
		t.Fatalf("phone: %q", got)
	}
	if got := say(h, "h2", "张三", "222", "帮助"); !strings.Contains(got, "张三同志") {
		t.Fatalf("after: %q", got)
	}
	ci, err := h.Store.IdentityOfMember(h.Ctx, "test", "test", zhang.ID)
	if err != nil || ci.Handle != "h2" || ci.AvatarID != "222" || ci.NeedsVerify {
		t.Fatalf("%+v %v", ci, err)
	}
}

func TestFreshCodeRebindsAnUnresolvedMember(t *testing.T) {
	h := apptest.New(t)
	h.Import(verifyRoster)
	zhang := h.Member("张三")
	code, _ := h.App.Binding.IssueCode(h.Ctx, zhang.ID, "test", time.Now())
	say(h, "h1", "张三", "111", "绑定 "+code.Code)
	if _, err := member.Reresolve(h.Ctx, h.Store, "test", "test", nil); err != nil {
		t.Fatal(err)
	}
	// In a group an unresolved sender is a stranger.
	if got := h.Send(bot.Message{From: "h9", Nick: "张三", Group: "g", GroupName: "g", Text: "@机器人 帮助"}); strings.Contains(bottest.Texts(got.Replies), "张三同志") {
		t.Fatalf("group: %+v", got)
	}
	code, _ = h.App.Binding.IssueCode(h.Ctx, zhang.ID, "test", time.Now())
	if got := say(h, "h9", "张三", "999", "绑定 "+code.Code); !strings.Contains(got, "绑定成功") {
		t.Fatalf("fresh code: %q", got)
	}
	ci, _ := h.Store.IdentityOfMember(h.Ctx, "test", "test", zhang.ID)
	if ci.Handle != "h9" || ci.NeedsVerify {
		t.Fatalf("%+v", ci)
	}
	if ns, _ := h.Store.UnverifiedIdentities(h.Ctx, "test", "test"); len(ns) != 0 {
		t.Fatalf("still unverified: %+v", ns)
	}
}
