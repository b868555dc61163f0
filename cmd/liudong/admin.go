package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"liudong/internal/app"
	"liudong/internal/roster"
	"liudong/internal/store"
)

func init() {
	register(command{name: "migrate", usage: "migrate", summary: "apply database migrations", run: runMigrate})
	register(command{name: "import", usage: "import FILE [--partial] [--dry-run]", summary: "import a roster (CSV UTF-8/GBK or XLSX)", run: runImport})
	register(command{name: "code", usage: "code NAME [--branch BRANCH]", summary: "print a fresh binding code for a member", run: runCode})
}

func runMigrate(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "migrate", "migrate")
	if _, err := parseFlags(fs, args); err != nil {
		return err
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
	applied, err := st.Migrate(ctx)
	if err != nil {
		return err
	}
	_, target, err := st.SchemaVersions(ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintf(e.stdout, "schema up to date (version %d)\n", target)
	} else {
		fmt.Fprintf(e.stdout, "applied %d migration(s) %v; schema at version %d\n", len(applied), applied, target)
	}
	return nil
}

// openApp opens the app for a one-shot subcommand, refusing an out-of-date schema.
func openApp(ctx context.Context, e *env) (*app.App, error) {
	cfg, err := e.loadConfig()
	if err != nil {
		return nil, err
	}
	a, err := app.Open(ctx, cfg, e.logger(cfg))
	if err != nil {
		return nil, err
	}
	if err := checkSchema(ctx, a.Store); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

func checkSchema(ctx context.Context, st *store.Store) error {
	current, target, err := st.SchemaVersions(ctx)
	if err != nil {
		return err
	}
	if current < target {
		return fmt.Errorf("database schema is at version %d but this binary needs %d: run `liudong migrate` first (数据库未迁移，请先运行 liudong migrate)", current, target)
	}
	return nil
}

func runImport(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "import", "import FILE [--partial] [--dry-run]")
	partial := fs.Bool("partial", false, "import the good rows of a file that has bad ones")
	dry := fs.Bool("dry-run", false, "check the file, write nothing")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return errUsage
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return err
	}
	defer f.Close()
	a, err := openApp(ctx, e)
	if err != nil {
		return err
	}
	defer a.Close()
	res, err := a.Importer().Import(ctx, f, pos[0], roster.Options{Partial: *partial, DryRun: *dry})
	if err != nil {
		return err
	}
	fmt.Fprint(e.stdout, res.Summary())
	if len(res.Rejected) > 0 && !res.Applied {
		return roster.ErrNothing
	}
	return nil
}

func runCode(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "code", "code NAME [--branch BRANCH]")
	branch := fs.String("branch", "", "the member's branch, when the name is not unique")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return errUsage
	}
	a, err := openApp(ctx, e)
	if err != nil {
		return err
	}
	defer a.Close()
	ms, err := a.Store.MembersByName(ctx, pos[0], nil)
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
	now := time.Now().In(a.Cfg.Location())
	code, err := a.Binding.IssueCode(ctx, match[0].ID, "cli", now)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s（%s）的绑定码：%s（%s前有效，仅可使用一次；请本人私聊机器人发送“绑定 %s”）\n",
		match[0].Name, match[0].BranchName, code.Code, code.ExpiresAt.In(a.Cfg.Location()).Format("2006-01-02 15:04"), code.Code)
	return nil
}

func inBranch(b string) string {
	if b == "" {
		return ""
	}
	return "（" + b + "）"
}
