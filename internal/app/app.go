// Package app wires liudong together: configuration, PostgreSQL, Redis, the router with its
// middleware and every domain's chat commands, and the outbox dispatcher.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"liudong/bot"
	"liudong/internal/absence"
	"liudong/internal/alerts"
	"liudong/internal/archive"
	"liudong/internal/cert"
	"liudong/internal/config"
	"liudong/internal/contact"
	"liudong/internal/dues/collect"
	"liudong/internal/location"
	"liudong/internal/lostcontact"
	"liudong/internal/member"
	"liudong/internal/notify"
	"liudong/internal/report"
	"liudong/internal/roster"
	"liudong/internal/schedule"
	"liudong/internal/secret"
	"liudong/internal/session"
	"liudong/internal/stats"
	"liudong/internal/store"
	"liudong/internal/transfer"
	"liudong/internal/whereabouts"
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
	Reports  *report.Service
	// Archive composes the secretary's 查; domains add their sections in New.
	Archive *archive.Archive
	// Verifier re-verifies members whose chat binding a platform re-login could not re-resolve.
	Verifier *member.Verifier

	Whereabouts  *whereabouts.Service
	Certificates *cert.Service
	// Groups knows each org unit's alerts group; Alerts has the jobs and overdue providers;
	// Jobs is every scheduled job (domains add theirs in New).
	Groups *notify.Groups
	Alerts *alerts.Service
	Jobs   *schedule.Registry
	Dues   *collect.Service
	Stats  *stats.Service
	// Transfers, Contacts and LostContact are the transfer of the organizational relationship,
	// the organizations outside the committee taking part, and the art. 24 lost-contact rule.
	Transfers   *transfer.Service
	Contacts    *contact.Service
	LostContact *lostcontact.Service
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
	if a.Reports, err = report.New(st, cfg.Report, cfg.Location()); err != nil {
		return nil, err
	}
	a.Archive = archive.New(archive.Basic(box), archive.Mobility(st), a.Reports.ArchiveSection())
	a.Verifier = member.NewVerifier(st, box, rdb, a.Sessions, cfg.RedisPrefix, cfg.Binding)
	detail, err := notify.ParseDetail(cfg.Notify.Detail)
	if err != nil {
		return nil, fmt.Errorf("app: notify.detail: %w", err)
	}
	a.Groups = notify.NewGroups(st, cfg.Notify.Groups, detail)
	a.Dues = collect.New(st, cfg.Dues.Rules, cfg.Committee.Region, a.Cfg.Location())
	a.Alerts = alerts.New(st, a.Groups, cfg, log, alerts.Domains{Reports: a.Reports, Dues: a.Dues})
	a.Jobs = schedule.NewRegistry()
	a.Alerts.RegisterJobs(a.Jobs)
	if a.Stats, err = stats.New(st, cfg, log); err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	a.Router = bot.NewRouter(a.Sessions, log)
	a.Router.Use(bot.NewMetrics(a.Metrics).Middleware(), a.persist, a.identify, bot.Serialise(), a.audit)
	if a.Whereabouts, err = whereabouts.New(st, cfg); err != nil {
		return nil, err
	}
	if a.Certificates, err = cert.New(st, box, cfg); err != nil {
		return nil, err
	}
	a.Archive.Add(a.Whereabouts.ArchiveSections()...)
	a.Archive.Add(a.Certificates.ArchiveSection())
	a.wireTransfers()
	a.register()
	return a, nil
}

// wireTransfers builds the transfer, contact and lost-contact domains: their jobs, their
// sections of the weekly digest and 逾期, and of 查.
func (a *App) wireTransfers() {
	a.Contacts = contact.New(a.Store, a.Box, a.Binding, a.Cfg)
	a.Transfers = transfer.New(a.Store, a.Box, a.Dues, a.Stats, a.Cfg)
	a.Transfers.Detail = a.Alerts.Detail
	a.LostContact = lostcontact.New(a.Store, a.Cfg)
	a.LostContact.Detail = a.Alerts.Detail
	a.Jobs.Add(a.Transfers.Followup(a.Cfg.Schedule.TransferFollowup.Spec))
	a.Jobs.Add(a.LostContact.Job())
	a.Jobs.Add(a.Contacts.AssessmentJob(a.Cfg.Schedule.InflowAssessment.Spec))
	a.Alerts.AddProvider(transfer.OutProvider{S: a.Transfers})
	a.Alerts.AddProvider(transfer.InProvider{S: a.Transfers})
	a.Alerts.AddProvider(lostcontact.Provider{S: a.LostContact})
	a.Alerts.AddProvider(contact.RelayProvider{St: a.Store})
	a.Archive.Add(a.Transfers.ArchiveSection())
	a.Archive.Add(a.Contacts.ArchiveSections()...)
	a.Archive.Add(a.LostContact.ArchiveSection())
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
			text := r.HelpText(c.Identity)
			if c.Identity.IsContact() {
				covered, example, err := a.Contacts.Covered(c, c.Identity.Contact.ID)
				if err != nil {
					return err
				}
				if example != "" {
					// His examples name one of his own members.
					text = strings.ReplaceAll(text, "张三", example)
				}
				text += "\n" + covered
			}
			c.Reply(text)
			return nil
		},
	})
	member.Register(r, a.Store, a.Binding)
	report.Register(r, a.Reports)
	archive.Register(r, a.Store, a.Archive)
	a.registerWhereabouts()
	a.Alerts.Register(r)
	absence.Register(r, a.Store)
	a.Groups.Register(r)
	collect.Register(r, a.Store, a.Dues)
	stats.Register(r, a.Stats)
	a.Transfers.Register(r)
	a.Contacts.Register(r)
	a.LostContact.Register(r)
}

// registerWhereabouts adds location updates, departures and returns, organizational life and
// the activity certificate (issue 3).
func (a *App) registerWhereabouts() {
	a.Whereabouts.Register(a.Router)
	a.Certificates.Register(a.Router)
}

// Importer builds the roster importer for this instance's committee.
func (a *App) Importer() *roster.Importer {
	im := roster.NewImporter(a.Store, a.Box, a.Cfg.Committee, a.Cfg.Location())
	im.Resolve = ResolvePlace
	return im
}

// ResolvePlace gives the region codes a free-text place certainly has: with several candidates
// (朝阳), only the levels they all share.
func ResolvePlace(place string) (province, city, county string, ok bool) {
	cands := location.Default().Resolve(place)
	if len(cands) == 0 {
		return "", "", "", false
	}
	province, city, county = cands[0].ProvinceCode, cands[0].CityCode, cands[0].CountyCode
	for _, c := range cands[1:] {
		if c.ProvinceCode != province {
			return "", "", "", false
		}
		if c.CityCode != city {
			city, county = "", ""
		}
		if c.CountyCode != county {
			county = ""
		}
	}
	return province, city, county, true
}
