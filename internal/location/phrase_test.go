package location

import (
	"slices"
	"testing"
)

func TestParsePhrase(t *testing.T) {
	tests := []struct {
		text  string
		place string // "" = not a location update
		codes []string
	}{
		// The command.
		{"位置 广东省深圳市南山区", "广东省深圳市南山区", []string{"440305"}},
		{"位置：深圳", "深圳", []string{"440300"}},
		{"位置:  北京朝阳 ", "北京朝阳", []string{"110105"}},
		{"当前位置：广东省深圳市南山区粤海街道科技园", "广东省深圳市南山区粤海街道科技园", []string{"440305"}},
		{"定位 上海 浦东", "上海浦东", []string{"310115"}},
		{"位置在杭州", "杭州", []string{"330100"}},
		{"位置 火星", "火星", nil}, // asked for, so answered even when unknown
		// Free phrasing.
		{"我在深圳南山", "深圳南山", []string{"440305"}},
		{"到了东莞", "东莞", []string{"441900"}},
		{"现在在杭州打工", "杭州", []string{"330100"}},
		{"我现在在广东深圳宝安区上班", "广东深圳宝安区", []string{"440306"}},
		{"已到达苏州", "苏州", []string{"320500"}},
		{"目前在上海浦东工作", "上海浦东", []string{"310115"}},
		{"我到北京了", "北京", []string{"110100"}},
		{"我到了重庆万州。", "重庆万州", []string{"500101"}},
		{"我已经在深圳工作三年了", "深圳", []string{"440300"}},
		{"我在深圳富士康打工", "深圳富士康", []string{"440300"}},
		{"我在深圳市南山区科技园上班", "深圳市南山区科技园", []string{"440305"}},
		{"我们住在湖北仙桃", "湖北仙桃", []string{"429004"}},
		{"人在广州，下个月回来", "广州", []string{"440100"}},
		{"我也在朝阳", "朝阳", []string{"211300", "110105", "220104"}}, // ambiguous: the router asks
		{"我在南京鼓楼啦！", "南京鼓楼", []string{"320106"}},
		{"刚到恩施州", "恩施州", []string{"422800"}},
		{"我在江西老家", "江西老家", []string{"360000"}},
		{"我在东莞厚街镇", "东莞厚街镇", []string{"441900"}},
		{"我在苏州工业园区", "苏州工业园区", []string{"320500"}},
		// Only a place.
		{"深圳南山", "深圳南山", []string{"440305"}},
		{"东莞", "东莞", []string{"441900"}},
		{"南山区", "南山区", []string{"440305", "230404"}},
		{"广东省深圳市南山区粤海街道", "广东省深圳市南山区粤海街道", []string{"440305"}},
		// Not location updates.
		{"我在想一个问题", "", nil},
		{"汇报", "", nil},
		{"党费", "", nil},
		{"活动证", "", nil},
		{"你好", "", nil},
		{"位置", "", nil},
		{"我在开会", "", nil},
		{"我在上班", "", nil},
		{"我在家", "", nil},
		{"在吗", "", nil},
		{"到底怎么回事", "", nil},
		{"我到家了", "", nil},
		{"我在郊区", "", nil},     // a county name, and an everyday word
		{"我在新华书店", "", nil},   // 新华区 + unrelated text
		{"我在中山公园", "", nil},   // 中山市 + unrelated text
		{"我在深圳吗", "", nil},    // a question
		{"他在深圳", "", nil},     // someone else
		{"我想去深圳", "", nil},    // not there yet
		{"郊区", "", nil},       // a full county name, but generic
		{"平安", "", nil},       // 平安区, but a bare word
		{"南山", "", nil},       // bare county name without suffix
		{"深圳，你好", "", nil},    // more than a place
		{"北京朝阳门外大街", "", nil}, // bare chain without suffix, then detail
		{"我在中国", "", nil},
	}
	r := Default()
	for _, tt := range tests {
		place, ok := r.ParsePhrase(tt.text)
		if ok != (tt.place != "") || place != tt.place {
			t.Errorf("ParsePhrase(%q) = %q, %v; want %q", tt.text, place, ok, tt.place)
			continue
		}
		if !ok {
			continue
		}
		if got := codes(r.Resolve(place)); !slices.Equal(got, tt.codes) {
			t.Errorf("Resolve(ParsePhrase(%q)) = %v, want %v", tt.text, got, tt.codes)
		}
	}
}
