package member

import (
	"context"
	"testing"
	"time"

	"liudong/internal/store"
	"liudong/internal/testenv"
)

func TestReresolve(t *testing.T) {
	st := testenv.Store(t)
	ctx := context.Background()
	root, _, _ := st.EnsureRootOrgUnit(ctx, "committee", "测试镇党委", "安徽省")
	branch, _, _ := st.EnsureChildOrgUnit(ctx, root, "branch", "第一党支部")
	bind := func(name, handle, nick, avatar, remark string) int64 {
		m := store.Member{BranchID: branch.ID, Name: name, Gender: "男", BirthDate: time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC), Education: "高中"}
		if err := st.InsertMember(ctx, &m); err != nil {
			t.Fatal(err)
		}
		ci := &store.ChatIdentity{MemberID: m.ID, Platform: "wechat", Account: "a", Handle: handle, Nickname: nick, AvatarID: avatar, Remark: remark}
		if err := st.BindIdentity(ctx, ci); err != nil {
			t.Fatal(err)
		}
		return m.ID
	}
	same := bind("同一", "@h1", "老同", "100", "")        // a hot login: nothing changed
	swapA := bind("甲", "@h2", "甲", "200", "甲备注")      // gets @h3 …
	swapB := bind("乙", "@h3", "乙", "300", "")         // … and @h2: handles trade places
	renamed := bind("改名", "@h4", "旧名", "400", "改名备注") // nickname changed: avatar + remark remain
	newAvatar := bind("换头像", "@h5", "换头像", "500", "") // avatar changed, no remark: nickname alone
	twin := bind("双胞", "@h6", "双胞", "600", "双胞")      // two contacts share nickname + remark
	best := bind("最像", "@h7", "最像", "700", "最像")      // a full match beats a nickname + remark copy
	gone := bind("不在", "@h8", "不在", "800", "")        // not among the friends any more
	contacts := []Contact{
		{Handle: "@h1", Nickname: "老同", AvatarID: "100"},
		{Handle: "@h3", Nickname: "甲", AvatarID: "200", Remark: "甲备注"},
		{Handle: "@h2", Nickname: "乙", AvatarID: "300"},
		{Handle: "@n4", Nickname: "新名", AvatarID: "400", Remark: "改名备注"},
		{Handle: "@n5", Nickname: "换头像", AvatarID: "999"},
		{Handle: "@n6a", Nickname: "双胞", AvatarID: "601", Remark: "双胞"},
		{Handle: "@n6b", Nickname: "双胞", AvatarID: "602", Remark: "双胞"},
		{Handle: "@n7", Nickname: "最像", AvatarID: "700", Remark: "最像"},
		{Handle: "@n7x", Nickname: "最像", AvatarID: "701", Remark: "最像"},
	}
	res, err := Reresolve(ctx, st, "wechat", "a", contacts)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]struct {
		handle string
		verify bool
		nick   string
	}{
		same:      {"@h1", false, "老同"},
		swapA:     {"@h3", false, "甲"},
		swapB:     {"@h2", false, "乙"},
		renamed:   {"@n4", false, "新名"},
		newAvatar: {"", true, "换头像"},
		twin:      {"", true, "双胞"},
		best:      {"@n7", false, "最像"},
		gone:      {"", true, "不在"},
	}
	for id, w := range want {
		ci, err := st.IdentityOfMember(ctx, "wechat", "a", id)
		if err != nil {
			t.Fatal(err)
		}
		if ci.NeedsVerify != w.verify || ci.Nickname != w.nick || (w.handle != "" && ci.Handle != w.handle) ||
			(w.verify && ci.Handle != placeholder(ci.ID)) {
			t.Errorf("member %d: %+v, want %+v", id, ci, w)
		}
	}
	if res.Kept != 1 || res.Moved != 4 || len(res.Unresolved) != 3 {
		t.Errorf("resolution %+v", res)
	}
	// Unresolved bindings keep their hints, and a second pass changes nothing.
	res, err = Reresolve(ctx, st, "wechat", "a", contacts)
	if err != nil || res.Kept != 5 || res.Moved != 0 || len(res.Unresolved) != 3 {
		t.Errorf("second pass %+v %v", res, err)
	}
	audits, _ := st.AuditByAction(ctx, "member.identity_unresolved")
	if len(audits) != 3 {
		t.Errorf("%d unresolved audits", len(audits))
	}
	// When the lost avatar comes back, the binding resolves by itself.
	contacts[4].AvatarID = "500"
	if res, err = Reresolve(ctx, st, "wechat", "a", contacts); err != nil || len(res.Unresolved) != 2 {
		t.Errorf("after the avatar came back %+v %v", res, err)
	}
	if audits, _ := st.AuditByAction(ctx, "member.identity_resolved"); len(audits) != 1 {
		t.Errorf("%d resolved audits", len(audits))
	}
}

func TestParseDate(t *testing.T) {
	for in, want := range map[string]string{
		"1985年3月7日":      "1985-03-07",
		"1985年03月07号":    "1985-03-07",
		"1985-03-07":     "1985-03-07",
		"1985/3/7":       "1985-03-07",
		"1985.3.7":       "1985-03-07",
		"19850307":       "1985-03-07",
		"我是1985年3月7日出生的": "1985-03-07",
		"1985 年 3 月 7 日": "1985-03-07",
		"1985-02-30":     "",
		"3月7日":           "",
		"1985":           "",
		"":               "",
	} {
		got, ok := parseDate(in)
		if (want == "") == ok || (ok && got.Format(time.DateOnly) != want) {
			t.Errorf("parseDate(%q) = %v %v, want %q", in, got, ok, want)
		}
	}
}
