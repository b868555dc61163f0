package absence_test

import (
	"strings"
	"testing"
	"time"

	"liudong/internal/absence"
	"liudong/internal/app/apptest"
)

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

func TestParseReason(t *testing.T) {
	today := time.Date(2026, 3, 5, 0, 0, 0, 0, shanghai)
	for _, tc := range []struct {
		in, reason, until string
		ok                bool
	}{
		{"住院治疗 至2027年1月", "住院治疗", "2027-01-31", true},
		{"住院治疗至2027年1月", "住院治疗", "2027-01-31", true},
		{"住院治疗，至2027年2月", "住院治疗", "2027-02-28", true},
		{"住院治疗 至2028年2月", "住院治疗", "2028-02-29", true},
		{"住院治疗 至2027年1月15日", "住院治疗", "2027-01-15", true},
		{"产假 到2026年8月20号", "产假", "2026-08-20", true},
		{"外派出国 至2027-01-15", "外派出国", "2027-01-15", true},
		{"外派出国 至2027/1/15", "外派出国", "2027-01-15", true},
		{"外派出国 至2027-01", "外派出国", "2027-01-31", true},
		{"照顾病重父母 直到2026年12月底", "照顾病重父母", "2026-12-31", true},
		{"重病 至１２月", "重病", "2026-12-31", true}, // full-width digits, this year's December
		{"重病 至2月", "重病", "2027-02-28", true},  // February has passed: next year's
		{"重病 至3月", "重病", "2026-03-31", true},  // this month
		{"术后休养（骨折） 至2026年6月30日止", "术后休养（骨折）", "2026-06-30", true},
		{"住院治疗", "住院治疗", "", false},
	} {
		reason, until, ok, err := absence.ParseReason(tc.in, today)
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if ok != tc.ok || (ok && (reason != tc.reason || until.Format(time.DateOnly) != tc.until)) {
			t.Errorf("%q: (%q, %s, %v), want (%q, %s, %v)", tc.in, reason, until.Format(time.DateOnly), ok, tc.reason, tc.until, tc.ok)
		}
	}
	for _, bad := range []string{"住院 至2027年13月", "住院 至2027年2月30日"} {
		if _, _, _, err := absence.ParseReason(bad, today); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestJustifiedAbsenceByChat(t *testing.T) {
	h := apptest.New(t)
	h.Import(`姓名,性别,出生日期,学历,所在党支部,流动类型,外出日期,流动地点,职务
王书记,男,1968-05-12,大学专科,第一党支部,,,,书记
张三,男,1990-03-15,高中,第一党支部,流出,2026-01-01,广东省深圳市,
李四,男,1985-11-02,高中,第二党支部,流出,2026-01-01,浙江省杭州市,
`)
	h.Now = time.Date(2026, 3, 5, 10, 0, 0, 0, shanghai)
	h.Bind("王书记", "u-wang")
	h.Bind("张三", "u-zhang")
	for _, tc := range []struct{ handle, text, want string }{
		{"u-zhang", "正当理由 张三 住院治疗 至2027年1月", "仅限"},
		{"u-wang", "正当理由 李四 住院治疗 至2027年1月", "没有找到"}, // not in the secretary's branch
		{"u-wang", "正当理由 张三 住院治疗", "请写明截止日期"},
		{"u-wang", "正当理由 张三 至2027年1月", "请写明理由"},
		{"u-wang", "正当理由 张三 住院治疗 至2025年1月", "已经过去"},
		{"u-wang", "正当理由 张三 住院治疗 至2027年2月30日", "没有30日"},
		{"u-wang", "正当理由 张三", "没有登记"},
		{"u-wang", "正当理由 张三 住院治疗 至2027年1月", "2026年3月5日至2027年1月31日"},
		{"u-wang", "正当理由：张三", "住院治疗，2026年3月5日至2027年1月31日"},
	} {
		if r := h.Say(tc.handle, tc.text); !strings.Contains(r, tc.want) {
			t.Errorf("%s %q: %q, want %q", tc.handle, tc.text, r, tc.want)
		}
	}
	zhang := h.Member("张三")
	a, err := h.Store.JustifiedAbsenceOn(h.Ctx, zhang.ID, time.Date(2027, 1, 31, 0, 0, 0, 0, shanghai))
	if err != nil || a.Reason != "住院治疗" || a.RecordedBy == nil || *a.RecordedBy != h.Member("王书记").ID || a.InboundID == nil {
		t.Fatalf("stored: %+v %v", a, err)
	}
	audit, err := h.Store.AuditByAction(h.Ctx, "justified_absence.record")
	if err != nil || len(audit) != 1 || audit[0].TargetMemberID == nil || *audit[0].TargetMemberID != zhang.ID {
		t.Fatalf("audit: %+v %v", audit, err)
	}
}
