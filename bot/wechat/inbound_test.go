package wechat

import "testing"

func TestParseLocation(t *testing.T) {
	for _, c := range []struct {
		name, url, ori, text string
		lat, lng             float64
		label                string
		ok                   bool
	}{
		{"friend", "https://apis.map.qq.com/uri/v1/geocoder?coord=22.540503,113.934528", "", "深圳市南山区:\n/cgi-bin/mmwebwx-bin/webwxgetpubliclinkimg?url=x&pictype=location",
			22.540503, 113.934528, "深圳市南山区", true},
		{"group (separator eaten)", "https://apis.map.qq.com/uri/v1/geocoder?coord=22.81,113.8", "", "东莞市长安镇/cgi-bin/mmwebwx-bin/webwxgetpubliclinkimg",
			22.81, 113.8, "东莞市长安镇", true},
		{"coordinates from the XML", "", `&lt;msg&gt;&lt;location x="31.2" y="121.5" label="上海市浦东新区" /&gt;&lt;/msg&gt;`, "",
			31.2, 121.5, "上海市浦东新区", true},
		{"no coordinates", "https://apis.map.qq.com/uri/v1/geocoder", "", "某地:\n/cgi-bin/", 0, 0, "", false},
		{"out of range", "https://apis.map.qq.com/uri/v1/geocoder?coord=122.5,13.9", "", "x", 0, 0, "", false},
	} {
		loc, ok := parseLocation(c.url, c.ori, c.text)
		if ok != c.ok || (ok && (loc.Lat != c.lat || loc.Lng != c.lng || loc.Label != c.label)) {
			t.Errorf("%s: %+v %v", c.name, loc, ok)
		}
	}
}

func TestGroupText(t *testing.T) {
	for raw, want := range map[string]string{
		"@abc:<br/>汇报:<br/>思想：好":                            "汇报:\n思想：好",
		"@abc:<br/>a &lt;b&gt; &amp; c":                     "a <b> & c",
		`@abc:<br/>好<span class="emoji emoji1f44d"></span>`: "好👍",
		"没有前缀": "没有前缀",
	} {
		if got := groupText(raw); got != want {
			t.Errorf("groupText(%q) = %q, want %q", raw, got, want)
		}
	}
}
