package wechat

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// SessionStore keeps the login session between runs, for hot login. The session holds WeChat's
// cookies and keys: whoever has it can act as the bot account, so it is a secret.
type SessionStore interface {
	// Load returns the stored session, or nil when there is none.
	Load(ctx context.Context) ([]byte, error)
	// Save replaces the stored session.
	Save(ctx context.Context, session []byte) error
}

// Sealer encrypts the stored session (secret.Box does).
type Sealer interface {
	Seal(plaintext string) []byte
	Open(ciphertext []byte) (string, error)
}

// RedisSessions stores the session, encrypted, under one Redis key per bot account.
type RedisSessions struct {
	rdb    redis.UniversalClient
	key    string
	sealer Sealer
}

// NewRedisSessions stores under key; sealer may be nil (tests) to store plain JSON.
func NewRedisSessions(rdb redis.UniversalClient, key string, sealer Sealer) *RedisSessions {
	return &RedisSessions{rdb: rdb, key: key, sealer: sealer}
}

// Load implements SessionStore.
func (r *RedisSessions) Load(ctx context.Context) ([]byte, error) {
	raw, err := r.rdb.Get(ctx, r.key).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errStoreUnavailable, err)
	}
	if r.sealer == nil {
		return raw, nil
	}
	plain, err := r.sealer.Open(raw)
	if err != nil {
		// Written under another secret_key: as good as no session.
		return nil, fmt.Errorf("wechat: stored session unreadable: %w", err)
	}
	return []byte(plain), nil
}

// Save implements SessionStore.
func (r *RedisSessions) Save(ctx context.Context, session []byte) error {
	val := session
	if r.sealer != nil {
		val = r.sealer.Seal(string(session))
	}
	if err := r.rdb.Set(ctx, r.key, val, 0).Err(); err != nil {
		return fmt.Errorf("%w: %v", errStoreUnavailable, err)
	}
	return nil
}

var (
	// errStoreUnavailable: the session store could not be reached; try again later.
	errStoreUnavailable = errors.New("wechat: session store unavailable")
	// errNoStoredSession: nothing to hot-login with.
	errNoStoredSession = errors.New("wechat: no stored session")
)

// hotStorage is the openwechat.HotReloadStorage of one login. openwechat reads it once (a single
// JSON value) at hot login, and writes a whole new dump after login and after every sync.
//
// It also holds dumps back: openwechat writes a dump, with the SyncKey that acknowledges a batch
// of messages, before it hands those messages over. Saved at once, a crash would lose messages
// still waiting in the inbound queue. So a dump is saved only once every message received before
// it has been handled; after a crash the hot login replays the rest, and the app's inbound dedupe
// drops those already handled.
type hotStorage struct {
	store   SessionStore
	log     *slog.Logger
	read    bool                   // serve the stored session to Read (hot login)
	prepare func([]byte) []byte    // the first Write's hook; runs before openwechat's sync starts
	saved   func(err error, n int) // reports every save (for health and stats)

	// saving keeps saves in order: a dump is picked and saved under it, so an older dump
	// never overwrites a newer one.
	saving  sync.Mutex
	mu      sync.Mutex
	r       *bytes.Reader
	loaded  bool
	writes  int
	nextSeq uint64          // sequence of the next inbound message
	low     uint64          // every message below low is handled
	done    map[uint64]bool // handled messages at or above low
	open    []byte          // newest dump, its batch still being handed over
	closed  []heldDump      // dumps waiting for their batch to be handled, oldest first
}

type heldDump struct {
	data []byte
	upTo uint64 // saved once low >= upTo
}

func (h *hotStorage) Read(p []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.read {
		return 0, io.EOF
	}
	if !h.loaded {
		h.loaded = true
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		data, err := h.store.Load(ctx)
		cancel()
		if err != nil {
			return 0, err
		}
		if data == nil {
			return 0, errNoStoredSession
		}
		h.r = bytes.NewReader(data)
	}
	if h.r == nil {
		return 0, io.EOF
	}
	return h.r.Read(p)
}

// Write takes one whole dump. It never fails: a dump that cannot be saved costs a QR scan after
// the next restart, while failing would make openwechat abandon a login that just succeeded.
func (h *hotStorage) Write(p []byte) (int, error) {
	h.mu.Lock()
	first := h.writes == 0
	h.writes++
	h.mu.Unlock()
	if first {
		data := p
		if h.prepare != nil {
			data = h.prepare(p)
		}
		h.saving.Lock()
		h.save(data)
		h.saving.Unlock()
		return len(p), nil
	}
	h.mu.Lock()
	h.open = bytes.Clone(p)
	h.mu.Unlock()
	return len(p), nil
}

// enqueued assigns the next inbound message its sequence number (openwechat's sync goroutine).
func (h *hotStorage) enqueued() uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	seq := h.nextSeq
	h.nextSeq++
	return seq
}

// batchEnd marks the newest dump's batch as fully handed over: openwechat polls again only after
// its handler has seen every message of the batch.
func (h *hotStorage) batchEnd() {
	h.saving.Lock()
	defer h.saving.Unlock()
	h.mu.Lock()
	if h.open != nil {
		h.closed = append(h.closed, heldDump{data: h.open, upTo: h.nextSeq})
		h.open = nil
	}
	data := h.due()
	h.mu.Unlock()
	if data != nil {
		h.save(data)
	}
}

// handled records that message seq has been handled and saves the dumps that were waiting for it.
func (h *hotStorage) handled(seq uint64) {
	h.saving.Lock()
	defer h.saving.Unlock()
	h.mu.Lock()
	if h.done == nil {
		h.done = map[uint64]bool{}
	}
	h.done[seq] = true
	for h.done[h.low] {
		delete(h.done, h.low)
		h.low++
	}
	data := h.due()
	h.mu.Unlock()
	if data != nil {
		h.save(data)
	}
}

// due pops the newest held dump whose messages are all handled; h.mu must be held.
func (h *hotStorage) due() []byte {
	var data []byte
	n := 0
	for n < len(h.closed) && h.closed[n].upTo <= h.low {
		data = h.closed[n].data
		n++
	}
	h.closed = h.closed[n:]
	return data
}

func (h *hotStorage) save(data []byte) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := h.store.Save(ctx, data)
	if err != nil {
		h.log.Warn("wechat: login session not saved: the next restart may need a QR scan", "err", err)
	}
	if h.saved != nil {
		h.saved(err, len(data))
	}
}
