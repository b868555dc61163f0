package report_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"liudong/internal/app"
	"liudong/internal/app/apptest"
	"liudong/internal/config"
	"liudong/internal/store"
)

const roster = `姓名,性别,出生日期,学历,所在党支部,入党日期,手机号码,人员类别,流动类型,外出日期,流动地点,外出原因,工作单位,职务
王书记,男,1970-01-01,大学本科,第一党支部,1995-07-01,13900000001,在职,,,,,,书记
张三,男,1990-03-15,高中,第一党支部,2015-06-20,13912345678,在职,流出,2026-03-01,广东省深圳市南山区,务工,深圳某电子厂,
王五,男,1980-02-02,初中,第一党支部,,,农民,,,,,,
李四,男,1985-11-02,初中,第二党支部,,,个体,流出,2025-10-10,浙江省杭州市,经商,,
赵书记,女,1975-01-01,大学本科,第二党支部,,,在职,,,,,,书记
`

var shanghai = mustZone("Asia/Shanghai")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// may10 is in the second quarter of 2026.
var may10 = time.Date(2026, 5, 10, 10, 0, 0, 0, shanghai)

func setup(t *testing.T, edit ...func(*config.Config)) *apptest.Harness {
	t.Helper()
	h := apptest.New(t, edit...)
	h.Now = may10
	h.Import(roster)
	h.Bind("王书记", "u-wang")
	h.Bind("张三", "u-zhang")
	h.Bind("李四", "u-li")
	h.Bind("赵书记", "u-zhao")
	return h
}

// say sends text and fails unless the reply contains every want.
func say(t *testing.T, h *apptest.Harness, handle, text string, wants ...string) string {
	t.Helper()
	got := h.Say(handle, text)
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Fatalf("%s said %q\nreply: %s\nwant it to contain %q", handle, text, got, w)
		}
	}
	return got
}

// sayNot is say with texts the reply must not contain.
func sayNot(t *testing.T, h *apptest.Harness, handle, text string, unwanted ...string) string {
	t.Helper()
	got := h.Say(handle, text)
	for _, w := range unwanted {
		if strings.Contains(got, w) {
			t.Fatalf("%s said %q\nreply: %s\nwant it not to contain %q", handle, text, got, w)
		}
	}
	return got
}

func reportOf(t *testing.T, h *apptest.Harness, name, period string) (store.Report, bool) {
	t.Helper()
	r, err := h.Store.ReportOf(context.Background(), h.Member(name).ID, period)
	if store.IsNotFound(err) {
		return r, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return r, true
}

func countReports(t *testing.T, h *apptest.Harness) int {
	t.Helper()
	var n int
	if err := h.Store.DB().Get(&n, `SELECT count(*) FROM reports`); err != nil {
		t.Fatal(err)
	}
	return n
}

func auditActions(t *testing.T, h *apptest.Harness, action string) []store.AuditEntry {
	t.Helper()
	es, err := h.Store.AuditByAction(context.Background(), action)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func TestGuidedReport(t *testing.T) {
	t.Parallel()
	h := setup(t)
	say(t, h, "u-zhang", "汇报", "2026年第二季度", "（1/4）思想", "跳过", "取消")
	say(t, h, "u-zhang", "坚定理想信念，\n自觉和党中央保持一致。", "（2/4）工作")
	say(t, h, "u-zhang", "跳过", "已跳过“工作”", "（3/4）生活")

	// 帮助 is answered and the conversation goes on.
	say(t, h, "u-zhang", "帮助", "张三同志", "还没有填完", "第3项“生活”")
	// Another command is not run: the member is told how to go on.
	say(t, h, "u-zhang", "邀请码 王五", "正在填写", "“邀请码”暂时不能处理", "第3项“生活”")
	// 我的汇报 answers (nothing stored yet) and keeps the conversation.
	say(t, h, "u-zhang", "我的汇报", "还没有汇报", "第3项“生活”")
	// 汇报 alone repeats the question.
	say(t, h, "u-zhang", "汇报", "（3/4）生活")
	// An empty answer is asked again.
	say(t, h, "u-zhang", "😀", "请直接回复“生活”这一项的内容")

	say(t, h, "u-zhang", "家庭和睦，身体健康。", "（4/4）学习")
	got := say(t, h, "u-zhang", "每天学习强国。", "请核对", "【思想】坚定理想信念，\n自觉和党中央保持一致。", "【工作】（跳过）", "【生活】家庭和睦", "【学习】每天学习强国。", "确认")
	_ = got
	// A section can be changed before confirming.
	say(t, h, "u-zhang", "工作：在深圳电子厂当班长", "已修改", "【工作】在深圳电子厂当班长")
	say(t, h, "u-zhang", "嗯", "请回复“确认”提交")
	if countReports(t, h) != 0 {
		t.Fatal("stored before 确认")
	}
	say(t, h, "u-zhang", "确认！", "已提交2026年第二季度思想汇报")

	r, ok := reportOf(t, h, "张三", "2026Q2")
	if !ok {
		t.Fatal("no report stored")
	}
	want := store.ReportContent{Thought: "坚定理想信念，\n自觉和党中央保持一致。", Work: "在深圳电子厂当班长", Life: "家庭和睦，身体健康。", Study: "每天学习强国。"}
	if r.ReportContent != want || r.Source != "guided" || r.Revision != 1 || r.Reviewed() {
		t.Fatalf("stored %+v", r)
	}
	if !r.SubmittedAt.Equal(may10) {
		t.Fatalf("submitted at %v, want the message time", r.SubmittedAt)
	}
	if es := auditActions(t, h, "report.submit"); len(es) != 1 || *es[0].TargetMemberID != h.Member("张三").ID || es[0].InboundID == nil {
		t.Fatalf("audit: %+v", es)
	}
	// The conversation is over: the next message is an ordinary one.
	say(t, h, "u-zhang", "确认", "没有看懂")
}

func TestGuidedCancelAndAllSkipped(t *testing.T) {
	t.Parallel()
	h := setup(t)
	say(t, h, "u-zhang", "汇报", "（1/4）思想")
	say(t, h, "u-zhang", "思想稳定", "（2/4）工作")
	say(t, h, "u-zhang", "取消", "已取消本次汇报，没有保存任何内容")
	if countReports(t, h) != 0 {
		t.Fatal("a cancelled report was stored")
	}
	say(t, h, "u-zhang", "取消", "没有看懂")

	say(t, h, "u-zhang", "汇报", "（1/4）思想")
	for range 3 {
		h.Say("u-zhang", "跳过")
	}
	say(t, h, "u-zhang", "跳过", "四项都跳过了", "没有保存")
	if countReports(t, h) != 0 {
		t.Fatal("an empty report was stored")
	}
	// Cancelling at the confirmation stores nothing either.
	say(t, h, "u-zhang", "汇报", "（1/4）思想")
	h.Say("u-zhang", "跳过")
	h.Say("u-zhang", "跳过")
	h.Say("u-zhang", "跳过")
	say(t, h, "u-zhang", "读了党章", "请核对")
	say(t, h, "u-zhang", "算了", "已取消")
	if countReports(t, h) != 0 {
		t.Fatal("a cancelled report was stored")
	}
}

func TestGuidedReportAcceptsLabelledAnswers(t *testing.T) {
	t.Parallel()
	h := setup(t)
	say(t, h, "u-zhang", "汇报", "（1/4）思想")
	// A whole report pasted at the first question fills every section it labels.
	say(t, h, "u-zhang", "思想上很稳定。\n工作：在深圳务工\n学习：学习党章", "（3/4）生活")
	say(t, h, "u-zhang", "一切都好", "请核对", "【思想】思想上很稳定。", "【工作】在深圳务工", "【生活】一切都好", "【学习】学习党章")
	say(t, h, "u-zhang", "确认", "已提交")
	r, _ := reportOf(t, h, "张三", "2026Q2")
	if r.Thought != "思想上很稳定。" || r.Work != "在深圳务工" || r.Life != "一切都好" || r.Study != "学习党章" {
		t.Fatalf("stored %+v", r.ReportContent)
	}
}

func TestGuidedReportSurvivesRestart(t *testing.T) {
	t.Parallel()
	h := setup(t)
	say(t, h, "u-zhang", "汇报", "（1/4）思想")
	say(t, h, "u-zhang", "坚定", "（2/4）工作")

	// The process restarts: a new app over the same PostgreSQL and Redis.
	a2, err := app.New(h.App.Cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), h.Store, h.App.Redis)
	if err != nil {
		t.Fatal(err)
	}
	h.App = a2
	h.Dispatch = a2.Dispatcher(h.Platform)
	h.Platform.SetHandler(a2.Handler(h.Platform, h.Dispatch, true))

	say(t, h, "u-zhang", "在东莞做电工", "（3/4）生活")
	say(t, h, "u-zhang", "跳过", "（4/4）学习")
	say(t, h, "u-zhang", "学习强国", "【思想】坚定", "【工作】在东莞做电工")
	say(t, h, "u-zhang", "确认", "已提交")
	r, ok := reportOf(t, h, "张三", "2026Q2")
	if !ok || r.Thought != "坚定" || r.Work != "在东莞做电工" || r.Life != "" || r.Study != "学习强国" {
		t.Fatalf("after restart: %+v", r)
	}
}

func TestAbandonedGuidedReportExpires(t *testing.T) {
	t.Parallel()
	// A TTL too short for production (Validate wants 1m): the harness edits after validation.
	h := setup(t, func(c *config.Config) { c.Report.FlowTTL = time.Second })
	say(t, h, "u-zhang", "汇报", "（1/4）思想")
	say(t, h, "u-zhang", "坚定", "（2/4）工作")
	time.Sleep(1500 * time.Millisecond)
	// The conversation is gone: the answer is an ordinary message and nothing was stored.
	sayNot(t, h, "u-zhang", "在厂里上班", "（3/4）", "已提交")
	say(t, h, "u-zhang", "确认", "没有看懂")
	if countReports(t, h) != 0 {
		t.Fatal("a partial report was stored")
	}
	say(t, h, "u-zhang", "我的汇报", "还没有汇报")
	// A fresh 汇报 starts from the first question.
	say(t, h, "u-zhang", "汇报", "（1/4）思想")
}

func TestOneShotPhrasings(t *testing.T) {
	t.Parallel()
	h := setup(t)
	tests := []struct {
		name string
		text string
		want store.ReportContent
	}{
		{"colon lines", "汇报\n思想：坚定理想信念\n工作：在深圳务工\n生活：一切正常\n学习：坚持学习强国",
			store.ReportContent{Thought: "坚定理想信念", Work: "在深圳务工", Life: "一切正常", Study: "坚持学习强国"}},
		{"ascii colons, any order", "汇报 学习:读党章\n工作:送快递\n思想:稳定",
			store.ReportContent{Thought: "稳定", Work: "送快递", Study: "读党章"}},
		{"numbered, multi-line", "汇报\n一、思想方面\n坚定信念。\n听党指挥。\n二、工作方面\n在东莞电子厂。\n三、生活方面\n家庭和睦。\n四、学习方面\n参加党课。",
			store.ReportContent{Thought: "坚定信念。\n听党指挥。", Work: "在东莞电子厂。", Life: "家庭和睦。", Study: "参加党课。"}},
		{"brackets, glued to the command", "汇报【工作】在杭州做快递【生活】租房住",
			store.ReportContent{Work: "在杭州做快递", Life: "租房住"}},
		{"full-width colon after a comma", "汇报，思想：拥护党的领导。工作：认真负责。",
			store.ReportContent{Thought: "拥护党的领导。", Work: "认真负责。"}},
		{"a letter with a title", "思想汇报\n尊敬的党组织：\n一、思想方面\n坚定\n二、工作方面\n稳定\n此致\n敬礼！",
			store.ReportContent{Thought: "坚定", Work: "稳定", Free: "尊敬的党组织：\n此致\n敬礼！"}},
	}
	// Each phrasing in its own quarter, so none is a second report.
	at := time.Date(2024, 2, 1, 9, 0, 0, 0, shanghai)
	for _, tc := range tests {
		h.Now = at
		key := fmt.Sprintf("%dQ%d", at.Year(), (int(at.Month())-1)/3+1)
		got := say(t, h, "u-zhang", tc.text, "已保存")
		r, ok := reportOf(t, h, "张三", key)
		if !ok {
			t.Fatalf("%s: nothing stored under %s; reply %s", tc.name, key, got)
		}
		if r.ReportContent != tc.want || r.Source != "oneshot" {
			t.Errorf("%s: stored %+v, want %+v", tc.name, r.ReportContent, tc.want)
		}
		// The reply echoes each section stored, and names those left empty.
		for _, part := range []struct{ label, text string }{{"思想", tc.want.Thought}, {"工作", tc.want.Work}, {"生活", tc.want.Life}, {"学习", tc.want.Study}} {
			if part.text == "" {
				if !strings.Contains(got, "【"+part.label+"】（未填写）") || !strings.Contains(got, "未填写：") {
					t.Errorf("%s: reply does not say %s is empty: %s", tc.name, part.label, got)
				}
				continue
			}
			first := strings.Fields(part.text)[0]
			if !strings.Contains(got, "【"+part.label+"】"+first) {
				t.Errorf("%s: reply does not echo %s: %s", tc.name, part.label, got)
			}
		}
		at = at.AddDate(0, 3, 0)
	}
}

func TestLabelledReportWithoutCommand(t *testing.T) {
	t.Parallel()
	h := setup(t)
	// One label alone is not taken for a report.
	say(t, h, "u-zhang", "工作：换了厂", "没有看懂")
	say(t, h, "u-zhang", "思想：坚定\n工作：换到东莞了", "已保存2026年第二季度思想汇报", "【工作】换到东莞了")
	if r, ok := reportOf(t, h, "张三", "2026Q2"); !ok || r.Thought != "坚定" || r.Work != "换到东莞了" {
		t.Fatalf("stored %+v", r)
	}
	// A second one asks, as 汇报 does.
	say(t, h, "u-zhang", "生活：好\n学习：党章", "替换", "补充")
}

func TestFreeReport(t *testing.T) {
	t.Parallel()
	h := setup(t)
	text := "本季度我在深圳务工，一切都好，按时交了党费，每天看学习强国。"
	say(t, h, "u-zhang", "汇报 "+text, "已保存2026年第二季度思想汇报", "作为一篇完整汇报保存", "思想：……")
	r, ok := reportOf(t, h, "张三", "2026Q2")
	if !ok || r.Free != text || r.Thought != "" || r.Work != "" {
		t.Fatalf("free report stored as %+v", r.ReportContent)
	}
	// 我的汇报 shows it whole.
	say(t, h, "u-zhang", "我的汇报", text, "尚未批阅")
}

func TestEditBeforeAndAfterReview(t *testing.T) {
	t.Parallel()
	h := setup(t)
	say(t, h, "u-zhang", "修改汇报 工作：在东莞", "还没有汇报")
	say(t, h, "u-zhang", "汇报\n思想：稳定\n工作：在深圳务工\n生活：好", "已保存")
	say(t, h, "u-zhang", "修改汇报", "请写明修改哪一部分")
	say(t, h, "u-zhang", "修改汇报 工作：换到东莞电子厂\n当质检员", "已修改2026年第二季度汇报的“工作”", "【工作】换到东莞电子厂\n当质检员", "已留档")
	say(t, h, "u-zhang", "修改汇报 学习：学习党章", "已修改", "【学习】学习党章")
	r, _ := reportOf(t, h, "张三", "2026Q2")
	if r.Work != "换到东莞电子厂\n当质检员" || r.Study != "学习党章" || r.Thought != "稳定" || r.Revision != 3 {
		t.Fatalf("after edits: %+v", r)
	}
	// The old text is kept, not lost.
	revs, err := h.Store.ReportRevisions(context.Background(), r.ID)
	if err != nil || len(revs) != 2 {
		t.Fatalf("revisions: %d %v", len(revs), err)
	}
	if revs[0].Work != "在深圳务工" || revs[0].Change != "edit" || revs[0].Section != "工作" || revs[0].Revision != 1 {
		t.Fatalf("first revision: %+v", revs[0])
	}
	if es := auditActions(t, h, "report.edit"); len(es) != 2 {
		t.Fatalf("edit audit: %d", len(es))
	}

	say(t, h, "u-wang", "批阅 张三 已阅，继续保持", "已批阅张三（第一党支部）2026年第二季度的思想汇报", "已通知本人")
	say(t, h, "u-zhang", "修改汇报 工作：又换了", "已锁定", "王书记")
	say(t, h, "u-zhang", "汇报 工作：又换了", "已锁定")
	say(t, h, "u-zhang", "汇报", "已锁定")
	r2, _ := reportOf(t, h, "张三", "2026Q2")
	if r2.Work != r.Work || r2.Revision != 3 {
		t.Fatalf("a reviewed report changed: %+v", r2)
	}
}

func TestSecondReportReplaceOrAdd(t *testing.T) {
	t.Parallel()
	h := setup(t)
	say(t, h, "u-zhang", "汇报 思想：稳定\n工作：在深圳", "已保存")
	say(t, h, "u-zhang", "汇报 工作：到了东莞", "已于5月10日提交过汇报", "替换", "补充", "取消")
	say(t, h, "u-zhang", "随便", "请回复“替换”“补充”或“取消”")
	say(t, h, "u-zhang", "替换", "已替换为新内容", "【工作】到了东莞", "【思想】（未填写）")
	r, _ := reportOf(t, h, "张三", "2026Q2")
	if r.Work != "到了东莞" || r.Thought != "" || r.Revision != 2 {
		t.Fatalf("replaced: %+v", r)
	}
	revs, _ := h.Store.ReportRevisions(context.Background(), r.ID)
	if len(revs) != 1 || revs[0].Thought != "稳定" || revs[0].Work != "在深圳" || revs[0].Change != "replace" {
		t.Fatalf("replaced text not kept: %+v", revs)
	}

	h.Now = may10.Add(48 * time.Hour)
	say(t, h, "u-zhang", "汇报 生活：租房住\n工作：当上了班长", "替换", "补充")
	say(t, h, "u-zhang", "补充", "已补充到原汇报后面")
	r, _ = reportOf(t, h, "张三", "2026Q2")
	if r.Work != "到了东莞\n（5月12日补充）当上了班长" || r.Life != "租房住" || r.Revision != 3 {
		t.Fatalf("appended: %+v", r.ReportContent)
	}

	say(t, h, "u-zhang", "汇报 学习：读书", "替换")
	say(t, h, "u-zhang", "取消", "原汇报保持不变")
	if r2, _ := reportOf(t, h, "张三", "2026Q2"); r2.Revision != 3 || r2.Study != "" {
		t.Fatalf("cancelled second report changed the first: %+v", r2)
	}

	// A second guided report: choose first, then the questions.
	say(t, h, "u-zhang", "汇报", "这次填写的内容要怎么处理")
	say(t, h, "u-zhang", "2", "补充到原汇报后面", "（1/4）思想")
	h.Say("u-zhang", "跳过")
	h.Say("u-zhang", "跳过")
	h.Say("u-zhang", "跳过")
	say(t, h, "u-zhang", "参加了流入地党课", "确认后将补充到原汇报后面")
	say(t, h, "u-zhang", "确认", "已补充")
	r, _ = reportOf(t, h, "张三", "2026Q2")
	if r.Study != "参加了流入地党课" || r.Work != "到了东莞\n（5月12日补充）当上了班长" || r.Revision != 4 {
		t.Fatalf("guided addition: %+v", r.ReportContent)
	}
	if n := len(auditActions(t, h, "report.append")); n != 2 {
		t.Fatalf("append audit rows: %d", n)
	}
	if n := len(auditActions(t, h, "report.replace")); n != 1 {
		t.Fatalf("replace audit rows: %d", n)
	}
}

func TestMyReport(t *testing.T) {
	t.Parallel()
	h := setup(t)
	say(t, h, "u-zhang", "我的汇报", "本季度（2026年第二季度，截至6月30日）还没有汇报", "发送“汇报”")
	// Last quarter's report, reviewed in April, shows while this quarter has none.
	h.Now = time.Date(2026, 3, 20, 9, 0, 0, 0, shanghai)
	say(t, h, "u-zhang", "汇报 思想：坚定\n工作：在深圳", "2026年第一季度")
	h.Now = time.Date(2026, 4, 2, 9, 0, 0, 0, shanghai)
	say(t, h, "u-wang", "批阅 张三 已阅，继续保持", "2026年第一季度")
	say(t, h, "u-zhang", "我的汇报", "还没有汇报", "上一次汇报：2026年第一季度，3月20日提交，王书记于4月2日批阅，批语：已阅，继续保持")

	h.Now = may10
	say(t, h, "u-zhang", "汇报 思想：稳定\n学习：党史", "已保存")
	say(t, h, "u-zhang", "我的汇报", "2026年第二季度思想汇报（5月10日提交）", "【思想】稳定", "【工作】（未填写）", "【学习】党史", "书记批阅：尚未批阅", "修改汇报")
	h.Now = may10.Add(24 * time.Hour)
	say(t, h, "u-zhang", "修改汇报 工作：在深圳", "已修改")
	say(t, h, "u-wang", "批阅 张三 写得很实在", "已批阅")
	say(t, h, "u-zhang", "查看汇报", "5月11日最后修改", "【工作】在深圳", "王书记于5月11日批阅，批语：写得很实在", "已锁定")
}

func TestReviewDeliversComment(t *testing.T) {
	t.Parallel()
	h := setup(t)
	say(t, h, "u-wang", "批阅 张三 已阅", "没有汇报")
	say(t, h, "u-zhang", "汇报 思想：坚定\n工作：在深圳", "已保存")
	say(t, h, "u-wang", "批阅", "请写上党员姓名")
	say(t, h, "u-wang", "批阅 李四 好", "没有找到党员“李四”")
	say(t, h, "u-li", "批阅 张三 好", "仅限党支部书记")
	say(t, h, "u-wang", "批阅 王书记 好", "不能批阅自己的汇报")

	before := len(h.Platform.SentTo("u-zhang"))
	say(t, h, "u-wang", "批阅 张三 已阅，继续保持", "已批阅", "批语：已阅，继续保持", "已通知本人")
	sent := h.Platform.SentTo("u-zhang")
	if len(sent) != before+1 || !strings.Contains(sent[len(sent)-1], "王书记已批阅您2026年第二季度的思想汇报，批语：已阅，继续保持") {
		t.Fatalf("member received: %q", sent[before:])
	}
	r, _ := reportOf(t, h, "张三", "2026Q2")
	if !r.Reviewed() || r.ReviewComment != "已阅，继续保持" || *r.ReviewerID != h.Member("王书记").ID {
		t.Fatalf("review stored as %+v", r)
	}

	// A second review replaces the comment, keeps the old one in the audit log, and is sent too.
	say(t, h, "u-wang", "批阅 张三：请多写写学习情况", "批语已更新")
	sent = h.Platform.SentTo("u-zhang")
	if len(sent) != before+2 || !strings.Contains(sent[len(sent)-1], "请多写写学习情况") {
		t.Fatalf("second comment: %q", sent[before:])
	}
	reviews := auditActions(t, h, "report.review")
	if len(reviews) != 2 || !strings.Contains(string(reviews[1].Detail), "已阅，继续保持") {
		t.Fatalf("review audit: %+v", reviews)
	}
	// Every use of 批阅 is audited by the middleware, refusals included.
	if n := len(auditActions(t, h, "command:批阅")); n != 7 {
		t.Fatalf("command audit rows: %d", n)
	}

	// In the alerts group: the comment still goes to the member privately.
	h.Say("u-li", "汇报 工作：在杭州开店")
	say(t, h, "u-zhao", "批阅 李四 很好", "已批阅李四")
	got := h.SayInGroup("g-alerts", "u-zhao", "批阅 李四 继续努力")
	if !strings.Contains(got, "已批阅李四") {
		t.Fatalf("group review: %q", got)
	}
	if sent := h.Platform.SentTo("u-li"); !strings.Contains(sent[len(sent)-1], "继续努力") {
		t.Fatalf("li received %q", sent)
	}
}

func TestReviewOfUnboundMember(t *testing.T) {
	t.Parallel()
	h := setup(t)
	// 王五 has no chat account: the report came in some other way (here: straight into the store).
	m := h.Member("王五")
	if err := h.Store.InsertReport(context.Background(), &store.Report{MemberID: m.ID, Period: "2026Q2",
		ReportContent: store.ReportContent{Free: "书面汇报"}, Source: "oneshot", SubmittedAt: may10, UpdatedAt: may10}); err != nil {
		t.Fatal(err)
	}
	say(t, h, "u-wang", "批阅 王五 已阅", "已批阅", "还没有绑定微信")
}

func TestArchiveSummary(t *testing.T) {
	t.Parallel()
	h := setup(t)
	say(t, h, "u-zhang", "查 王五", "仅限党支部书记")
	got := say(t, h, "u-wang", "查 张三", "张三（第一党支部）档案摘要",
		"基本情况：男，36岁（1990年3月生），高中，在职；2015年6月入党；工作单位：深圳某电子厂；手机：139****5678",
		"流动状态：流出——2026年3月1日外出到广东省深圳市南山区，务工，已外出70天",
		"思想汇报：本季度（2026年第二季度）尚未汇报；从未汇报")
	_ = got
	h.Now = time.Date(2026, 3, 20, 9, 0, 0, 0, shanghai)
	h.Say("u-zhang", "汇报 思想：坚定")
	h.Now = time.Date(2026, 4, 2, 9, 0, 0, 0, shanghai)
	h.Say("u-wang", "批阅 张三 已阅")
	h.Now = may10
	h.Say("u-zhang", "汇报 工作：在深圳")
	say(t, h, "u-wang", "查 张三", "思想汇报：本季度（2026年第二季度）5月10日已汇报，尚未批阅；上一次：2026年第一季度，3月20日提交，王书记于4月2日批阅，批语：已阅；近4个季度（含本季度）汇报2次")
	// The whereabouts and certificate domains add their lines.
	say(t, h, "u-wang", "查 张三", "最近位置：未报告", "活动证：未办理", "最近组织生活：无记录")
	h.Say("u-zhang", "位置 广东省深圳市南山区")
	h.Say("u-zhang", "参加活动 5月8日 深圳南山区XX支部 主题党日")
	h.Say("u-wang", "发证 张三")
	say(t, h, "u-wang", "查 张三", "最近位置：广东省深圳市南山区（省外）", "活动证：编号", "最近组织生活：2026年5月8日")
	say(t, h, "u-wang", "查 王五", "流动状态：在家", "思想汇报：本季度（2026年第二季度）尚未汇报")
	// In a group chat the phone number is left out.
	if got := h.SayInGroup("g-alerts", "u-wang", "查 张三"); !strings.Contains(got, "档案摘要") || strings.Contains(got, "手机") {
		t.Fatalf("group archive: %q", got)
	}
	// Only within the secretary's own org units.
	say(t, h, "u-zhao", "查 张三", "没有找到党员“张三”")
	say(t, h, "u-zhao", "查 李四", "流出——2025年10月10日外出到浙江省杭州市，经商")
	if n := len(auditActions(t, h, "archive.view")); n != 7 {
		t.Fatalf("archive views audited: %d", n)
	}
	views := auditActions(t, h, "archive.view")
	var detail map[string]any
	json.Unmarshal(views[0].Detail, &detail)
	if *views[0].TargetMemberID != h.Member("张三").ID || detail["sections"] == nil {
		t.Fatalf("archive view audit: %+v", views[0])
	}
}

func TestPeriodFollowsTimeZone(t *testing.T) {
	t.Parallel()
	h := setup(t)
	// 2026-03-31T16:30Z is 00:30 on 1 April in Shanghai: the second quarter.
	h.Now = time.Date(2026, 3, 31, 16, 30, 0, 0, time.UTC)
	say(t, h, "u-zhang", "汇报 思想：新季度第一天", "2026年第二季度")
	if _, ok := reportOf(t, h, "张三", "2026Q2"); !ok {
		t.Fatal("not stored under 2026Q2")
	}
	if _, ok := reportOf(t, h, "张三", "2026Q1"); ok {
		t.Fatal("stored under 2026Q1")
	}
	// One minute before midnight in Shanghai is still the first quarter.
	h.Now = time.Date(2026, 3, 31, 15, 59, 0, 0, time.UTC)
	say(t, h, "u-li", "汇报 思想：季度最后一天", "2026年第一季度")
}

func TestHalfYearlyCadence(t *testing.T) {
	t.Parallel()
	h := setup(t, func(c *config.Config) { c.Report.Period = "half-yearly" })
	say(t, h, "u-zhang", "汇报 思想：稳定", "2026年上半年")
	if _, ok := reportOf(t, h, "张三", "2026H1"); !ok {
		t.Fatal("not stored under 2026H1")
	}
	say(t, h, "u-zhang", "帮助", "本半年思想汇报")
	say(t, h, "u-zhang", "我的汇报", "2026年上半年思想汇报")
}

func TestReportCommandsOnlyInPrivate(t *testing.T) {
	t.Parallel()
	h := setup(t)
	if got := h.SayInGroup("g-alerts", "u-zhang", "@助手 汇报 思想：稳定"); !strings.Contains(got, "请私聊我") {
		t.Fatalf("group 汇报: %q", got)
	}
	if countReports(t, h) != 0 {
		t.Fatal("stored from a group")
	}
}

func TestMobileReportStatus(t *testing.T) {
	t.Parallel()
	h := setup(t)
	ctx := context.Background()
	h.Say("u-zhang", "汇报 思想：稳定")
	all, err := h.Store.MobileReportStatus(ctx, "2026Q2", nil, store.AllMobile)
	if err != nil {
		t.Fatal(err)
	}
	// 张三 and 李四 are away; 王五 and the secretaries are at home.
	if len(all) != 2 || all[0].Name != "张三" || all[0].ReportID == nil || all[1].Name != "李四" || all[1].ReportID != nil {
		t.Fatalf("all: %+v", all)
	}
	if all[0].DepartedOn == nil || all[0].DepartedOn.Format(time.DateOnly) != "2026-03-01" || all[0].BranchName != "第一党支部" {
		t.Fatalf("row: %+v", all[0])
	}
	missing, _ := h.Store.MobileReportStatus(ctx, "2026Q2", nil, store.NotReported)
	done, _ := h.Store.MobileReportStatus(ctx, "2026Q2", nil, store.Reported)
	if len(missing) != 1 || missing[0].Name != "李四" || len(done) != 1 || done[0].Name != "张三" {
		t.Fatalf("missing %+v done %+v", missing, done)
	}
	units, err := h.Store.OrgUnitsByName(ctx, "第一党支部")
	if err != nil || len(units) != 1 {
		t.Fatal(units, err)
	}
	first, _ := h.Store.MobileReportStatus(ctx, "2026Q2", units, store.NotReported)
	if len(first) != 0 {
		t.Fatalf("first branch missing: %+v", first)
	}
	if none, _ := h.Store.MobileReportStatus(ctx, "2026Q2", []store.OrgUnit{}, store.AllMobile); len(none) != 0 {
		t.Fatalf("empty scope: %+v", none)
	}
	// A member marked 流出 without a departure on record still counts; one back home does not.
	wang5 := h.Member("王五")
	wang5.Mobility = "流出"
	if err := h.Store.UpdateMember(ctx, &wang5); err != nil {
		t.Fatal(err)
	}
	li := h.Member("李四")
	dep, err := h.Store.OpenDeparture(ctx, li.ID)
	if err != nil {
		t.Fatal(err)
	}
	li.Mobility = ""
	h.Store.UpdateMember(ctx, &li)
	if err := h.Store.CloseDeparture(ctx, dep.ID, time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	missing, _ = h.Store.MobileReportStatus(ctx, "2026Q2", nil, store.NotReported)
	if len(missing) != 1 || missing[0].Name != "王五" || missing[0].DepartedOn != nil {
		t.Fatalf("after changes: %+v", missing)
	}
}
