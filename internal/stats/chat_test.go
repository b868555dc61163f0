package stats_test

import (
	"bytes"
	"image/png"
	"strings"
	"testing"
	"time"

	"liudong/bot"
	"liudong/internal/app/apptest"
	"liudong/internal/config"
	"liudong/internal/store"
)

const chatRoster = `姓名,性别,出生日期,学历,所在党支部,人员类别,流动类型,外出日期,流动地点,外出原因,职务
赵书记,男,1970-03-01,大学本科,第一党支部,在职,,,,,书记
周一,男,1991-11-20,高中,第一党支部,农民,流出,2026-03-01,江苏苏州,务工,
周二,女,1999-05-05,大学专科,第一党支部,在职,流出,2026-10-15,合肥,经商,
周三,男,1980-01-01,初中,第一党支部,农民,流出,2026-05-01,,其他,
周四,女,1965-07-07,高中,第一党支部,离退休,,,,,
钱书记,女,1975-04-04,大学本科,第二党支部,在职,,,,,书记
吴一,男,1988-08-08,中专,第二党支部,个体,流出,2025-12-01,深圳,经商,
吴二,男,1990-09-09,高中,第二党支部,,流入,,,,
孙委员,男,1972-02-02,研究生,第二党支部,在职,,,,,
`

func newChat(t *testing.T, font string) *apptest.Harness {
	t.Helper()
	h := apptest.New(t, func(c *config.Config) { c.Stats.Font = font })
	h.Now = time.Date(2026, 11, 20, 10, 0, 0, 0, h.App.Cfg.Location())
	h.Import(chatRoster)
	// The roster gives no region codes: place 周一 in 江苏 (省外) and 周二 in 安徽 (省内).
	for name, code := range map[string]string{"周一": "320500", "周二": "340100"} {
		d, err := h.Store.OpenDeparture(h.Ctx, h.Member(name).ID)
		if err != nil {
			t.Fatal(err)
		}
		d.ProvinceCode = code
		if err := h.Store.UpdateDeparture(h.Ctx, &d); err != nil {
			t.Fatal(err)
		}
	}
	// 周三 came back in September; the roster still says 流出.
	d, err := h.Store.OpenDeparture(h.Ctx, h.Member("周三").ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Store.CloseDeparture(h.Ctx, d.ID, time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	// 孙委员 is the committee's organiser: secretary of the committee itself.
	root, _, err := h.Store.EnsureRootOrgUnit(h.Ctx, store.KindCommittee, h.App.Cfg.Committee.Name, h.App.Cfg.Committee.Region)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Store.GrantRole(h.Ctx, h.Member("孙委员").ID, root.ID, store.RoleSecretary); err != nil {
		t.Fatal(err)
	}
	for name, handle := range map[string]string{"赵书记": "u-zhao", "钱书记": "u-qian", "孙委员": "u-sun", "周四": "u-zhou4"} {
		h.Bind(name, handle)
	}
	return h
}

func TestChatReport(t *testing.T) {
	h := newChat(t, "none")
	// 周一 turns 35 on the day of the report.
	const first = "截止到2026年11月20日，第一党支部共有流动党员2人，其中流出党员2人，流入党员0人，流出党员占党员总数5人的40%。" +
		"其中：外出务工党员1人，男性1人；外出经商党员1人，女性1人；年龄结构为：35岁以下1人、35岁到45岁1人；" +
		"学历结构为：高中学历1人、大专1人；分布情况为：省内1人，省外1人，外出3个月以上1人。\n" +
		"注：另有1名党员在名册中标为“流出”，但截止到2026年11月20日没有外出记录（未登记外出日期，或已返乡），未计入流出党员。"
	for _, c := range []struct {
		name, handle, text string
		want               []string // the replies, or parts of the one reply
		not                []string
	}{
		{"a branch secretary sees their branch", "u-zhao", "统计", []string{first}, []string{"第二党支部", "测试镇党委"}},
		{"full-width and glued", "u-zhao", "统计：", []string{first}, nil},
		{"the other branch's secretary", "u-qian", "统计", []string{
			"截止到2026年11月20日，第二党支部共有流动党员2人，其中流出党员1人，流入党员1人，流出党员占党员总数3人的33%。" +
				"其中：外出经商党员1人，男性1人；年龄结构为：35岁到45岁1人；学历结构为：中专学历1人；分布情况为：地点不详1人，外出3个月以上1人。"},
			[]string{"第一党支部"}},
		{"an earlier month", "u-zhao", "统计 2026年10月", []string{
			"截止到2026年10月，第一党支部共有流动党员2人，其中流出党员2人，流入党员0人，流出党员占党员总数5人的40%。"}, nil},
		{"spaced out", "u-zhao", "统计 2026 年 10 月", []string{
			"截止到2026年10月，第一党支部共有流动党员2人"}, nil},
		{"before anyone left", "u-zhao", "统计 2026-02", []string{
			"截止到2026年2月，第一党支部共有流动党员0人，其中流出党员0人，流入党员0人，流出党员占党员总数5人的0%。"}, []string{"其中："}},
		{"not their unit", "u-zhao", "统计 第二党支部", []string{"在您管理的党组织中没有找到“第二党支部”"}, []string{"截止到"}},
		{"a future month", "u-zhao", "统计 2027年1月", []string{"2027年1月还没到"}, []string{"第一党支部"}},
		{"nonsense", "u-zhao", "统计 明年", []string{"在您管理的党组织中没有找到“明年”"}, nil},
		{"the committee's organiser", "u-sun", "统计", []string{
			"截止到2026年11月20日，测试镇党委共有流动党员4人，其中流出党员3人，流入党员1人，流出党员占党员总数8人的38%。"}, nil},
		{"the organiser names a branch and a month", "u-sun", "统计 第一党支部 2026年10月", []string{
			"截止到2026年10月，第一党支部共有流动党员2人"}, []string{"测试镇党委"}},
		{"an ordinary member", "u-zhou4", "统计", []string{"仅限党支部书记使用"}, []string{"截止到"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := h.Say(c.handle, c.text)
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("reply lacks %q:\n%s", w, got)
				}
			}
			for _, n := range c.not {
				if strings.Contains(got, n) {
					t.Errorf("reply has %q:\n%s", n, got)
				}
			}
		})
	}
	// In the alerts group too.
	if got := h.SayInGroup("g-alerts", "u-zhao", "统计"); got != first {
		t.Errorf("in the group:\n%s", got)
	}
}

func TestChatReportChart(t *testing.T) {
	h := newChat(t, "")
	if _, err := h.App.Stats.FontPath(); err != nil {
		t.Skipf("no CJK font installed (apt-get install fonts-wqy-microhei): %v", err)
	}
	res := h.Send(bot.Message{From: "u-sun", Nick: "u-sun", Text: "统计"})
	if len(res.Replies) != 2 {
		t.Fatalf("want the paragraph then the chart, got %d replies", len(res.Replies))
	}
	if !strings.HasPrefix(res.Replies[0].Text, "截止到2026年11月20日，测试镇党委") || res.Replies[0].Image != nil {
		t.Errorf("first reply: %+v", res.Replies[0])
	}
	chart := res.Replies[1]
	if chart.To != "u-sun" || chart.ImageName == "" || !strings.HasSuffix(chart.ImageName, ".png") {
		t.Errorf("chart reply: to %q name %q", chart.To, chart.ImageName)
	}
	if _, err := png.Decode(bytes.NewReader(chart.Image)); err != nil {
		t.Errorf("chart: %v", err)
	}
	// A secretary of a branch and of its committee gets one report, the committee's.
	if _, err := h.Store.GrantRole(h.Ctx, h.Member("孙委员").ID, h.Member("吴一").BranchID, store.RoleSecretary); err != nil {
		t.Fatal(err)
	}
	res = h.Send(bot.Message{From: "u-sun", Nick: "u-sun", Text: "统计 2026年10月"})
	if len(res.Replies) != 2 || !strings.HasPrefix(res.Replies[0].Text, "截止到2026年10月，测试镇党委") {
		t.Errorf("nested units: %d replies, first %q", len(res.Replies), res.Replies[0].Text)
	}
}
