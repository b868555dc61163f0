// Package config loads liudong's configuration: a YAML file, then LIUDONG_* environment
// variables (the key path upper-cased, "." → "_"), then Validate.
package config

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
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
	Stats     Stats     `yaml:"stats"`

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

// Notify configures the outbox dispatcher.
type Notify struct {
	PollInterval time.Duration `yaml:"poll_interval"`
	MaxAttempts  int           `yaml:"max_attempts"`
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
		Notify:      Notify{PollInterval: 2 * time.Second, MaxAttempts: 5},
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
			if err := yaml.Unmarshal(data, &cfg); err != nil {
				return cfg, fmt.Errorf("config: %s: %w", path, err)
			}
		case errors.Is(err, os.ErrNotExist) && path == DefaultPath:
		default:
			return cfg, fmt.Errorf("config: %w", err)
		}
	}
	if err := applyEnv(&cfg, env); err != nil {
		return cfg, err
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
	if f := c.Stats.Font; f != "" && f != "none" {
		if st, err := os.Stat(f); err != nil || st.IsDir() {
			bad("stats.font", "no font file at %q (install fonts-wqy-microhei, or leave empty to search, or none)", f)
		}
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
