package whereabouts_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"liudong/bot"
	"liudong/internal/app"
	"liudong/internal/app/apptest"
	"liudong/internal/config"
	"liudong/internal/store"
)

// Real phrasings of a location update, through the whole chat path: the reply names the
// resolved region and 省内/省外 (the committee is in 安徽省六安市), and the update is stored with
// that region's codes.
func TestLocationPhrasings(t *testing.T) {
	t.Parallel()
	h := start(t)
	cases := []struct {
		text   string
		label  string // resolved region
		code   string // most specific code stored
		inProv bool
	}{
		{"位置 广东省深圳市南山区", "广东省深圳市南山区", "440305", false},
		{"位置：广东省深圳市南山区", "广东省深圳市南山区", "440305", false},
		{"位置广东深圳南山", "广东省深圳市南山区", "440305", false},
		{"位置 宝安区", "广东省深圳市宝安区", "440306", false},
		{"当前位置：浙江省杭州市西湖区", "浙江省杭州市西湖区", "330106", false},
		{"我的位置 苏州", "江苏省苏州市", "320500", false},
		{"定位 合肥", "安徽省合肥市", "340100", true},
		{"我在深圳南山", "广东省深圳市南山区", "440305", false},
		{"我在深圳南山。", "广东省深圳市南山区", "440305", false},
		{"到了东莞", "广东省东莞市", "441900", false},
		{"现在在杭州打工", "浙江省杭州市", "330100", false},
		{"我到北京了", "北京市", "110100", false},
		{"我现在在广东深圳宝安区上班", "广东省深圳市宝安区", "440306", false},
		{"已到达苏州", "江苏省苏州市", "320500", false},
		{"目前在上海浦东工作", "上海市浦东新区", "310115", false},
		{"我在上海", "上海市", "310100", false},
		{"人在重庆渝中区", "重庆市渝中区", "500103", false},
		{"我已经到了天津滨海新区", "天津市滨海新区", "120116", false},
		{"刚到武汉", "湖北省武汉市", "420100", false},
		{"我们在宁波做生意", "浙江省宁波市", "330200", false},
		{"我回到金安区了", "安徽省六安市金安区", "341502", true},
		{"现在在合肥蜀山区", "安徽省合肥市蜀山区", "340104", true},
		{"在芜湖", "安徽省芜湖市", "340200", true},
		{"我在六安", "安徽省六安市", "341500", true},
		{"本人目前在江苏昆山打工", "江苏省苏州市昆山市", "320583", false},
		{"我在仙桃", "湖北省仙桃市", "429004", false},
		{"来到新疆乌鲁木齐了", "新疆维吾尔自治区乌鲁木齐市", "650100", false},
		{"我在恩施州", "湖北省恩施土家族苗族自治州", "422800", false},
		{"深圳南山", "广东省深圳市南山区", "440305", false},
		{"广东省深圳市南山区粤海街道科技园", "广东省深圳市南山区", "440305", false},
		{"我在东莞厚街镇", "广东省东莞市", "441900", false},
		{"我在江西老家", "江西省", "360000", false},
		{"我在苏州工业园区", "江苏省苏州市", "320500", false},
		{"我现在在广州，下个月回家", "广东省广州市", "440100", false},
		{"＠流动党员助手 我在深圳南山", "广东省深圳市南山区", "440305", false},
	}
	for i, tc := range cases {
		h.Now = time.Date(2026, 11, 25, 10, 0, i, 0, shanghai)
		got := h.Say("u-zhang", tc.text)
		scope := "省外"
		if tc.inProv {
			scope = "省内"
		}
		apptest.Expect(t, tc.text, got, "已记录您的位置："+tc.label+"（"+scope+"）")
		l, err := h.Store.LastLocation(h.Ctx, h.Member("张三").ID)
		if err != nil {
			t.Fatal(err)
		}
		stored := l.CountyCode
		if stored == "" {
			stored = l.CityCode
		}
		if stored == "" {
			stored = l.ProvinceCode
		}
		if stored != tc.code || l.Source != store.LocationText {
			t.Errorf("%s: stored %+v, want code %s", tc.text, l, tc.code)
		}
	}
	if n := len(cases); n < 30 {
		t.Fatalf("only %d phrasings", n)
	}
}

// Chat that is not a location update is not taken for one.
func TestNotALocation(t *testing.T) {
	t.Parallel()
	h := start(t)
	for _, text := range []string{"我在想一个问题", "我在开会", "我在新华书店", "谢谢书记", "好的收到", "明天去深圳吗", "我在郊区"} {
		got := h.Say("u-zhang", text)
		apptest.Refuse(t, text, got, "已记录您的位置")
	}
	if _, err := h.Store.LastLocation(h.Ctx, h.Member("张三").ID); !store.IsNotFound(err) {
		t.Fatalf("a location was stored: %v", err)
	}
	// The command insists: an unknown place gets a clear answer; no place gets the usage.
	apptest.Expect(t, "unknown", h.Say("u-zhang", "位置 火星基地"), "没有找到“火星基地”")
	apptest.Expect(t, "empty", h.Say("u-zhang", "位置"), "例如：位置 广东省深圳市南山区")
	// Only members: an unbound sender is asked to bind first.
	apptest.Expect(t, "unbound", h.Say("u-stranger", "我在深圳南山"), "绑定")
	apptest.Expect(t, "unbound command", h.Say("u-stranger", "位置 深圳"), "绑定")
	// Group chat: a location phrase is left alone.
	if got := h.SayInGroup("g-1", "u-zhang", "我在深圳南山"); got != "" {
		t.Errorf("group: %q", got)
	}
}

// An ambiguous name is asked about; the member answers with a number, or in words.
func TestAmbiguousPlaceAnsweredByNumber(t *testing.T) {
	t.Parallel()
	h := start(t)
	zhang := h.Member("张三").ID
	got := h.Say("u-zhang", "我在朝阳")
	apptest.Expect(t, "question", got, "有3个地方叫“朝阳”", "1. 辽宁省朝阳市", "2. 北京市朝阳区", "3. 吉林省长春市朝阳区", "回复序号")
	if _, err := h.Store.LastLocation(h.Ctx, zhang); !store.IsNotFound(err) {
		t.Fatal("nothing is stored before the answer")
	}
	got = h.Say("u-zhang", "２")
	apptest.Expect(t, "answer", got, "已记录您的位置：北京市朝阳区（省外）")
	l, err := h.Store.LastLocation(h.Ctx, zhang)
	if err != nil || l.CountyCode != "110105" || l.Label != "朝阳" {
		t.Fatalf("stored %+v %v", l, err)
	}
	// The question is over: a digit is no longer an answer.
	apptest.Expect(t, "after", h.Say("u-zhang", "2"), "没有看懂")

	// 位置 鼓楼 → 第1个; 城关 (two 城关区) answered in words.
	apptest.Expect(t, "gulou", h.Say("u-zhang", "位置 鼓楼"), "有4个地方叫“鼓楼”", "江苏省南京市鼓楼区", "河南省开封市鼓楼区")
	apptest.Expect(t, "gulou answer", h.Say("u-zhang", "第1个"), "已记录您的位置：江苏省南京市鼓楼区（省外）")
	apptest.Expect(t, "chengguan", h.Say("u-zhang", "位置 城关"), "有2个地方叫“城关”", "西藏自治区拉萨市城关区", "甘肃省兰州市城关区")
	apptest.Expect(t, "chengguan words", h.Say("u-zhang", "兰州的"), "已记录您的位置：甘肃省兰州市城关区（省外）")
	// 市辖区 of a municipality are no question: 北京朝阳 is one place.
	apptest.Expect(t, "qualified", h.Say("u-zhang", "我在北京朝阳"), "已记录您的位置：北京市朝阳区（省外）")
	// The question survives a restart: its state is in Redis.
	apptest.Expect(t, "nanshan", h.Say("u-zhang", "我在南山"), "广东省深圳市南山区", "黑龙江省鹤岗市南山区")
	restarted, err := app.New(h.App.Cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), h.Store, h.App.Redis)
	if err != nil {
		t.Fatal(err)
	}
	res := restarted.Router.Handle(h.Ctx, &bot.Message{Platform: "test", Account: "test", ID: "after-restart", From: "u-zhang",
		Text: "1", At: h.Now})
	apptest.Expect(t, "nanshan answer after restart", replies(res), "已记录您的位置：广东省深圳市南山区（省外）")
}

// A bad answer is asked again once, then the question is dropped; 取消 drops it at once; a
// command or another place is handled as such.
func TestAmbiguousPlaceBadAnswers(t *testing.T) {
	t.Parallel()
	h := start(t)
	zhang := h.Member("张三").ID
	h.Say("u-zhang", "我在鼓楼")
	apptest.Expect(t, "out of range", h.Say("u-zhang", "7"), "请回复序号1～4")
	apptest.Expect(t, "second bad", h.Say("u-zhang", "好的"), "还是没有看懂，这次的位置没有记录")
	if _, err := h.Store.LastLocation(h.Ctx, zhang); !store.IsNotFound(err) {
		t.Fatal("a bad answer stored a location")
	}
	apptest.Expect(t, "after giving up", h.Say("u-zhang", "1"), "没有看懂")

	h.Say("u-zhang", "我在朝阳")
	apptest.Expect(t, "cancel", h.Say("u-zhang", "取消"), "这次的位置没有记录")

	// A command in the middle is handled, and ends the question.
	h.Say("u-zhang", "我在朝阳")
	apptest.Expect(t, "command", h.Say("u-zhang", "活动证"), "您还没有《流动党员活动证》")
	apptest.Expect(t, "after command", h.Say("u-zhang", "1"), "没有看懂")

	// Another place altogether is the update.
	h.Say("u-zhang", "我在朝阳")
	apptest.Expect(t, "other place", h.Say("u-zhang", "我在深圳南山"), "已记录您的位置：广东省深圳市南山区")

	// An answer in words that fits several candidates narrows the question.
	h.Say("u-zhang", "我在朝阳")
	apptest.Expect(t, "several", h.Say("u-zhang", "朝阳区"), "有2个地方叫“朝阳区”", "1. 北京市朝阳区", "2. 吉林省长春市朝阳区")
	apptest.Expect(t, "then number", h.Say("u-zhang", "2"), "已记录您的位置：吉林省长春市朝阳区")
}

// A shared WeChat location: the label is resolved, coordinates are rounded (or dropped) in the
// location and in the stored inbound message alike.
func TestSharedLocation(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"round", "drop"} {
		t.Run(mode, func(t *testing.T) {
			h := start(t, func(c *config.Config) { c.LocationUpdates.Coordinates = mode })
			zhang := h.Member("张三").ID
			res := h.Send(bot.Message{From: "u-zhang", ID: "share-1", Location: &bot.Location{Lat: 22.540503, Lng: 113.934528,
				Label: "广东省深圳市南山区粤海街道科技园"}})
			apptest.Expect(t, "share", replies(res), "已记录您的位置：广东省深圳市南山区（省外）")
			l, err := h.Store.LastLocation(h.Ctx, zhang)
			if err != nil || l.Source != store.LocationShare || l.CountyCode != "440305" || l.Label != "广东省深圳市南山区粤海街道科技园" {
				t.Fatalf("stored %+v %v", l, err)
			}
			var raw []byte
			if err := h.Store.DB().Get(&raw, `SELECT location FROM inbound_messages WHERE message_id = 'share-1'`); err != nil {
				t.Fatal(err)
			}
			var in map[string]any
			json.Unmarshal(raw, &in)
			if mode == "round" {
				if l.Lat == nil || *l.Lat != 22.54 || *l.Lng != 113.93 {
					t.Errorf("rounded: %v %v", l.Lat, l.Lng)
				}
				if in["lat"] != 22.54 || in["lng"] != 113.93 {
					t.Errorf("inbound: %s", raw)
				}
			} else {
				if l.Lat != nil || l.Lng != nil {
					t.Errorf("dropped: %v %v", l.Lat, l.Lng)
				}
				if _, ok := in["lat"]; ok || in["label"] != "广东省深圳市南山区粤海街道科技园" {
					t.Errorf("inbound: %s", raw)
				}
			}

			// A place name (POI) the resolver cannot place: the member is asked for the city.
			res = h.Send(bot.Message{From: "u-zhang", Location: &bot.Location{Lat: 22.5226, Lng: 113.9355, Label: "腾讯滨海大厦"}})
			apptest.Expect(t, "poi", replies(res), "收到您分享的位置“腾讯滨海大厦”", "请回复所在的城市或区县")
			apptest.Expect(t, "poi answer", h.Say("u-zhang", "深圳南山"), "已记录您的位置：广东省深圳市南山区（省外）")
			l, _ = h.Store.LastLocation(h.Ctx, zhang)
			if l.Label != "腾讯滨海大厦" || l.Source != store.LocationShare || (mode == "round") != (l.Lat != nil) {
				t.Errorf("poi stored %+v", l)
			}
			// An ambiguous label is asked about like typed text.
			res = h.Send(bot.Message{From: "u-zhang", Location: &bot.Location{Lat: 32.06, Lng: 118.79, Label: "鼓楼公园"}})
			apptest.Expect(t, "ambiguous share", replies(res), "您分享的位置“鼓楼公园”可能在4个地方")
			apptest.Expect(t, "ambiguous share answer", h.Say("u-zhang", "南京"), "江苏省南京市鼓楼区")
		})
	}
}

func replies(res bot.Result) string {
	var parts []string
	for _, r := range res.Replies {
		parts = append(parts, r.Text)
	}
	return strings.Join(parts, "\n")
}

// The reply says how long the member has been at the same city; a member at a place away
// from home without a departure is invited to report it.
func TestDaysThereAndDepartureHint(t *testing.T) {
	t.Parallel()
	h := start(t)
	h.Now = time.Date(2026, 11, 1, 9, 0, 0, 0, shanghai)
	apptest.Expect(t, "first", h.Say("u-zhang", "我在深圳南山"), "已记录您的位置：广东省深圳市南山区（省外）", "请发送“外出 深圳市 务工”")
	h.Now = time.Date(2026, 11, 20, 9, 0, 0, 0, shanghai)
	got := h.Say("u-zhang", "位置 深圳宝安")
	apptest.Expect(t, "same city", got, "您自2026年11月1日起在深圳市，已有19天")
	h.Now = time.Date(2026, 11, 21, 9, 0, 0, 0, shanghai)
	apptest.Refuse(t, "other city", h.Say("u-zhang", "到了东莞"), "已有")
	h.Now = time.Date(2026, 11, 22, 9, 0, 0, 0, shanghai)
	apptest.Refuse(t, "back", h.Say("u-zhang", "我在深圳"), "已有")
	// Home (六安): no invitation to report a departure.
	apptest.Refuse(t, "home", h.Say("u-li", "我在六安金安区"), "外出")
	// Away with a departure on record: no invitation either.
	h.Say("u-zhang", "外出 深圳 务工")
	apptest.Refuse(t, "away", h.Say("u-zhang", "我在深圳"), "请发送“外出")
}
