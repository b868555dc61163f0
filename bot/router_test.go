package bot

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

func testRouter() *Router {
	r := NewRouter(nil, nil)
	noop := func(c *Context) error { c.Reply(c.Cmd.Name + "|" + c.Args); return nil }
	for _, cmd := range []Command{
		{Name: "绑定", Audience: Anyone},
		{Name: "汇报", Audience: Members, Glued: true},
		{Name: "修改汇报", Audience: Members},
		{Name: "我的汇报", Audience: Members},
		{Name: "党费", Audience: Members},
		{Name: "党费未交", Audience: Secretaries},
		{Name: "查", Audience: Secretaries},
		{Name: "帮助", Aliases: []string{"菜单"}, Audience: Anyone, Scope: Anywhere},
		{Name: "设为提醒群", Audience: Secretaries, Scope: Group},
	} {
		cmd.Handler = noop
		r.Add(cmd)
	}
	return r
}

func TestMatch(t *testing.T) {
	r := testRouter()
	cases := []struct {
		text, cmd, args string
	}{
		{"绑定 482913", "绑定", "482913"},
		{"绑定482913", "绑定", "482913"},
		{"绑定：482913", "绑定", "482913"},
		{"绑定:482913", "绑定", "482913"},
		{"绑定，482913", "绑定", "482913"},
		{"绑定　482913", "绑定", "482913"},
		{"绑定 ４８２９１３", "绑定", "４８２９１３"},
		{"绑定  482913  ", "绑定", "482913"},
		{"汇报", "汇报", ""},
		{"汇报\n思想：学习了党章", "汇报", "思想：学习了党章"},
		{"汇报思想：学习了党章", "汇报", "思想：学习了党章"},
		{"修改汇报 工作：换了工作", "修改汇报", "工作：换了工作"},
		{"我的汇报", "我的汇报", ""},
		{"党费", "党费", ""},
		{"党费 张三", "党费", "张三"},
		{"党费未交", "党费未交", ""},
		{"查 张三", "查", "张三"},
		{"菜单", "帮助", ""},
		{"设为提醒群", "设为提醒群", ""},
	}
	for _, tc := range cases {
		cmd, args, ok := r.Match(tc.text)
		if !ok || cmd.Name != tc.cmd || args != tc.args {
			got := "<none>"
			if ok {
				got = cmd.Name
			}
			t.Errorf("Match(%q) = %s %q, want %s %q", tc.text, got, args, tc.cmd, tc.args)
		}
	}
	for _, text := range []string{"查询党费", "党费呢还没交", "绑定的事情怎么办", "你好", "", "帮助我一下"} {
		if cmd, _, ok := r.Match(text); ok {
			t.Errorf("Match(%q) = %s, want no command", text, cmd.Name)
		}
	}
}

func TestHandleStripsMentionAndFolds(t *testing.T) {
	r := testRouter()
	r.Use(func(next Handler) Handler {
		return func(c *Context) error {
			c.Identity = &Identity{MemberID: 1, Name: "张三"}
			return next(c)
		}
	})
	cases := []struct{ text, want string }{
		{"@流动党员助手 绑定 482913", "绑定|482913"},
		{"@流动党员助手\u2005绑定 482913", "绑定|482913"},
		{"＠流动党员助手 绑定：482913", "绑定|482913"},
		{"\u200b绑定 482913\r\n", "绑定|482913"},
		{"绑定\x00 482913", "绑定|482913"},
	}
	for _, tc := range cases {
		res := r.Handle(context.Background(), &Message{From: "u", Text: tc.text})
		if len(res.Replies) != 1 || res.Replies[0].Text != tc.want {
			t.Errorf("Handle(%q) replies %+v, want %q", tc.text, res.Replies, tc.want)
		}
	}
}

func TestRouting(t *testing.T) {
	member := &Identity{MemberID: 1, Name: "张三"}
	secretary := &Identity{MemberID: 2, Name: "王书记", SecretaryOf: []OrgRef{{ID: 1, Name: "第一党支部", Path: "/1/"}}}
	cases := []struct {
		name     string
		id       *Identity
		group    string
		mention  bool
		text     string
		want     string // substring of the joined replies; "" means no reply at all
		wantNone bool
	}{
		{name: "unbound gets binding hint", id: &Identity{}, text: "你好", want: "绑定"},
		{name: "unbound may bind", id: &Identity{}, text: "绑定 1", want: "绑定|1"},
		{name: "unbound cannot use member commands", id: &Identity{}, text: "党费", want: "还没有绑定"},
		{name: "member unknown text gets hint", id: member, text: "今天天气不错", want: "帮助"},
		{name: "member emoji only gets hint", id: member, text: "😀👍", want: "帮助"},
		{name: "member empty gets hint", id: member, text: "   ", want: "帮助"},
		{name: "member cannot use secretary command", id: member, text: "党费未交", want: "仅限党支部书记"},
		{name: "secretary command", id: secretary, text: "查 张三", want: "查|张三"},
		{name: "group chatter ignored", id: member, group: "g1", text: "大家好", wantNone: true},
		{name: "group private-only command ignored", id: member, group: "g1", text: "党费", wantNone: true},
		{name: "group private-only command mentioned", id: member, group: "g1", mention: true, text: "@助手 党费", want: "私聊"},
		{name: "group mention unknown", id: member, group: "g1", text: "@助手 你好", want: "帮助"},
		{name: "group command", id: secretary, group: "g1", text: "设为提醒群", want: "设为提醒群|"},
		{name: "group-only command in private", id: secretary, text: "设为提醒群", want: "群聊中发送"},
		{name: "anywhere command in group", id: member, group: "g1", text: "帮助", want: "帮助|"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := testRouter()
			id := tc.id
			r.Use(func(next Handler) Handler {
				return func(c *Context) error { c.Identity = id; return next(c) }
			})
			res := r.Handle(context.Background(), &Message{From: "u", Group: tc.group, Text: tc.text})
			got := Texts(res.Replies)
			if tc.wantNone {
				if got != "" {
					t.Fatalf("want no reply, got %q", got)
				}
				return
			}
			if !strings.Contains(got, tc.want) {
				t.Fatalf("got %q, want it to contain %q", got, tc.want)
			}
		})
	}
}

func TestHandlerErrors(t *testing.T) {
	r := NewRouter(nil, nil)
	r.Use(func(next Handler) Handler {
		return func(c *Context) error { c.Identity = &Identity{MemberID: 1}; return next(c) }
	})
	r.Add(Command{Name: "拒绝", Audience: Members, Handler: func(c *Context) error { return Reject("不行：%d", 1) }})
	r.Add(Command{Name: "出错", Audience: Members, Handler: func(c *Context) error { return context.DeadlineExceeded }})
	r.Add(Command{Name: "崩溃", Audience: Members, Handler: func(c *Context) error { panic("boom") }})
	for text, want := range map[string]string{"拒绝": "不行：1", "出错": "系统繁忙", "崩溃": "系统出错"} {
		res := r.Handle(context.Background(), &Message{From: "u", Text: text})
		if got := Texts(res.Replies); !strings.Contains(got, want) {
			t.Errorf("%s: got %q, want %q", text, got, want)
		}
	}
}

func TestClean(t *testing.T) {
	cases := map[string]string{
		"  你好 \r\n":   "你好",
		"a\x01b\x7fc": "abc",
		"第一行\r\n第二行":  "第一行\n第二行",
		"\ufeff汇报":    "汇报",
		"\xff\xfe汇报":  "汇报",
		"　全角空格　":      "全角空格",
	}
	for in, want := range cases {
		if got := Clean(in); got != want {
			t.Errorf("Clean(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTruncate(t *testing.T) {
	s := strings.Repeat("党", 10)
	got, n, cut := Truncate(s, 4)
	if got != "党党党党" || n != 10 || !cut {
		t.Fatalf("Truncate = %q %d %v", got, n, cut)
	}
	if got, n, cut := Truncate(s, 10); got != s || n != 10 || cut {
		t.Fatalf("Truncate at length = %q %d %v", got, n, cut)
	}
}

func Texts(outs []Outgoing) string {
	var parts []string
	for _, o := range outs {
		parts = append(parts, o.Text)
	}
	return strings.Join(parts, "\n")
}

func TestSerialiseOneMemberAtATime(t *testing.T) {
	r := NewRouter(nil, nil)
	r.Use(func(next Handler) Handler {
		return func(c *Context) error { c.Identity = &Identity{MemberID: 7}; return next(c) }
	}, Serialise())
	var running, overlap int32
	var mu sync.Mutex
	r.Add(Command{Name: "慢", Audience: Members, Handler: func(c *Context) error {
		mu.Lock()
		running++
		if running > 1 {
			overlap++
		}
		mu.Unlock()
		time.Sleep(5 * time.Millisecond)
		mu.Lock()
		running--
		mu.Unlock()
		return nil
	}})
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.Handle(context.Background(), &Message{From: "u", Text: "慢"})
		}()
	}
	wg.Wait()
	if overlap != 0 {
		t.Fatalf("%d handlers overlapped for one member", overlap)
	}
}
