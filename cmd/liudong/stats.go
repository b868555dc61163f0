package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"liudong/internal/stats"
	"liudong/internal/store"
)

func init() {
	register(command{name: "stats",
		usage:   "stats [--org NAME] [--at DATE] [--format text|csv|xlsx] [--out FILE] [--tables] [--chart FILE]",
		summary: "print the 基本情况 report (and the official tables)", run: runStats})
}

func runStats(ctx context.Context, e *env, args []string) error {
	const usage = "stats [--org NAME] [--at DATE] [--format text|csv|xlsx] [--out FILE] [--tables] [--chart FILE]"
	fs := newFlags(e, "stats", usage)
	org := fs.String("org", "", "the org unit (default: the committee); a path such as 第一党总支/第一党支部 when names repeat")
	at := fs.String("at", "", "the report date: 2026-11-30, 2026-11 or 2026年11月 (a month: its last day; default: today)")
	format := fs.String("format", "text", "text (the paragraph; with --tables the tables too), csv or xlsx (the tables)")
	out := fs.String("out", "", "write to this file instead of standard output (required for xlsx)")
	withTables := fs.Bool("tables", false, "with --format text, print the official tables after the paragraph")
	chart := fs.String("chart", "", "also draw the chart into this PNG file")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		fs.Usage()
		return errUsage
	}
	switch *format {
	case "text", "csv":
	case "xlsx":
		if *out == "" {
			return errors.New("--format xlsx needs --out FILE.xlsx")
		}
	default:
		fmt.Fprintf(e.stderr, "liudong stats: --format wants text, csv or xlsx, got %q\n", *format)
		return errUsage
	}
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := checkSchema(ctx, st); err != nil {
		return err
	}
	svc, err := stats.New(st, cfg, e.logger(cfg))
	if err != nil {
		return err
	}
	now := time.Now().In(cfg.Location())
	d := stats.Today(now)
	if *at != "" {
		if d, err = stats.ParseDate(*at, now); err != nil {
			return err
		}
	}
	name := *org
	if name == "" {
		name = cfg.Committee.Name
	}
	unit, err := svc.Unit(ctx, name)
	if err != nil {
		if *org == "" {
			return fmt.Errorf("%w（尚未导入名册？）", err)
		}
		return err
	}
	var r stats.Report
	if r.Summary, err = svc.Summary(ctx, unit, d); err != nil {
		return err
	}
	if *format != "text" || *withTables {
		if r.Tables, err = svc.Tables(ctx, unit, d); err != nil {
			return err
		}
	}
	write := map[string]func(io.Writer, stats.Report) error{"text": stats.WriteText, "csv": stats.WriteCSV, "xlsx": stats.WriteXLSX}[*format]
	if *out == "" {
		err = write(e.stdout, r)
	} else {
		err = writeFile(*out, func(w io.Writer) error { return write(w, r) })
	}
	if err != nil {
		return err
	}
	if *chart != "" {
		png := svc.Chart(r.Summary)
		if png == nil {
			if _, err := svc.FontPath(); err != nil {
				return fmt.Errorf("no chart: %w", err)
			}
			return errors.New("no chart: no outflow members to draw")
		}
		if err := os.WriteFile(*chart, png, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// writeFile creates path and writes it with fn, reporting a failed close.
func writeFile(path string, fn func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := fn(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
