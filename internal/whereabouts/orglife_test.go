package whereabouts_test

import (
	"testing"
	"time"

	"liudong/internal/app/apptest"
	"liudong/internal/store"
)

// 参加活动 with the dates people write; the secretary is told and confirms or rejects.
// The clock is Wednesday 2026-11-25.
func TestOrgLifeDateForms(t *testing.T) {
	t.Parallel()
	h := start(t)
	zhang := h.Member("张三").ID
	cases := []struct {
		args, date, kind, place string
	}{
		{"11月20日 深圳南山区XX支部 主题党日", "2026-11-20", "主题党日", "深圳南山区XX支部"},
		{"2026-11-18 东莞长安镇党群服务中心 党课", "2026-11-18", "党课", "东莞长安镇党群服务中心"},
		{"昨天 主题党日 深圳宝安区流动党员党支部", "2026-11-24", "主题党日", "深圳宝安区流动党员党支部"},
		{"上周六 在深圳南山区XX支部参加了志愿服务活动", "2026-11-21", "志愿服务", "深圳南山区XX支部"},
		{"２０２６年１１月１日，杭州西湖区流动党员党支部，支部大会", "2026-11-01", "支部党员大会", "杭州西湖区流动党员党支部"},
		{"今天 深圳南山区XX支部 党小组会", "2026-11-25", "党小组会", "深圳南山区XX支部"},
	}
	for _, tc := range cases {
		got := h.Say("u-zhang", "参加活动 "+tc.args)
		apptest.Expect(t, tc.args, got, "已记录：", "参加"+tc.kind, "待党支部书记确认", tc.place)
	}
	recs, err := h.Store.OrgLifeOf(h.Ctx, zhang)
	if err != nil || len(recs) != len(cases) {
		t.Fatalf("records %d %v", len(recs), err)
	}
	byDate := map[string]store.OrgLife{}
	for _, r := range recs {
		byDate[r.HeldOn.Format(time.DateOnly)] = r
	}
	for _, tc := range cases {
		r, ok := byDate[tc.date]
		if !ok || r.Kind != tc.kind || r.Place != tc.place || r.Status != store.OrgLifePending {
			t.Errorf("%s: stored %+v", tc.args, r)
		}
	}
	if r := byDate["2026-11-20"]; r.CountyCode != "440305" {
		t.Errorf("region of the place: %+v", r)
	}
	// The secretary was told of each one.
	apptest.Expect(t, "secretary", h.SentSince("u-wang", 0), "【组织生活】第一党支部党员张三报告：2026年11月20日在深圳南山区XX支部参加主题党日",
		"确认活动 张三", "驳回活动 张三 11月20日 原因")

	// A resend is recognised; a future date, a missing kind or date is refused.
	apptest.Expect(t, "duplicate", h.Say("u-zhang", "参加活动 11月20日 深圳南山区XX支部 主题党日"), "已经记录过了")
	apptest.Expect(t, "future", h.Say("u-zhang", "参加活动 2026年12月1日 深圳 主题党日"), "还没到")
	apptest.Expect(t, "no kind", h.Say("u-zhang", "参加活动 11月20日 深圳南山区XX支部"), "请写明活动类型")
	apptest.Expect(t, "no date", h.Say("u-zhang", "参加活动 深圳南山区XX支部 主题党日"), "请写明活动日期")
	if recs, _ := h.Store.OrgLifeOf(h.Ctx, zhang); len(recs) != len(cases) {
		t.Errorf("refusals stored records: %d", len(recs))
	}

	// The last organizational life counts once recorded.
	last, err := h.Store.LastOrgLifeOf(h.Ctx, zhang, h.Now)
	if err != nil || last.HeldOn.Format(time.DateOnly) != "2026-11-25" || last.Kind != "党小组会" {
		t.Errorf("last %+v %v", last, err)
	}
}

func TestOrgLifeConfirmAndReject(t *testing.T) {
	t.Parallel()
	h := start(t)
	zhang := h.Member("张三").ID
	h.Say("u-zhang", "参加活动 11月20日 深圳南山区XX支部 主题党日")
	h.Say("u-zhang", "参加活动 11月22日 深圳南山区XX支部 党课")

	// Non-secretaries and secretaries of another branch cannot.
	apptest.Expect(t, "member", h.Say("u-li", "确认活动 张三"), "仅限党支部书记使用")
	apptest.Expect(t, "other branch", h.Say("u-zhao", "确认活动 张三"), "没有找到党员“张三”")

	// Reject without a date needs a single pending record.
	apptest.Expect(t, "ambiguous reject", h.Say("u-wang", "驳回活动 张三"), "有2条待确认的记录，请写明日期")
	member := len(h.Platform.SentTo("u-zhang"))
	got := h.Say("u-wang", "驳回活动 张三 11月22日 当天在上班")
	apptest.Expect(t, "reject", got, "已驳回张三（第一党支部）的组织生活记录", "2026年11月22日 党课", "已告知本人")
	apptest.Expect(t, "member told", h.SentSince("u-zhang", member), "您报告的2026年11月22日参加党课", "未予确认", "说明：当天在上班")

	// Confirm the rest, in the alerts group too.
	got = h.SayInGroup("g-alerts", "u-wang", "确认活动 张三")
	apptest.Expect(t, "confirm", got, "已确认张三（第一党支部）的1条组织生活记录", "2026年11月20日 主题党日")
	apptest.Expect(t, "nothing left", h.Say("u-wang", "确认活动 张三"), "没有待确认的组织生活记录")
	recs, _ := h.Store.OrgLifeOf(h.Ctx, zhang)
	status := map[string]string{}
	for _, r := range recs {
		status[r.HeldOn.Format(time.DateOnly)] = r.Status
	}
	if status["2026-11-20"] != store.OrgLifeConfirmed || status["2026-11-22"] != store.OrgLifeRejected {
		t.Errorf("statuses %v", status)
	}
	// A rejected record no longer counts, and the day may be reported again.
	last, _ := h.Store.LastOrgLifeOf(h.Ctx, zhang, h.Now)
	if last.HeldOn.Format(time.DateOnly) != "2026-11-20" || last.Status != store.OrgLifeConfirmed {
		t.Errorf("last %+v", last)
	}
	apptest.Expect(t, "report again", h.Say("u-zhang", "参加活动 11月22日 深圳南山区XX支部 党课"), "已记录")
	// A confirmed record can still be rejected, by date.
	apptest.Expect(t, "reject confirmed", h.Say("u-wang", "驳回活动 张三 11月20日 不属实"), "2026年11月20日 主题党日")
	apptest.Expect(t, "confirm a day", h.Say("u-wang", "确认活动 张三 11月22日"), "已确认张三（第一党支部）的1条")

	audit, _ := h.Store.AuditOf(h.Ctx, zhang)
	apptest.Expect(t, "audit", auditActions(audit), "orglife.record", "orglife.reject", "orglife.confirm")
	if cmds, _ := h.Store.AuditByAction(h.Ctx, "command:确认活动"); len(cmds) != 5 {
		t.Errorf("command audit rows: %d", len(cmds))
	}
}

// The six-month rule's input, set-based: the latest organizational life per member.
func TestLastOrgLives(t *testing.T) {
	t.Parallel()
	h := start(t)
	h.Say("u-zhang", "参加活动 11月20日 深圳南山区XX支部 主题党日")
	h.Say("u-zhang", "参加活动 11月2日 深圳南山区XX支部 党课")
	h.Say("u-li", "参加活动 2026-06-01 杭州 主题党日")
	h.Say("u-li", "参加活动 11月24日 杭州 党课")
	h.Say("u-zhao", "驳回活动 李四 11月24日")
	all, err := h.Store.LastOrgLives(h.Ctx, h.Now, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]string{}
	for _, l := range all {
		got[l.MemberID] = l.HeldOn.Format(time.DateOnly) + " " + l.Kind
	}
	if len(got) != 2 || got[h.Member("张三").ID] != "2026-11-20 主题党日" || got[h.Member("李四").ID] != "2026-06-01 主题党日" {
		t.Errorf("last org lives %v", got)
	}
	// As of an earlier date, and for chosen members.
	some, _ := h.Store.LastOrgLives(h.Ctx, time.Date(2026, 11, 10, 0, 0, 0, 0, shanghai), []int64{h.Member("张三").ID})
	if len(some) != 1 || some[0].HeldOn.Format(time.DateOnly) != "2026-11-02" {
		t.Errorf("as of 11-10: %+v", some)
	}
	if none, _ := h.Store.LastOrgLives(h.Ctx, h.Now, []int64{}); len(none) != 0 {
		t.Errorf("empty id list: %+v", none)
	}
}
