package parse

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
)

// checkChatError asserts err is a *Error with a Chinese message.
func checkChatError(t *testing.T, err error) {
	t.Helper()
	var pe *Error
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T) is not a *Error", err, err)
	}
	if strings.IndexFunc(pe.Msg, isHan) < 0 {
		t.Fatalf("error message %q is not Chinese", pe.Msg)
	}
}

func checkMidnight(t *testing.T, d time.Time) {
	t.Helper()
	if d.Location() != now.Location() || d.Hour() != 0 || d.Minute() != 0 || d.Second() != 0 || d.Nanosecond() != 0 {
		t.Fatalf("date %v is not 00:00 in now's location", d)
	}
}

var dateSeeds = []string{
	"11月20日", "11月20号 深圳", "11.20", "11/20", "2026-11-20", "2026/11/20", "2026.11.20",
	"2026年11月20日", "20261120", "今天", "昨天", "前天", "大前天", "上周六", "上星期六", "上礼拜六",
	"本周一", "这周三", "周五", "3天前", "三天前", "2月30日", "十一月二十日", "20号", "2号楼",
	"上个月31号", "１１月２０日　下午３点半", "2026-11-20 14:30", "99999999", "上周", "2026年",
}

func FuzzParseDate(f *testing.F) {
	for _, s := range dateSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, rest, err := ParseDate(s, now)
		if err != nil {
			checkChatError(t, err)
			return
		}
		checkMidnight(t, d)
		norm := Normalize(s)
		if !strings.Contains(norm, rest) || len(rest) >= len(strings.TrimSpace(norm)) {
			t.Fatalf("rest %q is not a proper part of %q", rest, norm)
		}
		if d.Year() < 1900 || d.Year() > 2101 {
			t.Fatalf("year out of range: %v", d)
		}
		// The resolved date, written in full, reads back as itself.
		back, _, err := ParseDate(d.Format("2006-01-02"), now)
		if err != nil || !back.Equal(d) {
			t.Fatalf("round trip of %v gave %v, %v", d, back, err)
		}
	})
}

var reportSeeds = []string{
	"思想：坚定理想信念\n工作：在深圳务工\n生活：一切正常\n学习：坚持学习强国",
	"一、思想方面\n坚定\n二、工作方面\n稳定\n三、生活方面\n和睦\n四、学习方面\n党课",
	"1.思想方面：拥护\n2.工作方面：负责", "（一）工作情况\n稳定", "【工作】稳定【学习】坚持", "[学习]看书",
	"思想汇报：好", "生活上：节俭", "学习方面,每天一小时", "我在工作中加强学习",
	"思想汇报\n尊敬的党组织：\n思想：好\n此致\n敬礼！\n汇报人：张三",
	"思想：稳定，工作：顺利。生活：正常 学习：坚持", "工作：a\n工作：b", "\r\n　思想　：　\u200b好\r\n",
	"【", "思想", "(一)", "①", "第一，", "1.", "思想上", "",
}

func FuzzParseReport(f *testing.F) {
	for _, s := range reportSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkNoLoss(t, s)
		if a, b := ParseReport(s), ParseReport(s); a != b {
			t.Fatalf("not deterministic: %#v vs %#v", a, b)
		}
	})
}

func FuzzParseSectionEdit(f *testing.F) {
	for _, s := range []string{"工作：调到东莞", "学习 每天", "生活，搬家", "工作：a\n学习：b", "工作：", "随便"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sec, content, err := ParseSectionEdit(s)
		if err != nil {
			checkChatError(t, err)
			return
		}
		if sec < Thought || sec > Study || content == "" || strings.TrimFunc(content, isBlank) != content {
			t.Fatalf("ParseSectionEdit(%q) = %v, %q", s, sec, content)
		}
	})
}

var orgLifeSeeds = []string{
	"11月20日 深圳南山区XX支部 主题党日", "昨天 主题党日 东莞长安镇党群服务中心",
	"深圳 11.20 党课", "上周六 在东莞参加主题党日活动", "11月20日 深圳", "深圳 主题党日",
	"明天 深圳 党课", "2月30日 深圳 党课", "11月20日 主题党日 党课", "１１月２０日　深圳　其他",
}

func FuzzParseOrgLife(f *testing.F) {
	for _, s := range orgLifeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		o, err := ParseOrgLife(s, now)
		if err != nil {
			checkChatError(t, err)
			return
		}
		checkMidnight(t, o.Date)
		if o.Date.After(now) {
			t.Fatalf("future date %v", o.Date)
		}
		if !slices.Contains(OrgLifeKinds, o.Kind) {
			t.Fatalf("kind %q", o.Kind)
		}
		if strings.IndexFunc(o.Place, unicode.IsLetter) < 0 || strings.TrimSpace(o.Place) != o.Place {
			t.Fatalf("place %q", o.Place)
		}
		if p, _, _, ok := findPhrase(o.Place, orgLifeAliases); ok && p.value == o.Kind {
			t.Fatalf("place %q still holds the kind %q", o.Place, o.Kind)
		}
	})
}

var departureSeeds = []string{
	"深圳 务工", "2026-11-01 广东东莞 经商", "去杭州打工", "北京 读书", "广东省 东莞市 上班",
	"深圳 照顾孙子", "务工 深圳", "务工", "2月30日 深圳", "下个月1号 去深圳打工", "深圳 华为 上班",
}

func FuzzParseDeparture(f *testing.F) {
	for _, s := range departureSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDeparture(s, now)
		if err != nil {
			checkChatError(t, err)
			return
		}
		checkMidnight(t, d.Date)
		if !slices.Contains(DepartureReasons, d.Reason) {
			t.Fatalf("reason %q", d.Reason)
		}
		if strings.IndexFunc(d.Place, unicode.IsLetter) < 0 || strings.TrimSpace(d.Place) != d.Place {
			t.Fatalf("place %q", d.Place)
		}
	})
}

func FuzzSplitName(f *testing.F) {
	for _, s := range []string{"张三 已阅，继续保持", "张三：已阅", "阿不都.热合曼 2026年11月 12.5", "　", "张三"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name, rest := SplitName(s)
		if strings.IndexFunc(name, isRawSep) >= 0 {
			t.Fatalf("name %q holds a separator", name)
		}
		if rest != "" && (strings.IndexFunc(rest[:1], isRawSep) == 0 || !strings.Contains(s, rest)) {
			t.Fatalf("rest %q of %q", rest, s)
		}
		if name == "" && rest != "" {
			t.Fatalf("rest %q without a name", rest)
		}
	})
}
