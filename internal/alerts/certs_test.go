package alerts_test

import (
	"strings"
	"testing"
)

func TestCertificateJobs(t *testing.T) {
	h := setup(t)
	// Certificates: 吴六's issued on 5 February 2026, 张三's on 5 July, 李四's on 1 August.
	for _, step := range []struct{ when, who, text, want string }{
		{"2026-02-05 10:00", "u-wang", "发证 吴六", "编号"},
		{"2026-07-05 10:00", "u-wang", "发证 张三", "编号"},
		{"2026-08-01 10:00", "u-wang", "发证 李四", "编号"},
		// 吴六 comes home on 1 November.
		{"2026-11-01 10:00", "u-wu", "返乡", "返乡"},
	} {
		h.Now = at(step.when)
		if r := h.Say(step.who, step.text); !strings.Contains(r, step.want) {
			t.Fatalf("%s: %s", step.text, r)
		}
	}
	baseline[h] = len(h.Platform.Sent())

	// Inspection (查验): 14 days after the return.
	if got := h.RunJob("certificate-inspection", at("2026-11-14 09:00")); len(got) != 0 {
		t.Fatalf("13 days: %v", got)
	}
	got := h.RunJob("certificate-inspection", at("2026-11-15 09:00"))
	if got["certificate.inspection.member"] != 1 || got["certificate.inspection"] != 1 {
		t.Fatalf("14 days: %v", got)
	}
	if msgs := inbox(h, "u-wu"); len(msgs) != 1 || !strings.Contains(msgs[0], "2026年11月1日返乡") || !strings.Contains(msgs[0], "交回支部查验") {
		t.Fatalf("吴六: %q", msgs)
	}
	if msgs := inbox(h, "u-wang"); len(msgs) != 1 || !strings.Contains(msgs[0], "【活动证查验】") || !strings.Contains(msgs[0], "吴六：编号") {
		t.Fatalf("secretary: %q", msgs)
	}
	if got := h.RunJob("certificate-inspection", at("2026-11-16 09:00")); len(got) != 0 {
		t.Fatalf("again: %v", got)
	}
	h.Now = at("2026-11-20 10:00")
	if r := h.Say("u-wang", "逾期"); !strings.Contains(r, "活动证未交回查验") || !strings.Contains(r, "吴六") {
		t.Fatalf("逾期 before 收回: %s", r)
	}
	h.Say("u-wang", "收回 吴六 查验无误")
	if r := h.Say("u-wang", "逾期"); strings.Contains(r, "活动证未交回查验") {
		t.Fatalf("逾期 after 收回: %s", r)
	}

	// 年审: 张三's falls on 5 July 2027, within 30 days from 5 June; 李四's (1 August) is not
	// due yet, 吴六's certificate was handed back.
	if got := h.RunJob("certificate-review", at("2027-06-04 09:00")); len(got) != 0 {
		t.Fatalf("31 days before: %v", got)
	}
	got = h.RunJob("certificate-review", at("2027-06-05 09:00"))
	if got["certificate.review.member"] != 1 || got["certificate.review"] != 1 {
		t.Fatalf("30 days before: %v", got)
	}
	if msgs := inbox(h, "u-zhang"); len(msgs) != 1 || !strings.Contains(msgs[0], "2027年7月5日年审（还有30天）") {
		t.Fatalf("张三: %q", msgs)
	}
	if w := inbox(h, "u-wang"); !strings.Contains(w[len(w)-1], "【活动证年审】") || !strings.Contains(w[len(w)-1], "张三：编号") ||
		strings.Contains(w[len(w)-1], "李四") {
		t.Fatalf("secretary: %q", w[len(w)-1])
	}
	if got := h.RunJob("certificate-review", at("2027-06-06 09:00")); len(got) != 0 {
		t.Fatalf("again: %v", got)
	}
	// Reviewed: the next 年审 is a year on, nothing is due.
	h.Now = at("2027-06-10 10:00")
	h.Say("u-wang", "年审 张三")
	if r := h.Say("u-wang", "逾期"); strings.Contains(r, "年审") {
		t.Fatalf("逾期 after 年审: %s", r)
	}
	if got := h.RunJob("certificate-review", at("2027-07-10 09:00")); got["certificate.review"] != 1 {
		t.Fatalf("李四's, from 2 July: %v", got)
	}
	if msgs := inbox(h, "u-zhang"); strings.Count(strings.Join(msgs, "\n"), "年审（") != 1 {
		t.Fatalf("张三 again: %q", msgs)
	}
}

// A member registered at the inflow place (流入登记 on the certificate) is not reported as
// unregistered.
func TestInflowRegistrationFromCertificate(t *testing.T) {
	h := setup(t)
	h.Now = at("2026-01-06 10:00")
	h.Say("u-zhou", "发证 孙二")
	h.Now = at("2026-01-20 10:00")
	if r := h.Say("u-zhou", "流入登记 孙二 1月20日 苏州工业园区XX支部 联系人李书记"); !strings.Contains(r, "登记") {
		t.Fatalf("流入登记: %s", r)
	}
	baseline[h] = len(h.Platform.Sent())
	// On 10 April 孙二 (苏州 since 5 January) and 李四 (杭州 since October) have stayed 3 months.
	got := h.RunJob("inflow-registration", at("2026-04-10 09:10"))
	if got["inflow.unregistered"] != 1 {
		t.Fatalf("enqueued %v, want 李四's only", got)
	}
	if msgs := inbox(h, "u-zhou"); len(msgs) != 0 {
		t.Fatalf("branch 2: %q", msgs)
	}
	h.Now = at("2026-04-10 10:00")
	if r := h.Say("u-zhou", "逾期"); strings.Contains(r, "流入地未登记") {
		t.Fatalf("逾期: %s", r)
	}
}
