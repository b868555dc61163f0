// Package app wires liudong together: configuration, PostgreSQL, Redis, the router with its
// middleware and every domain's chat commands, and the outbox dispatcher.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"math"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"liudong/bot"
	"liudong/internal/config"
	"liudong/internal/member"
	"liudong/internal/roster"
	"liudong/internal/secret"
	"liudong/internal/session"
	"liudong/internal/stats"
	"liudong/internal/store"
)

// App is one liudong instance's shared parts.
type App struct {
	Cfg      config.Config
	Log      *slog.Logger
	Store    *store.Store
	Redis    redis.UniversalClient
	Box      *secret.Box
	Sessions *session.Store
	Router   *bot.Router
	Metrics  *prometheus.Registry
	Binding  *member.Binding
	Stats    *stats.Service
}

// Open connects to PostgreSQL and Redis and builds the app.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	opts, err := redis.ParseURL(cfg.RedisURL)
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("app: redis_url: %w", err)
	}
	rdb := redis.NewClient(opts)
	if err := rdb.Ping(ctx).Err(); err != nil {
		st.Close()
		rdb.Close()
		return nil, fmt.Errorf("app: unable to reach Redis at %s: %w", opts.Addr, err)
	}
	a, err := New(cfg, log, st, rdb)
	if err != nil {
		st.Close()
		rdb.Close()
	}
	return a, err
}

// New builds the app over open connections.
func New(cfg config.Config, log *slog.Logger, st *store.Store, rdb redis.UniversalClient) (*App, error) {
	key, err := config.DecodeKey(cfg.SecretKey)
	if err != nil {
		return nil, fmt.Errorf("app: secret_key: %w", err)
	}
	box, err := secret.New(key)
	if err != nil {
		return nil, err
	}
	a := &App{
		Cfg: cfg, Log: log, Store: st, Redis: rdb, Box: box,
		Sessions: session.New(rdb, cfg.RedisPrefix, cfg.Session.TTL),
		Metrics:  prometheus.NewRegistry(),
	}
	a.Binding = member.NewBinding(st, box, rdb, cfg.RedisPrefix, cfg.Binding)
	if a.Stats, err = stats.New(st, cfg, log); err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	a.Router = bot.NewRouter(a.Sessions, log)
	a.Router.Use(bot.NewMetrics(a.Metrics).Middleware(), a.persist, a.identify, bot.Serialise(), a.audit)
	a.register()
	return a, nil
}

// Close releases the connections.
func (a *App) Close() {
	a.Store.Close()
	a.Redis.Close()
}

// register adds every domain's commands. Order matters only for 帮助's listing.
func (a *App) register() {
	r := a.Router
	r.Add(bot.Command{
		Name: "帮助", Aliases: []string{"菜单", "help", "?"}, Audience: bot.Anyone, Scope: bot.Anywhere,
		Handler: func(c *bot.Context) error {
			c.Reply(r.HelpText(c.Identity))
			return nil
		},
	})
	member.Register(r, a.Store, a.Binding)
	stats.Register(r, a.Stats)
}

// RoundCoord keeps two decimals of a coordinate (about 1 km): enough for a city, not a home.
func RoundCoord(v float64) float64 { return math.Round(v*100) / 100 }

// Importer builds the roster importer for this instance's committee.
func (a *App) Importer() *roster.Importer {
	return roster.NewImporter(a.Store, a.Box, a.Cfg.Committee, a.Cfg.Location())
}
