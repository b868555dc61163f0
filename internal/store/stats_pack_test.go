package store

import (
	"strconv"
	"strings"
	"testing"
)

func TestPackUnpack(t *testing.T) {
	digits := []packDigit{{"a", 3}, {"b", 5}, {"c", 2}}
	if got := pack(digits); got != "(((0) * 3 + COALESCE(a, 2)) * 5 + COALESCE(b, 4)) * 2 + COALESCE(c, 1)" {
		t.Errorf("pack = %s", got)
	}
	// a=1, b=NULL, c=0 → (1*5 + 4)*2 + 0 = 18.
	got := unpack(18, digits)
	var s []string
	for _, d := range got {
		if d == nil {
			s = append(s, "NULL")
		} else {
			s = append(s, strconv.Itoa(*d))
		}
	}
	if strings.Join(s, ",") != "1,NULL,0" {
		t.Errorf("unpack(18) = %v", s)
	}
}
