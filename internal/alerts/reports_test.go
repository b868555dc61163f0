package alerts_test

import (
	"strings"
	"testing"

	"liudong/internal/store"
)

func TestReportWindow(t *testing.T) {
	h := setup(t)
	oneShot := "汇报\n思想：认真学习\n工作：按时完成任务\n生活：一切都好\n学习：读书"
	// 张三 reports for the fourth quarter in November; 吴六 is excused (正当理由) until January.
	h.Now = at("2026-11-25 20:00")
	if r := h.Say("u-zhang", oneShot); !strings.Contains(r, "2026年第四季度") {
		t.Fatalf("report: %s", r)
	}
	if r := h.Say("u-wang", "正当理由 吴六 住院治疗 至2027年1月"); !strings.Contains(r, "已记录") {
		t.Fatalf("正当理由: %s", r)
	}
	// The period's last month starts on 1 December.
	if got := h.RunJob("report-invite", at("2026-11-30 09:00")); len(got) != 0 {
		t.Fatalf("before the last month: %v", got)
	}
	got := h.RunJob("report-invite", at("2026-12-01 09:00"))
	if got["report.invite"] != 2 {
		t.Fatalf("invitations: %v, want 李四 and 孙二", got)
	}
	for _, handle := range []string{"u-li", "u-sun"} {
		msgs := inbox(h, handle)
		if len(msgs) != 1 || !strings.Contains(msgs[0], "2026年第四季度的思想汇报") || !strings.Contains(msgs[0], "12月31日截止") {
			t.Errorf("%s: %q", handle, msgs)
		}
	}
	// Not invited: one who reported, one excused, the inflow member, members at home.
	for _, handle := range []string{"u-zhang", "u-wu", "u-zhao", "u-qian", "u-wang"} {
		for _, msg := range inbox(h, handle) {
			if strings.Contains(msg, "思想汇报现在可以提交") {
				t.Errorf("%s was invited: %q", handle, msg)
			}
		}
	}
	if got := h.RunJob("report-invite", at("2026-12-02 09:00")); len(got) != 0 {
		t.Fatalf("again: %v", got)
	}
	// 钱五 leaves on 3 December; a run at 23:00 invites him, but not before 08:00.
	if err := h.Store.InsertDeparture(h.Ctx, &store.Departure{MemberID: h.Member("钱五").ID, DepartedOn: at("2026-12-03 00:00"),
		Place: "上海市", Reason: "务工", Source: "chat"}); err != nil {
		t.Fatal(err)
	}
	if got := h.RunJob("report-invite", at("2026-12-03 23:00")); got["report.invite"] != 1 {
		t.Fatalf("钱五: %v", got)
	}
	if msgs := inbox(h, "u-qian"); len(msgs) != 0 {
		t.Fatalf("sent in quiet hours: %q", msgs)
	}
	if n := h.DeliverDue(at("2026-12-04 08:00")); n != 1 || len(inbox(h, "u-qian")) != 1 {
		t.Fatalf("in the morning: %d sent, %q", n, inbox(h, "u-qian"))
	}

	// The reminder window opens 10 days before the end (22 December); the invitations close.
	if got := h.RunJob("report-reminder", at("2026-12-21 09:00")); len(got) != 0 {
		t.Fatalf("11 days before: %v", got)
	}
	got = h.RunJob("report-reminder", at("2026-12-22 09:00"))
	if got["report.reminder"] != 3 {
		t.Fatalf("reminders: %v, want 李四, 孙二 and 钱五", got)
	}
	if msgs := inbox(h, "u-li"); len(msgs) != 2 || !strings.Contains(msgs[1], "还有10天截止") {
		t.Fatalf("李四's reminder: %q", msgs)
	}
	if got := h.RunJob("report-invite", at("2026-12-22 09:00")); len(got) != 0 {
		t.Fatalf("invitations in the reminder window: %v", got)
	}
	h.Now = at("2026-12-23 10:00")
	if r := h.Say("u-li", oneShot); !strings.Contains(r, "2026年第四季度") {
		t.Fatalf("李四 reports: %s", r)
	}
	if got := h.RunJob("report-reminder", at("2026-12-24 09:00")); len(got) != 0 {
		t.Fatalf("reminders again: %v", got)
	}

	// After the quarter: each branch gets its list once, within 15 days; branch 1's in its
	// alerts group at the configured (masked) detail.
	h.Now = at("2026-12-30 10:00")
	h.SayInGroup("一支部支委群", "u-wang", "设为提醒群")
	if got := h.RunJob("report-overdue", at("2026-12-31 09:00")); len(got) != 0 {
		t.Fatalf("before the end: %v", got)
	}
	got = h.RunJob("report-overdue", at("2027-01-02 09:00"))
	if got["report.overdue"] != 2 {
		t.Fatalf("overdue lists: %v", got)
	}
	group := h.Platform.SentToGroup("一支部支委群")
	list := group[len(group)-1]
	if !strings.Contains(list, "2026年第四季度") || !strings.Contains(list, "钱*") || strings.Contains(list, "钱五") ||
		strings.Contains(list, "李*") || strings.Contains(list, "张*") || strings.Contains(list, "吴*") {
		t.Fatalf("branch 1's list: %q", list)
	}
	if msgs := inbox(h, "u-zhou"); len(msgs) != 1 || !strings.Contains(msgs[0], "孙二") {
		t.Fatalf("branch 2's list: %q", msgs)
	}
	if got := h.RunJob("report-overdue", at("2027-01-03 09:00")); len(got) != 0 {
		t.Fatalf("again: %v", got)
	}
	// 逾期 lists those who did not report last quarter and have not since.
	h.Now = at("2027-01-05 10:00")
	r := h.Say("u-wang", "逾期")
	if !strings.Contains(r, "思想汇报逾期") || !strings.Contains(r, "钱五：2026年第四季度未汇报") || strings.Contains(r, "李四：2026年第四季度") {
		t.Fatalf("逾期: %s", r)
	}
	h.Now = at("2027-01-06 10:00")
	h.Say("u-qian", oneShot)
	if r := h.Say("u-wang", "逾期"); strings.Contains(r, "钱五：2026年第四季度") {
		t.Fatalf("逾期 after 钱五 reported: %s", r)
	}
}
