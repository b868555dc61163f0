package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"liudong/internal/store"
	"liudong/internal/testenv"
)

// Queries are prepared once and reused on every connection and inside transactions; a failed
// transaction still rolls back, and a bad query is an error, not a cached statement.
func TestPreparedQueries(t *testing.T) {
	st := testenv.Store(t)
	ctx := context.Background()
	root, _, err := st.EnsureRootOrgUnit(ctx, store.KindCommittee, "党委", "安徽省")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 20 {
				name := string(rune('甲'+i)) + string(rune('子'+j))
				err := st.InTx(ctx, func(tx *store.Store) error {
					_, _, err := tx.EnsureChildOrgUnit(ctx, root, store.KindBranch, name)
					return err
				})
				if err != nil {
					errs <- err
					return
				}
				if _, err := st.OrgUnitsByName(ctx, name); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	units, err := st.AllOrgUnits(ctx)
	if err != nil || len(units) != 1+16*20 {
		t.Fatalf("units: %d %v", len(units), err)
	}

	boom := errors.New("boom")
	err = st.InTx(ctx, func(tx *store.Store) error {
		if _, _, err := tx.EnsureChildOrgUnit(ctx, root, store.KindBranch, "回滚支部"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("tx error: %v", err)
	}
	if us, _ := st.OrgUnitsByName(ctx, "回滚支部"); len(us) != 0 {
		t.Fatal("a rolled-back insert is visible")
	}
	if _, err := st.OrgUnitByID(ctx, 999999); !store.IsNotFound(err) {
		t.Fatalf("missing row: %v", err)
	}
}
