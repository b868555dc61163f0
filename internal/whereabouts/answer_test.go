package whereabouts

import (
	"testing"

	"liudong/internal/config"
	"liudong/internal/location"
)

func TestParseChoice(t *testing.T) {
	cases := map[string]int{"1": 1, "2": 2, "第2个": 2, "选3": 3, "二": 2, "两": 2, "4号": 4, "第三个": 3, "10": 10}
	for in, want := range cases {
		if got, ok := parseChoice(in); !ok || got != want {
			t.Errorf("%q: %d %v, want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "好的", "1个2", "第", "2a", "99999999999999999999"} {
		if got, ok := parseChoice(in); ok && got <= 100 {
			t.Errorf("%q: %d accepted", in, got)
		}
	}
}

// An answer in words picks the one candidate it names, and nothing when it names several.
func TestNarrow(t *testing.T) {
	s, err := New(nil, config.Default())
	if err != nil {
		t.Fatal(err)
	}
	chaoyang := location.Default().Resolve("朝阳")
	cases := map[string]string{
		"北京": "110105", "北京的": "110105", "北京那个": "110105", "辽宁": "211300", "长春": "220104",
		"吉林": "220104", "北京市朝阳区": "110105", "朝阳区": "", "朝阳": "", "深圳": "", "北": "",
	}
	for in, want := range cases {
		r, ok := s.narrow(in, chaoyang)
		if got := r.Code(); ok != (want != "") || ok && got != want {
			t.Errorf("%q: %s %v, want %q", in, got, ok, want)
		}
	}
}

func FuzzLocationAnswer(f *testing.F) {
	s, err := New(nil, config.Default())
	if err != nil {
		f.Fatal(err)
	}
	cands := location.Default().Resolve("鼓楼")
	for _, seed := range []string{"1", "第2个", "南京", "开封的", "好的", "99", "鼓楼区"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, answer string) {
		parseChoice(answer)
		if r, ok := s.narrow(answer, cands); ok && !within(r, cands) {
			t.Fatalf("%q picked %v, not a candidate", answer, r)
		}
	})
}
