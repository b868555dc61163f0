package roster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"liudong/internal/config"
	"liudong/internal/secret"
	"liudong/internal/store"
)

// Options change how an import treats bad rows.
type Options struct {
	// Partial imports the good rows of a file that has bad ones; without it nothing is imported.
	Partial bool
	// DryRun validates and counts but writes nothing.
	DryRun bool
}

// Rejection is one refused row.
type Rejection struct {
	Line   int
	Name   string
	Reason string
}

func (r Rejection) String() string {
	if r.Name != "" {
		return fmt.Sprintf("第%d行（%s）：%s", r.Line, r.Name, r.Reason)
	}
	return fmt.Sprintf("第%d行：%s", r.Line, r.Reason)
}

// Result counts what an import did.
type Result struct {
	Rows      int
	Created   int
	Updated   int
	Unchanged int
	Branches  int // branches created
	Rejected  []Rejection
	// Applied is false when bad rows stopped the whole import.
	Applied bool
}

// PlaceResolver turns a free-text place (流动地点) into region codes; nil leaves them empty.
type PlaceResolver func(place string) (province, city, county string, ok bool)

// Importer writes rosters into the store.
type Importer struct {
	st        *store.Store
	box       *secret.Box
	committee config.Committee
	loc       *time.Location
	// Resolve, when set, fills in the region codes of departures.
	Resolve PlaceResolver
	// Now is the clock (for "date in the future" checks and audit); nil means time.Now.
	Now func() time.Time
}

// NewImporter imports under the configured committee.
func NewImporter(st *store.Store, box *secret.Box, committee config.Committee, loc *time.Location) *Importer {
	return &Importer{st: st, box: box, committee: committee, loc: loc}
}

// Import reads a roster file and applies it. The error is for a file that cannot be read at
// all (format, header); bad rows are in Result.Rejected.
func (im *Importer) Import(ctx context.Context, r io.Reader, name string, opts Options) (Result, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return Result{}, fmt.Errorf("roster: %w", err)
	}
	header, records, err := readTable(data, name)
	if err != nil {
		return Result{}, fmt.Errorf("roster: %w", err)
	}
	idx, err := columnIndex(header)
	if err != nil {
		return Result{}, fmt.Errorf("roster: %w", err)
	}
	res := Result{Rows: len(records)}
	var rows []row
	seen := map[string]int{}
	for _, rec := range records {
		rw, err := parseRow(rec, idx)
		if err != nil {
			res.Rejected = append(res.Rejected, Rejection{Line: rec.line, Name: rw.name, Reason: err.Error()})
			continue
		}
		if first, dup := seen[rw.key()]; dup {
			res.Rejected = append(res.Rejected, Rejection{Line: rec.line, Name: rw.name,
				Reason: fmt.Sprintf("与第%d行重复（姓名、所在党支部、出生日期相同）", first)})
			continue
		}
		seen[rw.key()] = rec.line
		rows = append(rows, rw)
	}
	if (len(res.Rejected) > 0 && !opts.Partial) || opts.DryRun {
		return res, nil
	}
	err = im.st.InTx(ctx, func(tx *store.Store) error {
		committee, _, err := tx.EnsureRootOrgUnit(ctx, store.KindCommittee, im.committee.Name, im.committee.Region)
		if err != nil {
			return err
		}
		branches := map[string]store.OrgUnit{}
		for _, rw := range rows {
			b, ok := branches[rw.branch]
			if !ok {
				var created bool
				b, created, err = tx.EnsureChildOrgUnit(ctx, committee, store.KindBranch, rw.branch)
				if err != nil {
					return err
				}
				if created {
					res.Branches++
				}
				branches[rw.branch] = b
			}
			if err := im.apply(ctx, tx, b, rw, &res); err != nil {
				return fmt.Errorf("第%d行：%w", rw.line, err)
			}
		}
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	res.Applied = true
	return res, nil
}

// apply creates or updates one member, its secretary role and its departure.
func (im *Importer) apply(ctx context.Context, tx *store.Store, branch store.OrgUnit, rw row, res *Result) error {
	m, err := tx.MemberByRosterKey(ctx, rw.name, branch.ID, rw.birth)
	isNew := store.IsNotFound(err)
	if err != nil && !isNew {
		return err
	}
	want := m
	want.BranchID, want.Name, want.BirthDate = branch.ID, rw.name, rw.birth
	want.Gender, want.Education, want.JoinedOn = rw.gender, rw.education, rw.joined
	want.Category, want.MonthlyIncomeFen, want.Mobility = rw.category, rw.incomeFen, rw.mobility
	want.Employer, want.Duty = rw.employer, rw.duty
	var changed []string
	if isNew {
		want.PhoneEnc = im.box.Seal(rw.phone)
		if err := tx.InsertMember(ctx, &want); err != nil {
			return err
		}
		res.Created++
	} else {
		oldPhone, err := im.box.Open(m.PhoneEnc)
		if err != nil {
			return err
		}
		if oldPhone != rw.phone {
			want.PhoneEnc = im.box.Seal(rw.phone)
			changed = append(changed, "手机号码")
		}
		changed = append(changed, diff(m, want)...)
		if len(changed) > 0 {
			if err := tx.UpdateMember(ctx, &want); err != nil {
				return err
			}
		}
	}
	if rw.duty == "书记" {
		granted, err := tx.GrantRole(ctx, want.ID, branch.ID, store.RoleSecretary)
		if err != nil {
			return err
		}
		if granted && !isNew {
			changed = append(changed, "书记职务")
		}
	}
	if rw.home != "" {
		h := store.MemberHome{MemberID: want.ID, Org: rw.home}
		if im.Resolve != nil {
			h.ProvinceCode, h.CityCode, h.CountyCode, _ = im.Resolve(rw.home)
		}
		hchanged, err := tx.SaveMemberHome(ctx, h)
		if err != nil {
			return err
		}
		if hchanged && !isNew {
			changed = append(changed, "流出地党组织")
		}
	}
	if rw.mobility == "流出" && rw.departed != nil {
		dchanged, err := im.applyDeparture(ctx, tx, want.ID, rw)
		if err != nil {
			return err
		}
		if dchanged && !isNew {
			changed = append(changed, "外出情况")
		}
	}
	switch {
	case isNew:
		return tx.Audit(ctx, store.AuditEntry{Actor: "cli", Action: "member.create", TargetMemberID: &want.ID},
			map[string]any{"source": "roster", "line": rw.line, "branch": branch.Name})
	case len(changed) > 0:
		res.Updated++
		return tx.Audit(ctx, store.AuditEntry{Actor: "cli", Action: "member.update", TargetMemberID: &want.ID},
			map[string]any{"source": "roster", "line": rw.line, "fields": changed})
	default:
		res.Unchanged++
		return nil
	}
}

// applyDeparture makes sure the roster's departure is on record: an open departure entered by
// the roster is updated; one the member reported by chat, or one already closed, is left alone.
func (im *Importer) applyDeparture(ctx context.Context, tx *store.Store, memberID int64, rw row) (bool, error) {
	d := store.Departure{MemberID: memberID, DepartedOn: *rw.departed, Place: rw.place, Reason: rw.reason, Source: "roster"}
	if d.Reason == "" {
		d.Reason = "其他"
	}
	if im.Resolve != nil && rw.place != "" {
		d.ProvinceCode, d.CityCode, d.CountyCode, _ = im.Resolve(rw.place)
	}
	existing, err := tx.DeparturesOf(ctx, memberID)
	if err != nil {
		return false, err
	}
	for _, e := range existing {
		if e.ReturnedOn != nil && e.DepartedOn.Equal(d.DepartedOn) {
			return false, nil // returned since: the roster's departure is history
		}
		if e.ReturnedOn == nil {
			if e.Source != "roster" {
				return false, nil
			}
			if e.DepartedOn.Equal(d.DepartedOn) && e.Place == d.Place && e.Reason == d.Reason &&
				e.ProvinceCode == d.ProvinceCode && e.CityCode == d.CityCode && e.CountyCode == d.CountyCode {
				return false, nil
			}
			d.ID = e.ID
			return true, tx.UpdateDeparture(ctx, &d)
		}
	}
	return true, tx.InsertDeparture(ctx, &d)
}

// diff names the roster fields that differ (phone is compared by the caller, decrypted).
func diff(a, b store.Member) []string {
	var out []string
	add := func(cond bool, name string) {
		if cond {
			out = append(out, name)
		}
	}
	add(a.Gender != b.Gender, "性别")
	add(a.Education != b.Education, "学历")
	add(!sameDate(a.JoinedOn, b.JoinedOn), "入党日期")
	add(a.Category != b.Category, "人员类别")
	add(!sameInt(a.MonthlyIncomeFen, b.MonthlyIncomeFen), "月收入")
	add(a.Mobility != b.Mobility, "流动类型")
	add(a.Employer != b.Employer, "工作单位")
	add(a.Duty != b.Duty, "职务")
	return out
}

func sameDate(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Format(time.DateOnly) == b.Format(time.DateOnly)
}

func sameInt(a, b *int64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// Summary renders the result the way `liudong import` prints it.
func (r Result) Summary() string {
	var b strings.Builder
	switch {
	case r.Applied:
		fmt.Fprintf(&b, "导入完成：共%d行，新增%d人，更新%d人，未变%d人，拒绝%d行，新建党支部%d个。\n",
			r.Rows, r.Created, r.Updated, r.Unchanged, len(r.Rejected), r.Branches)
	case len(r.Rejected) > 0:
		fmt.Fprintf(&b, "未导入：共%d行，其中%d行有错误。改正后重新导入，或加 --partial 只导入正确的行。\n", r.Rows, len(r.Rejected))
	default:
		fmt.Fprintf(&b, "检查通过（未写入）：共%d行。\n", r.Rows)
	}
	rej := slices.Clone(r.Rejected)
	slices.SortFunc(rej, func(a, b Rejection) int { return a.Line - b.Line })
	for _, x := range rej {
		b.WriteString("  " + x.String() + "\n")
	}
	return b.String()
}

// ErrNothing is returned by callers that want a non-zero exit when bad rows stopped an import.
var ErrNothing = errors.New("roster: nothing imported")
