package alerts_test

import (
	"strings"
	"testing"

	"liudong/internal/config"
)

// rosterDues: 张三 在职 4,000元 (40.00元 a month), 李四 离退休 3,000元 (15.00元), 钱五 农民
// (0.20元), 孙二 在职 8,000元 (120.00元, branch 2); the others have no dues record (未核定).
const rosterDues = `姓名,性别,出生日期,学历,所在党支部,人员类别,月收入,流动类型,外出日期,流动地点,外出原因,职务
王书记,男,1968-05-12,大学专科,第一党支部,,,,,,,书记
张三,男,1990-03-15,高中,第一党支部,在职,4000,流出,2026-07-01,广东省深圳市南山区,务工,
李四,男,1985-11-02,初中及以下,第一党支部,离退休,3000,流出,2025-10-10,浙江省杭州市,经商,
赵丽,女,1996-08-20,大学本科,第一党支部,,,流入,2026-05-01,安徽省合肥市,务工,
钱五,男,1970-01-01,高中,第一党支部,农民,,,,,,
吴六,男,1988-01-01,高中,第一党支部,,,流出,2026-02-01,江苏省苏州市,务工,
孙二,男,1980-01-01,高中,第二党支部,在职,8000,流出,2026-01-05,江苏省苏州市,务工,
周书记,女,1975-01-01,大学本科,第二党支部,,,,,,,书记
`

func TestDuesNotice(t *testing.T) {
	h := setupWith(t, rosterDues)
	// 张三's ledger from August, paid through October; 孙二's from June, nothing paid; 李四
	// has paid November in advance. 钱五 is assessed by the job itself (from November).
	h.Now = at("2026-10-20 10:00")
	for _, say := range []struct{ who, text, want string }{
		{"u-wang", "核定党费 张三 在职 月收入4000 自2026年8月", "40.00元"},
		{"u-wang", "收党费 张三 2026年8月-10月 120", "已缴至2026年10月"},
		{"u-zhou", "核定党费 孙二 在职 月收入8000 自2026年6月", "120.00元"},
		{"u-wang", "收党费 李四 2026年10月-11月 30", "已缴至2026年11月"},
	} {
		if r := h.Say(say.who, say.text); !strings.Contains(r, say.want) {
			t.Fatalf("%s: %s", say.text, r)
		}
	}
	baseline[h] = len(h.Platform.Sent())

	got := h.RunJob("dues-notice", at("2026-11-01 09:00"))
	if got["dues.notice"] != 3 || got["dues.arrears"] != 1 {
		t.Fatalf("1 November: %v, want notices to 张三, 钱五 and 孙二, and 孙二's arrears to branch 2", got)
	}
	for handle, want := range map[string][]string{
		"u-zhang": {"2026年11月应交党费40.00元（在职，每月40.00元）", "目前已缴至2026年10月"},
		"u-qian":  {"2026年11月应交党费0.20元（农民，每月0.20元）"},
		"u-sun":   {"2026年11月应交党费120.00元", "另有欠缴5个月（2026年6月起），共600.00元，合计应交720.00元"},
	} {
		msgs := inbox(h, handle)
		if len(msgs) != 1 {
			t.Errorf("%s: %q", handle, msgs)
			continue
		}
		for _, w := range want {
			if !strings.Contains(msgs[0], w) {
				t.Errorf("%s lacks %q: %s", handle, w, msgs[0])
			}
		}
	}
	// Paid up, or never assessed: no notice.
	for _, handle := range []string{"u-li", "u-zhao", "u-wu", "u-wang"} {
		if msgs := inbox(h, handle); len(msgs) != 0 {
			t.Errorf("%s got %q", handle, msgs)
		}
	}
	if msgs := inbox(h, "u-zhou"); len(msgs) != 1 || !strings.Contains(msgs[0], "【党费欠缴】截至2026年10月") ||
		!strings.Contains(msgs[0], "孙二：欠缴5个月（2026年6月起），共600.00元") {
		t.Fatalf("branch 2's secretary: %q", msgs)
	}
	if got := h.RunJob("dues-notice", at("2026-11-02 09:00")); len(got) != 0 {
		t.Fatalf("again: %v", got)
	}
	// 逾期 lists the arrears.
	h.Now = at("2026-11-02 10:00")
	if r := h.Say("u-zhou", "逾期"); !strings.Contains(r, "欠缴党费满3个月") || !strings.Contains(r, "孙二：欠缴5个月") {
		t.Fatalf("逾期: %s", r)
	}

	// December: 孙二 is excused (正当理由) from 20 November: he still gets his notice (what he
	// owes), but the secretary is not told again; the notices go out from day_of_month.
	h.Now = at("2026-11-20 10:00")
	if r := h.Say("u-zhou", "正当理由 孙二 住院治疗 至2027年2月"); !strings.Contains(r, "已记录") {
		t.Fatalf("正当理由: %s", r)
	}
	got = h.RunJob("dues-notice", at("2026-12-01 09:00"))
	if got["dues.notice"] != 4 || got["dues.arrears"] != 0 {
		t.Fatalf("1 December: %v, want 张三, 李四, 钱五 and 孙二, and no arrears list", got)
	}
	if msgs := inbox(h, "u-sun"); len(msgs) != 2 || !strings.Contains(msgs[1], "另有欠缴6个月") {
		t.Fatalf("孙二 in December: %q", msgs)
	}
}

// TestDuesNoticeDay: the notices wait for the configured day of the month.
func TestDuesNoticeDay(t *testing.T) {
	h := setupWith(t, rosterDues, func(c *config.Config) { c.Schedule.DuesNotice.Day = 5 })
	if got := h.RunJob("dues-notice", at("2026-11-04 09:00")); len(got) != 0 {
		t.Fatalf("4 November: %v", got)
	}
	if got := h.RunJob("dues-notice", at("2026-11-05 09:00")); got["dues.notice"] != 4 {
		t.Fatalf("5 November: %v (张三, 李四, 钱五, 孙二 assessed from November)", got)
	}
}
