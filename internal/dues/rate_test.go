package dues

import (
	"strings"
	"testing"
)

func TestParseRate(t *testing.T) {
	tests := []struct {
		in      string
		want    Rate
		wantErr string
	}{
		{"0.5%", 50, ""},
		{"1%", 100, ""},
		{"1.5%", 150, ""},
		{"2%", 200, ""},
		{"0.25%", 25, ""},
		{"１.５％", 150, ""},
		{"1.5", 0, "百分数"},
		{"0.125%", 0, "0.01%"},
		{"%", 0, "格式不对"},
		{"-1%", 0, "格式不对"},
		{"abc%", 0, "格式不对"},
	}
	for _, tt := range tests {
		got, err := ParseRate(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseRate(%q) = %v, %v; want error containing %q", tt.in, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseRate(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
		if back, err := ParseRate(got.String()); err != nil || back != got {
			t.Errorf("ParseRate(%q).String() = %q does not round-trip", tt.in, got.String())
		}
	}
	for r, want := range map[Rate]string{50: "0.5%", 100: "1%", 150: "1.5%", 25: "0.25%", 200: "2%"} {
		if got := r.String(); got != want {
			t.Errorf("Rate(%d).String() = %q, want %q", r, got, want)
		}
	}
}

func TestRounding(t *testing.T) {
	tests := []struct {
		name string
		base Fen
		rate Rate
		want map[Rounding]Fen
	}{
		// 0.5% of 2501.00元 = 12.505元: exactly half a fen.
		{"half, even below", 250100, 50, map[Rounding]Fen{RoundHalfUp: 1251, RoundHalfEven: 1250, RoundDown: 1250, RoundUp: 1251}},
		// 0.5% of 2503.00元 = 12.515元: half, odd below.
		{"half, odd below", 250300, 50, map[Rounding]Fen{RoundHalfUp: 1252, RoundHalfEven: 1252, RoundDown: 1251, RoundUp: 1252}},
		// 1.5% of 3333.33元 = 49.99995元.
		{"above half", 333333, 150, map[Rounding]Fen{RoundHalfUp: 5000, RoundHalfEven: 5000, RoundDown: 4999, RoundUp: 5000}},
		// 1% of 3000.01元 = 30.0001元.
		{"below half", 300001, 100, map[Rounding]Fen{RoundHalfUp: 3000, RoundHalfEven: 3000, RoundDown: 3000, RoundUp: 3001}},
		{"exact", 400000, 100, map[Rounding]Fen{RoundHalfUp: 4000, RoundHalfEven: 4000, RoundDown: 4000, RoundUp: 4000}},
	}
	for _, tt := range tests {
		for mode, want := range tt.want {
			if got := tt.rate.Of(tt.base, mode); got != want {
				t.Errorf("%s: %v of %v with %v = %v, want %v", tt.name, tt.rate, tt.base, mode, got, want)
			}
		}
	}
}

func TestParseRounding(t *testing.T) {
	for _, mode := range []Rounding{RoundHalfUp, RoundHalfEven, RoundDown, RoundUp} {
		got, err := ParseRounding(mode.String())
		if err != nil || got != mode {
			t.Errorf("ParseRounding(%q) = %v, %v", mode.String(), got, err)
		}
	}
	if got, err := ParseRounding("half-even"); err != nil || got != RoundHalfEven {
		t.Errorf("ParseRounding(half-even) = %v, %v", got, err)
	}
	if _, err := ParseRounding("banker"); err == nil {
		t.Error("ParseRounding(banker) succeeded")
	}
}
