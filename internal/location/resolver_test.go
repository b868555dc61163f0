package location

import (
	"slices"
	"strings"
	"sync"
	"testing"
)

func codes(rs []Region) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Code()
	}
	return out
}

func TestResolve(t *testing.T) {
	tests := []struct {
		text string
		want []string // most specific codes, in order
	}{
		// Full names.
		{"广东省深圳市南山区", []string{"440305"}},
		{"广州市天河区", []string{"440106"}},
		{"内蒙古自治区呼和浩特市", []string{"150100"}},
		{"新疆维吾尔自治区", []string{"650000"}},
		{"广西壮族自治区", []string{"450000"}},
		{"恩施土家族苗族自治州", []string{"422800"}},
		{"石柱土家族自治县", []string{"500240"}},
		{"香港特别行政区", []string{"810000"}},
		{"吉林省吉林市", []string{"220200"}},
		// Short names and qualifiers.
		{"深圳", []string{"440300"}},
		{"广东", []string{"440000"}},
		{"杭州", []string{"330100"}},
		{"深圳南山", []string{"440305"}},
		{"广东深圳", []string{"440300"}},
		{"广西", []string{"450000"}},
		{"宁夏银川", []string{"640100"}},
		{"内蒙包头", []string{"150200"}},
		{"恩施州", []string{"422800"}},
		{"恩施", []string{"422800"}}, // not also 恩施市 inside it
		{"石柱县", []string{"500240"}},
		{"香港", []string{"810000"}},
		{"中国香港", []string{"810000"}},
		{"湖北仙桃", []string{"429004"}},
		{"吉林", []string{"220000"}}, // the province contains 吉林市
		{"吉林市", []string{"220200"}},
		{"吉林长春", []string{"220100"}},
		{"长沙", []string{"430100"}}, // not also 长沙县
		{"长沙县", []string{"430121"}},
		{"西安", []string{"610100"}}, // dominates 西安区 of 辽源, 牡丹江
		{"河北", []string{"130000"}}, // dominates 天津市河北区
		{"辽宁朝阳", []string{"211300"}},
		{"南京鼓楼", []string{"320106"}},
		{"天津滨海", []string{"120116"}},
		// Prefecture cities without counties.
		{"东莞", []string{"441900"}},
		{"东莞市", []string{"441900"}},
		// Municipalities.
		{"北京", []string{"110100"}},
		{"北京朝阳", []string{"110105"}},
		{"北京市朝阳区", []string{"110105"}},
		{"上海浦东", []string{"310115"}},
		{"上海市浦东新区", []string{"310115"}},
		{"重庆万州", []string{"500101"}},
		{"重庆城口", []string{"500229"}},
		// Ambiguous: best known first.
		{"朝阳", []string{"211300", "110105", "220104"}},
		{"朝阳区", []string{"110105", "220104"}},
		{"鼓楼", []string{"320106", "350102", "320302", "410204"}},
		{"城关", []string{"540102", "620102"}},
		{"南山", []string{"440305", "230404"}},
		{"中山", []string{"442000", "210202"}},
		{"滨海", []string{"120116", "320922"}},
		{"通州", []string{"110112", "320612"}},
		// Trailing noise.
		{"南山区科技园", []string{"440305", "230404"}},
		{"深圳南山区XX路", []string{"440305"}},
		{"广东省深圳市南山区粤海街道科技园", []string{"440305"}},
		{"中国广东省深圳市", []string{"440300"}},
		{"广东 深圳 南山", []string{"440305"}},
		{"广东-深圳", []string{"440300"}},
		{"深圳鼓楼", []string{"440300"}},   // no 鼓楼 in 深圳: the known prefix
		{"苏州工业园区", []string{"320500"}}, // statistical zones are not divisions
		// Unknown.
		{"", nil},
		{"火星", nil},
		{"市", nil},
		{"城", nil},
		{"我在想一个问题", nil},
		{"科技园南山区", nil}, // the place must start the text
	}
	r := Default()
	for _, tt := range tests {
		got := codes(r.Resolve(tt.text))
		if !slices.Equal(got, tt.want) {
			t.Errorf("Resolve(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestResolveRegionFields(t *testing.T) {
	tests := []struct {
		text  string
		want  Region
		label string
		level Level
	}{
		{"北京市朝阳区", Region{"110000", "110100", "110105", "北京市", "北京市", "朝阳区"}, "北京市朝阳区", LevelCounty},
		{"北京", Region{"110000", "110100", "", "北京市", "北京市", ""}, "北京市", LevelCity},
		{"重庆城口", Region{"500000", "500200", "500229", "重庆市", "重庆市", "城口县"}, "重庆市城口县", LevelCounty},
		{"深圳南山", Region{"440000", "440300", "440305", "广东省", "深圳市", "南山区"}, "广东省深圳市南山区", LevelCounty},
		{"东莞", Region{"440000", "441900", "", "广东省", "东莞市", ""}, "广东省东莞市", LevelCity},
		{"仙桃", Region{"420000", "", "429004", "湖北省", "", "仙桃市"}, "湖北省仙桃市", LevelCounty},
		{"广东", Region{"440000", "", "", "广东省", "", ""}, "广东省", LevelProvince},
	}
	for _, tt := range tests {
		got := Default().Resolve(tt.text)
		if len(got) != 1 || got[0] != tt.want {
			t.Errorf("Resolve(%q) = %+v, want [%+v]", tt.text, got, tt.want)
			continue
		}
		if l := got[0].Label(); l != tt.label {
			t.Errorf("Resolve(%q).Label() = %q, want %q", tt.text, l, tt.label)
		}
		if l := got[0].Level(); l != tt.level {
			t.Errorf("Resolve(%q).Level() = %v, want %v", tt.text, l, tt.level)
		}
	}
}

// Every division's full label resolves to that division alone.
func TestResolveEveryLabel(t *testing.T) {
	r := Default()
	for _, nd := range r.nodes {
		want := nd.region
		got := r.Resolve(want.Label())
		if len(got) != 1 || got[0].Label() != want.Label() {
			t.Errorf("Resolve(%q) = %v, want [%s]", want.Label(), codes(got), want.Code())
			continue
		}
		// A municipality's province and its cities share one label.
		if got[0].Code() != want.Code() && got[0].Province != got[0].City {
			t.Errorf("Resolve(%q) = %s, want %s", want.Label(), got[0].Code(), want.Code())
		}
	}
}

func TestByCode(t *testing.T) {
	tests := []struct {
		code, label string
		ok          bool
	}{
		{"440305", "广东省深圳市南山区", true},
		{"4403", "广东省深圳市", true},
		{"44", "广东省", true},
		{"110000", "北京市", true},
		{"110100", "北京市", true},
		{"500200", "重庆市", true},
		{"429004", "湖北省仙桃市", true},
		{"810000", "香港特别行政区", true},
		{"429000", "", false}, // 省直辖县级行政区划 is not a place
		{"441900", "广东省东莞市", true},
		{"320576", "", false}, // statistical zone
		{"999999", "", false},
		{"", "", false},
		{"4403050", "", false},
	}
	for _, tt := range tests {
		got, ok := Default().ByCode(tt.code)
		if ok != tt.ok || got.Label() != tt.label {
			t.Errorf("ByCode(%q) = %q, %v; want %q, %v", tt.code, got.Label(), ok, tt.label, tt.ok)
		}
	}
	if r, _ := Default().ByCode("110000"); r.Level() != LevelProvince {
		t.Errorf("ByCode(110000).Level() = %v, want province", r.Level())
	}
}

func TestInProvince(t *testing.T) {
	r := Default()
	one := func(text string) Region {
		t.Helper()
		got := r.Resolve(text)
		if len(got) != 1 {
			t.Fatalf("Resolve(%q) = %v, want one region", text, codes(got))
		}
		return got[0]
	}
	tests := []struct {
		place, home string
		want        bool
	}{
		{"合肥", "安徽省", true},
		{"安徽省六安市金寨县", "安徽省六安市", true},
		{"深圳南山", "安徽省六安市", false},
		{"上海浦东", "安徽省", false},
		{"安徽", "安徽省六安市", true},
	}
	for _, tt := range tests {
		if got := InProvince(one(tt.place), one(tt.home)); got != tt.want {
			t.Errorf("InProvince(%s, %s) = %v, want %v", tt.place, tt.home, got, tt.want)
		}
	}
	if InProvince(Region{}, Region{}) {
		t.Error("InProvince of unresolved regions = true")
	}
}

func TestShortNames(t *testing.T) {
	tests := []struct {
		name  string
		level Level
		want  string
	}{
		{"深圳市", LevelCity, "深圳"},
		{"内蒙古自治区", LevelProvince, "内蒙古"},
		{"新疆维吾尔自治区", LevelProvince, "新疆"},
		{"香港特别行政区", LevelProvince, "香港"},
		{"海西蒙古族藏族自治州", LevelCity, "海西 海西州"},
		{"克孜勒苏柯尔克孜自治州", LevelCity, "克孜勒苏 克孜勒苏州"},
		{"双江拉祜族佤族布朗族傣族自治县", LevelCounty, "双江 双江县"},
		{"鄂伦春自治旗", LevelCounty, "鄂伦春 鄂伦春旗"},
		{"大兴安岭地区", LevelCity, "大兴安岭"},
		{"浦东新区", LevelCounty, "浦东"},
		{"城区", LevelCounty, ""},
		{"房县", LevelCounty, ""},
	}
	for _, tt := range tests {
		var got []string
		for _, a := range shortNames(tt.name, tt.level) {
			got = append(got, a.name)
		}
		if s := strings.Join(got, " "); s != tt.want {
			t.Errorf("shortNames(%q) = %q, want %q", tt.name, s, tt.want)
		}
	}
}

func TestNewResolverRejectsBadData(t *testing.T) {
	for _, tsv := range []string{
		"440000\t广东省\n440300",            // no name
		"44000\t广东省\n",                   // short code
		"440000\t广东省\n440000\t广东\n",      // duplicate
		"440300\t深圳市\n",                  // city without province
		"440000\t广东省\n440305\t\n",        // empty name
		"440000\t广东省\n4403x5\t南山区\n",     // not digits
		"440000\t广东省\n440305\t南山\xff区\n", // invalid UTF-8
	} {
		if _, err := newResolver(tsv); err == nil {
			t.Errorf("newResolver(%q) succeeded", tsv)
		}
	}
	r, err := newResolver("440000\t广东省\n440300\t深圳市\n440305\t南山区\n")
	if err != nil {
		t.Fatal(err)
	}
	if got := codes(r.Resolve("南山")); !slices.Equal(got, []string{"440305"}) {
		t.Errorf("small table: Resolve(南山) = %v", got)
	}
}

func TestConcurrentUse(t *testing.T) {
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for range 200 {
				msg := benchMessages[i%len(benchMessages)]
				if place, ok := ParsePhrase(msg); ok {
					Default().Resolve(place)
				}
			}
		})
	}
	wg.Wait()
}
