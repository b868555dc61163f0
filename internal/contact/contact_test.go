package contact_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"liudong/internal/app/apptest"
	"liudong/internal/roster"
	"liudong/internal/store"
)

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

const rosterCSV = `姓名,性别,出生日期,学历,所在党支部,手机号码,人员类别,月收入,流动类型,外出日期,流动地点,外出原因,职务,流出地党组织
王书记,男,1970-01-01,大学本科,第一党支部,,,,,,,,书记,
张三,男,1990-03-15,高中,第一党支部,13800001234,在职,4000,流出,2026-07-01,广东省深圳市南山区,务工,,
李四,男,1985-11-02,初中,第一党支部,,在职,3000,流出,2026-07-01,广东省深圳市南山区,务工,,
赵丽,女,1996-08-20,大学本科,第一党支部,,,,流入,,,,,安徽省合肥市蜀山区XX街道党工委
孙二,男,1980-01-01,高中,第二党支部,,在职,3000,流出,2026-06-01,广东省深圳市南山区,务工,,
周书记,女,1975-01-01,大学本科,第二党支部,,,,,,,,书记,
`

func setup(t *testing.T) *apptest.Harness {
	t.Helper()
	h := apptest.New(t)
	h.Import(rosterCSV)
	h.Now = at("2026-11-20 10:00")
	if _, err := h.Store.DB().Exec(`UPDATE members SET created_at = $1`, h.Now); err != nil {
		t.Fatal(err)
	}
	for name, handle := range map[string]string{"王书记": "u-wang", "张三": "u-zhang", "李四": "u-li", "赵丽": "u-zhao",
		"孙二": "u-sun", "周书记": "u-zhou"} {
		h.Bind(name, handle)
	}
	return h
}

var codePattern = regexp.MustCompile(`绑定 (\d{6})`)

// invite has the secretary invite an inflow organization's contact and the contact bind.
func invite(t *testing.T, h *apptest.Harness, secretary, args, handle string) string {
	t.Helper()
	reply := h.Say(secretary, "邀请流入地 "+args)
	m := codePattern.FindStringSubmatch(reply)
	if m == nil {
		t.Fatalf("invitation: %q", reply)
	}
	return h.Say(handle, "绑定 "+m[1])
}

// The inflow organization's contact acts for the members registered with it and no one else:
// another member's name is answered as an unknown one; everything he does reaches the home
// secretary; and he hears the home branch's notices about his members.
func TestInflowContact(t *testing.T) {
	h := setup(t)
	reply := h.Say("u-wang", "邀请流入地 张三 深圳市南山区粤海街道党工委 李书记 13900001111")
	apptest.Expect(t, "invitation", reply, "已登记张三（测试镇党委第一党支部）的流入地党组织", "深圳市南山区粤海街道党工委（李书记，电话139****1111）",
		"请把绑定码告诉李书记", "看不到其他党员的信息")
	apptest.Refuse(t, "invitation", reply, "13900001111")
	apptest.Expect(t, "not away", h.Say("u-wang", "邀请流入地 王书记 深圳市南山区粤海街道党工委 李书记"), "不是流出党员")
	apptest.Expect(t, "no contact", h.Say("u-wang", "邀请流入地 张三 深圳市南山区粤海街道党工委"), "请写上流入地党组织的全称和联系人")
	// A secretary cannot invite for another branch's member: as for an unknown name.
	if got, want := h.Say("u-zhou", "邀请流入地 张三 深圳XX党工委 李书记"), h.Say("u-zhou", "邀请流入地 张无忌 深圳XX党工委 李书记"); got != strings.ReplaceAll(want, "张无忌", "张三") {
		t.Errorf("out of scope %q, unknown %q", got, want)
	}

	mark := len(h.Platform.SentTo("u-wang"))
	code := codePattern.FindStringSubmatch(reply)[1]
	welcome := h.Say("u-lisec", "绑定 "+code)
	apptest.Expect(t, "welcome", welcome, "绑定成功", "李书记同志", "深圳市南山区粤海街道党工委的流入地联系人", "【流动党员到达】",
		"张三", "2026年7月1日起外出到广东省深圳市南山区", "尚未办理《流动党员活动证》", "确认活动 张三", "收党费 张三")
	apptest.Refuse(t, "welcome names only his member", welcome, "李四", "孙二", "赵丽")
	apptest.Expect(t, "home secretary told of the binding", h.SentSince("u-wang", mark), "【流入地联系人】", "李书记", "张三")
	// The code was for him: a member's chat account cannot take it, nor he a member's.
	apptest.Expect(t, "help", h.Say("u-lisec", "帮助"), "流入地联系人", "确认活动", "驳回活动", "收党费 张三 2026年12月 40 流入地收缴", "表现",
		"由您联系的党员：张三")
	apptest.Refuse(t, "help", h.Say("u-lisec", "帮助"), "查 张三", "逾期", "统计", "汇报", "李四")
	apptest.Expect(t, "free text", h.Say("u-lisec", "你好"), "流入地联系人")

	// What he cannot do, and whom he cannot see.
	for _, cmd := range []string{"查 张三", "逾期", "统计", "邀请码 张三", "发证 张三", "转出 张三 X党委", "汇报", "党费", "活动证"} {
		apptest.Expect(t, cmd, h.Say("u-lisec", cmd), "不是流入地联系人使用的命令")
	}
	for _, cmd := range []string{"确认活动 %s", "驳回活动 %s 11月1日 未参加", "收党费 %s 2026年11月 30 流入地收缴", "表现 %s 工作积极"} {
		other := h.Say("u-lisec", strings.ReplaceAll(cmd, "%s", "李四"))
		unknown := h.Say("u-lisec", strings.ReplaceAll(cmd, "%s", "张无忌"))
		if other != strings.ReplaceAll(unknown, "张无忌", "李四") || !strings.Contains(other, "没有找到") {
			t.Errorf("%s: another member %q, an unknown name %q", cmd, other, unknown)
		}
	}

	// 张三 reports organizational life there: the contact is asked to confirm it, confirms, and
	// the home secretary hears.
	markContact := len(h.Platform.SentTo("u-lisec"))
	h.Say("u-zhang", "参加活动 11月18日 粤海街道党工委 主题党日")
	apptest.Expect(t, "asked to confirm", h.SentSince("u-lisec", markContact), "【组织生活待确认】", "张三", "确认活动 张三")
	mark = len(h.Platform.SentTo("u-wang"))
	apptest.Expect(t, "confirm", h.Say("u-lisec", "确认活动 张三"), "已确认张三（第一党支部）的1条组织生活记录", "已告知其所在党支部")
	apptest.Expect(t, "home told of the confirmation", h.SentSince("u-wang", mark), "【流入地确认】", "深圳市南山区粤海街道党工委李书记（流入地联系人）", "主题党日")
	var by *int64
	h.Store.DB().Get(&by, `SELECT reviewed_by_contact FROM org_life WHERE member_id = $1`, h.Member("张三").ID)
	if by == nil {
		t.Error("the confirmation does not name the contact")
	}

	// Dues collected there.
	mark = len(h.Platform.SentTo("u-wang"))
	markMember := len(h.Platform.SentTo("u-zhang"))
	apptest.Expect(t, "dues", h.Say("u-lisec", "收党费 张三 2026年11月 40 流入地收缴"), "已登记张三的党费", "在流入地缴纳：深圳市南山区粤海街道党工委",
		"已告知本人及其所在党支部")
	apptest.Expect(t, "home told of the dues", h.SentSince("u-wang", mark), "【流入地收缴党费】", "张三", "2026年11月", "40.00元")
	apptest.Expect(t, "member told of the dues", h.SentSince("u-zhang", markMember), "2026年11月", "流入地")
	var p store.DuesPayment
	if err := h.Store.DB().Get(&p, `SELECT place, place_name, recorded_by, recorded_by_contact FROM dues_payments WHERE member_id = $1`,
		h.Member("张三").ID); err != nil {
		t.Fatal(err)
	}
	if p.Place != store.PaidAtInflow || p.PlaceName != "深圳市南山区粤海街道党工委" || p.RecordedByContact == nil || !strings.HasPrefix(p.RecordedBy, "contact:") {
		t.Errorf("payment: %+v", p)
	}

	// The half-yearly assessment: kept in the archive, told to the secretary.
	mark = len(h.Platform.SentTo("u-wang"))
	apptest.Expect(t, "assessment", h.Say("u-lisec", "表现 张三 工作积极，按时参加组织生活"), "已收到", "2026年下半年")
	apptest.Expect(t, "home told of the assessment", h.SentSince("u-wang", mark), "【流入地反馈】", "工作积极，按时参加组织生活")
	apptest.Expect(t, "archive", h.Say("u-wang", "查 张三"), "流入地党组织：深圳市南山区粤海街道党工委", "联系人已绑定",
		"流入地表现：2026年下半年（深圳市南山区粤海街道党工委李书记", "工作积极")
	apptest.Expect(t, "empty assessment", h.Say("u-lisec", "表现 张三"), "请写上张三的现实表现")
	apptest.Expect(t, "members cannot assess", h.Say("u-li", "表现 张三 好"), "仅限流入地党组织的联系人使用")

	// The home branch's notices about his member reach him: the certificate, the transfer, and
	// the six-month rule.
	markContact = len(h.Platform.SentTo("u-lisec"))
	h.Say("u-wang", "发证 张三")
	apptest.Expect(t, "certificate told", h.SentSince("u-lisec", markContact), "【活动证】", "张三", "编号")
	markContact = len(h.Platform.SentTo("u-lisec"))
	h.Say("u-wang", "转出 张三 深圳市南山区粤海街道党工委")
	apptest.Expect(t, "transfer told", h.SentSince("u-lisec", markContact), "【组织关系转接】", "张三", "请协助其按时报到")
	apptest.Expect(t, "cancel", h.Say("u-wang", "撤销转出 张三 暂缓"), "已撤销")
	markContact = len(h.Platform.SentTo("u-lisec"))
	h.RunJob("six-month", at("2027-03-05 09:00"))
	told := h.SentSince("u-lisec", markContact)
	apptest.Expect(t, "six-month told", told, "【六个月规定提醒】", "张三")
	apptest.Refuse(t, "six-month: only his member", told, "李四", "孙二")

	// A second invitation of an organization bound already needs no code.
	apptest.Expect(t, "second member", h.Say("u-zhou", "邀请流入地 孙二 深圳市南山区粤海街道党工委 李书记"), "李书记已绑定本助手")
	apptest.Expect(t, "now covers both", h.Say("u-lisec", "帮助"), "张三", "孙二")
	markZhou := len(h.Platform.SentTo("u-zhou"))
	h.Say("u-lisec", "表现 孙二 表现良好")
	apptest.Expect(t, "孙二's secretary told", h.SentSince("u-zhou", markZhou), "【流入地反馈】", "孙二")

	// The audit names the contact.
	audit, err := h.Store.AuditByAction(h.Ctx, "command:确认活动")
	if err != nil || len(audit) == 0 || !strings.HasPrefix(audit[0].Actor, "contact:") {
		t.Errorf("audit: %+v %v", audit, err)
	}

	// The transfer's receipt ends his link: the member is no longer his.
	h.Say("u-wang", "转出 张三 深圳市南山区粤海街道党工委")
	h.Now = at("2027-03-06 10:00")
	apptest.Expect(t, "receipt", h.Say("u-wang", "回执 张三"), "已登记回执")
	apptest.Expect(t, "after the receipt", h.Say("u-lisec", "表现 张三 好"), "没有找到")
}

// A 流入 member's home organization: recorded from the roster, named in his 活动证 answer; its
// notices wait in the secretary's digest until its contact binds, then reach the contact.
func TestInflowMemberHome(t *testing.T) {
	h := setup(t)
	apptest.Expect(t, "活动证", h.Say("u-zhao", "活动证"), "流入党员", "组织关系在安徽省合肥市蜀山区XX街道党工委",
		"由安徽省合肥市蜀山区XX街道党工委发放和年审")
	apptest.Expect(t, "archive", h.Say("u-wang", "查 赵丽"), "流出地党组织：安徽省合肥市蜀山区XX街道党工委")

	reply := h.Say("u-wang", "流入登记 赵丽 11月20日 联系人周书记 13900002222 活动证号3401040001")
	apptest.Expect(t, "registration", reply, "已登记流入党员赵丽（第一党支部）", "流出地党组织安徽省合肥市蜀山区XX街道党工委",
		"周书记 139****2222", "活动证编号3401040001", "列入您的每周汇总", "邀请流出地 赵丽")
	apptest.Expect(t, "活动证 with number", h.Say("u-zhao", "活动证"), "编号3401040001", "流出地联系人：周书记")
	// Kept for the secretary to pass on: in 逾期 and the weekly digest.
	apptest.Expect(t, "relay in 逾期", h.Say("u-wang", "逾期"), "请转告流出地党组织", "赵丽", "【流入党员登记】")
	mark := len(h.Platform.SentTo("u-wang"))
	h.RunJob("weekly-digest", at("2026-11-23 09:30"))
	apptest.Expect(t, "relay in the digest", h.SentSince("u-wang", mark), "请转告流出地党组织", "转告安徽省合肥市蜀山区XX街道党工委")
	// A week on, it has been passed on.
	mark = len(h.Platform.SentTo("u-wang"))
	h.RunJob("weekly-digest", at("2026-11-30 09:30"))
	apptest.Refuse(t, "relay a week on", h.SentSince("u-wang", mark), "请转告流出地党组织")

	// The home contact binds: the notices about 赵丽 reach him directly.
	reply = h.Say("u-wang", "邀请流出地 赵丽 周书记")
	code := codePattern.FindStringSubmatch(reply)
	if code == nil {
		t.Fatalf("home invitation: %q", reply)
	}
	apptest.Expect(t, "home welcome", h.Say("u-home", "绑定 "+code[1]), "流出地联系人", "【流入党员登记】", "赵丽")
	h.Say("u-zhao", "参加活动 11月25日 第一党支部 主题党日")
	h.Now = at("2026-11-26 10:00")
	mark = len(h.Platform.SentTo("u-home"))
	h.Say("u-wang", "确认活动 赵丽")
	apptest.Expect(t, "home told of organizational life here", h.SentSince("u-home", mark), "【组织生活】", "赵丽", "主题党日")
	// He acts for nobody: the inflow contact's commands are not his.
	apptest.Expect(t, "home contact", h.Say("u-home", "确认活动 赵丽"), "不是流出地联系人使用的命令")
	apptest.Expect(t, "not 流入", h.Say("u-wang", "邀请流出地 张三 X党委 周书记"), "不是流入党员")

	// The roster column refuses a home organization for a member who is not 流入.
	if _, err := h.App.Importer().Import(h.Ctx, strings.NewReader("姓名,性别,出生日期,学历,所在党支部,流出地党组织\n钱五,男,1980-01-01,高中,第一党支部,X党委\n"),
		"r.csv", importOptions()); err != nil {
		t.Fatal(err)
	}
	if ms, _ := h.Store.MembersByName(h.Ctx, "钱五", nil); len(ms) != 0 {
		t.Error("a home organization for a member not 流入 was imported")
	}
}

func importOptions() roster.Options { return roster.Options{} }
