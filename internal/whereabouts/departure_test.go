package whereabouts_test

import (
	"strings"
	"testing"
	"time"

	"liudong/internal/app/apptest"
)

func TestDepartureAndReturn(t *testing.T) {
	t.Parallel()
	h := start(t)
	zhang := h.Member("张三")
	if zhang.Mobility != "" {
		t.Fatalf("mobility %q", zhang.Mobility)
	}
	wang := len(h.Platform.SentTo("u-wang"))
	zhao := len(h.Platform.SentTo("u-zhao"))

	got := h.Say("u-zhang", "外出 深圳 务工")
	apptest.Expect(t, "depart", got, "已登记：2026年11月25日外出，去往深圳，原因：务工", "广东省深圳市（省外）", "已告知党支部书记",
		"申领《流动党员活动证》", "参加活动")
	// The branch's secretary is told; the other branch's is not.
	apptest.Expect(t, "secretary", h.SentSince("u-wang", wang), "【外出报告】第一党支部党员张三报告：2026年11月25日外出，去往深圳（广东省深圳市，省外），原因：务工")
	if got := h.SentSince("u-zhao", zhao); got != "" {
		t.Errorf("other branch told: %q", got)
	}
	d, err := h.Store.OpenDeparture(h.Ctx, zhang.ID)
	if err != nil || d.Place != "深圳" || d.CityCode != "440300" || d.ProvinceCode != "440000" || d.Reason != "务工" ||
		d.Source != "chat" || d.DepartedOn.Format(time.DateOnly) != "2026-11-25" {
		t.Fatalf("departure %+v %v", d, err)
	}
	if m := h.Member("张三"); m.Mobility != "流出" {
		t.Errorf("mobility %q", m.Mobility)
	}
	audit, _ := h.Store.AuditOf(h.Ctx, zhang.ID)
	actions := auditActions(audit)
	apptest.Expect(t, "audit", actions, "departure.create", "member.mobility")

	// A second 外出 while away updates the open departure (a move); its date stays.
	wang = len(h.Platform.SentTo("u-wang"))
	h.Now = time.Date(2026, 12, 10, 9, 0, 0, 0, shanghai)
	got = h.Say("u-zhang", "外出 东莞 做生意")
	apptest.Expect(t, "move", got, "已更新您的外出登记：2026年11月25日起外出，现在东莞，原因：经商（原登记：深圳）")
	apptest.Expect(t, "move secretary", h.SentSince("u-wang", wang), "【外出变更】第一党支部党员张三更新了外出登记：现在东莞（广东省东莞市，省外），原因：经商（原登记：深圳，2026年11月25日起）")
	ds, _ := h.Store.DeparturesOf(h.Ctx, zhang.ID)
	if len(ds) != 1 || ds[0].Place != "东莞" || ds[0].CityCode != "441900" || ds[0].DepartedOn.Format(time.DateOnly) != "2026-11-25" {
		t.Fatalf("departures %+v", ds)
	}
	// With a date, the correction moves the date too.
	h.Say("u-zhang", "外出 11月20日 广东东莞 经商")
	if d, _ := h.Store.OpenDeparture(h.Ctx, zhang.ID); d.DepartedOn.Format(time.DateOnly) != "2026-11-20" || d.Place != "广东东莞" {
		t.Errorf("corrected %+v", d)
	}

	// 返乡: closed, mobility back, the member reminded, the secretary told.
	h.Now = time.Date(2027, 1, 20, 9, 0, 0, 0, shanghai)
	wang = len(h.Platform.SentTo("u-wang"))
	got = h.Say("u-zhang", "返乡")
	apptest.Expect(t, "return", got, "欢迎回家", "2027年1月20日返乡", "2026年11月20日起外出，去往广东东莞", "向党支部汇报外出期间")
	apptest.Expect(t, "return secretary", h.SentSince("u-wang", wang), "【返乡报告】第一党支部党员张三报告：2027年1月20日已返乡（2026年11月20日起外出，去往广东东莞）")
	if _, err := h.Store.OpenDeparture(h.Ctx, zhang.ID); err == nil {
		t.Error("departure still open")
	}
	ds, _ = h.Store.DeparturesOf(h.Ctx, zhang.ID)
	if ds[0].ReturnedOn == nil || ds[0].ReturnedOn.Format(time.DateOnly) != "2027-01-20" {
		t.Errorf("returned %+v", ds[0])
	}
	if m := h.Member("张三"); m.Mobility != "" {
		t.Errorf("mobility %q", m.Mobility)
	}
	audit, _ = h.Store.AuditOf(h.Ctx, zhang.ID)
	if n := strings.Count(auditActions(audit), "member.mobility"); n != 2 {
		t.Errorf("mobility audit rows: %d in %s", n, auditActions(audit))
	}
	// Nothing open any more: a second 返乡 is refused plainly.
	apptest.Expect(t, "again", h.Say("u-zhang", "返乡"), "系统中没有您的外出登记，不需要报告返乡")
}

// 返乡 reminds a certificate holder to hand it back, and tells the secretary to take it.
func TestReturnWithCertificate(t *testing.T) {
	t.Parallel()
	h := start(t)
	h.Now = time.Date(2026, 11, 1, 9, 0, 0, 0, shanghai)
	h.Say("u-zhang", "外出 杭州 打工")
	apptest.Expect(t, "issue", h.Say("u-wang", "发证 张三"), "已为张三（第一党支部）办理")
	h.Now = time.Date(2026, 11, 25, 9, 0, 0, 0, shanghai)
	num := certNumber(t, h, "张三")
	apptest.Refuse(t, "no hint", h.Say("u-wang", "年审 张三"), "没有外出登记")
	wang := len(h.Platform.SentTo("u-wang"))
	got := h.Say("u-zhang", "返乡 昨天")
	apptest.Expect(t, "return", got, "2026年11月24日返乡", "请尽快把《流动党员活动证》（编号"+num+"）交回党支部查验")
	apptest.Expect(t, "secretary", h.SentSince("u-wang", wang), "其《流动党员活动证》（编号"+num+"）请收回查验，收回后发送“收回 张三”")
	apptest.Expect(t, "活动证", h.Say("u-zhang", "活动证"), "交回：已于2026年11月24日返乡，请把活动证交回党支部查验")
}

func TestDepartureRefusals(t *testing.T) {
	t.Parallel()
	h := start(t)
	apptest.Expect(t, "empty", h.Say("u-zhang", "外出"), "请这样写：外出 深圳 务工")
	apptest.Expect(t, "no place", h.Say("u-zhang", "外出 务工"), "请写明去哪里")
	// An unknown place is kept as written, without region codes.
	got := h.Say("u-zhang", "外出 迪拜 务工")
	apptest.Expect(t, "unknown place", got, "没有认出“迪拜”在哪个省市，已按原文登记")
	d, err := h.Store.OpenDeparture(h.Ctx, h.Member("张三").ID)
	if err != nil || d.Place != "迪拜" || d.ProvinceCode != "" {
		t.Errorf("departure %+v %v", d, err)
	}
	// A return before the departure, or in the future, is refused.
	apptest.Expect(t, "future return", h.Say("u-zhang", "返乡 2027年1月5日"), "还没到")
	apptest.Expect(t, "early return", h.Say("u-zhang", "返乡 2026年1月5日"), "早于外出日期")
	apptest.Expect(t, "bad date", h.Say("u-zhang", "返乡 过几天"), "没有看懂日期")
	if _, err := h.Store.OpenDeparture(h.Ctx, h.Member("张三").ID); err != nil {
		t.Error("a refused return closed the departure")
	}
	// Secretaries' group: member commands are private.
	apptest.Expect(t, "group", h.SayInGroup("g", "u-zhang", "@助手 外出 深圳 务工"), "请私聊我")
}

// A departure entered by the roster is closed by 返乡 like one reported by chat; a member
// marked 流出 with no departure on record can still report the return.
func TestReturnOfRosterDeparture(t *testing.T) {
	t.Parallel()
	h := start(t)
	h.Import("姓名,性别,出生日期,学历,所在党支部,流动类型,外出日期,流动地点,外出原因\n李四,男,1985-11-02,初中,第二党支部,流出,2025-10-10,杭州,经商\n")
	zhao := len(h.Platform.SentTo("u-zhao"))
	apptest.Expect(t, "return", h.Say("u-li", "返乡"), "欢迎回家", "2025年10月10日起外出，去往杭州", "已告知党支部书记")
	apptest.Expect(t, "secretary", h.SentSince("u-zhao", zhao), "【返乡报告】第二党支部党员李四报告：2026年11月25日已返乡（2025年10月10日起外出，去往杭州）")
	if m := h.Member("李四"); m.Mobility != "" {
		t.Errorf("mobility %q", m.Mobility)
	}

	// A roster departure the member updates by chat is no longer the roster's: importing the
	// roster again leaves it alone.
	h.Import("姓名,性别,出生日期,学历,所在党支部,流动类型,外出日期,流动地点,外出原因\n赵书记,女,1975-05-05,大学本科,第二党支部,流出,2026-10-01,杭州,经商\n")
	h.Say("u-zhao", "外出 宁波 经商")
	h.Import("姓名,性别,出生日期,学历,所在党支部,流动类型,外出日期,流动地点,外出原因\n赵书记,女,1975-05-05,大学本科,第二党支部,流出,2026-10-01,杭州,经商\n")
	if d, err := h.Store.OpenDeparture(h.Ctx, h.Member("赵书记").ID); err != nil || d.Place != "宁波" || d.Source != "chat" {
		t.Errorf("after re-import: %+v %v", d, err)
	}

	if _, err := h.Store.SetMobility(h.Ctx, h.Member("张三").ID, "流出"); err != nil {
		t.Fatal(err)
	}
	wang := len(h.Platform.SentTo("u-wang"))
	apptest.Expect(t, "no record", h.Say("u-zhang", "返乡"), "欢迎回家", "已告知党支部书记")
	apptest.Expect(t, "no record secretary", h.SentSince("u-wang", wang), "（系统中没有其外出登记）")
	if m := h.Member("张三"); m.Mobility != "" {
		t.Errorf("mobility %q", m.Mobility)
	}
}
