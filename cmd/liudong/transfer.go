package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"liudong/internal/config"
	"liudong/internal/secret"
	"liudong/internal/stats"
	"liudong/internal/store"
	"liudong/internal/transfer"
)

func init() {
	register(command{name: "transfer", usage: "transfer letter NAME --out FILE [--branch BRANCH] [--format png|pdf]",
		summary: "write a member's letter of transfer (介绍信: 存根, 介绍信, 回执) as PNG or PDF", run: runTransfer})
}

func runTransfer(ctx context.Context, e *env, args []string) error {
	const usage = "transfer letter NAME --out FILE [--branch BRANCH] [--format png|pdf]"
	if len(args) == 0 || args[0] != "letter" {
		fmt.Fprintf(e.stderr, "usage: liudong %s\n", usage)
		return errUsage
	}
	fs := newFlags(e, "transfer letter", usage)
	out := fs.String("out", "", "the file to write (.png or .pdf)")
	branch := fs.String("branch", "", "the member's branch, when the name is not unique")
	format := fs.String("format", "", "png or pdf (default: from the file's extension)")
	pos, err := parseFlags(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 1 || *out == "" {
		fs.Usage()
		return errUsage
	}
	kind := strings.ToLower(*format)
	if kind == "" {
		kind = strings.TrimPrefix(strings.ToLower(filepath.Ext(*out)), ".")
	}
	if kind != "png" && kind != "pdf" {
		fmt.Fprintf(e.stderr, "liudong transfer letter: want --format png or pdf (or a .png/.pdf file), got %q\n", kind)
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
	key, err := config.DecodeKey(cfg.SecretKey)
	if err != nil {
		return err
	}
	box, err := secret.New(key)
	if err != nil {
		return err
	}
	fonts, err := stats.New(st, cfg, e.logger(cfg))
	if err != nil {
		return err
	}
	ms, err := st.MembersByName(ctx, pos[0], nil)
	if err != nil {
		return err
	}
	var match []store.Member
	for _, m := range ms {
		if *branch == "" || m.BranchName == *branch {
			match = append(match, m)
		}
	}
	switch len(match) {
	case 0:
		return fmt.Errorf("没有找到党员“%s”%s", pos[0], inBranch(*branch))
	case 1:
	default:
		fmt.Fprintf(e.stderr, "有%d位“%s”，请用 --branch 指明支部：\n", len(match), pos[0])
		for _, m := range match {
			fmt.Fprintf(e.stderr, "  %s（%s生）\n", m.BranchName, m.BirthDate.Format("2006-01-02"))
		}
		return errUsage
	}
	m := match[0]
	t, err := st.LatestTransfer(ctx, m.ID, store.TransferOut)
	if store.IsNotFound(err) {
		return fmt.Errorf("%s（%s）没有开具过组织关系介绍信（书记发送“转出 %s 接收党组织”开具）", m.Name, m.BranchName, m.Name)
	}
	if err != nil {
		return err
	}
	svc := transfer.New(st, box, nil, fonts, cfg)
	l, err := svc.LetterOf(ctx, m, t, true)
	if err != nil {
		return err
	}
	var data []byte
	if kind == "pdf" {
		data, err = transfer.RenderPDF(l, fonts)
	} else {
		data, err = transfer.RenderPNG(l, fonts)
	}
	if errors.Is(err, transfer.ErrNoFont) {
		return fmt.Errorf("%w (install fonts-wqy-microhei or fonts-noto-cjk, or set stats.font)", err)
	}
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已写出%s（%s）的介绍信：编号%s，%s\n", m.Name, m.BranchName, t.Number, *out)
	return nil
}
