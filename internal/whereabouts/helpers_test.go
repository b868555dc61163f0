package whereabouts_test

import (
	"strings"
	"testing"
	"time"

	"liudong/internal/app/apptest"
	"liudong/internal/config"
	"liudong/internal/store"
)

// The committee is in 安徽省六安市 (testenv's committee.region).
const roster = `姓名,性别,出生日期,学历,所在党支部,职务
王书记,男,1970-01-01,大学本科,第一党支部,书记
张三,男,1990-03-15,高中,第一党支部,
李四,男,1985-11-02,初中,第二党支部,
赵书记,女,1975-05-05,大学本科,第二党支部,书记
`

var shanghai = mustZone("Asia/Shanghai")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// start runs the bot with the roster bound: 张三 u-zhang, 李四 u-li, 王书记 u-wang (第一党支部),
// 赵书记 u-zhao (第二党支部), at 2026-11-25 10:00 in Shanghai (a Wednesday).
func start(t *testing.T, edit ...func(*config.Config)) *apptest.Harness {
	t.Helper()
	h := apptest.New(t, edit...)
	h.Now = time.Date(2026, 11, 25, 10, 0, 0, 0, shanghai)
	h.Import(roster)
	h.Bind("张三", "u-zhang")
	h.Bind("李四", "u-li")
	h.Bind("王书记", "u-wang")
	h.Bind("赵书记", "u-zhao")
	return h
}

func auditActions(es []store.AuditEntry) string {
	var out []string
	for _, e := range es {
		out = append(out, e.Action)
	}
	return strings.Join(out, " ")
}

// certNumber is the number of the member's certificate in force.
func certNumber(t *testing.T, h *apptest.Harness, name string) string {
	t.Helper()
	c, err := h.Store.CertificateInForce(h.Ctx, h.Member(name).ID)
	if err != nil {
		t.Fatalf("certificate of %s: %v", name, err)
	}
	return c.Number
}
