package sim_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"liudong/internal/roster"
)

type sentLog struct {
	Messages []struct {
		Seq             int
		To, Group, Text string
	}
}

func (s *server) sent(after int) sentLog {
	s.t.Helper()
	resp, err := http.Get(s.url + "/sim/api/sent?after=" + itoa(int64(after)))
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	var l sentLog
	json.NewDecoder(resp.Body).Decode(&l)
	return l
}

func (l sentLog) to(handle string) string {
	var parts []string
	for _, m := range l.Messages {
		if m.To == handle && m.Group == "" {
			parts = append(parts, m.Text)
		}
	}
	return strings.Join(parts, "\n")
}

func (l sentLog) last() int {
	if len(l.Messages) == 0 {
		return 0
	}
	return l.Messages[len(l.Messages)-1].Seq
}

// A member's and a secretary's day through the simulator's HTTP API only: report, review (the
// comment reaches the member), dues asked, paid and asked again, a certificate, 查, and a
// scheduled job run at a chosen clock.
func TestJourneyThroughTheAPI(t *testing.T) {
	s := start(t)
	ctx := context.Background()
	if _, err := s.app.Importer().Import(ctx, strings.NewReader(
		"姓名,性别,出生日期,学历,所在党支部,人员类别,月收入,流动类型,外出日期,流动地点,外出原因,职务\n"+
			"王书记,男,1970-01-01,大学本科,第一党支部,在职,5200,,,,,书记\n"+
			"李四,男,1988-08-08,高中,第一党支部,在职,4000,流出,2026-03-01,广东省深圳市,务工,\n"),
		"r.csv", roster.Options{}); err != nil {
		t.Fatal(err)
	}
	for name, handle := range map[string]string{"李四": "u-li", "王书记": "u-wang"} {
		ms, _ := s.app.Store.MembersByName(ctx, name, nil)
		code, err := s.app.Binding.IssueCode(ctx, ms[0].ID, "test", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if got := s.say(handle, "绑定 "+code.Code); !strings.Contains(got, "绑定成功") {
			t.Fatalf("bind %s: %q", name, got)
		}
	}
	mark := s.sent(0).last()

	if got := s.say("u-li", "汇报\n思想：认真学习党的二十大精神\n工作：在深圳电子厂当班组长"); !strings.Contains(got, "思想") {
		t.Fatalf("one-shot report: %q", got)
	}
	if got := s.say("u-li", "我的汇报"); !strings.Contains(got, "班组长") || !strings.Contains(got, "尚未批阅") {
		t.Fatalf("my report: %q", got)
	}
	if got := s.say("u-wang", "批阅 李四 已阅，继续保持"); !strings.Contains(got, "已批阅") {
		t.Fatalf("review: %q", got)
	}
	// The comment was delivered before the secretary's answer came back.
	if got := s.sent(mark).to("u-li"); !strings.Contains(got, "已阅，继续保持") {
		t.Fatalf("the member's comment in the sent log: %q", got)
	}

	if got := s.say("u-li", "党费"); !strings.Contains(got, "按1%计，每月40.00元") {
		t.Fatalf("dues: %q", got)
	}
	month := time.Now().In(s.app.Cfg.Location())
	period := itoa(int64(month.Year())) + "年" + itoa(int64(month.Month())) + "月"
	if got := s.say("u-wang", "收党费 李四 "+period+" 40"); !strings.Contains(got, "40.00元") {
		t.Fatalf("payment: %q", got)
	}
	if got := s.say("u-li", "党费"); !strings.Contains(got, "已缴至"+period) {
		t.Fatalf("dues after payment: %q", got)
	}

	if got := s.say("u-wang", "发证 李四"); !strings.Contains(got, "编号") {
		t.Fatalf("certificate: %q", got)
	}
	if got := s.say("u-li", "活动证"); !strings.Contains(got, "编号") {
		t.Fatalf("member's certificate: %q", got)
	}
	if got := s.say("u-wang", "查 李四"); !strings.Contains(got, "档案摘要") || !strings.Contains(got, "活动证") {
		t.Fatalf("archive: %q", got)
	}

	// A job at a chosen clock, through the API: the digest reaches the secretary.
	// The job's clock is 09:30 on a day three months on, outside quiet hours whatever the hour
	// the suite runs at.
	mark = s.sent(0).last()
	later := month.AddDate(0, 3, 0)
	at := time.Date(later.Year(), later.Month(), later.Day(), 9, 30, 0, 0, s.app.Cfg.Location())
	var res struct{ Job string }
	if code := s.post("/sim/api/jobs/weekly-digest?now="+strings.ReplaceAll(at.Format(time.RFC3339), "+", "%2B"), nil, &res); code != 200 || res.Job != "weekly-digest" {
		t.Fatalf("job: %d %+v", code, res)
	}
	if got := s.sent(mark).to("u-wang"); !strings.Contains(got, "李四") {
		t.Fatalf("digest to the secretary: %q", got)
	}
}
