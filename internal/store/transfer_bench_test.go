package store_test

import (
	"context"
	"testing"
	"time"

	"liudong/internal/store"
)

// The transfer domain's set-based questions over the 100,000 members of seedWhereabouts (80,000
// of them away: a worst case, where a township has some 12%), with a letter out for one member in
// a hundred and a secretary's contact for one in ten.
func BenchmarkTransferQueries100k(b *testing.B) {
	st := seedWhereabouts(b)
	ctx := context.Background()
	for _, q := range []string{
		`INSERT INTO transfers (member_id, direction, number, org, issued_on, valid_until)
			SELECT id, 'out', 'B〔2026〕' || id, '广东省深圳市南山区粤海街道党工委', date '2026-10-01', date '2027-01-01' FROM members WHERE id % 100 = 0`,
		`INSERT INTO member_contacts (member_id, contacted_on, note) SELECT id, date '2026-06-01', '电话' FROM members WHERE id % 10 = 0`,
		`ANALYZE transfers, member_contacts`,
	} {
		if _, err := st.DB().ExecContext(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, shanghai)
	// Every mobile member's last contacts (80,000), and the lost-contact job's question: those
	// silent for six months (the members with no organizational life on record and no location
	// update since June: 1 in 7 of those away; the roster's contact date is "now").
	b.Run("LastContacts/all", func(b *testing.B) {
		for b.Loop() {
			if ls, err := st.LastContacts(ctx, store.LastContactQuery{Now: at, Zone: "Asia/Shanghai"}); err != nil || len(ls) != 80000 {
				b.Fatalf("%d %v", len(ls), err)
			}
		}
	})
	if _, err := st.DB().ExecContext(ctx, `UPDATE members SET created_at = '2025-01-01'; ANALYZE members`); err != nil {
		b.Fatal(err)
	}
	b.Run("LastContacts/silent6months", func(b *testing.B) {
		for b.Loop() {
			if _, err := st.LastContacts(ctx, store.LastContactQuery{Now: at, Zone: "Asia/Shanghai",
				SilentSince: at.AddDate(0, -6, 0)}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("PendingTransfers", func(b *testing.B) {
		for b.Loop() {
			if ts, err := st.PendingTransfers(ctx, at, nil); err != nil || len(ts) != 1000 {
				b.Fatalf("%d %v", len(ts), err)
			}
		}
	})
	root, err := st.OrgUnitsByName(ctx, "基准镇党委")
	if err != nil || len(root) != 1 {
		b.Fatal(err)
	}
	b.Run("StatsFlows", func(b *testing.B) {
		for b.Loop() {
			if rs, err := st.StatsFlows(ctx, store.FlowParams{Path: root[0].Path, At: at, From: at.AddDate(0, -11, 0),
				HomeProvince: "340000", HomeCity: "341500"}); err != nil || len(rs) != 100 {
				b.Fatalf("%d %v", len(rs), err)
			}
		}
	})
}
