package lostcontact_test

import (
	"strings"
	"testing"
	"time"

	"liudong/internal/app/apptest"
)

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

const rosterCSV = `姓名,性别,出生日期,学历,所在党支部,流动类型,外出日期,流动地点,外出原因,职务,流出地党组织
王书记,男,1970-01-01,大学本科,第一党支部,,,,,书记,
张三,男,1990-03-15,高中,第一党支部,流出,2025-06-01,广东省深圳市南山区,务工,,
李四,男,1985-11-02,初中,第一党支部,流出,2025-09-01,浙江省杭州市,经商,,
钱五,男,1970-01-01,高中,第一党支部,,,,,,
赵丽,女,1996-08-20,大学本科,第一党支部,流入,,,,,安徽省合肥市蜀山区XX街道党工委
`

// Lost contact (art. 24): a mobile member with no contact of any kind for more than six months
// is listed for the secretary with what is known and the procedure, once per silence; a member
// at home is not; a contact recorded by the secretary restarts the clock; a 流入 member's home
// organization hears of it.
func TestLostContactSetAndReset(t *testing.T) {
	h := apptest.New(t)
	h.Import(rosterCSV)
	h.Now = at("2026-01-01 10:00")
	// liudong learned of everyone on the day of the import.
	if _, err := h.Store.DB().Exec(`UPDATE members SET created_at = $1`, h.Now); err != nil {
		t.Fatal(err)
	}
	for name, handle := range map[string]string{"王书记": "u-wang", "李四": "u-li", "赵丽": "u-zhao", "钱五": "u-qian"} {
		h.Bind(name, handle)
	}
	// 李四 sends a location in May; 张三 never writes.
	h.Now = at("2026-05-01 10:00")
	h.Say("u-li", "位置 浙江省杭州市西湖区")

	mark := len(h.Platform.SentTo("u-wang"))
	if got := h.RunJob("lost-contact", at("2026-07-01 09:00")); len(got) != 0 {
		t.Fatalf("exactly six months: %v", got)
	}
	got := h.RunJob("lost-contact", at("2026-07-02 09:00"))
	if got["lostcontact"] != 1 || got["lostcontact.member"] != 1 {
		t.Fatalf("more than six months: %v", got)
	}
	alert := h.SentSince("u-wang", mark)
	apptest.Expect(t, "alert", alert, "【失联】", "超过6个月与组织没有任何联系", "张三", "自2026年1月1日建档以来没有任何联系记录",
		"消息无", "思想汇报无", "位置无", "组织生活无", "党费无", "书记联系无", "赵丽", "查找", "支部大会", "报上级党委批准",
		"由支部按程序决定")
	apptest.Refuse(t, "alert", alert, "李四", "钱五", "王书记", "自行脱党", "已失联")
	// 赵丽 (bound, so reachable) is asked to get in touch, without being told a verdict.
	apptest.Expect(t, "member asked", strings.Join(h.Platform.SentTo("u-zhao"), "\n"), "报个平安")
	if got := h.RunJob("lost-contact", at("2026-07-03 09:00")); len(got) != 0 {
		t.Fatalf("told twice: %v", got)
	}
	h.Now = at("2026-07-03 10:00")
	overdue := h.Say("u-wang", "逾期")
	apptest.Expect(t, "逾期", overdue, "【失联】超过6个月没有任何联系", "张三", "赵丽",
		// 赵丽's home organization hears of it through the secretary (its contact is not bound).
		"请转告流出地党组织", "转告安徽省合肥市蜀山区XX街道党工委：【失联】贵组织党员赵丽")
	apptest.Expect(t, "查", h.Say("u-wang", "查 张三"), "最近联系：【失联】自2026年1月1日建档以来没有任何联系记录")

	// The secretary reaches 张三: the clock restarts.
	apptest.Expect(t, "no note", h.Say("u-wang", "已联系 张三"), "请写上联系的方式和情况")
	apptest.Expect(t, "contacted", h.Say("u-wang", "已联系 张三 电话联系，在深圳打工"), "已记录", "2026年7月3日与张三（第一党支部）取得联系",
		"电话联系，在深圳打工", "重新开始")
	apptest.Refuse(t, "逾期 after", h.Say("u-wang", "逾期"), "张三：自2026年1月1日建档")
	apptest.Expect(t, "查 after", h.Say("u-wang", "查 张三"), "最近联系：最后一次联系是2026年7月3日书记联系", "上次书记联系：电话联系，在深圳打工")
	apptest.Expect(t, "member", h.Say("u-qian", "已联系 张三 电话"), "仅限党支部书记")
	apptest.Expect(t, "home member", h.Say("u-wang", "已联系 钱五 上门"), "已记录")

	// Six months and a day after that contact, and after 李四's location, both are listed anew.
	mark = len(h.Platform.SentTo("u-wang"))
	got = h.RunJob("lost-contact", at("2027-01-04 09:00"))
	if got["lostcontact"] != 1 {
		t.Fatalf("a new silence: %v", got)
	}
	alert = h.SentSince("u-wang", mark)
	apptest.Expect(t, "new silence", alert, "张三", "最后一次是2026年7月3日书记联系", "李四", "最后一次是2026年5月1日")
	apptest.Refuse(t, "new silence", alert, "赵丽") // still the same silence: told already
}
