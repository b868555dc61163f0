package whereabouts_test

import (
	"strings"
	"testing"
	"time"

	"liudong/internal/app/apptest"
	"liudong/internal/whereabouts"
)

// The lines 查 张三 shows of a member's whereabouts and certificate.
func TestArchiveLines(t *testing.T) {
	t.Parallel()
	h := start(t)
	if _, err := whereabouts.Home(h.App.Cfg.Committee.Region); err != nil {
		t.Fatal(err)
	}
	a := h.Say("u-wang", "查 张三")
	if !strings.Contains(a, "最近位置：未报告") || !strings.Contains(a, "活动证：未办理") || !strings.Contains(a, "最近组织生活：无记录") {
		t.Errorf("empty archive %s", a)
	}

	h.Now = time.Date(2026, 11, 1, 9, 0, 0, 0, shanghai)
	h.Say("u-zhang", "外出 深圳 务工")
	h.Say("u-zhang", "我在深圳南山")
	h.Say("u-wang", "发证 张三")
	h.Now = time.Date(2026, 11, 20, 9, 0, 0, 0, shanghai)
	h.Say("u-zhang", "位置 深圳宝安")
	h.Say("u-zhang", "参加活动 11月18日 深圳南山区XX支部 主题党日")
	h.Now = time.Date(2026, 11, 25, 9, 0, 0, 0, shanghai)
	a = h.Say("u-wang", "查 张三")
	apptest.Expect(t, "location", a, "最近位置：广东省深圳市宝安区（省外），2026年11月20日报告，在深圳市已24天")
	apptest.Expect(t, "certificate", a, "活动证：编号34150000001，2026年11月1日发证，下次年审2027年11月1日，流入地未登记")
	apptest.Expect(t, "org life", a, "最近组织生活：2026年11月18日 主题党日（深圳南山区XX支部，待确认）")
	apptest.Refuse(t, "certificate", a, "须交回")

	home2, _ := whereabouts.Home("安徽省")
	h.Say("u-li", "我在合肥")
	line, _ := whereabouts.LocationLine(h.Ctx, h.Store, home2, h.Member("李四").ID, h.Now)
	apptest.Expect(t, "in province", line, "安徽省合肥市（省内）")
	if _, err := whereabouts.Home("朝阳"); err == nil {
		t.Error("an ambiguous home region must be an error")
	}
}
