// Package config loads liudong's configuration: a YAML file, then LIUDONG_* environment
// variables (the key path upper-cased, "." → "_"), then Validate.
package config

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
	"gopkg.in/yaml.v3"

	"liudong/internal/dues"
	"liudong/internal/location"
)

// Config is the whole configuration of one liudong instance.
type Config struct {
	DatabaseURL string `yaml:"database_url"`
	RedisURL    string `yaml:"redis_url"`
	// RedisPrefix namespaces every Redis key, so tests and instances can share a server.
	RedisPrefix string `yaml:"redis_prefix"`
	Platform    string `yaml:"platform"` // sim | wechat
	Timezone    string `yaml:"timezone"`
	// SecretKey (hex or base64, 32 bytes) encrypts phone numbers and keys the binding-code hashes.
	SecretKey string `yaml:"secret_key"`

	Committee Committee `yaml:"committee"`
	Sim       Sim       `yaml:"sim"`
	HTTP      HTTP      `yaml:"http"`
	Log       Log       `yaml:"log"`
	Binding   Binding   `yaml:"binding"`
	Messages  Messages  `yaml:"messages"`
	Session   Session   `yaml:"session"`
	Notify    Notify    `yaml:"notify"`
	Report    Report    `yaml:"report"`
	WeChat    WeChat    `yaml:"wechat"`

	// Whereabouts (issue 3): location updates and the activity certificate.
	LocationUpdates LocationUpdates `yaml:"location"`
	Certificate     Certificate     `yaml:"certificate"`
	Schedule        Schedule        `yaml:"schedule"`
	Dues            Dues            `yaml:"dues"`
	Stats           Stats           `yaml:"stats"`
	Transfer        Transfer        `yaml:"transfer"`

	loc *time.Location
}

// Committee is the root 党委 that imported branches belong to.
type Committee struct {
	Name string `yaml:"name"`
	// Region is the committee's province or city (安徽省, 安徽省六安市): the reference for 省内/省外.
	Region string `yaml:"region"`
}

type Sim struct {
	Addr string `yaml:"addr"`
	// Throttle makes the simulator wait out the send throttle like WeChat (off: sends are only
	// counted, so acceptance tests stay fast).
	Throttle bool `yaml:"throttle"`
}

type HTTP struct {
	// Addr serves /healthz and /metrics; with platform sim they are also on sim.addr.
	Addr string `yaml:"addr"`
}

type Log struct {
	Format string `yaml:"format"` // text | json
	Level  string `yaml:"level"`  // debug | info | warn | error
}

type Binding struct {
	CodeTTL     time.Duration `yaml:"code_ttl"`
	MaxFailures int           `yaml:"max_failures"`
	Lockout     time.Duration `yaml:"lockout"`
}

type Messages struct {
	// MaxRunes is the longest message handled; longer ones are stored truncated and refused.
	MaxRunes int `yaml:"max_runes"`
}

type Session struct {
	TTL time.Duration `yaml:"ttl"`
}

// Notify configures the outbox dispatcher, the per-account throttle, quiet hours and where
// org units' alerts go.
type Notify struct {
	PollInterval time.Duration `yaml:"poll_interval"`
	MaxAttempts  int           `yaml:"max_attempts"`
	// StaleAfter: a row claimed but showing no progress for this long is claimed again.
	StaleAfter  time.Duration `yaml:"stale_after"`
	SendTimeout time.Duration `yaml:"send_timeout"`
	// MinInterval plus a random Jitter separates two sends of one bot account; DailyCap bounds
	// its sends per day (replies count, and are never refused).
	MinInterval time.Duration `yaml:"min_interval"`
	Jitter      time.Duration `yaml:"jitter"`
	DailyCap    int           `yaml:"daily_cap"`
	// QuietStart–QuietEnd (HH:MM, configured zone): scheduled notifications wait; equal = none.
	QuietStart string `yaml:"quiet_start"`
	QuietEnd   string `yaml:"quiet_end"`
	// Detail of alerts shown in a group chat: full | masked | count.
	Detail string `yaml:"detail"`
	// Groups names an alerts group per org unit: org unit name → group name (YAML only). A group
	// set by chat (设为提醒群) takes precedence.
	Groups map[string]string `yaml:"groups"`
}

// Schedule configures the scheduler: the Redis lease and each job's schedule (a cron spec:
// minute hour day-of-month month day-of-week, in the configured zone) and thresholds.
type Schedule struct {
	// LeaseTTL: the instance holding the lease runs the jobs; it renews it every third of this.
	LeaseTTL           time.Duration     `yaml:"lease_ttl"`
	SpringFestival     SpringFestivalJob `yaml:"spring_festival"`
	InflowRegistration StayJob           `yaml:"inflow_registration"`
	Transfer           StayJob           `yaml:"transfer"`
	WeeklyDigest       Job               `yaml:"weekly_digest"`

	// Phase 2: the report window, the six-month rule, dues notices and the certificate.
	ReportInvite          Job               `yaml:"report_invite"`
	ReportReminder        ReportReminderJob `yaml:"report_reminder"`
	ReportOverdue         ReportOverdueJob  `yaml:"report_overdue"`
	SixMonth              SixMonthJob       `yaml:"six_month"`
	DuesNotice            DuesNoticeJob     `yaml:"dues_notice"`
	CertificateReview     CertificateJob    `yaml:"certificate_review"`
	CertificateInspection CertificateJob    `yaml:"certificate_inspection"`

	// Transfers, the inflow side and lost contact.
	TransferFollowup Job            `yaml:"transfer_followup"`
	LostContact      LostContactJob `yaml:"lost_contact"`
	InflowAssessment Job            `yaml:"inflow_assessment"`
}

// LostContactJob lists the mobile members with no contact of any kind on record for Months
// (党员教育管理工作条例 2019 art. 24: more than six months without contact).
type LostContactJob struct {
	Spec   string `yaml:"spec"`
	Months int    `yaml:"months"`
}

// ReportReminderJob reminds the mobile members who have not reported, DaysBefore the end of
// the period.
type ReportReminderJob struct {
	Spec       string `yaml:"spec"`
	DaysBefore int    `yaml:"days_before"`
}

// ReportOverdueJob sends each branch the list of members who did not report, within
// WithinDays after the period ended (a later run sends nothing for that period).
type ReportOverdueJob struct {
	Spec       string `yaml:"spec"`
	WithinDays int    `yaml:"within_days"`
}

// SixMonthJob applies the six-month rule (党章 第九条): months without organizational life or
// without dues at which the member and the secretary hear of it.
type SixMonthJob struct {
	Spec string `yaml:"spec"`
	// RemindMonths: a reminder to the member and a note to the secretary.
	RemindMonths int `yaml:"remind_months"`
	// WarnMonths: a warning to the secretary.
	WarnMonths int `yaml:"warn_months"`
	// RiskMonths: 脱党风险 (six months is the Constitution's line).
	RiskMonths int `yaml:"risk_months"`
}

// DuesNoticeJob sends each member the month's dues and arrears from Day of the month on, and
// the secretary the members in arrears for SecretaryMonths or more.
type DuesNoticeJob struct {
	Spec            string `yaml:"spec"`
	Day             int    `yaml:"day"`
	SecretaryMonths int    `yaml:"secretary_months"`
}

// CertificateJob fires Days before (年审 due) or after (returned home, not inspected) an event.
type CertificateJob struct {
	Spec string `yaml:"spec"`
	Days int    `yaml:"days"`
}

// Job is a job with only a schedule.
type Job struct {
	Spec string `yaml:"spec"`
}

// SpringFestivalJob invites the members expected home to the 春节座谈会.
type SpringFestivalJob struct {
	Spec string `yaml:"spec"`
	// LeadDays: the invitations go out this many days before 春节 (any later run until the
	// festival sends what is missing).
	LeadDays int `yaml:"lead_days"`
}

// StayJob fires when a member has stayed in one place for Months.
type StayJob struct {
	Spec   string `yaml:"spec"`
	Months int    `yaml:"months"`
}

// Report configures quarterly reports (思想汇报). The central rule asks for a report at least once
// a year; quarterly is the common local practice and the default (DOMAIN.md, "Reporting in").
type Report struct {
	Period string `yaml:"period"` // quarterly | half-yearly | yearly
	// FlowTTL is how long an unfinished guided report waits for the member's next answer.
	FlowTTL time.Duration `yaml:"flow_ttl"`
}

// WeChat configures the personal WeChat account the bot runs as (platform wechat).
type WeChat struct {
	// Account names this bot account in the database (chat identities, inbound messages): keep it
	// once members have bound, or they must bind again.
	Account string `yaml:"account"`
	// SessionKey is the Redis key (after redis_prefix) of the stored login session, encrypted with
	// secret_key; empty means "wechat:session:" + account.
	SessionKey        string `yaml:"session_key"`
	AutoAcceptFriends bool   `yaml:"auto_accept_friends"`
	// InboundQueue bounds the messages waiting to be handled; when full, intake from WeChat pauses.
	InboundQueue int `yaml:"inbound_queue"`
}

// SessionRedisKey is the Redis key of the stored WeChat login session, prefix included.
func (c *Config) SessionRedisKey() string {
	key := c.WeChat.SessionKey
	if key == "" {
		key = "wechat:session:" + c.WeChat.Account
	}
	return c.RedisPrefix + key
}

// DefaultWeChatHTTPAddr serves /healthz and /metrics with platform wechat when http.addr is unset.
const DefaultWeChatHTTPAddr = "127.0.0.1:8080"

// LocationUpdates says how members' location updates are kept (PIPL art. 28: location history
// is sensitive).
type LocationUpdates struct {
	// Coordinates of a shared location: round (2 decimals, about 1 km) or drop (none kept, in
	// the stored inbound message either).
	Coordinates string `yaml:"coordinates"`
}

// Certificate configures the 流动党员活动证. Its validity is not fixed centrally.
type Certificate struct {
	// Prefix of every number (the county organisation department's code, say); empty means the
	// code of committee.region.
	Prefix string `yaml:"prefix"`
	// Digits of the sequence after the prefix.
	Digits int `yaml:"digits"`
	// ValidMonths after issue; 0 means valid while the member is away.
	ValidMonths int `yaml:"valid_months"`
	// ReviewMonths between annual reviews (年审).
	ReviewMonths int `yaml:"review_months"`
}

// Dues is the Party dues table in force.
type Dues struct {
	// RulesFile is the dues table (configs/dues.yaml). A relative path in the configuration file
	// is taken from that file's directory; in the environment, from the working directory.
	// Empty means the national rule of 中组发〔2008〕3号, built in.
	RulesFile string `yaml:"rules_file"`
	// Rules is the table itself: loaded from RulesFile by Validate.
	Rules dues.Rules `yaml:"-"`
}

// Stats configures the 基本情况 report (internal/stats).
type Stats struct {
	// Font is a CJK font file (TTF, OTF or TTC) for the chart; empty searches the usual system
	// places (Debian: fonts-wqy-microhei, fonts-noto-cjk); "none" sends no chart.
	Font string `yaml:"font"`
	// HomeProvince is the committee's province as a GB/T 2260 code (34 or 340000), the reference
	// for 省内/省外; empty reads it from committee.region.
	HomeProvince string `yaml:"home_province"`
}

// Transfer configures the transfer of the organizational relationship (组织关系接转,
// 党员教育管理工作条例 2019 art. 25; the letter's format is 组通字〔2006〕45号).
type Transfer struct {
	// LetterValidity is how long a letter (介绍信) is valid: "3个月", "90天" (also "3 months",
	// "90d"). The sender sets it; commonly up to 3 months.
	LetterValidity string `yaml:"letter_validity"`
	// LetterPrefix starts every letter number, prefix〔year〕sequence号; empty means committee.name.
	LetterPrefix string `yaml:"letter_prefix"`
	// ReceiptWithin is when the receipt (回执) is expected back, counted from the issue (the
	// receiving committee returns it, commonly within a month); also the time we take to return
	// ours for a member transferred in.
	ReceiptWithin string `yaml:"receipt_within"`
	// ExpiryWarningDays: the secretary (and the member) hear of a letter with no receipt this many
	// days before it expires.
	ExpiryWarningDays int `yaml:"expiry_warning_days"`

	// Validity and Receipt are LetterValidity and ReceiptWithin, read by Validate.
	Validity Span `yaml:"-"`
	Receipt  Span `yaml:"-"`
}

// Span is a length of time in months or days, as the rules state them.
type Span struct {
	Months, Days int
}

var spanPattern = regexp.MustCompile(`^(\d+)\s*(个月|月|months?|mon|mo|m|天|日|days?|d|周|星期|weeks?|w|年|years?|y)?$`)

// ParseSpan reads "3个月", "3 months", "3m", "90天", "90d", "2周", "1年", a bare number of months,
// or a Go duration of whole days ("2160h").
func ParseSpan(s string) (Span, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	m := spanPattern.FindStringSubmatch(s)
	if m == nil {
		if d, err := time.ParseDuration(s); err == nil && d > 0 && d%(24*time.Hour) == 0 {
			return Span{Days: int(d / (24 * time.Hour))}, nil
		}
		return Span{}, fmt.Errorf("want a number of months or days, e.g. 3个月 or 90天, got %q", s)
	}
	n, _ := strconv.Atoi(m[1])
	switch m[2] {
	case "天", "日", "day", "days", "d":
		return Span{Days: n}, nil
	case "周", "星期", "week", "weeks", "w":
		return Span{Days: 7 * n}, nil
	case "年", "year", "years", "y":
		return Span{Months: 12 * n}, nil
	}
	return Span{Months: n}, nil
}

// After is the date span after the calendar date t: months clamp to the month's last day
// (1月31日 + 1个月 = 2月28日), as PostgreSQL's date arithmetic does.
func (s Span) After(t time.Time) time.Time {
	y, mo, d := t.Date()
	first := time.Date(y, mo+time.Month(s.Months), 1, 0, 0, 0, 0, t.Location())
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(d, last), 0, 0, 0, 0, t.Location()).AddDate(0, 0, s.Days)
}

// String writes the span as the replies say it: 3个月, 90天.
func (s Span) String() string {
	switch {
	case s.Months > 0 && s.Days > 0:
		return fmt.Sprintf("%d个月%d天", s.Months, s.Days)
	case s.Days > 0:
		return fmt.Sprintf("%d天", s.Days)
	}
	return fmt.Sprintf("%d个月", s.Months)
}

// Default returns the configuration used when a key is not set anywhere.
func Default() Config {
	return Config{
		DatabaseURL: "postgres://liudong@127.0.0.1:54329/liudong?sslmode=disable",
		RedisURL:    "redis://127.0.0.1:63799/0",
		RedisPrefix: "liudong:",
		Platform:    "sim",
		Timezone:    "Asia/Shanghai",
		Committee:   Committee{Name: "示范镇党委", Region: "安徽省六安市"},
		Sim:         Sim{Addr: "127.0.0.1:8080"},
		HTTP:        HTTP{Addr: ""},
		Log:         Log{Format: "text", Level: "info"},
		Binding:     Binding{CodeTTL: 72 * time.Hour, MaxFailures: 5, Lockout: 15 * time.Minute},
		Messages:    Messages{MaxRunes: 4000},
		Session:     Session{TTL: 24 * time.Hour},
		Report:      Report{Period: "quarterly", FlowTTL: 24 * time.Hour},
		WeChat:      WeChat{AutoAcceptFriends: true, InboundQueue: 256},

		LocationUpdates: LocationUpdates{Coordinates: "round"},
		Certificate:     Certificate{Digits: 5, ReviewMonths: 12},
		Notify: Notify{PollInterval: 2 * time.Second, MaxAttempts: 5, StaleAfter: 10 * time.Minute, SendTimeout: time.Minute,
			MinInterval: 1500 * time.Millisecond, Jitter: time.Second, DailyCap: 500,
			QuietStart: "22:00", QuietEnd: "08:00", Detail: "masked"},
		Schedule: Schedule{
			LeaseTTL: 30 * time.Second,
			// Jobs of one schedule run as one sweep and share what they read (the stays).
			SpringFestival: SpringFestivalJob{Spec: "0 9 * * *", LeadDays: 14},
			// Inflow side: register after 3 months' stay (the seed text's county practice).
			InflowRegistration: StayJob{Spec: "0 9 * * *", Months: 3},
			// 党员教育管理工作条例 (2019): away 6 months+ at a fairly fixed place ⇒ transfer.
			Transfer:     StayJob{Spec: "0 9 * * *", Months: 6},
			WeeklyDigest: Job{Spec: "30 9 * * 1"},
			// Reports: invited at the start of the period's last month, reminded 10 days before its
			// end; the list of those who did not report goes to the branch after it (DOMAIN.md,
			// "Reporting in": quarterly by default).
			ReportInvite:   Job{Spec: "0 9 * * *"},
			ReportReminder: ReportReminderJob{Spec: "0 9 * * *", DaysBefore: 10},
			ReportOverdue:  ReportOverdueJob{Spec: "0 9 * * *", WithinDays: 15},
			// 党章 第九条: six months in a row without organizational life or dues, without good reason,
			// is leaving the Party; branches act early: 3 months (member and secretary), 5, 6.
			SixMonth: SixMonthJob{Spec: "0 9 * * *", RemindMonths: 3, WarnMonths: 5, RiskMonths: 6},
			// 中组发〔2008〕3号: dues are paid monthly; arrears (补交) normally at most 6 months.
			DuesNotice: DuesNoticeJob{Spec: "0 9 * * *", Day: 1, SecretaryMonths: 3},
			// The 活动证 is reviewed yearly (年审) and handed back for inspection (查验) on return.
			CertificateReview:     CertificateJob{Spec: "0 9 * * *", Days: 30},
			CertificateInspection: CertificateJob{Spec: "0 9 * * *", Days: 14},
			// Letters about to expire, receipts not back: the secretaries hear daily, once each.
			TransferFollowup: Job{Spec: "0 9 * * *"},
			// 党员教育管理工作条例 (2019) art. 24: more than six months without contact.
			LostContact: LostContactJob{Spec: "0 9 * * *", Months: 6},
			// The inflow organization's assessment, asked for in each half-year's last month.
			InflowAssessment: Job{Spec: "0 9 * * *"},
		},
		// 组通字〔2006〕45号: validity set by the sender, commonly up to 3 months; the 回执
		// returned within a month.
		Transfer: Transfer{LetterValidity: "3个月", ReceiptWithin: "1个月", ExpiryWarningDays: 7},
	}
}

// Load reads the file at path (missing is allowed only when path is empty or the default),
// applies the environment, and validates.
func Load(path string, env []string) (Config, error) {
	cfg := Default()
	if path != "" {
		data, err := os.ReadFile(path)
		switch {
		case err == nil:
			// Unknown keys are errors: a misspelt key would otherwise be silently ignored.
			dec := yaml.NewDecoder(bytes.NewReader(data))
			dec.KnownFields(true)
			if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
				return cfg, fmt.Errorf("config: %s: %w", path, err)
			}
			// Files the configuration file names are found beside it.
			if f := cfg.Dues.RulesFile; f != "" && !filepath.IsAbs(f) {
				cfg.Dues.RulesFile = filepath.Join(filepath.Dir(path), f)
			}
		case errors.Is(err, os.ErrNotExist) && path == DefaultPath:
		default:
			return cfg, fmt.Errorf("config: %w", err)
		}
	}
	if err := applyEnv(&cfg, env); err != nil {
		return cfg, err
	}
	if cfg.Platform == "wechat" && cfg.HTTP.Addr == "" {
		// Without the simulator's listener, /healthz and /metrics need one of their own.
		cfg.HTTP.Addr = DefaultWeChatHTTPAddr
	}
	if err := cfg.Validate(); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// DefaultPath is where the configuration file is looked for without --config or LIUDONG_CONFIG.
const DefaultPath = "configs/liudong.yaml"

// Location is the configured time zone (valid after Validate).
func (c *Config) Location() *time.Location {
	if c.loc == nil {
		loc, err := time.LoadLocation(c.Timezone)
		if err != nil {
			return time.UTC
		}
		c.loc = loc
	}
	return c.loc
}

// Validate checks every key and names the bad one.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("config: %s: %s", key, fmt.Sprintf(format, args...)))
	}
	if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		bad("database_url", "want postgres://user@host:port/db, got %q", c.DatabaseURL)
	}
	if u, err := url.Parse(c.RedisURL); err != nil || (u.Scheme != "redis" && u.Scheme != "rediss" && u.Scheme != "unix") {
		bad("redis_url", "want redis://host:port/db, got %q", c.RedisURL)
	}
	switch c.Platform {
	case "sim", "wechat":
	default:
		bad("platform", "want sim or wechat, got %q", c.Platform)
	}
	if loc, err := time.LoadLocation(c.Timezone); err != nil {
		bad("timezone", "unknown time zone %q (install tzdata?)", c.Timezone)
	} else {
		c.loc = loc
	}
	if strings.TrimSpace(c.Committee.Name) == "" {
		bad("committee.name", "the root committee (党委) needs a name")
	}
	if strings.TrimSpace(c.Committee.Region) == "" {
		bad("committee.region", "needed for 省内/省外, e.g. 安徽省 or 安徽省六安市")
	} else if n := len(location.Default().Resolve(c.Committee.Region)); n != 1 {
		bad("committee.region", "%q names %d regions; write the full name, e.g. 安徽省六安市", c.Committee.Region, n)
	}
	if _, _, err := net.SplitHostPort(c.Sim.Addr); err != nil {
		bad("sim.addr", "want host:port, got %q", c.Sim.Addr)
	}
	if c.HTTP.Addr != "" {
		if _, _, err := net.SplitHostPort(c.HTTP.Addr); err != nil {
			bad("http.addr", "want host:port, got %q", c.HTTP.Addr)
		}
	}
	switch c.Log.Format {
	case "text", "json":
	default:
		bad("log.format", "want text or json, got %q", c.Log.Format)
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		bad("log.level", "want debug, info, warn or error, got %q", c.Log.Level)
	}
	if c.SecretKey == "" {
		bad("secret_key", "required: 32 random bytes as 64 hex digits (openssl rand -hex 32), kept out of the repository")
	} else if _, err := DecodeKey(c.SecretKey); err != nil {
		bad("secret_key", "%v", err)
	}
	if c.Binding.CodeTTL < time.Minute || c.Binding.CodeTTL > 30*24*time.Hour {
		bad("binding.code_ttl", "want between 1m and 720h, got %s", c.Binding.CodeTTL)
	}
	if c.Binding.MaxFailures < 1 {
		bad("binding.max_failures", "want at least 1, got %d", c.Binding.MaxFailures)
	}
	if c.Binding.Lockout < time.Second {
		bad("binding.lockout", "want at least 1s, got %s", c.Binding.Lockout)
	}
	if c.Messages.MaxRunes < 100 || c.Messages.MaxRunes > 100000 {
		bad("messages.max_runes", "want between 100 and 100000, got %d", c.Messages.MaxRunes)
	}
	if c.Session.TTL < time.Minute {
		bad("session.ttl", "want at least 1m, got %s", c.Session.TTL)
	}
	if c.Notify.PollInterval < 10*time.Millisecond {
		bad("notify.poll_interval", "want at least 10ms, got %s", c.Notify.PollInterval)
	}
	if c.Notify.MaxAttempts < 1 {
		bad("notify.max_attempts", "want at least 1, got %d", c.Notify.MaxAttempts)
	}
	switch c.Report.Period {
	case "quarterly", "half-yearly", "yearly":
	default:
		bad("report.period", "want quarterly, half-yearly or yearly, got %q", c.Report.Period)
	}
	if c.Report.FlowTTL < time.Minute || c.Report.FlowTTL > 30*24*time.Hour {
		bad("report.flow_ttl", "want between 1m and 720h, got %s", c.Report.FlowTTL)
	}
	if c.Platform == "wechat" && strings.TrimSpace(c.WeChat.Account) == "" {
		bad("wechat.account", "required with platform wechat: a short name for the bot account, e.g. 支部助手")
	}
	if strings.ContainsAny(c.WeChat.SessionKey, " \t\n") {
		bad("wechat.session_key", "no spaces allowed, got %q", c.WeChat.SessionKey)
	}
	if c.WeChat.InboundQueue < 1 || c.WeChat.InboundQueue > 100000 {
		bad("wechat.inbound_queue", "want between 1 and 100000, got %d", c.WeChat.InboundQueue)
	}
	switch c.LocationUpdates.Coordinates {
	case "round", "drop":
	default:
		bad("location.coordinates", "want round or drop, got %q", c.LocationUpdates.Coordinates)
	}
	if len(c.Certificate.Prefix) > 20 {
		bad("certificate.prefix", "at most 20 bytes, got %q", c.Certificate.Prefix)
	}
	if c.Certificate.Digits < 3 || c.Certificate.Digits > 10 {
		bad("certificate.digits", "want between 3 and 10, got %d", c.Certificate.Digits)
	}
	if c.Certificate.ValidMonths < 0 || c.Certificate.ValidMonths > 120 {
		bad("certificate.valid_months", "want 0 (valid while away) to 120, got %d", c.Certificate.ValidMonths)
	}
	if c.Certificate.ReviewMonths < 1 || c.Certificate.ReviewMonths > 60 {
		bad("certificate.review_months", "want between 1 and 60, got %d", c.Certificate.ReviewMonths)
	}
	if c.Notify.SendTimeout < time.Second {
		bad("notify.send_timeout", "want at least 1s, got %s", c.Notify.SendTimeout)
	}
	if c.Notify.MinInterval < 10*time.Millisecond {
		bad("notify.min_interval", "want at least 10ms, got %s", c.Notify.MinInterval)
	} else if c.Platform == "wechat" && c.Notify.MinInterval < time.Second {
		bad("notify.min_interval", "WeChat restricts accounts that send fast: want at least 1s, got %s", c.Notify.MinInterval)
	}
	if c.Notify.Jitter < 0 {
		bad("notify.jitter", "want 0 or more, got %s", c.Notify.Jitter)
	}
	if c.Notify.StaleAfter < 2*(c.Notify.SendTimeout+c.Notify.MinInterval+c.Notify.Jitter) {
		bad("notify.stale_after", "want at least twice send_timeout + min_interval + jitter (%s), got %s",
			2*(c.Notify.SendTimeout+c.Notify.MinInterval+c.Notify.Jitter), c.Notify.StaleAfter)
	}
	if c.Notify.DailyCap < 1 {
		bad("notify.daily_cap", "want at least 1, got %d", c.Notify.DailyCap)
	}
	for _, k := range []struct{ key, v string }{{"notify.quiet_start", c.Notify.QuietStart}, {"notify.quiet_end", c.Notify.QuietEnd}} {
		if _, err := time.Parse("15:04", k.v); err != nil {
			bad(k.key, "want HH:MM (24-hour), got %q", k.v)
		}
	}
	switch c.Notify.Detail {
	case "full", "masked", "count":
	default:
		bad("notify.detail", "want full, masked or count, got %q", c.Notify.Detail)
	}
	for unit, group := range c.Notify.Groups {
		if strings.TrimSpace(unit) == "" || strings.TrimSpace(group) == "" {
			bad("notify.groups", "want org unit name: group name, got %q: %q", unit, group)
		}
	}
	if c.Schedule.LeaseTTL < 3*time.Second {
		bad("schedule.lease_ttl", "want at least 3s, got %s", c.Schedule.LeaseTTL)
	}
	for _, j := range []struct{ key, spec string }{
		{"schedule.spring_festival.spec", c.Schedule.SpringFestival.Spec},
		{"schedule.inflow_registration.spec", c.Schedule.InflowRegistration.Spec},
		{"schedule.transfer.spec", c.Schedule.Transfer.Spec},
		{"schedule.weekly_digest.spec", c.Schedule.WeeklyDigest.Spec},
		{"schedule.report_invite.spec", c.Schedule.ReportInvite.Spec},
		{"schedule.report_reminder.spec", c.Schedule.ReportReminder.Spec},
		{"schedule.report_overdue.spec", c.Schedule.ReportOverdue.Spec},
		{"schedule.six_month.spec", c.Schedule.SixMonth.Spec},
		{"schedule.dues_notice.spec", c.Schedule.DuesNotice.Spec},
		{"schedule.certificate_review.spec", c.Schedule.CertificateReview.Spec},
		{"schedule.certificate_inspection.spec", c.Schedule.CertificateInspection.Spec},
		{"schedule.transfer_followup.spec", c.Schedule.TransferFollowup.Spec},
		{"schedule.lost_contact.spec", c.Schedule.LostContact.Spec},
		{"schedule.inflow_assessment.spec", c.Schedule.InflowAssessment.Spec},
	} {
		if _, err := cron.ParseStandard(j.spec); err != nil {
			bad(j.key, "want a cron spec such as \"0 9 * * *\" (minute hour day month weekday): %v", err)
		}
	}
	for _, r := range []struct {
		key         string
		v, min, max int
	}{
		{"schedule.spring_festival.lead_days", c.Schedule.SpringFestival.LeadDays, 1, 60},
		{"schedule.inflow_registration.months", c.Schedule.InflowRegistration.Months, 1, 24},
		{"schedule.transfer.months", c.Schedule.Transfer.Months, 1, 36},
		{"schedule.report_reminder.days_before", c.Schedule.ReportReminder.DaysBefore, 1, 60},
		{"schedule.report_overdue.within_days", c.Schedule.ReportOverdue.WithinDays, 1, 90},
		{"schedule.dues_notice.secretary_months", c.Schedule.DuesNotice.SecretaryMonths, 1, 24},
		{"schedule.certificate_review.days", c.Schedule.CertificateReview.Days, 0, 180},
		{"schedule.certificate_inspection.days", c.Schedule.CertificateInspection.Days, 1, 180},
		{"schedule.lost_contact.months", c.Schedule.LostContact.Months, 1, 36},
		{"transfer.expiry_warning_days", c.Transfer.ExpiryWarningDays, 1, 60},
	} {
		if r.v < r.min || r.v > r.max {
			bad(r.key, "want between %d and %d, got %d", r.min, r.max, r.v)
		}
	}
	six := c.Schedule.SixMonth
	switch {
	case six.RemindMonths < 1:
		bad("schedule.six_month.remind_months", "want at least 1, got %d", six.RemindMonths)
	case six.WarnMonths <= six.RemindMonths:
		bad("schedule.six_month.warn_months", "want more than remind_months (%d), got %d", six.RemindMonths, six.WarnMonths)
	case six.RiskMonths <= six.WarnMonths || six.RiskMonths > 6:
		bad("schedule.six_month.risk_months", "want more than warn_months (%d) and at most 6 (党章 第九条), got %d", six.WarnMonths, six.RiskMonths)
	}
	if d := c.Schedule.DuesNotice.Day; d < 1 || d > 28 {
		bad("schedule.dues_notice.day", "want a day of the month between 1 and 28, got %d", d)
	}
	switch {
	case c.Dues.RulesFile != "":
		r, err := dues.LoadRules(c.Dues.RulesFile)
		if err != nil {
			bad("dues.rules_file", "%v", err)
		} else {
			c.Dues.Rules = r
		}
	case c.Dues.Rules.Categories == nil:
		c.Dues.Rules = dues.DefaultRules()
	default:
		if err := c.Dues.Rules.Validate(); err != nil {
			bad("dues.rules_file", "%v", err)
		}
	}
	if _, ok := dues.NormalizeProvince(c.Committee.Region); !ok && len(c.Dues.Rules.Provinces) > 0 {
		bad("committee.region", "the dues table has provincial rules, so the region must start with a province (e.g. 安徽省六安市), got %q", c.Committee.Region)
	}
	if f := c.Stats.Font; f != "" && f != "none" {
		if st, err := os.Stat(f); err != nil || st.IsDir() {
			bad("stats.font", "no font file at %q (install fonts-wqy-microhei, or leave empty to search, or none)", f)
		}
	}
	if sp, err := ParseSpan(c.Transfer.LetterValidity); err != nil {
		bad("transfer.letter_validity", "%v", err)
	} else if sp.Months*31+sp.Days < 1 || sp.Months*31+sp.Days > 366 {
		bad("transfer.letter_validity", "want between 1天 and 12个月, got %q", c.Transfer.LetterValidity)
	} else {
		c.Transfer.Validity = sp
	}
	if sp, err := ParseSpan(c.Transfer.ReceiptWithin); err != nil {
		bad("transfer.receipt_within", "%v", err)
	} else if sp.Months*31+sp.Days < 1 || sp.Months*31+sp.Days > 186 {
		bad("transfer.receipt_within", "want between 1天 and 6个月, got %q", c.Transfer.ReceiptWithin)
	} else {
		c.Transfer.Receipt = sp
	}
	if len(c.Transfer.LetterPrefix) > 60 || strings.ContainsAny(c.Transfer.LetterPrefix, "\n\t") {
		bad("transfer.letter_prefix", "at most 60 bytes on one line, got %q", c.Transfer.LetterPrefix)
	}
	if h := c.Stats.HomeProvince; h != "" && !isProvinceCode(h) {
		bad("stats.home_province", "want a GB/T 2260 province code such as 34 or 340000, got %q", h)
	}
	return errors.Join(errs...)
}

// isProvinceCode reports a two-digit province code, or a six-digit one ending in 0000.
func isProvinceCode(s string) bool {
	if len(s) != 2 && !(len(s) == 6 && strings.HasSuffix(s, "0000")) {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s[0] >= '1' && s[0] <= '8'
}

// DecodeKey reads a 32-byte key written as 64 hex digits or as base64.
func DecodeKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if b, err := hex.DecodeString(s); err == nil {
		if len(b) != 32 {
			return nil, fmt.Errorf("want 32 bytes, got %d", len(b))
		}
		return b, nil
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, errors.New("want 64 hex digits or base64 of 32 bytes")
	}
	if len(b) != 32 {
		return nil, fmt.Errorf("want 32 bytes, got %d", len(b))
	}
	return b, nil
}

// applyEnv sets every scalar key from LIUDONG_<PATH> when present.
func applyEnv(cfg *Config, env []string) error {
	vars := make(map[string]string)
	for _, kv := range env {
		k, v, ok := strings.Cut(kv, "=")
		if ok && strings.HasPrefix(k, "LIUDONG_") {
			vars[k] = v
		}
	}
	var errs []error
	walk(reflect.ValueOf(cfg).Elem(), "", func(key string, f reflect.Value) {
		name := EnvName(key)
		raw, ok := vars[name]
		if !ok {
			return
		}
		if err := setScalar(f, raw); err != nil {
			errs = append(errs, fmt.Errorf("config: %s (%s): %v", key, name, err))
		}
	})
	return errors.Join(errs...)
}

// EnvName is the environment variable for a key path: sim.addr → LIUDONG_SIM_ADDR.
func EnvName(key string) string {
	return "LIUDONG_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// Keys lists every scalar key path, for documentation and tests.
func Keys() []string {
	var keys []string
	cfg := Default()
	walk(reflect.ValueOf(&cfg).Elem(), "", func(key string, _ reflect.Value) { keys = append(keys, key) })
	return keys
}

func walk(v reflect.Value, prefix string, fn func(key string, f reflect.Value)) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		tag := strings.Split(sf.Tag.Get("yaml"), ",")[0]
		if tag == "" || tag == "-" {
			continue
		}
		key := tag
		if prefix != "" {
			key = prefix + "." + tag
		}
		f := v.Field(i)
		switch {
		case f.Kind() == reflect.Struct && f.Type() != reflect.TypeOf(time.Time{}):
			walk(f, key, fn)
		case isScalar(f):
			fn(key, f)
		}
	}
}

func isScalar(f reflect.Value) bool {
	switch f.Kind() {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int64, reflect.Float64:
		return true
	case reflect.Slice:
		return f.Type().Elem().Kind() == reflect.String
	}
	return false
}

func setScalar(f reflect.Value, raw string) error {
	switch {
	case f.Type() == reflect.TypeOf(time.Duration(0)):
		d, err := time.ParseDuration(raw)
		if err != nil {
			return err
		}
		f.SetInt(int64(d))
	case f.Kind() == reflect.String:
		f.SetString(raw)
	case f.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return err
		}
		f.SetBool(b)
	case f.Kind() == reflect.Int || f.Kind() == reflect.Int64:
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return err
		}
		f.SetInt(n)
	case f.Kind() == reflect.Float64:
		x, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			return err
		}
		f.SetFloat(x)
	case f.Kind() == reflect.Slice:
		var parts []string
		for _, p := range strings.Split(raw, ",") {
			if p = strings.TrimSpace(p); p != "" {
				parts = append(parts, p)
			}
		}
		f.Set(reflect.ValueOf(parts))
	}
	return nil
}
