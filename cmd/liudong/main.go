// Command liudong is the 流动党员助手 bot: serve, migrate, import, code, and the other
// subcommands of DESIGN.md §6.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"liudong/internal/config"
)

// command is one subcommand.
type command struct {
	name    string
	usage   string
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

// env is what every subcommand gets.
type env struct {
	stdout, stderr io.Writer
	environ        []string
	configPath     string
}

var commands []command

func register(c command) { commands = append(commands, c) }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Environ()))
}

// errUsage means the arguments were wrong; the usage has been printed.
var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, stdout, stderr io.Writer, environ []string) int {
	e := &env{stdout: stdout, stderr: stderr, environ: environ}
	// --config may come before the subcommand.
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		switch {
		case args[0] == "--config" || args[0] == "-config":
			if len(args) < 2 {
				fmt.Fprintln(stderr, "liudong: --config needs a path")
				return 2
			}
			e.configPath, args = args[1], args[2:]
		case strings.HasPrefix(args[0], "--config="):
			e.configPath, args = strings.TrimPrefix(args[0], "--config="), args[1:]
		case args[0] == "-h" || args[0] == "--help":
			usage(stdout)
			return 0
		default:
			fmt.Fprintf(stderr, "liudong: unknown flag %s\n", args[0])
			usage(stderr)
			return 2
		}
	}
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	for _, c := range commands {
		if c.name == args[0] {
			err := c.run(ctx, e, args[1:])
			switch {
			case err == nil:
				return 0
			case errors.Is(err, errUsage):
				return 2
			default:
				fmt.Fprintf(stderr, "liudong %s: %v\n", c.name, err)
				return 1
			}
		}
	}
	fmt.Fprintf(stderr, "liudong: unknown command %q\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: liudong [--config PATH] COMMAND [ARGS]")
	fmt.Fprintln(w, "\ncommands:")
	sorted := append([]command(nil), commands...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].name < sorted[j].name })
	for _, c := range sorted {
		fmt.Fprintf(w, "  %-40s %s\n", c.usage, c.summary)
	}
	fmt.Fprintln(w, "\nconfiguration: --config, else $LIUDONG_CONFIG, else configs/liudong.yaml; then LIUDONG_* variables.")
}

// loadConfig reads the configuration the way DESIGN.md §6 says.
func (e *env) loadConfig() (config.Config, error) {
	path := e.configPath
	if path == "" {
		path = lookup(e.environ, "LIUDONG_CONFIG")
	}
	if path == "" {
		path = config.DefaultPath
	}
	return config.Load(path, e.environ)
}

func lookup(environ []string, key string) string {
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v
		}
	}
	return ""
}

// logger builds the process logger from the configuration.
func (e *env) logger(cfg config.Config) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(cfg.Log.Level))
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewTextHandler(e.stderr, opts)
	if cfg.Log.Format == "json" {
		h = slog.NewJSONHandler(e.stderr, opts)
	}
	return slog.New(h)
}

// parseFlags parses flags that may come before or after positional arguments.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, errUsage
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

func newFlags(e *env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: liudong %s\n", usage)
		fs.PrintDefaults()
	}
	return fs
}
