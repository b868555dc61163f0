package alerts_test

import (
	"strings"
	"testing"
)

// rosterWithDues is the phase 1 roster with dues for 张三 only (在职, 4,000元 a month: 40.00元);
// the others have no 人员类别, so no dues ledger (未核定).
const rosterWithDues = `姓名,性别,出生日期,学历,所在党支部,人员类别,月收入,流动类型,外出日期,流动地点,外出原因,职务
王书记,男,1968-05-12,大学专科,第一党支部,,,,,,,书记
张三,男,1990-03-15,高中,第一党支部,在职,4000,流出,2026-07-01,广东省深圳市南山区,务工,
李四,男,1985-11-02,初中及以下,第一党支部,,,流出,2025-10-10,浙江省杭州市,经商,
赵丽,女,1996-08-20,大学本科,第一党支部,,,流入,2026-05-01,安徽省合肥市,务工,
钱五,男,1970-01-01,高中,第一党支部,,,,,,,
吴六,男,1988-01-01,高中,第一党支部,,,流出,2026-02-01,江苏省苏州市,务工,
孙二,男,1980-01-01,高中,第二党支部,,,流出,2026-01-05,江苏省苏州市,务工,
周书记,女,1975-01-01,大学本科,第二党支部,,,,,,,书记
`

func TestSixMonthRule(t *testing.T) {
	h := setupWith(t, rosterWithDues)
	// 张三's ledger from May 2026 (before liudong), paid through July; 李四 and 孙二 attend
	// organizational life at the inflow place; 吴六 is in hospital until the end of 2026.
	h.Now = at("2026-09-01 10:00")
	for _, say := range []struct{ who, text, want string }{
		{"u-wang", "核定党费 张三 在职 月收入4000 自2026年5月", "40.00元"},
		{"u-wang", "收党费 张三 2026年5月-7月 120", "已缴至2026年7月"},
		{"u-wang", "正当理由 吴六 住院治疗 至2026年12月", "已记录"},
	} {
		if r := h.Say(say.who, say.text); !strings.Contains(r, say.want) {
			t.Fatalf("%s: %s", say.text, r)
		}
	}
	h.Now = at("2026-09-21 10:00")
	h.Say("u-li", "参加活动 9月20日 杭州西湖区XX支部 主题党日")
	h.Now = at("2026-07-16 10:00")
	h.Say("u-sun", "参加活动 7月15日 苏州工业园区XX支部 主题党日")
	baseline[h] = len(h.Platform.Sent()) // what follows is the job's

	// 1 October: 张三 has had no organizational life since leaving on 1 July (3 months); his
	// dues are unpaid since August (2 months: not yet). 李四 attended in September, 孙二 in
	// July (2 months), 吴六 is excused; 赵丽 (流入) and the members at home are not counted.
	got := h.RunJob("six-month", at("2026-10-01 09:00"))
	if got["sixmonth.member"] != 1 || got["sixmonth.note"] != 1 || len(got) != 2 {
		t.Fatalf("1 October: %v", got)
	}
	if msgs := inbox(h, "u-zhang"); len(msgs) != 1 || !strings.Contains(msgs[0], "3个月没有参加组织生活") || !strings.Contains(msgs[0], "参加活动") {
		t.Fatalf("张三's reminder: %q", msgs)
	}
	note := inbox(h, "u-wang")
	if n := len(note); n == 0 || !strings.Contains(note[n-1], "【六个月规定提醒】") ||
		!strings.Contains(note[n-1], "张三：3个月未参加组织生活（2026年7月1日外出以来没有记录）") || strings.Contains(note[n-1], "吴六") {
		t.Fatalf("secretary's note: %q", note)
	}
	if got := h.RunJob("six-month", at("2026-10-02 09:00")); len(got) != 0 {
		t.Fatalf("again: %v", got)
	}

	// 1 November: 张三's dues, unpaid since August, reach 3 months: a lapse of its own. 孙二
	// reaches 3 months without organizational life (since 15 July... on 15 October).
	got = h.RunJob("six-month", at("2026-11-01 09:00"))
	if got["sixmonth.member"] != 2 || got["sixmonth.note"] != 2 {
		t.Fatalf("1 November: %v", got)
	}
	if msgs := inbox(h, "u-zhang"); len(msgs) != 2 || !strings.Contains(msgs[1], "自2026年8月起已经3个月没有交纳党费") {
		t.Fatalf("张三's dues reminder: %q", msgs)
	}
	if msgs := inbox(h, "u-zhou"); len(msgs) != 1 || !strings.Contains(msgs[0], "孙二：3个月未参加组织生活（最近一次2026年7月15日）") {
		t.Fatalf("branch 2: %q", msgs)
	}
	// 张三 pays August to October: that lapse ends.
	h.Now = at("2026-11-05 10:00")
	if r := h.Say("u-wang", "收党费 张三 2026年8月-10月 120"); !strings.Contains(r, "已缴至2026年10月") {
		t.Fatalf("payment: %s", r)
	}

	// 1 December: 张三 five months without organizational life: a warning, and no new
	// reminder to him. 孙二 is at four months: nothing new.
	got = h.RunJob("six-month", at("2026-12-01 09:00"))
	if got["sixmonth.warning"] != 1 || len(got) != 1 {
		t.Fatalf("1 December: %v", got)
	}
	if w := inbox(h, "u-wang"); !strings.Contains(w[len(w)-1], "【六个月规定预警】") || !strings.Contains(w[len(w)-1], "张三：5个月未参加组织生活") {
		t.Fatalf("warning: %q", w[len(w)-1])
	}
	// 1 January: six months: 脱党风险, with the rule quoted. 孙二 reaches five months, 李四 three
	// (since 20 September).
	got = h.RunJob("six-month", at("2027-01-01 09:00"))
	if got["sixmonth.risk"] != 1 || got["sixmonth.warning"] != 1 || got["sixmonth.note"] != 1 || got["sixmonth.member"] != 1 {
		t.Fatalf("1 January: %v (张三 at six months, 孙二 at five, 李四 at three)", got)
	}
	risk := inbox(h, "u-wang")
	if r := risk[len(risk)-1]; !strings.Contains(r, "【脱党风险】") || !strings.Contains(r, "党章第九条") || !strings.Contains(r, "张三：6个月未参加组织生活") {
		t.Fatalf("risk: %q", r)
	}
	if n := strings.Count(strings.Join(inbox(h, "u-zhang"), "\n"), "支部的记录显示"); n != 2 {
		t.Fatalf("张三 had %d reminders, want 2 (organizational life, then dues): %q", n, inbox(h, "u-zhang"))
	}

	// 吴六's absence ended on 31 December: months count from 1 January (3 on 1 April).
	h.RunJob("six-month", at("2027-03-31 09:00"))
	if msgs := inbox(h, "u-wu"); len(msgs) != 0 {
		t.Fatalf("吴六 on 31 March: %q", msgs)
	}
	for _, msg := range inbox(h, "u-wang") {
		if strings.Contains(msg, "吴六") {
			t.Fatalf("吴六 reported while excused: %q", msg)
		}
	}
	h.RunJob("six-month", at("2027-04-01 09:00"))
	if msgs := inbox(h, "u-wu"); len(msgs) != 1 || !strings.Contains(msgs[0], "3个月没有参加组织生活了（正当理由至2026年12月31日）") {
		t.Fatalf("吴六 after the absence: %q", msgs)
	}

	// 逾期 and the digest show the lapses, 脱党风险 marked.
	h.Now = at("2027-04-01 10:00")
	r := h.Say("u-wang", "逾期")
	if !strings.Contains(r, "六个月规定") || !strings.Contains(r, "张三：【脱党风险】9个月未参加组织生活") || !strings.Contains(r, "吴六：3个月未参加组织生活") {
		t.Fatalf("逾期: %s", r)
	}
}
