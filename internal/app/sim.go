package app

import (
	"context"
	"time"

	"liudong/bot/sim"
)

// SimDirectory gives the simulator's web page its identity picker.
type SimDirectory struct{ App *App }

// SimMembers lists members with their simulator handles.
func (d SimDirectory) SimMembers(ctx context.Context, platform, account string) ([]sim.DirectoryEntry, error) {
	es, err := d.App.Store.Directory(ctx, platform, account, 500)
	if err != nil {
		return nil, err
	}
	out := make([]sim.DirectoryEntry, len(es))
	for i, e := range es {
		out[i] = sim.DirectoryEntry{ID: e.ID, Name: e.Name, Branch: e.Branch, Secretary: e.Secretary, Handle: e.Handle}
	}
	return out, nil
}

// SimBindingCode issues a binding code from the web page (the simulator stands in for the
// secretary handing the code over).
func (d SimDirectory) SimBindingCode(ctx context.Context, memberID int64) (string, error) {
	code, err := d.App.Binding.IssueCode(ctx, memberID, "sim", time.Now())
	return code.Code, err
}
