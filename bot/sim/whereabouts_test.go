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

// Location updates (a shared location, an ambiguous place answered by number), a departure
// with its notice to the secretary and a certificate, through the simulator's HTTP API.
func TestWhereaboutsThroughTheAPI(t *testing.T) {
	s := start(t)
	ctx := context.Background()
	if _, err := s.app.Importer().Import(ctx, strings.NewReader("姓名,性别,出生日期,学历,所在党支部,职务\n王书记,男,1970-01-01,大学本科,第一党支部,书记\n"),
		"r.csv", roster.Options{}); err != nil {
		t.Fatal(err)
	}
	for name, handle := range map[string]string{"张三": "u-zhang", "王书记": "u-wang"} {
		ms, _ := s.app.Store.MembersByName(ctx, name, nil)
		code, err := s.app.Binding.IssueCode(ctx, ms[0].ID, "test", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if got := s.say(handle, "绑定 "+code.Code); !strings.Contains(got, "绑定成功") {
			t.Fatalf("bind %s: %q", name, got)
		}
	}

	var r replies
	s.post("/sim/api/messages", map[string]any{"from": "u-zhang", "location": map[string]any{"lat": 22.540503, "lng": 113.934528,
		"label": "广东省深圳市南山区粤海街道科技园"}}, &r)
	if len(r.Replies) != 1 || !strings.Contains(r.Replies[0].Text, "已记录您的位置：广东省深圳市南山区（省外）") {
		t.Fatalf("shared location: %+v", r.Replies)
	}
	if got := s.say("u-zhang", "我在朝阳"); !strings.Contains(got, "2. 北京市朝阳区") {
		t.Fatalf("question: %q", got)
	}
	if got := s.say("u-zhang", "2"); !strings.Contains(got, "北京市朝阳区（省外）") {
		t.Fatalf("answer: %q", got)
	}
	if got := s.say("u-zhang", "外出 深圳 务工"); !strings.Contains(got, "已告知党支部书记") {
		t.Fatalf("departure: %q", got)
	}
	if got := s.say("u-wang", "发证 张三"); !strings.Contains(got, "编号：34150000001") {
		t.Fatalf("issue: %q", got)
	}
	if got := s.say("u-zhang", "活动证"); !strings.Contains(got, "编号：34150000001") {
		t.Fatalf("certificate: %q", got)
	}

	// The secretary's notice and the member's are in the sent log.
	resp, err := http.Get(s.url + "/sim/api/sent?after=0")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var sent struct {
		Messages []struct{ To, Text string }
	}
	json.NewDecoder(resp.Body).Decode(&sent)
	var toWang, toZhang []string
	for _, m := range sent.Messages {
		switch m.To {
		case "u-wang":
			toWang = append(toWang, m.Text)
		case "u-zhang":
			toZhang = append(toZhang, m.Text)
		}
	}
	if !strings.Contains(strings.Join(toWang, "\n"), "【外出报告】第一党支部党员张三报告") {
		t.Errorf("secretary: %q", toWang)
	}
	if !strings.Contains(strings.Join(toZhang, "\n"), "您的《流动党员活动证》已办理：编号34150000001") {
		t.Errorf("member: %q", toZhang)
	}
}
