package notify

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/redis/go-redis/v9"
)

// ThrottleConfig is one bot account's sending limits.
type ThrottleConfig struct {
	MinInterval time.Duration // at least this long between two sends
	Jitter      time.Duration // plus a random extra of up to this much
	DailyCap    int           // sends per day (in Location) before queued sends wait for the next day
	// Hold is the longest a send may take: a reserved slot blocks other sends that long at most
	// (Done releases it earlier). Zero means one minute.
	Hold time.Duration
	// Wait off: sends never wait and the cap is not enforced, only counted (the simulator and
	// tests; never WeChat).
	Wait     bool
	Location *time.Location
}

// Throttle spaces the sends of one bot account, across every instance that uses the account:
// its state (the earliest next send, today's count) lives in Redis on Redis's clock.
type Throttle struct {
	rdb  redis.UniversalClient
	key  string
	cfg  ThrottleConfig
	rand func() float64
}

// NewThrottle throttles the account (platform, account) with keys under prefix.
func NewThrottle(rdb redis.UniversalClient, prefix, platform, account string, cfg ThrottleConfig) *Throttle {
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	return &Throttle{rdb: rdb, key: fmt.Sprintf("%sthrottle:%s:%s", prefix, platform, account), cfg: cfg, rand: rand.Float64}
}

// CapError says today's cap is used up; queued sends wait until Until.
type CapError struct {
	Until time.Time
	Count int
}

func (e *CapError) Error() string {
	return fmt.Sprintf("notify: daily send cap reached (%d sent); waiting until %s", e.Count, e.Until.Format(time.RFC3339))
}

// acquireScript reserves the next send slot of a queued message. KEYS: next-send time (ms on
// Redis's clock), today's count. ARGV: cap, hold ms, count TTL s, enforce. It answers
// {wait ms, count} with wait > 0 when the slot is not free yet (nothing reserved), {-1, count}
// when the cap is reached, and {0, count, reserved-until} when reserved: no other queued send
// starts before the holder's Done or reserved-until.
var acquireScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local cap = tonumber(ARGV[1])
local enforce = ARGV[4] == '1'
local count = tonumber(redis.call('GET', KEYS[2]) or '0')
if enforce and cap > 0 and count >= cap then return {-1, count} end
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
if enforce and nxt > now then return {nxt - now, count} end
local hold = tonumber(ARGV[2])
redis.call('SET', KEYS[1], now + hold, 'PX', hold + 60000)
count = redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[3]))
return {0, count, now + hold}
`)

// doneScript records a finished send. ARGV: gap ms, count it (1 for a reply, which reserved
// nothing), count TTL s, the holder's reserved-until (0 for a reply). The next send may start
// gap ms from now: the holder's own reservation is replaced, a later time set by another send
// (a reply meanwhile) is kept.
var doneScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local gap = tonumber(ARGV[1])
local mine = tonumber(ARGV[4])
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
if nxt == mine or now + gap > nxt then redis.call('SET', KEYS[1], now + gap, 'PX', gap + 60000) end
if ARGV[2] == '1' then
  redis.call('INCR', KEYS[2])
  redis.call('EXPIRE', KEYS[2], tonumber(ARGV[3]))
end
return 1
`)

// Slot is a reserved send; Done must follow the send.
type Slot struct {
	t        *Throttle
	gap      time.Duration
	day      string
	reserved int64
}

func (t *Throttle) gap() time.Duration {
	g := t.cfg.MinInterval
	if t.cfg.Jitter > 0 {
		g += time.Duration(t.rand() * float64(t.cfg.Jitter))
	}
	return g
}

func (t *Throttle) dayKey(now time.Time) string {
	return t.key + ":day:" + now.In(t.cfg.Location).Format("20060102")
}

// nextDay is the start of the day after now's, in the throttle's zone.
func (t *Throttle) nextDay(now time.Time) time.Time {
	y, m, d := now.In(t.cfg.Location).Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, t.cfg.Location)
}

const dayTTL = 48 * 3600

// Wait blocks until this account may send a queued message and reserves the slot. When today's
// cap is used up it returns a *CapError at once.
func (t *Throttle) Wait(ctx context.Context) (Slot, error) {
	gap := t.gap()
	hold := t.cfg.Hold
	if hold <= 0 {
		hold = time.Minute
	}
	for {
		now := time.Now()
		day := t.dayKey(now)
		enforce := "0"
		if t.cfg.Wait {
			enforce = "1"
		}
		res, err := acquireScript.Run(ctx, t.rdb, []string{t.key + ":next", day},
			t.cfg.DailyCap, (hold + gap).Milliseconds(), dayTTL, enforce).Int64Slice()
		if err != nil {
			return Slot{}, fmt.Errorf("notify: throttle: %w", err)
		}
		switch wait := res[0]; {
		case wait == 0:
			return Slot{t: t, gap: gap, day: day, reserved: res[2]}, nil
		case wait < 0:
			return Slot{}, &CapError{Until: t.nextDay(now), Count: int(res[1])}
		default:
			// The slot may be held by a send in progress elsewhere (reserved up to Hold): look
			// again after at most one interval, as its Done frees it earlier.
			sleep := min(time.Duration(wait)*time.Millisecond, max(t.cfg.MinInterval, 5*time.Millisecond))
			timer := time.NewTimer(sleep)
			select {
			case <-ctx.Done():
				timer.Stop()
				return Slot{}, ctx.Err()
			case <-timer.C:
			}
		}
	}
}

// Done records that the slot's send finished (sent or failed): the next send waits the gap
// from now.
func (s Slot) Done(ctx context.Context) error {
	if s.t == nil {
		return nil
	}
	err := doneScript.Run(context.WithoutCancel(ctx), s.t.rdb, []string{s.t.key + ":next", s.day},
		s.gap.Milliseconds(), 0, dayTTL, s.reserved).Err()
	if err != nil {
		return fmt.Errorf("notify: throttle: %w", err)
	}
	return nil
}

// Reply accounts for a direct reply just sent: it counts toward today's cap and makes the
// queue wait the gap from now. A reply never waits and is never refused by the cap: the member
// asked.
func (t *Throttle) Reply(ctx context.Context) error {
	gap := t.gap()
	err := doneScript.Run(context.WithoutCancel(ctx), t.rdb, []string{t.key + ":next", t.dayKey(time.Now())},
		gap.Milliseconds(), 1, dayTTL, 0).Err()
	if err != nil {
		return fmt.Errorf("notify: throttle: %w", err)
	}
	return nil
}

// SentToday is how many sends today's count holds.
func (t *Throttle) SentToday(ctx context.Context) (int, error) {
	n, err := t.rdb.Get(ctx, t.dayKey(time.Now())).Int()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	return n, err
}
