package wxfake

import (
	"bytes"
	"encoding/xml"
	"html"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/eatmoreapple/openwechat"
)

// loggedIn logs a bot in; hook, if any, runs on the sync goroutine for
// every message, from the first (the MsgType 51 notice) on.
func loggedIn(t *testing.T, opts Options, hook ...func(*openwechat.Message) error) (*Fake, *testBot) {
	t.Helper()
	f := newFake(t, opts)
	tb := newBot(t, f)
	if len(hook) > 0 {
		tb.setHook(hook[0])
	}
	tb.login()
	return f, tb
}

// must(t)(f.SendText(...)) fails the test on an error and returns the id.
func must(t *testing.T) func(string, error) string {
	return func(id string, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
}

func TestStatusNotifyMessageAfterLogin(t *testing.T) {
	f, tb := loggedIn(t, testOptions())
	select {
	case s := <-tb.seen:
		if !s.msg.StatusNotify() || s.msg.StatusNotifyCode != 4 || !s.msg.IsSendBySelf() {
			t.Errorf("first message = %v code %d", s.msg, s.msg.StatusNotifyCode)
		}
		if !strings.Contains(s.msg.StatusNotifyUserName, f.UserName("alerts")) {
			t.Errorf("StatusNotifyUserName = %q", s.msg.StatusNotifyUserName)
		}
	case <-time.After(waitFor):
		t.Fatal("no MsgType 51 after login")
	}
}

func TestFriendText(t *testing.T) {
	cases := []struct{ name, text, raw string }{
		{"plain", "活动证", "活动证"},
		{"multi-line", "汇报\n思想：学习\n工作：正常", "汇报<br/>思想：学习<br/>工作：正常"},
		{"colon before newline", "汇报:\n思想：好", "汇报:<br/>思想：好"},
		{"html", "a<b> & c", "a&lt;b&gt; &amp; c"},
		{"emoji", "收到👍", `收到<span class="emoji emoji1f44d"></span>`},
	}
	f, tb := loggedIn(t, testOptions())
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id := must(t)(f.SendText("zhang", tc.text))
			s := tb.next()
			m := s.msg
			if m.MsgId != id || !m.IsText() || !m.IsSendByFriend() || m.IsSendByGroup() || m.IsComeFromGroup() {
				t.Errorf("flags: id %s/%s text %v friend %v", m.MsgId, id, m.IsText(), m.IsSendByFriend())
			}
			if m.Content != tc.text || m.RawContent != tc.raw {
				t.Errorf("Content %q RawContent %q, want %q %q", m.Content, m.RawContent, tc.text, tc.raw)
			}
			if s.senderErr != nil || s.sender.NickName != "张三" || s.sender.RemarkName != "张三(深圳)" || s.sender.UserName != f.UserName("zhang") {
				t.Errorf("sender %+v %v", s.sender, s.senderErr)
			}
		})
	}
	// Ambiguous nicknames need IDs in the driving API, as the bot needs hints.
	if _, err := f.SendText("李四", "x"); err == nil || !strings.Contains(err.Error(), "ambiguous") {
		t.Errorf("ambiguous nickname: %v", err)
	}
	if _, err := f.SendText("zhao", "x"); err == nil {
		t.Error("a stranger could send a private message")
	}
}

type locationXML struct {
	Location struct {
		X     float64 `xml:"x,attr"`
		Y     float64 `xml:"y,attr"`
		Label string  `xml:"label,attr"`
	} `xml:"location"`
}

func TestFriendLocation(t *testing.T) {
	f, tb := loggedIn(t, testOptions())
	must(t)(f.SendLocation("zhang", "广东省深圳市南山区科技园", 22.54, 113.93))
	m := tb.next().msg
	if !m.IsLocation() || m.IsText() || m.MsgType != openwechat.MsgTypeText || m.SubMsgType != 48 {
		t.Errorf("IsLocation %v IsText %v type %d sub %d", m.IsLocation(), m.IsText(), m.MsgType, m.SubMsgType)
	}
	if m.Url != "https://apis.map.qq.com/uri/v1/geocoder?coord=22.540000,113.930000" {
		t.Errorf("Url = %q", m.Url)
	}
	label, link, ok := strings.Cut(m.Content, ":\n")
	if !ok || label != "广东省深圳市南山区科技园" || !strings.HasPrefix(link, "/cgi-bin/mmwebwx-bin/webwxgetpubliclinkimg?") || !strings.Contains(link, "&pictype=location") {
		t.Errorf("Content = %q", m.Content)
	}
	var loc locationXML
	if err := xml.Unmarshal([]byte(html.UnescapeString(m.OriContent)), &loc); err != nil {
		t.Fatalf("OriContent %q: %v", m.OriContent, err)
	}
	if loc.Location.X != 22.54 || loc.Location.Y != 113.93 || loc.Location.Label != "广东省深圳市南山区科技园" {
		t.Errorf("OriContent location = %+v", loc.Location)
	}
}

func TestGroupMessages(t *testing.T) {
	f, tb := loggedIn(t, testOptions())
	zhao := f.UserName("zhao")

	must(t)(f.SendGroupText("alerts", "赵六(流动)", "逾期"))
	s := tb.next()
	m := s.msg
	if !m.IsSendByGroup() || !m.IsComeFromGroup() || m.IsSendByFriend() || !m.IsText() {
		t.Errorf("flags group %v friend %v", m.IsSendByGroup(), m.IsSendByFriend())
	}
	if m.Content != "逾期" || m.RawContent != zhao+":<br/>逾期" || m.FromUserName != f.UserName("alerts") {
		t.Errorf("Content %q RawContent %q", m.Content, m.RawContent)
	}
	if s.senderErr != nil || s.sender.NickName != "一支部书记群" || !s.sender.IsGroup() {
		t.Errorf("Sender = %v, %v", s.sender, s.senderErr)
	}
	if s.memberErr != nil || s.member.UserName != zhao || s.member.NickName != "赵六" || s.member.DisplayName != "赵六(流动)" {
		t.Errorf("SenderInGroup = %+v, %v", s.member, s.memberErr)
	}
	// A stranger in a group looks like a friend to openwechat (IsFriend only
	// checks the UserName prefix), and has no avatar id.
	if !s.member.IsFriend() || s.member.AvatarID() != "" {
		t.Errorf("stranger member IsFriend %v AvatarID %q", s.member.IsFriend(), s.member.AvatarID())
	}

	// A friend in a group has the same UserName as in the address book.
	must(t)(f.SendGroupText("alerts", "zhang", "@支部助手\u2005统计"))
	s = tb.next()
	if s.member.UserName != f.UserName("zhang") || s.member.DisplayName != "张书记" || !s.msg.IsAt() {
		t.Errorf("member %+v IsAt %v", s.member, s.msg.IsAt())
	}

	// openwechat splits group content on every ":<br/>" and joins the rest:
	// a member's "X:\nY" reaches Content as "XY". RawContent keeps it.
	must(t)(f.SendGroupText("alerts", "zhao", "汇报:\n思想：好"))
	m = tb.next().msg
	if m.Content != "汇报思想：好" || m.RawContent != zhao+":<br/>汇报:<br/>思想：好" {
		t.Errorf("Content %q RawContent %q", m.Content, m.RawContent)
	}

	// Group location: same fields as a friend's, minus the label separator.
	must(t)(f.SendGroupLocation("alerts", "zhao", "东莞市", 23.02, 113.75))
	s = tb.next()
	m = s.msg
	if !m.IsLocation() || !strings.HasPrefix(m.Content, "东莞市/cgi-bin/") || !strings.HasSuffix(m.Url, "coord=23.020000,113.750000") {
		t.Errorf("group location: IsLocation %v Content %q Url %q", m.IsLocation(), m.Content, m.Url)
	}
	if s.member == nil || s.member.NickName != "赵六" {
		t.Errorf("location sender %+v %v", s.member, s.memberErr)
	}
}

func TestUnsavedGroupAppearsAfterItsFirstMessage(t *testing.T) {
	var before, after int
	f, tb := loggedIn(t, testOptions(), func(m *openwechat.Message) error {
		if m.StatusNotify() {
			self, _ := m.Bot().GetCurrentUser()
			groups, err := self.Groups()
			before = groups.Count()
			return err
		}
		groups, err := m.Owner().Groups()
		after = groups.Count()
		return err
	})
	must(t)(f.SendGroupText("quiet", "li", "有人吗"))
	s := tb.next()
	if s.hookErr != nil || before != 1 || after != 2 || s.sender.NickName != "未保存的群" || s.member.NickName != "李四" {
		t.Errorf("groups %d -> %d, sender %v member %v, %v", before, after, s.sender, s.member, s.hookErr)
	}
}

func TestMessagesFromThePhone(t *testing.T) {
	f, tb := loggedIn(t, testOptions())
	must(t)(f.SendFromPhone("zhang", "我是书记本人"))
	s := tb.next()
	if !s.msg.IsSendBySelf() || s.msg.IsSendByFriend() || s.msg.ToUserName != f.UserName("zhang") || s.sender.NickName != "支部助手" {
		t.Errorf("self to friend: %+v sender %v", s.msg, s.sender)
	}
	must(t)(f.SendFromPhone("alerts", "设为提醒群"))
	s = tb.next()
	if !s.msg.IsSelfSendToGroup() || !s.msg.IsComeFromGroup() || s.msg.Content != "设为提醒群" {
		t.Errorf("self to group: %+v", s.msg)
	}
	if s.memberErr != nil || s.member.NickName != "支部助手" {
		t.Errorf("SenderInGroup of own message: %v %v", s.member, s.memberErr)
	}
}

func TestSystemMessagesAndNewMember(t *testing.T) {
	f, tb := loggedIn(t, testOptions())
	must(t)(f.SendSystem("zhang", "收到红包，请在手机上查看"))
	m := tb.next().msg
	if !m.IsSystem() || !m.IsReceiveRedPacket() || m.FromUserName != f.UserName("zhang") {
		t.Errorf("system: %+v", m)
	}

	if err := f.AddGroupMember("alerts", Member{Contact: Contact{ID: "sun", NickName: "孙七"}, DisplayName: "孙七"}); err != nil {
		t.Fatal(err)
	}
	s := tb.next()
	if !s.msg.IsJoinGroup() || s.msg.Content != `"张三"邀请"孙七"加入了群聊` {
		t.Errorf("join: %q IsJoinGroup %v", s.msg.Content, s.msg.IsJoinGroup())
	}
	if s.memberErr == nil {
		t.Error("SenderInGroup of a system message should fail")
	}
	// openwechat refreshes the member list when a sender is missing from it.
	must(t)(f.SendGroupText("alerts", "sun", "大家好"))
	s = tb.next()
	if s.memberErr != nil || s.member.NickName != "孙七" {
		t.Errorf("new member: %v %v", s.member, s.memberErr)
	}
}

func TestFriendRequestAgree(t *testing.T) {
	var agreed *openwechat.Friend
	var content *openwechat.FriendAddMessage
	var friendsAfter int
	f, tb := loggedIn(t, testOptions(), func(m *openwechat.Message) error {
		switch {
		case m.IsFriendAdd():
			var err error
			if content, err = m.FriendAddMessageContent(); err != nil {
				return err
			}
			agreed, err = m.Agree()
			return err
		case m.IsSystem():
			friends, err := m.Owner().Friends(true)
			friendsAfter = friends.Count()
			return err
		}
		return nil
	})
	// 赵六 is a stranger member of a group; he asks to be a friend.
	ticket := must(t)(f.SendFriendRequest("赵六", "", "我是赵六，流动党员"))
	s := tb.next()
	m := s.msg
	if s.hookErr != nil || !m.IsFriendAdd() || m.FromUserName != "fmessage" {
		t.Fatalf("friend request: %v IsFriendAdd %v", s.hookErr, m.IsFriendAdd())
	}
	ri := m.RecommendInfo
	if ri.UserName != f.UserName("zhao") || ri.NickName != "赵六" || ri.Ticket != ticket || ri.Content != "我是赵六，流动党员" {
		t.Errorf("RecommendInfo = %+v", ri)
	}
	if content.FromNickName != "赵六" || content.Content != "我是赵六，流动党员" || content.Ticket != ticket || !strings.HasPrefix(content.FromUserName, "wxid_") {
		t.Errorf("FriendAddMessageContent = %+v", content)
	}
	if agreed == nil || agreed.NickName != "赵六" || agreed.UserName != ri.UserName || !f.IsFriend("zhao") {
		t.Errorf("Agree = %v, IsFriend %v", agreed, f.IsFriend("zhao"))
	}
	s = tb.next()
	if s.hookErr != nil || !s.msg.IsSystem() || s.msg.Content != "你已添加了赵六，现在可以开始聊天了。" || s.sender.NickName != "赵六" {
		t.Errorf("after agree: %q sender %v %v", s.msg.Content, s.sender, s.hookErr)
	}
	if friendsAfter != 5 {
		t.Errorf("friends after agree = %d, want 5", friendsAfter)
	}
	// Now he can write privately.
	must(t)(f.SendText("zhao", "谢谢"))
	if s := tb.next(); s.msg.Content != "谢谢" || !s.msg.IsSendByFriend() {
		t.Errorf("%+v", s.msg)
	}
	// A new account with no group in common.
	must(t)(f.SendFriendRequest("周八", "v4_fixed@stranger", "你好"))
	if s := tb.next(); s.msg.RecommendInfo.Ticket != "v4_fixed@stranger" || s.msg.RecommendInfo.NickName != "周八" {
		t.Errorf("%+v", s.msg.RecommendInfo)
	}
}

func TestInboundImage(t *testing.T) {
	img := testPNG(t, 40, 20)
	var got []byte
	f, tb := loggedIn(t, testOptions(), func(m *openwechat.Message) error {
		if !m.IsPicture() {
			return nil
		}
		resp, err := m.GetPicture()
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		got, err = io.ReadAll(resp.Body)
		return err
	})
	must(t)(f.SendGroupImage("alerts", "zhang", img))
	s := tb.next()
	if s.hookErr != nil || !bytes.Equal(got, img) || s.member.NickName != "张三" || s.msg.ImgWidth != 100 || s.msg.ImgHeight != 50 {
		t.Errorf("image: %v, %d bytes, member %v, %dx%d", s.hookErr, len(got), s.member, s.msg.ImgWidth, s.msg.ImgHeight)
	}
}

func TestResendKeepsMsgId(t *testing.T) {
	f, tb := loggedIn(t, testOptions())
	id := must(t)(f.SendText("li", "一条"))
	if err := f.Resend(id); err != nil {
		t.Fatal(err)
	}
	a, b := tb.next().msg, tb.next().msg
	if a.MsgId != id || b.MsgId != id || b.Content != "一条" {
		t.Errorf("%s %s", a.MsgId, b.MsgId)
	}
}

func TestOfficialAccountMessage(t *testing.T) {
	f, tb := loggedIn(t, testOptions())
	must(t)(f.SendText("news", "今日要闻"))
	s := tb.next()
	if !s.sender.IsMP() || s.sender.IsFriend() || !s.msg.IsSendByFriend() {
		t.Errorf("MP: IsMP %v IsFriend %v IsSendByFriend %v", s.sender.IsMP(), s.sender.IsFriend(), s.msg.IsSendByFriend())
	}
}

func TestContactChangesAreNotSeenUntilRefresh(t *testing.T) {
	var cached, refreshed string
	f, tb := loggedIn(t, testOptions(), func(m *openwechat.Message) error {
		if m.StatusNotify() {
			_, err := m.Owner().Friends() // fill the cache, as a handler would
			return err
		}
		friends, err := m.Owner().Friends()
		if err != nil {
			return err
		}
		cached = friends.SearchByUserName(1, m.FromUserName).First().NickName
		friends, err = m.Owner().Friends(true)
		if err != nil {
			return err
		}
		refreshed = friends.SearchByUserName(1, m.FromUserName).First().NickName
		return nil
	})
	if s := <-tb.seen; !s.msg.StatusNotify() || s.hookErr != nil {
		t.Fatalf("first message %v, %v", s.msg, s.hookErr)
	}
	if err := f.UpdateContact("li2", func(c *Contact) { c.NickName = "李四(东莞)" }); err != nil {
		t.Fatal(err)
	}
	must(t)(f.SendText("li2", "改名了"))
	s := tb.next()
	// The sender is looked up in the cache filled at login.
	if s.hookErr != nil || s.sender.NickName != "李四" || cached != "李四" || refreshed != "李四(东莞)" {
		t.Errorf("sender %q cached %q refreshed %q %v", s.sender.NickName, cached, refreshed, s.hookErr)
	}
}
