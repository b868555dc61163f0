package transfer_test

import (
	"bytes"
	"fmt"
	"image/png"
	"strings"
	"testing"
	"time"

	"liudong/bot"
	"liudong/bot/bottest"
	"liudong/internal/app/apptest"
	"liudong/internal/stats"
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

const rosterCSV = `姓名,性别,出生日期,学历,所在党支部,入党日期,手机号码,人员类别,月收入,流动类型,外出日期,流动地点,外出原因,职务
王书记,男,1970-01-01,大学本科,第一党支部,,,,,,,,,书记
张三,男,1990-03-15,高中,第一党支部,2010-07-01,13800001234,在职,4000,流出,2026-03-01,广东省深圳市南山区,务工,
李四,男,1985-11-02,初中,第一党支部,,,,,,,,,
孙二,男,1980-01-01,高中,第二党支部,,,,,流出,2026-01-05,江苏省苏州市,务工,
周书记,女,1975-01-01,大学本科,第二党支部,,,,,,,,,书记
`

// setup imports the roster, binds everyone at the clock given, and pins the day liudong
// learned of the members (the lost-contact rule reads it) to that clock.
func setup(t *testing.T, clock string) *apptest.Harness {
	t.Helper()
	h := apptest.New(t)
	h.Import(rosterCSV)
	h.Now = at(clock)
	if _, err := h.Store.DB().Exec(`UPDATE members SET created_at = $1`, h.Now); err != nil {
		t.Fatal(err)
	}
	for name, handle := range map[string]string{"王书记": "u-wang", "张三": "u-zhang", "李四": "u-li", "孙二": "u-sun", "周书记": "u-zhou"} {
		h.Bind(name, handle)
	}
	return h
}

// summary counts the unit's members as of a date.
func summary(t *testing.T, h *apptest.Harness, unit, day string) stats.Summary {
	t.Helper()
	u, err := h.App.Stats.Unit(h.Ctx, unit)
	if err != nil {
		t.Fatal(err)
	}
	d, err := time.ParseInLocation(time.DateOnly, day, shanghai)
	if err != nil {
		t.Fatal(err)
	}
	s, err := h.App.Stats.Summary(h.Ctx, u, stats.Date{Day: d})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// table finds an official table's rows as text.
func table(t *testing.T, h *apptest.Harness, unit, day, sheet string) []string {
	t.Helper()
	u, err := h.App.Stats.Unit(h.Ctx, unit)
	if err != nil {
		t.Fatal(err)
	}
	d, _ := time.ParseInLocation(time.DateOnly, day, shanghai)
	tables, err := h.App.Stats.Tables(h.Ctx, u, stats.Date{Day: d})
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range tables {
		if tb.Sheet != sheet {
			continue
		}
		var out []string
		for _, row := range tb.Rows {
			var cells []string
			for _, c := range row {
				cells = append(cells, strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(toText(c), "\n", ""), " ", "")))
			}
			out = append(out, strings.Join(cells, " "))
		}
		return append([]string{strings.Join(tb.Header, " ")}, out...)
	}
	t.Fatalf("no table %s", sheet)
	return nil
}

func toText(v any) string { return fmt.Sprint(v) }

func botText(from, text string) bot.Message { return bot.Message{From: from, Nick: from, Text: text} }

func textsOf(res bot.Result) string { return bottest.Texts(res.Replies) }

// The whole life of a transfer out, by chat: the six-month prompt ends with the command, the
// letter is issued and the member told, a second letter is refused, the follow-up warns of the
// receipt not back and of the expiry, the receipt makes the member 已转出, and the lists and the
// statistics follow — before the receipt's date he counts, from it he does not.
func TestTransferOutLife(t *testing.T) {
	h := setup(t, "2026-09-10 08:30")

	// Six months at one place: the prompt ends with the 转出 command to send.
	got := h.RunJob("transfer-prompt", at("2026-09-10 09:00"))
	if got["transfer.secretary"] != 2 || got["transfer.member"] != 2 { // 张三 and, in the other branch, 孙二
		t.Fatalf("transfer prompt: %v", got)
	}
	apptest.Expect(t, "prompt to the secretary", h.SentSince("u-wang", 0), "应转接组织关系", "转出 张三 接收党组织全称")

	h.Now = at("2026-09-10 10:00")
	before := len(h.Platform.SentTo("u-zhang"))
	reply := h.Say("u-wang", "转出 张三 广东省深圳市南山区粤海街道党工委")
	apptest.Expect(t, "letter issued", reply, "已开具组织关系介绍信", "编号：测试镇党委〔2026〕001号",
		"接收党组织：广东省深圳市南山区粤海街道党工委", "开具日期：2026年9月10日", "有效期至：2026年12月10日（3个月）",
		"正式党员", "存根已留存", "回执应于2026年10月10日前寄回", "介绍信 张三", "已告知本人")
	told := h.SentSince("u-zhang", before)
	apptest.Expect(t, "the member told", told, "测试镇党委〔2026〕001号", "广东省深圳市南山区粤海街道党工委", "2026年12月10日前",
		"身份证", "回执")

	// A second letter while the first waits for its receipt is refused.
	apptest.Expect(t, "second letter", h.Say("u-wang", "转接 张三 到 浙江省杭州市西湖区XX街道党工委"), "已有一份待回执的介绍信",
		"测试镇党委〔2026〕001号", "撤销转出 张三")
	// Out of scope: answered as an unknown name.
	if got, want := h.Say("u-zhou", "转出 张三 广东省深圳市南山区粤海街道党工委"), h.Say("u-zhou", "转出 张无忌 广东省深圳市南山区粤海街道党工委"); got != strings.ReplaceAll(want, "张无忌", "张三") {
		t.Errorf("out of scope %q, unknown %q", got, want)
	}

	// The letter as an image.
	res := h.Send(botText("u-wang", "介绍信 张三"))
	var img []byte
	for _, r := range res.Replies {
		if len(r.Image) > 0 {
			img = r.Image
		}
	}
	if len(img) > 0 {
		if _, err := png.Decode(bytes.NewReader(img)); err != nil {
			t.Fatalf("letter image: %v", err)
		}
	} else if !strings.Contains(textsOf(res), "文字版") {
		t.Fatalf("介绍信: neither image nor text: %q", textsOf(res))
	}

	// Statistics before the receipt: 张三 is an outflow member of the branch.
	if s := summary(t, h, "第一党支部", "2026-11-30"); s.Members != 3 || s.Outflow != 1 {
		t.Fatalf("before: %+v", s)
	}

	// A month after the issue, no receipt: the secretary hears, and again a week later, not daily.
	got = h.RunJob("transfer-followup", at("2026-10-09 09:00"))
	if got["transfer.receipt_overdue"] != 0 {
		t.Fatalf("before a month: %v", got)
	}
	mark := len(h.Platform.SentTo("u-wang"))
	got = h.RunJob("transfer-followup", at("2026-10-10 09:00"))
	if got["transfer.receipt_overdue"] != 1 {
		t.Fatalf("a month on: %v", got)
	}
	apptest.Expect(t, "receipt overdue", h.SentSince("u-wang", mark), "【组织关系接转】", "开出已满1个月，仍未收到回执", "张三",
		"测试镇党委〔2026〕001号")
	if got := h.RunJob("transfer-followup", at("2026-10-11 09:00")); len(got) != 0 {
		t.Fatalf("the next day: %v", got)
	}
	if got := h.RunJob("transfer-followup", at("2026-10-17 09:00")); got["transfer.receipt_overdue"] != 1 {
		t.Fatalf("a week later: %v", got)
	}
	// 7 days before the letter expires: the secretary and the member hear, once.
	if got := h.RunJob("transfer-followup", at("2026-12-02 09:00")); got["transfer.expiring"] != 0 {
		t.Fatalf("8 days before: %v", got)
	}
	mark, markMember := len(h.Platform.SentTo("u-wang")), len(h.Platform.SentTo("u-zhang"))
	got = h.RunJob("transfer-followup", at("2026-12-03 09:00"))
	if got["transfer.expiring"] != 1 || got["transfer.expiring.member"] != 1 {
		t.Fatalf("7 days before: %v", got)
	}
	apptest.Expect(t, "expiring", h.SentSince("u-wang", mark), "7天内到期", "还有7天")
	apptest.Expect(t, "member reminded", h.SentSince("u-zhang", markMember), "将于2026年12月10日到期", "报到")
	if got := h.RunJob("transfer-followup", at("2026-12-04 09:00")); got["transfer.expiring"] != 0 {
		t.Fatalf("expiry told twice: %v", got)
	}
	// The weekly digest lists the letter.
	mark = len(h.Platform.SentTo("u-wang"))
	h.RunJob("weekly-digest", at("2026-11-30 09:30"))
	apptest.Expect(t, "digest", h.SentSince("u-wang", mark), "【每周逾期汇总】", "组织关系转出", "张三", "仍未收到回执")
	// 逾期 lists the letter.
	h.Now = at("2026-12-04 10:00")
	apptest.Expect(t, "逾期", h.Say("u-wang", "逾期"), "组织关系转出", "张三", "还有6天")

	// The receipt, dated the 5th: from then on 张三 is 已转出.
	apptest.Expect(t, "receipt in the future", h.Say("u-wang", "回执 张三 2026年12月9日"), "还没到")
	apptest.Expect(t, "receipt before the issue", h.Say("u-wang", "回执 张三 2026年9月1日"), "早于介绍信开具日期")
	h.Now = at("2026-12-07 10:00") // recorded two days after the receipt's date
	markMember = len(h.Platform.SentTo("u-zhang"))
	reply = h.Say("u-wang", "回执 张三 2026年12月5日")
	apptest.Expect(t, "receipt", reply, "已登记回执", "2026年12月5日转入广东省深圳市南山区粤海街道党工委", "已转出", "此前日期的统计仍计入", "查 张三")
	apptest.Expect(t, "member told of the receipt", h.SentSince("u-zhang", markMember), "正式转入", "本助手不再")

	// Statistics follow: the day before the receipt he counts, from its date he does not.
	if s := summary(t, h, "第一党支部", "2026-12-04"); s.Members != 3 || s.Outflow != 1 {
		t.Fatalf("the day before the receipt: %+v", s)
	}
	for _, day := range []string{"2026-12-05", "2026-12-06"} {
		if s := summary(t, h, "第一党支部", day); s.Members != 2 || s.Outflow != 0 {
			t.Fatalf("%s: %+v", day, s)
		}
	}
	moves := table(t, h, "测试镇党委", "2026-12-06", "组织关系接转")
	if moves[len(moves)-1] != "合计 1 0 0" {
		t.Errorf("transfers table: %v", moves)
	}
	// Off the lists: 逾期 and the digest no longer name him; other commands refuse him; 查 reads
	// the archive.
	apptest.Refuse(t, "逾期 after", h.Say("u-wang", "逾期"), "张三")
	apptest.Expect(t, "收党费 after", h.Say("u-wang", "收党费 张三 2026年12月 40"), "2026年12月5日转出", "查 张三")
	apptest.Expect(t, "转出 after", h.Say("u-wang", "转出 张三 浙江省杭州市西湖区XX街道党工委"), "已于2026年12月5日转出")
	archive := h.Say("u-wang", "查 张三")
	apptest.Expect(t, "archive kept", archive, "张三（第一党支部）档案摘要", "已转出", "组织关系接转",
		"测试镇党委〔2026〕001号", "已于2026年12月5日收到回执")
	mark = len(h.Platform.SentTo("u-wang"))
	h.RunJob("weekly-digest", at("2026-12-14 09:30"))
	apptest.Refuse(t, "digest after", h.SentSince("u-wang", mark), "张三")
	if got := h.RunJob("transfer-followup", at("2026-12-11 09:00")); len(got) != 0 {
		t.Errorf("follow-up after the receipt: %v", got)
	}
	// The member himself is told where he stands.
	apptest.Expect(t, "member after", h.Say("u-zhang", "党费"), "已于2026年12月5日", "转出", "接收党组织")

	// The receipt cannot be recorded twice.
	apptest.Expect(t, "receipt twice", h.Say("u-wang", "回执 张三"), "已于2026年12月5日转出")
	var status string
	h.Store.DB().Get(&status, `SELECT status FROM transfers WHERE number = '测试镇党委〔2026〕001号'`)
	if status != store.TransferReceived {
		t.Errorf("letter status %q", status)
	}
}

// A letter cancelled before the receipt: the reason is required, the member is told, the number
// is not used again and a new letter can be issued.
func TestTransferCancelled(t *testing.T) {
	h := setup(t, "2026-09-10 10:00")
	apptest.Expect(t, "issue", h.Say("u-wang", "转出 张三 广东省深圳市南山区粤海街道党工委"), "测试镇党委〔2026〕001号")
	apptest.Expect(t, "no reason", h.Say("u-wang", "撤销转出 张三"), "请写明撤销的原因")
	mark := len(h.Platform.SentTo("u-zhang"))
	apptest.Expect(t, "cancel", h.Say("u-wang", "撤销转出 张三 本人暂不转接"), "已撤销", "测试镇党委〔2026〕001号", "本人暂不转接", "作废")
	apptest.Expect(t, "member told", h.SentSince("u-zhang", mark), "已撤销", "本人暂不转接", "仍在第一党支部")
	apptest.Expect(t, "receipt of a cancelled letter", h.Say("u-wang", "回执 张三"), "已于2026年9月10日撤销")
	apptest.Expect(t, "cancel twice", h.Say("u-wang", "撤销转出 张三 重复"), "撤销")
	apptest.Expect(t, "a new letter", h.Say("u-wang", "转出 张三 浙江省杭州市西湖区XX街道党工委"), "测试镇党委〔2026〕002号")
	// Still the branch's: counted, and on its lists.
	if s := summary(t, h, "第一党支部", "2026-09-10"); s.Members != 3 {
		t.Errorf("after cancel: %+v", s)
	}
	archive := h.Say("u-wang", "查 张三")
	apptest.Expect(t, "archive", archive, "测试镇党委〔2026〕001号", "撤销作废", "测试镇党委〔2026〕002号", "待回执")
}

// A member arrives with a letter: the missing roster fields are asked one by one, the member is
// created in the branch and counted from that day, and the receipt to return is watched until
// 已回执.
func TestTransferIn(t *testing.T) {
	h := setup(t, "2026-11-20 10:00")
	apptest.Expect(t, "no number", h.Say("u-wang", "转入 王五 来自 江苏省苏州市吴中区XX党委"), "请写上介绍信编号")
	apptest.Expect(t, "start", h.Say("u-wang", "转入 王五 来自 江苏省苏州市吴中区XX党委 介绍信号 苏〔2026〕123"), "王五的性别")
	apptest.Expect(t, "bad gender", h.Say("u-wang", "不知道"), "没有看懂", "王五的性别")
	apptest.Expect(t, "gender", h.Say("u-wang", "男"), "王五的出生日期")
	apptest.Expect(t, "birth", h.Say("u-wang", "1990年5月1日"), "王五的学历")
	reply := h.Say("u-wang", "大专")
	apptest.Expect(t, "received", reply, "已登记转入", "王五（男，1990年5月1日生，大学专科）编入第一党支部", "2026年11月20日起",
		"苏〔2026〕123", "2026年12月20日前把回执寄回江苏省苏州市吴中区XX党委", "已回执 王五", "邀请码 王五")
	wang := h.Member("王五")
	if wang.BranchName != "第一党支部" || wang.TransferredInOn == nil || wang.Mobility != "" {
		t.Fatalf("member: %+v", wang)
	}
	// Counted from the day received, not before.
	if s := summary(t, h, "第一党支部", "2026-11-19"); s.Members != 3 {
		t.Errorf("the day before: %+v", s)
	}
	if s := summary(t, h, "第一党支部", "2026-11-20"); s.Members != 4 {
		t.Errorf("the day received: %+v", s)
	}
	moves := table(t, h, "第一党支部", "2026-11-30", "组织关系接转")
	if moves[len(moves)-1] != "第一党支部 0 1 0" {
		t.Errorf("transfers table: %v", moves)
	}
	// The receipt to return: in 逾期, reminded before it is due and weekly after.
	apptest.Expect(t, "逾期", h.Say("u-wang", "逾期"), "组织关系转入：回执未寄回", "王五", "2026年12月20日前寄回")
	if got := h.RunJob("transfer-followup", at("2026-12-12 09:00")); got["transfer.in_receipt"] != 0 {
		t.Fatalf("8 days before: %v", got)
	}
	mark := len(h.Platform.SentTo("u-wang"))
	if got := h.RunJob("transfer-followup", at("2026-12-13 09:00")); got["transfer.in_receipt"] != 1 {
		t.Fatalf("7 days before: %v", got)
	}
	apptest.Expect(t, "reminder", h.SentSince("u-wang", mark), "回执还没有寄回", "王五", "已回执 姓名")
	if got := h.RunJob("transfer-followup", at("2026-12-21 09:00")); got["transfer.in_receipt"] != 1 {
		t.Fatalf("overdue: %v", got)
	}
	h.Now = at("2026-12-22 10:00")
	apptest.Expect(t, "returned", h.Say("u-wang", "已回执 王五"), "已登记", "2026年12月22日寄回江苏省苏州市吴中区XX党委")
	apptest.Refuse(t, "逾期 after", h.Say("u-wang", "逾期"), "王五")
	apptest.Expect(t, "twice", h.Say("u-wang", "已回执 王五"), "已于2026年12月22日登记寄回")
	if got := h.RunJob("transfer-followup", at("2026-12-28 09:00")); len(got) != 0 {
		t.Errorf("after the receipt went back: %v", got)
	}

	// Everything at once, and a name already on the roster.
	apptest.Expect(t, "inline", h.Say("u-wang", "转入 赵六 来自 安徽省合肥市蜀山区XX党委 介绍信号 皖〔2026〕9 女 1988-02-03 本科 13900001111"),
		"赵六（女，1988年2月3日生，大学本科）编入第一党支部")
	apptest.Expect(t, "twice on the roster", h.Say("u-wang", "转入 赵六 来自 X党委 介绍信号 1 女 1988-02-03 本科"), "已在第一党支部的名册中")
	// A member who has not bound his chat account cannot be told by the bot: the secretary is.
	apptest.Expect(t, "unbound member", h.Say("u-wang", "转出 赵六 浙江省杭州市西湖区XX街道党工委"), "赵六尚未绑定本助手，请当面或电话告知本人")
	apptest.Expect(t, "cancel the questions", h.Say("u-wang", "转入 钱七 来自 X党委 介绍信号 2"), "性别")
	apptest.Expect(t, "cancelled", h.Say("u-wang", "取消"), "已取消")
	if ms, _ := h.Store.MembersByName(h.Ctx, "钱七", nil); len(ms) != 0 {
		t.Errorf("cancelled transfer in created %v", ms)
	}
	// A secretary of two branches is asked which.
	sec := h.Member("王书记")
	second, err := h.Store.OrgUnitByID(h.Ctx, h.Member("孙二").BranchID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Store.GrantRole(h.Ctx, sec.ID, second.ID, store.RoleSecretary); err != nil {
		t.Fatal(err)
	}
	apptest.Expect(t, "which branch", h.Say("u-wang", "转入 孙七 来自 X党委 介绍信号 5 男 1980-01-01 高中"), "转入哪个党支部", "1. 第一党支部", "2. 第二党支部")
	apptest.Expect(t, "branch chosen", h.Say("u-wang", "2"), "孙七（男，1980年1月1日生，高中）编入第二党支部")
	if m := h.Member("孙七"); m.BranchName != "第二党支部" {
		t.Errorf("孙七 in %s", m.BranchName)
	}
	// A member cannot receive members.
	apptest.Expect(t, "member", h.Say("u-li", "转入 王五 来自 X党委 介绍信号 3"), "仅限党支部书记")
}
