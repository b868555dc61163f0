package collect_test

import (
	"strings"
	"testing"
	"time"

	"liudong/internal/app/apptest"
	"liudong/internal/dues"
	"liudong/internal/store"
)

const roster = `姓名,性别,出生日期,学历,所在党支部,入党日期,手机号码,人员类别,月收入,流动类型,外出日期,流动地点,外出原因,工作单位,职务
王建国,男,1968-05-12,大学专科,第一党支部,1995-07-01,13900000001,在职,5200,,,,,镇农业服务中心,书记
张三,男,1990-03-15,高中,第一党支部,2015-06-20,13900000002,在职,4000,流出,2026-03-01,广东省深圳市南山区,务工,深圳某电子厂,
李四,男,1985-11-02,初中及以下,第一党支部,2010-07-01,13900000003,个体,6000,流出,2025-10-10,浙江省杭州市,经商,杭州某商贸公司,
孙七,女,1960-01-20,高中,第一党支部,1990-07-01,,离退休,,,,,,,
周八,男,1975-09-09,高中,第二党支部,2000-07-01,,农民,,,,,,,书记
吴九,男,1980-02-02,高中,第二党支部,2003-07-01,,在职,3000,,,,,,
`

var shanghai = mustLoc("Asia/Shanghai")

func mustLoc(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func at(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 10, 0, 0, 0, shanghai) }

func setup(t *testing.T) *apptest.Harness {
	t.Helper()
	h := apptest.New(t)
	h.Now = at(2026, 11, 5)
	h.Import(roster)
	h.Bind("王建国", "u-wang")
	h.Bind("张三", "u-zhang")
	h.Bind("李四", "u-li")
	h.Bind("周八", "u-zhou")
	h.Bind("吴九", "u-wu")
	return h
}

func lastTo(h *apptest.Harness, handle string) string {
	sent := h.Platform.SentTo(handle)
	if len(sent) == 0 {
		return ""
	}
	return sent[len(sent)-1]
}

func TestMemberAsksSecretaryRecords(t *testing.T) {
	h := setup(t)

	got := h.Say("u-zhang", "党费")
	apptest.Expect(t, "first look", got,
		"在职，税后月收入4,000.00元，按1%计，每月40.00元",
		"党费自2026年11月起计", "无欠缴", "本月（2026年11月）应交40.00元，尚未缴纳")

	got = h.Say("u-wang", "收党费 张三 2026年11月 40")
	apptest.Expect(t, "record", got, "已登记张三的党费：2026年11月，实收40.00元", "记录#", "已缴至2026年11月")
	apptest.Expect(t, "member notified", lastTo(h, "u-zhang"), "您的党费缴纳已登记：2026年11月，40.00元", "王建国登记", "已缴至2026年11月")

	got = h.Say("u-zhang", "党费")
	apptest.Expect(t, "after payment", got, "已缴至2026年11月", "无欠缴", "本月（2026年11月）应交40.00元，已交", "最近一次缴费：2026年11月5日登记，2026年11月，40.00元")

	// Two months later: December and January are owed... January is this month.
	h.Now = at(2027, 1, 10)
	got = h.Say("u-zhang", "党费")
	apptest.Expect(t, "arrears", got, "已缴至2026年11月", "欠缴1个月（2026年12月），共40.00元", "本月（2027年1月）应交40.00元，尚未缴纳")

	// 3个月 = the next three unpaid months, across the year boundary.
	got = h.Say("u-wang", "收党费 张三 3个月 120")
	apptest.Expect(t, "count", got, "2026年12月-2027年2月，实收120.00元", "已缴至2027年2月，无欠缴")
	got = h.Say("u-zhang", "党费")
	apptest.Expect(t, "advance", got, "已缴至2027年2月", "无欠缴", "本月（2027年1月）应交40.00元，已交")
}

func TestSecretaryErrors(t *testing.T) {
	h := setup(t)
	tests := []struct {
		who, text string
		want      []string
	}{
		{"u-wang", "收党费 张三 2026年11月 12.5", []string{"金额不符：2026年11月应交40.00元，实收12.50元"}},
		{"u-wang", "收党费 张三 2026年11月", []string{"请写上实收金额：2026年11月应交40.00元", "收党费 张三 2026年11月 40.00"}},
		{"u-wang", "收党费 张三 2026年11月-2027年6月 320", []string{"预交最多6个月，最晚可交到2027年5月"}},
		{"u-wang", "收党费 张三 2026年13月 40", []string{"月份应为1到12"}},
		{"u-wang", "收党费 张三 40", []string{"请写明缴费月份"}},
		{"u-wang", "收党费 张三 2026年11月 12.345", []string{"最多精确到分"}},
		{"u-wang", "收党费 王五 2026年11月 40", []string{"没有找到党员“王五”"}},
		// 周八 is secretary of 第二党支部 only.
		{"u-zhou", "收党费 张三 2026年11月 40", []string{"没有找到党员“张三”"}},
		{"u-zhang", "收党费 张三 2026年11月 40", []string{"仅限党支部书记"}},
		{"u-zhang", "党费 李四", []string{"仅限党支部书记"}},
		{"u-wang", "收党费 王建国 2026年11月 78 流入地", []string{"王建国不是流动党员"}},
		{"u-wang", "冲正 张三 #999 录错", []string{"没有编号为#999的缴费记录"}},
		{"u-wang", "冲正 张三", []string{"请写明要冲正的缴费记录编号或月份"}},
		{"u-wang", "减免 张三 2026年11月-12月 免交 生活困难", []string{"请写明批准单位"}},
		{"u-wang", "减免 张三 2026年11月-12月 免交 生活困难 第一党支部批准", []string{"不能由支部自行批准"}},
		{"u-wang", "减免 张三 2026年11月-12月 减交每月40元 生活困难 镇党委批准", []string{"应低于核定的每月40.00元"}},
		{"u-wang", "核定党费 孙七", []string{"请写明人员类别或收入"}},
		{"u-wang", "核定党费 孙七 离退休", []string{"离退休人员需填写月养老金"}},
		{"u-wang", "核定党费 张三 月收入", []string{"请在收入后写上金额"}},
		{"u-wang", "核定党费 张三 老板 5000", []string{"看不懂“老板”"}},
		{"u-wang", "核定党费 张三 月收入5200 自2024年1月", []string{"核定的起始月份最早为2024年11月"}},
		{"u-wang", "核定党费 张三 月收入5200 自2027年1月", []string{"核定的起始月份最晚为2026年12月"}},
	}
	for _, tt := range tests {
		got := h.Say(tt.who, tt.text)
		apptest.Expect(t, tt.text, got, tt.want...)
	}
	// Nothing was written by the refused commands.
	payments, err := h.Store.DuesPaymentsOf(h.Ctx, h.Member("张三").ID)
	if err != nil || len(payments) != 0 {
		t.Errorf("payments after refusals: %v, %v", payments, err)
	}
	for _, text := range h.Platform.SentTo("u-zhang") {
		if strings.HasPrefix(text, "您的党费") || strings.HasPrefix(text, "经批准") {
			t.Errorf("member notified of a refused command: %q", text)
		}
	}
}

func TestArrearsBeyondSixMonths(t *testing.T) {
	h := setup(t)
	h.Now = at(2026, 3, 5)
	apptest.Expect(t, "open", h.Say("u-zhang", "党费"), "党费自2026年3月起计")
	h.Now = at(2026, 11, 5)
	got := h.Say("u-wang", "收党费 张三 2026年3月-11月 360")
	apptest.Expect(t, "without note", got, "补交一般不超过6个月（最早2026年5月），确需补交2026年3月-11月请注明原因")
	got = h.Say("u-wang", "收党费 张三 2026年3月-11月 360 说明：外出务工期间无法缴纳，支委会同意补交")
	apptest.Expect(t, "with note", got, "实收360.00元", "说明：外出务工期间无法缴纳，支委会同意补交", "已缴至2026年11月")
}

func TestReversalAndExemption(t *testing.T) {
	h := setup(t)
	h.Say("u-wang", "收党费 张三 2026年11月 40")
	h.Now = at(2026, 12, 3)
	got := h.Say("u-wang", "收党费 张三 2026年12月-2027年1月 80")
	apptest.Expect(t, "second", got, "已缴至2027年1月")
	id := entryID(t, got)

	got = h.Say("u-wang", "冲正 张三 #"+id)
	apptest.Expect(t, "no reason", got, "冲正需注明原因")
	got = h.Say("u-wang", "冲正 张三 #"+id+" 实际只交了一个月")
	apptest.Expect(t, "reversed", got, "已冲正张三的缴费记录#"+id+"（2026年12月-2027年1月，80.00元）", "已缴至2026年11月")
	apptest.Expect(t, "member told", lastTo(h, "u-zhang"), "已冲正，原因：实际只交了一个月")
	got = h.Say("u-wang", "冲正 张三 #"+id+" 再来一次")
	apptest.Expect(t, "twice", got, "已被记录")
	got = h.Say("u-wang", "收党费 张三 2026年12月 40")
	apptest.Expect(t, "re-entered", got, "已缴至2026年12月")
	got = h.Say("u-wang", "冲正 张三 2026年12月 重复登记")
	apptest.Expect(t, "by month", got, "已缴至2026年11月")

	// The ledger keeps every entry; the secretary sees them with numbers.
	got = h.Say("u-wang", "党费 张三")
	apptest.Expect(t, "secretary view", got, "张三（第一党支部）的党费", "#"+id+" 2026年12月-2027年1月 80.00", "已被#", "冲正#"+id+"：实际只交了一个月")

	// An exemption: waived months are not arrears; a reduced month owes the reduced amount.
	h.Now = at(2027, 3, 1)
	got = h.Say("u-wang", "减免 张三 2026年12月-2027年1月 免交 生活困难 镇党委批准")
	apptest.Expect(t, "waive", got, "已登记张三2026年12月-2027年1月免交党费（原因：生活困难；经镇党委批准）", "已缴至2027年1月", "欠缴1个月")
	apptest.Expect(t, "member told of waiver", lastTo(h, "u-zhang"), "经批准，您2026年12月-2027年1月免交党费")
	got = h.Say("u-wang", "减免 张三 2027年1月-4月 免交 生活困难 镇党委批准")
	apptest.Expect(t, "overlap", got, "与已有的减免重叠")
	got = h.Say("u-wang", "减免 张三 2027年2月-4月 减交 每月5元 因病 经镇党委批准")
	apptest.Expect(t, "reduce", got, "2027年2月-4月党费减为每月5.00元（原因：因病；经镇党委批准）", "欠缴1个月共5.00元")
	got = h.Say("u-zhang", "党费")
	apptest.Expect(t, "member sees", got, "已缴至2027年1月", "欠缴1个月（2027年2月），共5.00元", "本月（2027年3月）应交5.00元", "减免：2027年2月-4月党费减为每月5.00元")

	got = h.Say("u-wang", "撤销减免 张三 2027年4月 原因：病愈")
	apptest.Expect(t, "revoke", got, "已撤销张三的党费减免：2027年2月-4月党费减为每月5.00元")
	apptest.Expect(t, "member told of revocation", lastTo(h, "u-zhang"), "您的党费减免（2027年2月-4月党费减为每月5.00元", "已撤销，原因：病愈")
	got = h.Say("u-zhang", "党费")
	apptest.Refuse(t, "after revoke", got, "减为每月5.00元")
	apptest.Expect(t, "after revoke", got, "欠缴1个月（2027年2月），共40.00元", "本月（2027年3月）应交40.00元")
	got = h.Say("u-wang", "收党费 张三 2027年2月-3月 80")
	apptest.Expect(t, "paid", got, "已缴至2027年3月，无欠缴")

	actions := map[string]int{}
	es, err := h.Store.AuditOf(h.Ctx, h.Member("张三").ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		actions[e.Action]++
	}
	for action, n := range map[string]int{"dues.payment": 4, "dues.reversal": 2, "dues.exemption": 2, "dues.exemption_revoked": 1, "command:党费": 1} {
		if actions[action] != n {
			t.Errorf("audit %s: %d rows, want %d (%v)", action, actions[action], n, actions)
		}
	}
}

func entryID(t *testing.T, reply string) string {
	t.Helper()
	_, after, ok := strings.Cut(reply, "记录#")
	if !ok {
		t.Fatalf("no entry number in %q", reply)
	}
	end := strings.IndexFunc(after, func(r rune) bool { return r < '0' || r > '9' })
	return after[:end]
}

func TestReassessAndInflow(t *testing.T) {
	h := setup(t)
	got := h.Say("u-wang", "核定党费 张三 月收入5200")
	apptest.Expect(t, "reassess", got, "已核定张三的党费：在职，税后月收入5,200.00元，按1.5%计，每月78.00元，自2026年11月起执行。（原为每月40.00元）")
	apptest.Expect(t, "member told", lastTo(h, "u-zhang"), "您的党费已重新核定：在职，税后月收入5,200.00元，按1.5%计，每月78.00元")
	got = h.Say("u-wang", "收党费 张三 2026年11月 78 流入地：深圳市南山区某某支部")
	apptest.Expect(t, "inflow", got, "在流入地缴纳：深圳市南山区某某支部")
	got = h.Say("u-wang", "党费 张三")
	apptest.Expect(t, "secretary view", got, "按1.5%计，每月78.00元（2026年11月起，书记核定）", "流入地（深圳市南山区某某支部）")

	got = h.Say("u-wang", "核定党费 李四 个体 上季度收入15000 自2026年10月")
	apptest.Expect(t, "quarter", got, "个体，上季度月平均纯收入5,000.00元，按1%计，每月50.00元，自2026年10月起执行")
	got = h.Say("u-li", "党费")
	apptest.Expect(t, "back-dated start", got, "党费自2026年10月起计", "欠缴1个月（2026年10月），共50.00元")

	// 孙七 has no pension in the roster: unassessed until the secretary assesses her.
	got = h.Say("u-wang", "党费 孙七")
	apptest.Expect(t, "unassessed", got, "尚未核定党费标准（花名册未填月收入")
	got = h.Say("u-wang", "党费未交")
	apptest.Expect(t, "digest", got, "第一党支部党费欠缴情况", "欠缴1个月（1人，共50.00元）：李四 50.00", "尚未核定党费标准1人：孙七")
	got = h.Say("u-wang", "核定党费 孙七 离退休 养老金4800")
	apptest.Expect(t, "retired", got, "离退休，月养老金4,800.00元，按0.5%计，每月24.00元")

	// 周八 (farmer) sees the flat amount; his branch's digest shows nobody else's.
	apptest.Expect(t, "farmer", h.Say("u-zhou", "党费"), "农民，按规定每月0.20元")
	got = h.Say("u-zhou", "党费未交")
	apptest.Expect(t, "other branch", got, "第二党支部的党员均无欠缴党费")
	apptest.Refuse(t, "other branch", got, "李四")
}

func TestYearlyAssessment(t *testing.T) {
	h := setup(t)
	svc := h.App.Dues
	zhang := h.Member("张三")
	// November 2026: first assessment from the roster (4000 → 40元).
	if _, err := svc.Account(h.Ctx, zhang.ID, dues.Month{Year: 2026, Month: 11}); err != nil {
		t.Fatal(err)
	}
	// The secretary re-assesses in December; the roster is unchanged.
	h.Now = at(2026, 12, 1)
	h.Say("u-wang", "核定党费 张三 年薪制 当月薪酬12000")
	// January 2027: the yearly assessment carries the secretary's basis forward.
	rep, err := svc.AssessDue(h.Ctx, dues.Month{Year: 2027, Month: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Added == 0 {
		t.Fatalf("no yearly assessments: %+v", rep)
	}
	a, err := svc.Account(h.Ctx, zhang.ID, dues.Month{Year: 2027, Month: 1})
	if err != nil {
		t.Fatal(err)
	}
	cur := a.InForce(dues.Month{Year: 2027, Month: 1})
	if cur.Reason != store.AssessAnnual || cur.Category != dues.AnnualSalary || cur.Monthly != 240_00 || cur.Basis != store.BasisSecretary {
		t.Errorf("yearly assessment carried %+v", cur)
	}
	// Running it again adds nothing.
	again, err := svc.AssessDue(h.Ctx, dues.Month{Year: 2027, Month: 3}, nil)
	if err != nil || again.Added != 0 {
		t.Errorf("second run: %+v, %v", again, err)
	}
	// A roster change wins at the next yearly assessment.
	h.Import(strings.Replace(roster, "在职,4000,流出", "在职,2000,流出", 1))
	if _, err := svc.AssessDue(h.Ctx, dues.Month{Year: 2028, Month: 1}, nil); err != nil {
		t.Fatal(err)
	}
	a, err = svc.Account(h.Ctx, zhang.ID, dues.Month{Year: 2028, Month: 1})
	if err != nil {
		t.Fatal(err)
	}
	cur = a.InForce(dues.Month{Year: 2028, Month: 1})
	if cur.Category != dues.Employed || cur.Monthly != 10_00 || cur.Basis != store.BasisRoster {
		t.Errorf("roster change not taken: %+v", cur)
	}
	h.Now = at(2028, 1, 5)
	apptest.Expect(t, "member sees the new amount", h.Say("u-zhang", "党费"), "在职，税后月收入2,000.00元，按0.5%计，每月10.00元（2028年1月起）")
}
