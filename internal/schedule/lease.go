package schedule

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Lease is a Redis lease: among the instances sharing a key, one holds it at a time. The holder
// renews it every third of the TTL; a holder that stops renewing (it died, or lost Redis) loses
// it after the TTL, and another instance takes over.
type Lease struct {
	rdb redis.UniversalClient
	key string
	id  string
	ttl time.Duration
	log *slog.Logger

	mu         sync.Mutex
	validUntil time.Time // local clock: held until then unless renewed
}

// NewLease makes a lease on key; the holder's id names this process.
func NewLease(rdb redis.UniversalClient, key string, ttl time.Duration, log *slog.Logger) *Lease {
	var b [4]byte
	rand.Read(b[:])
	host, _ := os.Hostname()
	return &Lease{rdb: rdb, key: key, ttl: ttl, log: log, id: fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b[:]))}
}

// ID names this holder.
func (l *Lease) ID() string { return l.id }

// Held reports whether this instance holds the lease now.
func (l *Lease) Held() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return time.Now().Before(l.validUntil)
}

var renewScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`)

var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`)

// TryAcquire takes the lease if it is free, or renews it if this instance holds it; it reports
// whether this instance holds it now.
func (l *Lease) TryAcquire(ctx context.Context) (bool, error) {
	start := time.Now()
	ok, err := l.rdb.SetNX(ctx, l.key, l.id, l.ttl).Result()
	if err == nil && !ok {
		var n int64
		n, err = renewScript.Run(ctx, l.rdb, []string{l.key}, l.id, l.ttl.Milliseconds()).Int64()
		ok = n == 1
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil {
		return time.Now().Before(l.validUntil), fmt.Errorf("schedule: lease: %w", err)
	}
	if ok {
		// Counted from before the request: Redis's expiry is never earlier than this.
		l.validUntil = start.Add(l.ttl)
	} else {
		l.validUntil = time.Time{}
	}
	return ok, nil
}

// Release gives the lease up if this instance holds it.
func (l *Lease) Release(ctx context.Context) error {
	l.mu.Lock()
	l.validUntil = time.Time{}
	l.mu.Unlock()
	err := releaseScript.Run(ctx, l.rdb, []string{l.key}, l.id).Err()
	if err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("schedule: release lease: %w", err)
	}
	return nil
}

// Run keeps trying to hold the lease, renewing it while held, until ctx ends; then it releases it.
func (l *Lease) Run(ctx context.Context) {
	held := false
	tick := time.NewTicker(l.ttl / 3)
	defer tick.Stop()
	for {
		ok, err := l.TryAcquire(ctx)
		if err != nil && ctx.Err() == nil {
			l.log.Warn("scheduler lease: Redis error", "err", err)
		}
		if ok != held {
			held = ok
			if ok {
				l.log.Info("scheduler lease acquired: this instance runs the jobs", "holder", l.id)
			} else {
				l.log.Info("scheduler lease lost or held elsewhere: jobs run on another instance", "holder", l.id)
			}
		}
		select {
		case <-ctx.Done():
			rctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			if err := l.Release(rctx); err != nil {
				l.log.Warn("scheduler lease not released (it expires by itself)", "err", err)
			}
			cancel()
			return
		case <-tick.C:
		}
	}
}
