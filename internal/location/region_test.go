package location

import (
	"math"
	"testing"
)

func TestLabel(t *testing.T) {
	tests := []struct {
		r    Region
		want string
	}{
		{Region{Province: "广东省", City: "深圳市", County: "南山区"}, "广东省深圳市南山区"},
		{Region{Province: "北京市", City: "北京市", County: "朝阳区"}, "北京市朝阳区"},
		{Region{Province: "湖北省", County: "仙桃市"}, "湖北省仙桃市"},
		{Region{Province: "安徽省"}, "安徽省"},
		{Region{}, ""},
	}
	for _, tt := range tests {
		if got := tt.r.Label(); got != tt.want {
			t.Errorf("%+v.Label() = %q, want %q", tt.r, got, tt.want)
		}
	}
}

func TestLevel(t *testing.T) {
	tests := []struct {
		r    Region
		want Level
		name string
	}{
		{Region{ProvinceCode: "440000", CityCode: "440300", CountyCode: "440305"}, LevelCounty, "county"},
		{Region{ProvinceCode: "440000", CityCode: "440300"}, LevelCity, "city"},
		{Region{ProvinceCode: "440000"}, LevelProvince, "province"},
		{Region{}, LevelUnknown, "unknown"},
	}
	for _, tt := range tests {
		if got := tt.r.Level(); got != tt.want || got.String() != tt.name {
			t.Errorf("%+v.Level() = %v, want %v", tt.r, got, tt.name)
		}
	}
}

func TestRoundCoord(t *testing.T) {
	tests := []struct {
		v    float64
		d    int
		want float64
	}{
		{22.54321, 2, 22.54},
		{113.93678, 2, 113.94},
		{-33.867, 2, -33.87},
		{22.5, 0, 23},
		{22.54321, -1, 23},
		{0, 2, 0},
		{1e308, 2, 1e308}, // scaling would overflow
	}
	for _, tt := range tests {
		if got := RoundCoord(tt.v, tt.d); got != tt.want {
			t.Errorf("RoundCoord(%v, %d) = %v, want %v", tt.v, tt.d, got, tt.want)
		}
	}
	if got := RoundCoord(math.NaN(), 2); !math.IsNaN(got) {
		t.Errorf("RoundCoord(NaN) = %v", got)
	}
	if got := RoundCoord(math.Inf(1), 2); !math.IsInf(got, 1) {
		t.Errorf("RoundCoord(+Inf) = %v", got)
	}
}
