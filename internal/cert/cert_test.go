package cert_test

import (
	"strings"
	"testing"
	"time"

	"liudong/internal/app/apptest"
	"liudong/internal/cert"
	"liudong/internal/config"
	"liudong/internal/store"
)

const roster = `姓名,性别,出生日期,学历,所在党支部,职务
王书记,男,1970-01-01,大学本科,第一党支部,书记
张三,男,1990-03-15,高中,第一党支部,
李四,男,1985-11-02,初中,第二党支部,
赵书记,女,1975-05-05,大学本科,第二党支部,书记
`

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

func start(t *testing.T, edit ...func(*config.Config)) *apptest.Harness {
	t.Helper()
	h := apptest.New(t, edit...)
	h.Now = time.Date(2026, 3, 1, 10, 0, 0, 0, shanghai)
	h.Import(roster)
	h.Bind("张三", "u-zhang")
	h.Bind("李四", "u-li")
	h.Bind("王书记", "u-wang")
	h.Bind("赵书记", "u-zhao")
	return h
}

func at(h *apptest.Harness, y int, m time.Month, d int) {
	h.Now = time.Date(y, m, d, 10, 0, 0, 0, shanghai)
}

// The whole life of a certificate, as the member and the secretaries see it.
func TestCertificateLifecycle(t *testing.T) {
	t.Parallel()
	h := start(t)
	zhang := h.Member("张三")

	// Without one, the member is told how to get one.
	apptest.Expect(t, "none", h.Say("u-zhang", "活动证"), "您还没有《流动党员活动证》", "联系第一党支部书记办理", "发证 张三")

	// Only secretaries, only for their own members.
	apptest.Expect(t, "member", h.Say("u-zhang", "发证 张三"), "仅限党支部书记使用")
	apptest.Expect(t, "other branch", h.Say("u-zhao", "发证 张三"), "没有找到党员“张三”")
	apptest.Expect(t, "no name", h.Say("u-wang", "发证"), "请写上党员姓名")

	h.Say("u-zhang", "外出 深圳 务工")
	member := len(h.Platform.SentTo("u-zhang"))
	got := h.Say("u-wang", "发证 张三")
	apptest.Expect(t, "issue", got, "已为张三（第一党支部）办理《流动党员活动证》", "编号：34150000001", "发证机关：测试镇党委",
		"发证日期：2026年3月1日", "有效期：外出期间有效", "下次年审：2027年3月1日前", "已通知本人")
	apptest.Refuse(t, "issue", got, "没有外出登记")
	apptest.Expect(t, "member told", h.SentSince("u-zhang", member), "您的《流动党员活动证》已办理：编号34150000001")
	apptest.Expect(t, "twice", h.Say("u-wang", "发证 张三"), "已持有活动证（编号34150000001")

	got = h.Say("u-zhang", "活动证")
	apptest.Expect(t, "show", got, "编号：34150000001", "发证机关：测试镇党委", "发证日期：2026年3月1日", "上次年审：尚未年审",
		"下次年审：2027年3月1日前", "流入地登记：尚未登记", "交回：外出期间请随身携带")

	// The inflow side registers it: any secretary, here the other branch's.
	at(h, 2026, 3, 20)
	wang := len(h.Platform.SentTo("u-wang"))
	member = len(h.Platform.SentTo("u-zhang"))
	got = h.Say("u-zhao", "流入登记 张三 3月15日 深圳南山区XX支部 联系人李书记 电话13800001234")
	apptest.Expect(t, "inflow", got, "已登记张三（第一党支部）的活动证（编号34150000001）流入：深圳南山区XX支部于2026年3月15日接收，联系人李书记 138****1234",
		"已通知本人及其党支部")
	apptest.Expect(t, "inflow member", h.SentSince("u-zhang", member), "已由流入地登记：深圳南山区XX支部于2026年3月15日接收，联系人李书记")
	apptest.Expect(t, "inflow outflow secretary", h.SentSince("u-wang", wang), "【流入登记】第一党支部党员张三的活动证（编号34150000001）已由深圳南山区XX支部登记：2026年3月15日接收")
	apptest.Expect(t, "no contact", h.Say("u-zhao", "流入登记 张三 3月15日"), "请写上流入地党组织的联系人")
	// No act on a certificate predates its issue.
	apptest.Expect(t, "inflow before issue", h.Say("u-zhao", "流入登记 张三 2月15日 深圳南山区XX支部 联系人李书记"),
		"接收日期2026年2月15日早于发证日期2026年3月1日")
	apptest.Expect(t, "review before issue", h.Say("u-wang", "年审 张三 2026年2月28日"), "年审日期2026年2月28日早于发证日期2026年3月1日")
	apptest.Expect(t, "take back before issue", h.Say("u-wang", "收回 张三 2026年2月28日"), "收回日期2026年2月28日早于发证日期2026年3月1日")
	c, _ := h.Store.CertificateInForce(h.Ctx, zhang.ID)
	if c.InflowContact != "李书记" || len(c.InflowPhoneEnc) == 0 || strings.Contains(string(c.InflowPhoneEnc), "13800001234") {
		t.Errorf("inflow stored %+v", c)
	}
	apptest.Expect(t, "show inflow", h.Say("u-zhang", "活动证"), "流入地登记：已登记，深圳南山区XX支部于2026年3月15日接收，联系人李书记 138****1234")

	// Annual review, with a date and a comment.
	at(h, 2027, 2, 20)
	apptest.Expect(t, "due soon", h.Say("u-zhang", "活动证"), "下次年审：2027年3月1日前（还有9天）")
	got = h.Say("u-wang", "年审 张三 2027年2月18日 表现良好")
	apptest.Expect(t, "review", got, "已记录张三（第一党支部）的活动证（编号34150000001）年审：2027年2月18日，意见：表现良好", "下次年审：2028年2月18日前")
	apptest.Expect(t, "review twice", h.Say("u-wang", "年审 张三 2027年2月18日"), "已经年审过了")
	apptest.Expect(t, "review future", h.Say("u-wang", "年审 张三 2027年3月18日"), "还没到")
	apptest.Expect(t, "show review", h.Say("u-zhang", "活动证"), "上次年审：2027年2月18日", "下次年审：2028年2月18日前")

	// Home again: the member must hand it back; the secretary takes it back.
	at(h, 2027, 4, 1)
	h.Say("u-zhang", "返乡")
	apptest.Expect(t, "must return", h.Say("u-zhang", "活动证"), "交回：已于2027年4月1日返乡，请把活动证交回党支部查验")
	got = h.Say("u-wang", "收回 张三 查验无误")
	apptest.Expect(t, "take back", got, "已收回张三（第一党支部）的活动证（编号34150000001）并记录查验：2027年4月1日，意见：查验无误")
	apptest.Refuse(t, "take back", got, "外出登记尚未结束")
	apptest.Expect(t, "after return", h.Say("u-zhang", "活动证"), "已于2027年4月1日交回党支部查验", "目前没有在用的活动证")
	apptest.Expect(t, "review returned", h.Say("u-wang", "年审 张三"), "已于2027年4月1日收回")

	// Leaving again: a new certificate, the next number.
	apptest.Expect(t, "reissue", h.Say("u-wang", "发证 张三"), "编号：34150000002", "没有外出登记")

	audit, _ := h.Store.AuditOf(h.Ctx, zhang.ID)
	var actions []string
	for _, e := range audit {
		actions = append(actions, e.Action)
	}
	apptest.Expect(t, "audit", strings.Join(actions, " "), "certificate.issue", "certificate.inflow", "certificate.review", "certificate.return")
}

func TestCertificateLost(t *testing.T) {
	t.Parallel()
	h := start(t)
	h.Say("u-zhang", "外出 深圳 务工")
	h.Say("u-wang", "发证 张三")
	at(h, 2026, 9, 1)
	h.Say("u-wang", "年审 张三")
	h.Say("u-zhao", "流入登记 张三 联系人李书记")
	at(h, 2026, 10, 1)
	member := len(h.Platform.SentTo("u-zhang"))
	got := h.Say("u-wang", "挂失 张三")
	apptest.Expect(t, "lost", got, "已将张三（第一党支部）的活动证（编号34150000001）挂失作废，并补发新证：编号34150000002",
		"年审周期不变，下次年审：2027年9月1日前", "新证需流入地党组织重新登记")
	apptest.Expect(t, "member told", h.SentSince("u-zhang", member), "（编号34150000001）已挂失作废，已补发新证：编号34150000002")
	got = h.Say("u-zhang", "活动证")
	apptest.Expect(t, "show", got, "编号：34150000002", "发证日期：2026年10月1日", "上次年审：2026年9月1日", "下次年审：2027年9月1日前", "流入地登记：尚未登记")
	old, err := h.Store.LatestCertificate(h.Ctx, h.Member("张三").ID)
	if err != nil || old.Number != "34150000002" {
		t.Fatalf("latest %+v %v", old, err)
	}

	// Lost without re-issue.
	got = h.Say("u-wang", "挂失 张三 不补发")
	apptest.Expect(t, "lost only", got, "（编号34150000002）挂失作废，未补发")
	apptest.Expect(t, "show lost", h.Say("u-zhang", "活动证"), "已于2026年10月1日挂失作废，尚未补发")
	apptest.Expect(t, "lost again", h.Say("u-wang", "挂失 张三"), "已于2026年10月1日挂失")
	apptest.Expect(t, "take back lost", h.Say("u-wang", "收回 张三"), "目前没有在用的活动证")
}

func TestCertificateConfig(t *testing.T) {
	t.Parallel()
	h := start(t, func(c *config.Config) {
		c.Certificate.Prefix = "皖六流"
		c.Certificate.Digits = 3
		c.Certificate.ValidMonths = 24
		c.Certificate.ReviewMonths = 6
	})
	got := h.Say("u-wang", "发证 张三 2026年1月31日")
	apptest.Expect(t, "issue", got, "编号：皖六流001", "发证日期：2026年1月31日", "有效期：至2028年1月31日", "下次年审：2026年7月31日前")
	apptest.Expect(t, "hint", got, "提示：张三目前没有外出登记")
	h.Say("u-zhao", "发证 李四")
	if n := certNumber(t, h, "李四"); n != "皖六流002" {
		t.Errorf("number %s", n)
	}
	at(h, 2028, 2, 1)
	apptest.Expect(t, "expired", h.Say("u-zhang", "活动证"), "交回：活动证已过有效期，请把活动证交回党支部查验", "已逾期")
}

func certNumber(t *testing.T, h *apptest.Harness, name string) string {
	t.Helper()
	c, err := h.Store.CertificateInForce(h.Ctx, h.Member(name).ID)
	if err != nil {
		t.Fatalf("certificate of %s: %v", name, err)
	}
	return c.Number
}

// The scheduler's questions, set-based: reviews due within N days (overdue included), and
// members home for N days still holding their certificate.
func TestCertificatesDueAndNotInspected(t *testing.T) {
	t.Parallel()
	h := start(t)
	at(h, 2025, 12, 10)
	h.Say("u-zhang", "外出 深圳 务工")
	h.Say("u-wang", "发证 张三")
	at(h, 2026, 2, 1)
	h.Say("u-li", "外出 杭州 经商")
	h.Say("u-zhao", "发证 李四")
	h.Say("u-wang", "发证 王书记")
	at(h, 2026, 12, 1)
	h.Say("u-wang", "年审 王书记")

	due, err := h.Store.CertificatesReviewDue(h.Ctx, time.Date(2026, 11, 20, 9, 0, 0, 0, shanghai), 30, 12, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 1 || due[0].MemberName != "张三" || due[0].NextReviewOn.Format(time.DateOnly) != "2026-12-10" || due[0].BranchName != "第一党支部" {
		t.Errorf("due within 30 days of 11-20: %+v", due)
	}
	due, _ = h.Store.CertificatesReviewDue(h.Ctx, time.Date(2027, 2, 1, 9, 0, 0, 0, shanghai), 0, 12, nil)
	var names []string
	for _, d := range due {
		names = append(names, d.MemberName+" "+d.NextReviewOn.Format(time.DateOnly))
	}
	if strings.Join(names, ",") != "张三 2026-12-10,李四 2027-02-01" {
		t.Errorf("due on 2027-02-01 (overdue included): %v", names)
	}

	at(h, 2026, 12, 5)
	h.Say("u-zhang", "返乡")
	h.Say("u-li", "返乡")
	at(h, 2026, 12, 8)
	h.Say("u-zhao", "收回 李四")
	un, err := h.Store.CertificatesNotInspected(h.Ctx, time.Date(2026, 12, 20, 9, 0, 0, 0, shanghai), 14, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(un) != 1 || un[0].MemberName != "张三" || un[0].ReturnedOn.Format(time.DateOnly) != "2026-12-05" {
		t.Errorf("not inspected 14 days after return: %+v", un)
	}
	if un, _ := h.Store.CertificatesNotInspected(h.Ctx, time.Date(2026, 12, 18, 9, 0, 0, 0, shanghai), 14, nil); len(un) != 0 {
		t.Errorf("only 13 days: %+v", un)
	}
	// The archive line of 查.
	line, err := cert.Line(h.Ctx, h.Store, 12, h.Member("张三").ID, time.Date(2026, 12, 20, 9, 0, 0, 0, shanghai))
	if err != nil {
		t.Fatal(err)
	}
	apptest.Expect(t, "line", line, "活动证：编号34150000001，2025年12月10日发证，下次年审2026年12月10日（已逾期）", "流入地未登记", "须交回查验（已于2026年12月5日返乡）")
	line, _ = cert.Line(h.Ctx, h.Store, 12, h.Member("李四").ID, time.Date(2026, 12, 20, 9, 0, 0, 0, shanghai))
	apptest.Expect(t, "line returned", line, "活动证：编号34150000002，2026年12月8日已收回查验")
	var none store.Member
	line, _ = cert.Line(h.Ctx, h.Store, 12, none.ID, h.Now)
	apptest.Expect(t, "line none", line, "活动证：未办理")
}
