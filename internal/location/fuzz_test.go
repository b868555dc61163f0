package location

import (
	"strings"
	"testing"
	"unicode/utf8"
)

var fuzzSeeds = []string{
	"广东省深圳市南山区", "深圳南山", "朝阳", "北京市朝阳区", "重庆城口", "湖北仙桃", "南山区科技园",
	"位置 广东省深圳市南山区", "位置：深圳", "我在深圳南山", "到了东莞", "现在在杭州打工",
	"我现在在广东深圳宝安区上班", "已到达苏州", "目前在上海浦东工作", "我到北京了", "我在想一个问题",
	"汇报", "党费", "", " ", "位置", "在", "我在", "中国", "\xff\xfe", "广东\x00深圳", "吉林吉林吉林吉林",
	"北京北京北京朝阳朝阳", "位置：：：", "我在深圳，", "鼓楼鼓楼区",
}

// checkRegions asserts what every Resolve result must satisfy.
func checkRegions(t *testing.T, r *Resolver, text string, got []Region) {
	t.Helper()
	seen := map[string]bool{}
	for _, g := range got {
		code := g.Code()
		if seen[code] {
			t.Fatalf("Resolve(%q): %s twice", text, code)
		}
		seen[code] = true
		if len(g.ProvinceCode) != 6 || !strings.HasSuffix(g.ProvinceCode, "0000") || g.Province == "" {
			t.Fatalf("Resolve(%q): bad province in %+v", text, g)
		}
		if p, ok := r.ByCode(g.ProvinceCode); !ok || p.Province != g.Province {
			t.Fatalf("Resolve(%q): province %s unknown or renamed", text, g.ProvinceCode)
		}
		if (g.CityCode == "") != (g.City == "") || (g.CountyCode == "") != (g.County == "") {
			t.Fatalf("Resolve(%q): code without name in %+v", text, g)
		}
		if g.CityCode != "" {
			if g.CityCode[:2] != g.ProvinceCode[:2] || g.CityCode[4:] != "00" {
				t.Fatalf("Resolve(%q): city %s outside %s", text, g.CityCode, g.ProvinceCode)
			}
			if c, ok := r.ByCode(g.CityCode); !ok || c.City != g.City {
				t.Fatalf("Resolve(%q): city %s unknown or renamed", text, g.CityCode)
			}
		}
		if g.CountyCode != "" {
			parent := g.ProvinceCode[:2]
			if g.CityCode != "" {
				parent = g.CityCode[:4]
			}
			if !strings.HasPrefix(g.CountyCode, parent) || g.CountyCode[4:] == "00" {
				t.Fatalf("Resolve(%q): county %s outside %s", text, g.CountyCode, parent)
			}
			if c, ok := r.ByCode(g.CountyCode); !ok || c != g {
				t.Fatalf("Resolve(%q): county %s: ByCode gives %+v, want %+v", text, g.CountyCode, c, g)
			}
		}
		if g.Label() == "" || g.Level() == LevelUnknown {
			t.Fatalf("Resolve(%q): empty label or level in %+v", text, g)
		}
	}
	// Deterministic.
	again := r.Resolve(text)
	if len(again) != len(got) {
		t.Fatalf("Resolve(%q) not deterministic", text)
	}
	for i := range got {
		if again[i] != got[i] {
			t.Fatalf("Resolve(%q) not deterministic", text)
		}
	}
}

func FuzzResolve(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	r := Default()
	f.Fuzz(func(t *testing.T, text string) {
		got := r.Resolve(text)
		checkRegions(t, r, text, got)
		// Trailing text never loses a resolved place.
		if len(got) > 0 {
			if more := r.Resolve(text + "XX路"); len(more) == 0 {
				t.Fatalf("Resolve(%q) = %d regions, with a suffix none", text, len(got))
			}
		}
	})
}

func FuzzParsePhrase(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	r := Default()
	f.Fuzz(func(t *testing.T, text string) {
		place, ok := r.ParsePhrase(text)
		if !ok {
			if place != "" {
				t.Fatalf("ParsePhrase(%q) = %q, false", text, place)
			}
			return
		}
		if place == "" || strings.ContainsFunc(place, func(c rune) bool { return c == ' ' || c == '\n' }) {
			t.Fatalf("ParsePhrase(%q) = %q", text, place)
		}
		if utf8.ValidString(text) && !utf8.ValidString(place) {
			t.Fatalf("ParsePhrase(%q) = invalid UTF-8 %q", text, place)
		}
		// Only the command may yield a place that does not resolve.
		got := r.Resolve(place)
		checkRegions(t, r, place, got)
		if len(got) == 0 && !hasAnyPrefix(strings.TrimSpace(text), commandWords) {
			t.Fatalf("ParsePhrase(%q) = %q, which does not resolve", text, place)
		}
	})
}
