package parse

import (
	"testing"
	"time"
)

func TestParseOrgLife(t *testing.T) {
	tests := []struct {
		in    string
		date  time.Time
		place string
		kind  string
		err   string
	}{
		{in: "11月20日 深圳南山区XX支部 主题党日", date: day(2026, 11, 20), place: "深圳南山区XX支部", kind: "主题党日"},
		{in: "昨天 主题党日 东莞长安镇党群服务中心", date: day(2026, 11, 24), place: "东莞长安镇党群服务中心", kind: "主题党日"},
		{in: "今天 广州天河区流动党员党支部 党课", date: day(2026, 11, 25), place: "广州天河区流动党员党支部", kind: "党课"},
		{in: "2026-11-18，深圳宝安区XX社区党委，支部党员大会", date: day(2026, 11, 18), place: "深圳宝安区XX社区党委", kind: "支部党员大会"},
		{in: "上周六 在东莞长安镇党群服务中心参加主题党日活动", date: day(2026, 11, 21), place: "东莞长安镇党群服务中心", kind: "主题党日"},
		{in: "深圳南山区XX支部 11月20日 党小组会", date: day(2026, 11, 20), place: "深圳南山区XX支部", kind: "党小组会"},
		{in: "11月20日 深圳XX支部 党小组会议", date: day(2026, 11, 20), place: "深圳XX支部", kind: "党小组会"},
		{in: "11.20 杭州西湖区流入党员党支部 民主评议党员", date: day(2026, 11, 20), place: "杭州西湖区流入党员党支部", kind: "民主评议"},
		{in: "周五 苏州工业园区 志愿者活动", date: day(2026, 11, 20), place: "苏州工业园区", kind: "志愿服务"},
		{in: "11月20日 深圳 其他", date: day(2026, 11, 20), place: "深圳", kind: "其他"},
		{in: "１１月２０日　深圳南山区ＸＸ支部　组织生活会", date: day(2026, 11, 20), place: "深圳南山区XX支部", kind: "组织生活会"},
		{in: "11月20日下午 深圳XX支部 专题党课", date: day(2026, 11, 20), place: "深圳XX支部", kind: "党课"},
		{in: "3天前 深圳XX支部 党员大会", date: day(2026, 11, 22), place: "深圳XX支部", kind: "支部党员大会"},
		{in: "11月20日 深圳XX支部的主题党日", date: day(2026, 11, 20), place: "深圳XX支部", kind: "主题党日"},
		{in: "11月20日 深圳XX支部 主题党日 主题党日", date: day(2026, 11, 20), place: "深圳XX支部", kind: "主题党日"},
		{in: "2号楼党支部 11月20日 主题党日", date: day(2026, 11, 20), place: "2号楼党支部", kind: "主题党日"},
		{in: "12月20日 深圳XX支部 主题党日", date: day(2025, 12, 20), place: "深圳XX支部", kind: "主题党日"},
		{in: "深圳南山区XX支部 主题党日", err: "请写明活动日期"},
		{in: "11月20日 深圳南山区XX支部", err: "请写明活动类型"},
		{in: "11月20日 主题党日", err: "请写明在哪里参加"},
		{in: "11月20日 ，。 主题党日", err: "请写明在哪里参加"},
		{in: "", err: "请这样写"},
		{in: "明天 深圳XX支部 主题党日", err: "还没到"},
		{in: "2月30日 深圳 主题党日", err: "日期不存在"},
		{in: "深圳 2月30日 主题党日", err: "日期不存在"},
		{in: "11月20日 深圳 主题党日 党课", err: "一次只能记录一种活动"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseOrgLife(tt.in, now)
			if tt.err != "" {
				wantErr(t, err, tt.err)
				return
			}
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			want := OrgLife{Date: tt.date, Place: tt.place, Kind: tt.kind}
			if !got.Date.Equal(want.Date) || got.Place != want.Place || got.Kind != want.Kind {
				t.Errorf("ParseOrgLife(%q) = %+v, want %+v", tt.in, got, want)
			}
		})
	}
}

func TestParseDeparture(t *testing.T) {
	today := day(2026, 11, 25)
	tests := []struct {
		in                  string
		date                time.Time
		place, reason, note string
		err                 string
	}{
		{in: "深圳 务工", date: today, place: "深圳", reason: "务工"},
		{in: "2026-11-01 广东东莞 经商", date: day(2026, 11, 1), place: "广东东莞", reason: "经商"},
		{in: "去杭州打工", date: today, place: "杭州", reason: "务工"},
		{in: "到深圳做生意", date: today, place: "深圳", reason: "经商"},
		{in: "北京 读书", date: today, place: "北京", reason: "求学"},
		{in: "上海 进修", date: today, place: "上海", reason: "求学"},
		{in: "在苏州上学", date: today, place: "苏州", reason: "求学"},
		{in: "宁波 上班", date: today, place: "宁波", reason: "务工"},
		{in: "广东省 东莞市 上班", date: today, place: "广东省东莞市", reason: "务工"},
		{in: "广东 东莞市 务工", date: today, place: "广东东莞市", reason: "务工"},
		{in: "广东 东莞 务工", date: today, place: "广东东莞", reason: "务工"},
		{in: "深圳", date: today, place: "深圳", reason: "其他"},
		{in: "深圳 华为 上班", date: today, place: "深圳", reason: "务工", note: "华为"},
		{in: "深圳 照顾孙子", date: today, place: "深圳", reason: "其他", note: "照顾孙子"},
		{in: "北京 探亲", date: today, place: "北京", reason: "其他", note: "探亲"},
		{in: "去北京照顾孙子", date: today, place: "北京", reason: "其他", note: "照顾孙子"},
		{in: "务工 深圳", date: today, place: "深圳", reason: "务工"},
		{in: "11月1日 去苏州上班", date: day(2026, 11, 1), place: "苏州", reason: "务工"},
		{in: "昨天 到宁波 工作", date: day(2026, 11, 24), place: "宁波", reason: "务工"},
		{in: "下个月1号 去深圳打工", date: day(2026, 12, 1), place: "深圳", reason: "务工"},
		{in: "２０２６－１１－０１　深圳　务工", date: day(2026, 11, 1), place: "深圳", reason: "务工"},
		{in: "深圳 务工 在富士康", date: today, place: "深圳", reason: "务工", note: "在富士康"},
		{in: "深圳，务工。", date: today, place: "深圳", reason: "务工"},
		{in: "", err: "请这样写"},
		{in: "务工", err: "请写明去哪里"},
		{in: "2月30日 深圳 务工", err: "日期不存在"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDeparture(tt.in, now)
			if tt.err != "" {
				wantErr(t, err, tt.err)
				return
			}
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			want := Departure{Date: tt.date, Place: tt.place, Reason: tt.reason, Note: tt.note}
			if !got.Date.Equal(want.Date) || got.Place != want.Place || got.Reason != want.Reason || got.Note != want.Note {
				t.Errorf("ParseDeparture(%q) = %+v, want %+v", tt.in, got, want)
			}
		})
	}
}

func TestSplitName(t *testing.T) {
	tests := []struct{ in, name, rest string }{
		{"张三 已阅，继续保持", "张三", "已阅，继续保持"},
		{"张三：已阅", "张三", "已阅"},
		{"张三:已阅", "张三", "已阅"},
		{"张三，已阅。", "张三", "已阅。"},
		{"　张三　已阅", "张三", "已阅"},
		{"张三  2026年11月 12.5", "张三", "2026年11月 12.5"},
		{"张三", "张三", ""},
		{"张三\n已阅", "张三", "已阅"},
		{"阿不都·热合曼 2026年11月 12.5", "阿不都·热合曼", "2026年11月 12.5"},
		{"阿不都.热合曼 已阅", "阿不都·热合曼", "已阅"},
		{"阿不都•热合曼 已阅", "阿不都·热合曼", "已阅"},
		{"阿不都・热合曼 已阅", "阿不都·热合曼", "已阅"},
		{"欧阳娜娜 查", "欧阳娜娜", "查"},
		{"张三已阅", "张三已阅", ""},
		{"", "", ""},
	}
	for _, tt := range tests {
		name, rest := SplitName(tt.in)
		if name != tt.name || rest != tt.rest {
			t.Errorf("SplitName(%q) = %q, %q; want %q, %q", tt.in, name, rest, tt.name, tt.rest)
		}
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"１２：３０，ａＢ（）":      "12:30,aB()",
		"a\u3000b\u00a0c": "a b c",
		"a\r\nb\rc":       "a\nb\nc",
		"\ufeff张\u200b三":  "张三",
		"阿不都•热合曼":         "阿不都·热合曼",
		"已经正常":            "已经正常",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}
