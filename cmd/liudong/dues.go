package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"liudong/internal/dues"
	"liudong/internal/dues/collect"
	"liudong/internal/store"
)

func init() {
	register(command{name: "dues", usage: "dues report [--org NAME] [--year 2026] [--xlsx FILE]",
		summary: "party dues: the yearly collection per branch (公示), as text and XLSX", run: runDues})
}

func runDues(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "report" {
		fmt.Fprintln(e.stderr, "usage: liudong dues report [--org NAME] [--year 2026] [--xlsx FILE] [--at 2026-11-30]")
		return errUsage
	}
	fs := newFlags(e, "dues report", "dues report [--org NAME] [--year 2026] [--xlsx FILE] [--at 2026-11-30]")
	org := fs.String("org", "", "org unit (党委, 党总支 or 党支部; \"上级/名称\" when the name is not unique); default: the committee")
	year := fs.Int("year", 0, "the year; default: this year")
	xlsx := fs.String("xlsx", "", "also write the report as an XLSX workbook to this file")
	at := fs.String("at", "", "count months up to this date (YYYY-MM-DD) instead of today")
	pos, err := parseFlags(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		fs.Usage()
		return errUsage
	}
	a, err := openApp(ctx, e)
	if err != nil {
		return err
	}
	defer a.Close()
	loc := a.Cfg.Location()
	now := time.Now().In(loc)
	if *at != "" {
		if now, err = time.ParseInLocation("2006-01-02", *at, loc); err != nil {
			return fmt.Errorf("--at: 日期应写成2026-11-30：%w", err)
		}
	}
	if *year == 0 {
		*year = now.Year()
	}
	name := *org
	if name == "" {
		name = a.Cfg.Committee.Name
	}
	unit, err := orgUnitNamed(ctx, a.Store, name)
	if err != nil {
		return err
	}
	r, err := a.Dues.Report(ctx, unit, *year, dues.MonthOf(now))
	if text, ok := collect.AsRefusal(err); ok {
		return fmt.Errorf("%s", text)
	}
	if err != nil {
		return err
	}
	if err := r.WriteText(e.stdout); err != nil {
		return err
	}
	if *xlsx != "" {
		f, err := os.Create(*xlsx)
		if err != nil {
			return err
		}
		if err := r.WriteXLSX(f); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "已写入 %s\n", *xlsx)
	}
	return nil
}

// orgUnitNamed finds the one org unit of that name; "上级/名称" names its parent too.
func orgUnitNamed(ctx context.Context, st *store.Store, name string) (store.OrgUnit, error) {
	parent, child, qualified := strings.Cut(name, "/")
	if !qualified {
		child = name
	}
	units, err := st.OrgUnitsByName(ctx, child)
	if err != nil {
		return store.OrgUnit{}, err
	}
	all, err := st.AllOrgUnits(ctx)
	if err != nil {
		return store.OrgUnit{}, err
	}
	names := map[int64]string{}
	for _, u := range all {
		names[u.ID] = u.Name
	}
	if qualified {
		var under []store.OrgUnit
		for _, u := range units {
			if u.ParentID != nil && names[*u.ParentID] == parent {
				under = append(under, u)
			}
		}
		units = under
	}
	switch len(units) {
	case 0:
		return store.OrgUnit{}, fmt.Errorf("没有名为“%s”的党组织", name)
	case 1:
		return units[0], nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "有%d个名为“%s”的党组织，请写成“上级/名称”以区分：", len(units), name)
	for _, u := range units {
		if u.ParentID != nil {
			fmt.Fprintf(&b, "\n  --org %s/%s", names[*u.ParentID], u.Name)
		}
	}
	return store.OrgUnit{}, fmt.Errorf("%s", b.String())
}
