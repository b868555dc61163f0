package parse

import (
	"strings"
	"testing"
)

// rep builds an expected report; found lists the labelled sections.
func rep(thought, work, life, study, free string, found ...Section) Report {
	r := Report{Thought: thought, Work: work, Life: life, Study: study, Free: free}
	for _, s := range found {
		r.Found |= 1 << s
	}
	return r
}

var all4 = []Section{Thought, Work, Life, Study}

func TestParseReport(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Report
	}{
		{"colon lines", "思想：坚定理想信念\n工作：在深圳务工\n生活：一切正常\n学习：坚持学习强国",
			rep("坚定理想信念", "在深圳务工", "一切正常", "坚持学习强国", "", all4...)},
		{"ascii colon and crlf", "思想:坚定\r\n工作:顺利\r\n生活:稳定\r\n学习:坚持",
			rep("坚定", "顺利", "稳定", "坚持", "", all4...)},
		{"full-width colon with spaces", "思想 ： 对党忠诚\n工作 ：在厂里当班长",
			rep("对党忠诚", "在厂里当班长", "", "", "", Thought, Work)},
		{"space after name", "思想 始终和党保持一致\n学习 每周看新闻联播",
			rep("始终和党保持一致", "", "", "每周看新闻联播", "", Thought, Study)},
		{"any order", "学习：读了党章\n生活：身体好\n思想：没有动摇\n工作：按时上班",
			rep("没有动摇", "按时上班", "身体好", "读了党章", "", all4...)},
		{"chinese numbering", "一、思想方面\n坚定信念，听党指挥。\n二、工作方面\n在东莞电子厂工作，被评为优秀员工。\n三、生活方面\n家庭和睦。\n四、学习方面\n参加流入地党课两次。",
			rep("坚定信念，听党指挥。", "在东莞电子厂工作，被评为优秀员工。", "家庭和睦。", "参加流入地党课两次。", "", all4...)},
		{"arabic numbering", "1.思想方面：拥护党的领导\n2.工作方面：认真负责\n3.生活方面：勤俭节约\n4.学习方面：自学党史",
			rep("拥护党的领导", "认真负责", "勤俭节约", "自学党史", "", all4...)},
		{"full-width numbering", "１．思想：拥护\n２、工作：负责\n３）生活：节约",
			rep("拥护", "负责", "节约", "", "", Thought, Work, Life)},
		{"parenthesised", "（一）思想情况\n思想稳定\n（二）工作情况\n工作稳定\n(三)生活情况：生活稳定",
			rep("思想稳定", "工作稳定", "生活稳定", "", "", Thought, Work, Life)},
		{"square brackets", "【思想】坚持四个意识\n【工作】在杭州做快递\n[生活]租房住\n[学习]看学习强国",
			rep("坚持四个意识", "在杭州做快递", "租房住", "看学习强国", "", all4...)},
		{"brackets inline", "【思想】坚定【工作】稳定【生活】正常【学习】坚持",
			rep("坚定", "稳定", "正常", "坚持", "", all4...)},
		{"suffix 汇报 and 上", "思想汇报：拥护党的路线\n工作上：努力\n生活上：节俭\n学习方面,每天学习一小时",
			rep("拥护党的路线", "努力", "节俭", "每天学习一小时", "", all4...)},
		{"one line with full stops", "思想：坚定信念。工作：在深圳务工。生活：良好。学习：每天学习强国。",
			rep("坚定信念。", "在深圳务工。", "良好。", "每天学习强国。", "", all4...)},
		{"one line with commas", "思想：稳定，工作：顺利，生活：正常，学习：坚持",
			rep("稳定，", "顺利，", "正常，", "坚持", "", all4...)},
		{"one line with spaces", "思想：稳定 工作：顺利 生活：正常 学习：坚持",
			rep("稳定", "顺利", "正常", "坚持", "", all4...)},
		{"multi-line section", "思想：\n1. 认真学习二十大精神\n2. 坚定四个自信\n工作：\n在工地做技术员",
			rep("1. 认真学习二十大精神\n2. 坚定四个自信", "在工地做技术员", "", "", "", Thought, Work)},
		{"mid-sentence words do not split", "思想：我在工作中加强学习，生活上也很注意。\n工作：工作很忙，学习时间少",
			rep("我在工作中加强学习，生活上也很注意。", "工作很忙，学习时间少", "", "", "", Thought, Work)},
		{"line starting with a word not a label", "思想：稳定\n工作中遇到困难时向支部请教\n学习贯彻二十大精神",
			rep("稳定\n工作中遇到困难时向支部请教\n学习贯彻二十大精神", "", "", "", "", Thought)},
		{"numbered items inside a section", "学习：\n1.学习党章\n2.学习党史\n工作：正常",
			rep("", "正常", "", "1.学习党章\n2.学习党史", "", Work, Study)},
		{"no labels", "本季度我在深圳务工，一切都好，按时交党费。",
			rep("", "", "", "", "本季度我在深圳务工，一切都好，按时交党费。")},
		{"no labels multi-line", "  我最近很好\n\n  在厂里上班  \n",
			rep("", "", "", "", "我最近很好\n在厂里上班")},
		{"preamble kept in Free", "尊敬的党组织：\n现将本季度情况汇报如下。\n思想：坚定\n工作：稳定",
			rep("坚定", "稳定", "", "", "尊敬的党组织：\n现将本季度情况汇报如下。", Thought, Work)},
		{"letter with title and closing", "思想汇报\n尊敬的党组织：\n一、思想方面\n坚定\n二、工作方面\n稳定\n此致\n敬礼！\n汇报人：张三\n2026年11月20日",
			rep("坚定", "稳定", "", "", "思想汇报\n尊敬的党组织：\n此致\n敬礼！\n汇报人：张三\n2026年11月20日", Thought, Work)},
		{"title then salutation", "思想汇报\n尊敬的党组织：\n工作：稳定\n学习：坚持",
			rep("", "稳定", "", "坚持", "思想汇报\n尊敬的党组织：", Work, Study)},
		{"思想认识", "思想认识：提高了\n工作方面的情况：稳定",
			rep("提高了", "稳定", "", "", "", Thought, Work)},
		{"lone 思想汇报 without later 思想 label is the label", "思想汇报\n我最近思想很稳定\n工作：稳定",
			rep("我最近思想很稳定", "稳定", "", "", "", Thought, Work)},
		{"duplicate labels append", "工作：上半月在深圳\n生活：好\n工作：下半月到东莞",
			rep("", "上半月在深圳\n下半月到东莞", "好", "", "", Work, Life)},
		{"empty section", "思想：\n工作：稳定",
			rep("", "稳定", "", "", "", Thought, Work)},
		{"ideographic spaces", "　思想：　坚定　\n　工作　稳定",
			rep("坚定", "稳定", "", "", "", Thought, Work)},
		{"full-width punctuation kept", "思想：坚定（不动摇）！\n学习：看《习近平谈治国理政》；做笔记",
			rep("坚定（不动摇）！", "", "", "看《习近平谈治国理政》；做笔记", "", Thought, Study)},
		{"heading alone on a line", "思想\n坚定\n学习\n坚持",
			rep("坚定", "", "", "坚持", "", Thought, Study)},
		{"comma needs a suffix", "工作，是我生活的重要部分",
			rep("", "", "", "", "工作，是我生活的重要部分")},
		{"comma after number", "一、思想，坚定",
			rep("坚定", "", "", "", "", Thought)},
		{"colon inside text is kept", "思想：我的体会：工作：要做好",
			rep("我的体会：工作：要做好", "", "", "", "", Thought)},
		{"quoted word is not a label", "学习：把「学习」放在首位",
			rep("", "", "", "把「学习」放在首位", "", Study)},
		{"long keywords", "思想政治方面：合格\n本职工作：完成\n家庭生活：和睦\n理论学习：坚持",
			rep("合格", "完成", "和睦", "坚持", "", all4...)},
		{"circled numbers", "①思想：好\n②工作：好",
			rep("好", "好", "", "", "", Thought, Work)},
		{"第一", "第一，思想方面：好\n第二，工作情况：好",
			rep("好", "好", "", "", "", Thought, Work)},
		{"numbered sub-items keep their section", "学习：\n（1）学习党章\n（2）学习党史\n一、工作中积极肯干",
			rep("", "", "", "（1）学习党章\n（2）学习党史\n一、工作中积极肯干", "", Study)},
		{"clock times are not labels", "工作：每天8:00上班，18:00下班",
			rep("", "每天8:00上班，18:00下班", "", "", "", Work)},
		{"command word before labels", "汇报\n思想：好",
			rep("好", "", "", "", "汇报", Thought)},
		{"empty", "", rep("", "", "", "", "")},
		{"blank", " \n\r\n　", rep("", "", "", "", "")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ParseReport(tt.in)
			if got != tt.want {
				t.Errorf("ParseReport(%q)\n got  %#v\n want %#v", tt.in, got, tt.want)
			}
			checkNoLoss(t, tt.in)
		})
	}
}

// checkNoLoss asserts that the report fields plus the consumed labels hold
// exactly the non-blank runes of the input.
func checkNoLoss(t *testing.T, in string) {
	t.Helper()
	r, labels := scanReport(in, false)
	count := map[rune]int{}
	add := func(s string, d int) {
		for _, c := range s {
			if !isBlank(c) {
				count[c] += d
			}
		}
	}
	add(in, 1)
	for _, s := range []string{r.Thought, r.Work, r.Life, r.Study, r.Free} {
		add(s, -1)
	}
	for _, l := range labels {
		add(l, -1)
	}
	for c, n := range count {
		if n != 0 {
			t.Fatalf("rune %q: %+d in input vs fields+labels (labels %q, report %#v)", c, n, labels, r)
		}
	}
	for _, s := range []string{r.Thought, r.Work, r.Life, r.Study, r.Free} {
		if strings.TrimFunc(s, isBlank) != s {
			t.Fatalf("field %q not trimmed", s)
		}
	}
	for _, sec := range Sections {
		if r.Section(sec) != "" && !r.Found.Has(sec) {
			t.Fatalf("%s has text but is not in Found", sec)
		}
	}
}

func TestParseSectionEdit(t *testing.T) {
	tests := []struct {
		in      string
		sec     Section
		content string
		err     string
	}{
		{in: "工作：已调到东莞分厂", sec: Work, content: "已调到东莞分厂"},
		{in: "工作:已调到东莞分厂", sec: Work, content: "已调到东莞分厂"},
		{in: "  学习 每天学习强国", sec: Study, content: "每天学习强国"},
		{in: "生活，搬了新家", sec: Life, content: "搬了新家"},
		{in: "思想方面：更加坚定\n第二行", sec: Thought, content: "更加坚定\n第二行"},
		{in: "【学习】参加了党课", sec: Study, content: "参加了党课"},
		{in: "工作：学习 新技术", sec: Work, content: "学习 新技术"},
		{in: "工作：在厂里学习：新技术", sec: Work, content: "在厂里学习：新技术"},
		{in: "工作：好\n学习：好", err: "一次只能修改一个部分"},
		{in: "工作：", err: "工作的新内容是空的"},
		{in: "把工作改成在东莞", err: "请写明修改哪一部分"},
		{in: "", err: "请写明修改哪一部分"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			sec, content, err := ParseSectionEdit(tt.in)
			if tt.err != "" {
				wantErr(t, err, tt.err)
				return
			}
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			if sec != tt.sec || content != tt.content {
				t.Errorf("ParseSectionEdit(%q) = %v, %q; want %v, %q", tt.in, sec, content, tt.sec, tt.content)
			}
		})
	}
}

func TestSectionSet(t *testing.T) {
	r := ParseReport("思想：a\n学习：b")
	if r.Found.Len() != 2 || !r.Found.Has(Thought) || r.Found.Has(Work) || !r.Found.Has(Study) {
		t.Fatalf("Found = %b", r.Found)
	}
	if Study.String() != "学习" || Section(9).String() != "?" {
		t.Fatal("Section.String")
	}
}
