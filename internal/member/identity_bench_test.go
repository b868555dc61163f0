package member

import (
	"context"
	"fmt"
	"testing"
	"time"

	"liudong/internal/store"
	"liudong/internal/testenv"
)

// BenchmarkReresolve re-resolves 5,000 bindings (a personal WeChat account's friend limit)
// after a QR re-login: every handle changes, 2% of the members changed their avatar, 1% left.
func BenchmarkReresolve(b *testing.B) {
	st := testenv.Store(b)
	ctx := context.Background()
	root, _, _ := st.EnsureRootOrgUnit(ctx, "committee", "测试镇党委", "安徽省")
	branch, _, _ := st.EnsureChildOrgUnit(ctx, root, "branch", "第一党支部")
	const n = 5000
	var contacts []Contact
	for i := range n {
		m := store.Member{BranchID: branch.ID, Name: fmt.Sprint("党员", i), Gender: "男",
			BirthDate: time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i), Education: "高中"}
		if err := st.InsertMember(ctx, &m); err != nil {
			b.Fatal(err)
		}
		nick, avatar := fmt.Sprint("昵称", i%4000), fmt.Sprint(600000000+i)
		if err := st.BindIdentity(ctx, &store.ChatIdentity{MemberID: m.ID, Platform: "wechat", Account: "a",
			Handle: fmt.Sprint("@old", i), Nickname: nick, AvatarID: avatar, Remark: fmt.Sprint("备注", i)}); err != nil {
			b.Fatal(err)
		}
		switch {
		case i%100 == 0: // left
		case i%50 == 0:
			contacts = append(contacts, Contact{Nickname: nick, AvatarID: "9" + avatar})
		default:
			contacts = append(contacts, Contact{Nickname: nick, AvatarID: avatar, Remark: fmt.Sprint("备注", i)})
		}
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		for j := range contacts {
			contacts[j].Handle = fmt.Sprintf("@new%d-%d", i, j) // a new login: every handle changes
		}
		res, err := Reresolve(ctx, st, "wechat", "a", contacts)
		if err != nil || res.Moved != len(contacts)-n/100 {
			b.Fatalf("%+v %v", res, err)
		}
	}
}
