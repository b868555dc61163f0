// Package testenv gives tests real services: a fresh PostgreSQL database per test, cloned from a
// migrated template, and a Redis key prefix per test. The servers are the ones scripts/services.sh
// starts (make test); LIUDONG_TEST_DATABASE_URL and LIUDONG_TEST_REDIS_URL point elsewhere.
package testenv

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"
	"github.com/redis/go-redis/v9"

	"liudong/internal/config"
	"liudong/internal/store"
	"liudong/migrations"
)

const (
	defaultDatabaseURL = "postgres://liudong@127.0.0.1:54329/postgres?sslmode=disable"
	defaultRedisURL    = "redis://127.0.0.1:63799/1"
	// SecretKey is the fixed key tests encrypt with.
	SecretKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
)

func adminURL() string {
	if u := os.Getenv("LIUDONG_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return defaultDatabaseURL
}

func redisURL() string {
	if u := os.Getenv("LIUDONG_TEST_REDIS_URL"); u != "" {
		return u
	}
	return defaultRedisURL
}

var (
	templateOnce sync.Once
	templateName string
	templateErr  error
)

// withDatabase returns the admin URL pointed at another database.
func withDatabase(raw, name string) string {
	u, err := url.Parse(raw)
	if err != nil {
		panic(err)
	}
	u.Path = "/" + name
	return u.String()
}

// migrationsHash names the template after the migrations' content, so a changed migration
// builds a new template.
func migrationsHash() string {
	h := sha256.New()
	names, _ := fs.Glob(migrations.FS, "*.sql")
	sort.Strings(names)
	for _, n := range names {
		b, _ := fs.ReadFile(migrations.FS, n)
		h.Write([]byte(n))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

func buildTemplate() (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	hash := migrationsHash()
	name := "liudong_tmpl_" + hash
	admin, err := sqlx.Open("postgres", adminURL())
	if err != nil {
		return "", err
	}
	defer admin.Close()
	conn, err := admin.Connx(ctx)
	if err != nil {
		return "", fmt.Errorf("testenv: PostgreSQL not reachable at %s (run `make test`, or scripts/services.sh start): %w", adminURL(), err)
	}
	defer conn.Close()
	sum := sha256.Sum256([]byte(name))
	lockKey := int64(binary.BigEndian.Uint64(sum[:8]))
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, lockKey); err != nil {
		return "", err
	}
	defer conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, lockKey)
	var exists bool
	if err := conn.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	wip := name + "_wip"
	conn.ExecContext(ctx, `DROP DATABASE IF EXISTS `+wip+` WITH (FORCE)`)
	if _, err := conn.ExecContext(ctx, `CREATE DATABASE `+wip); err != nil {
		return "", err
	}
	st, err := store.Open(ctx, withDatabase(adminURL(), wip))
	if err != nil {
		return "", err
	}
	_, err = st.Migrate(ctx)
	st.Close()
	if err != nil {
		return "", err
	}
	if _, err := conn.ExecContext(ctx, `ALTER DATABASE `+wip+` RENAME TO `+name); err != nil {
		return "", err
	}
	return name, nil
}

func randomSuffix() string {
	var b [6]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// DatabaseURL creates a fresh migrated database for the test, dropped when it ends.
func DatabaseURL(t testing.TB) string {
	t.Helper()
	templateOnce.Do(func() { templateName, templateErr = buildTemplate() })
	if templateErr != nil {
		t.Fatalf("testenv: template database: %v", templateErr)
	}
	return createDatabase(t, templateName)
}

// EmptyDatabaseURL creates a database with no schema at all (for migration tests).
func EmptyDatabaseURL(t testing.TB) string {
	t.Helper()
	return createDatabase(t, "template0")
}

func createDatabase(t testing.TB, template string) string {
	name := "liudong_t_" + randomSuffix()
	admin, err := sqlx.Open("postgres", adminURL())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE DATABASE ` + name + ` TEMPLATE ` + template); err != nil {
		t.Fatalf("testenv: create database: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sqlx.Open("postgres", adminURL())
		if err != nil {
			return
		}
		defer admin.Close()
		admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
	})
	return withDatabase(adminURL(), name)
}

// Store opens a fresh migrated database for the test.
func Store(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), DatabaseURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

var (
	redisOnce   sync.Once
	redisClient *redis.Client
	redisErr    error
)

// Redis returns a shared client and a key prefix of the test's own; the keys are deleted when
// the test ends.
func Redis(t testing.TB) (*redis.Client, string) {
	t.Helper()
	redisOnce.Do(func() {
		opts, err := redis.ParseURL(redisURL())
		if err != nil {
			redisErr = err
			return
		}
		redisClient = redis.NewClient(opts)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := redisClient.Ping(ctx).Err(); err != nil {
			redisErr = fmt.Errorf("testenv: Redis not reachable at %s (run `make test`, or scripts/services.sh start): %w", redisURL(), err)
		}
	})
	if redisErr != nil {
		t.Fatal(redisErr)
	}
	prefix := "test:" + randomSuffix() + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		iter := redisClient.Scan(ctx, 0, prefix+"*", 500).Iterator()
		var keys []string
		for iter.Next(ctx) {
			keys = append(keys, iter.Val())
		}
		if len(keys) > 0 {
			redisClient.Del(ctx, keys...)
		}
	})
	return redisClient, prefix
}

// Config is a valid configuration for tests pointing at the given database and Redis prefix;
// an empty databaseURL names the test server (for tests that open their store separately).
func Config(t testing.TB, databaseURL, redisPrefix string) config.Config {
	t.Helper()
	cfg := config.Default()
	if databaseURL == "" {
		databaseURL = adminURL()
	}
	cfg.DatabaseURL = databaseURL
	cfg.RedisURL = redisURL()
	cfg.RedisPrefix = redisPrefix
	cfg.SecretKey = SecretKey
	cfg.Committee.Name = "测试镇党委"
	cfg.Committee.Region = "安徽省六安市"
	cfg.Notify.PollInterval = 50 * time.Millisecond
	if err := cfg.Validate(); err != nil {
		t.Fatal(strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	return cfg
}
