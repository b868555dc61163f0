package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"liudong/bot"
	"liudong/bot/sim"
	"liudong/internal/app"
	"liudong/internal/notify"
)

func init() {
	register(command{name: "serve", usage: "serve", summary: "run the bot, the scheduler and the dispatcher", run: runServe})
}

func runServe(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "serve", "serve")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	log := e.logger(cfg)
	slog.SetDefault(log)
	a, err := app.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := checkSchema(ctx, a.Store); err != nil {
		return err
	}

	var (
		p        bot.Platform
		simPlat  *sim.Platform
		syncSend bool
		d        *notify.Dispatcher
	)
	jobs := &app.JobRunner{App: a}
	switch cfg.Platform {
	case "sim":
		simPlat = sim.New("sim", log, jobs, app.SimDirectory{App: a})
		p, syncSend = simPlat, true
	case "wechat":
		// The QR code to scan is drawn on stdout; the outbox resumes as soon as WeChat is back.
		wp, err := a.WeChat(ctx, e.stdout, func() { d.Wake() })
		if err != nil {
			return err
		}
		p = wp
	default:
		return fmt.Errorf("platform %q is not available in this build", cfg.Platform)
	}
	d = a.Dispatcher(p)
	jobs.Dispatcher = d
	handle := a.Handler(p, d, syncSend)
	if err := a.LogAlertCoverage(ctx); err != nil {
		return err
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	start := func(name string, fn func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := fn(); err != nil && !errors.Is(err, context.Canceled) {
				errs <- fmt.Errorf("%s: %w", name, err)
				cancel()
			}
		}()
	}

	health := healthHandler(a, p)
	metrics := promhttp.HandlerFor(a.Metrics, promhttp.HandlerOpts{})
	var servers []*http.Server
	listen := func(addr string, h http.Handler) error {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return fmt.Errorf("listen on %s: %w", addr, err)
		}
		srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
		servers = append(servers, srv)
		start("http "+addr, func() error {
			if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		})
		return nil
	}
	if simPlat != nil {
		mux := http.NewServeMux()
		mux.Handle("/healthz", health)
		mux.Handle("/metrics", metrics)
		mux.Handle("/", simPlat.Handler())
		if err := listen(cfg.Sim.Addr, mux); err != nil {
			return err
		}
		log.Info("simulator listening", "url", "http://"+cfg.Sim.Addr)
	}
	if cfg.HTTP.Addr != "" && (simPlat == nil || cfg.HTTP.Addr != cfg.Sim.Addr) {
		mux := http.NewServeMux()
		mux.Handle("/healthz", health)
		mux.Handle("/metrics", metrics)
		if err := listen(cfg.HTTP.Addr, mux); err != nil {
			return err
		}
		log.Info("health and metrics listening", "addr", cfg.HTTP.Addr)
	}

	start("platform", func() error { return p.Run(ctx, handle) })
	start("dispatcher", func() error { return d.Run(ctx) })
	start("scheduler", func() error { return a.Scheduler().Run(ctx) })
	go func() {
		if r, ok := p.(interface{ Ready() <-chan struct{} }); ok {
			// Replies need the platform logged in (WeChat: after the QR scan).
			select {
			case <-r.Ready():
			case <-ctx.Done():
				return
			}
		}
		n, err := a.Replay(ctx, p, handle, time.Now().Add(-time.Hour))
		if err != nil {
			log.Error("replaying unhandled messages", "err", err)
		} else if n > 0 {
			log.Info("replayed messages stored before the last stop", "count", n)
		}
	}()
	log.Info("liudong serving", "platform", p.Name(), "account", p.Account(), "committee", cfg.Committee.Name)

	<-ctx.Done()
	log.Info("shutting down: finishing messages in hand")
	sctx, scancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer scancel()
	for _, srv := range servers {
		srv.Shutdown(sctx) // waits for requests in flight: the message in hand is finished
	}
	cancel()
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
	}
	log.Info("stopped")
	return nil
}

// healthHandler reports database, Redis and platform state; 503 when any is down.
func healthHandler(a *app.App, p bot.Platform) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		status := http.StatusOK
		check := func(err error) string {
			if err != nil {
				status = http.StatusServiceUnavailable
				return err.Error()
			}
			return "ok"
		}
		ph := p.Health()
		if !ph.OK {
			status = http.StatusServiceUnavailable
		}
		body := map[string]any{
			"database": check(a.Store.Ping(ctx)),
			"redis":    check(a.Redis.Ping(ctx).Err()),
			"platform": ph,
		}
		body["status"] = "ok"
		if status != http.StatusOK {
			body["status"] = "down"
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(body)
	})
}
