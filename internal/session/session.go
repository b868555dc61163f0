// Package session keeps multi-step conversation state in Redis with a TTL, so a bot restart in
// the middle of a conversation continues it and an abandoned one expires.
package session

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Store reads and writes conversation state.
type Store struct {
	rdb    redis.UniversalClient
	prefix string
	ttl    time.Duration
}

// New uses keys under prefix ("liudong:") and the default TTL.
func New(rdb redis.UniversalClient, prefix string, ttl time.Duration) *Store {
	return &Store{rdb: rdb, prefix: prefix, ttl: ttl}
}

// Key identifies one conversation: the bot account and the member (or, before binding, the
// chat handle).
type Key struct {
	Platform string
	Account  string
	Subject  string // "m:<member id>" or "h:<handle>"
}

func (k Key) redisKey(prefix string) string {
	return fmt.Sprintf("%ssession:%s:%s:%s", prefix, k.Platform, k.Account, k.Subject)
}

// State is one conversation: which flow it is in and the flow's own data.
type State struct {
	Flow string          `json:"flow"`
	Step string          `json:"step,omitempty"`
	Data json.RawMessage `json:"data,omitempty"`
}

// Decode unmarshals the flow's data into v.
func (s *State) Decode(v any) error {
	if len(s.Data) == 0 {
		return nil
	}
	return json.Unmarshal(s.Data, v)
}

// Get returns the conversation, or ok=false when there is none (or it expired).
func (s *Store) Get(ctx context.Context, k Key) (State, bool, error) {
	raw, err := s.rdb.Get(ctx, k.redisKey(s.prefix)).Bytes()
	if errors.Is(err, redis.Nil) {
		return State{}, false, nil
	}
	if err != nil {
		return State{}, false, fmt.Errorf("session: unable to read: %w", err)
	}
	var st State
	if err := json.Unmarshal(raw, &st); err != nil {
		// A state written by an incompatible version is dropped rather than wedging the member.
		s.rdb.Del(ctx, k.redisKey(s.prefix))
		return State{}, false, nil
	}
	return st, true, nil
}

// Put stores the conversation with data v, resetting its TTL (ttl 0 = the store's default).
func (s *Store) Put(ctx context.Context, k Key, flow, step string, v any, ttl time.Duration) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("session: unable to encode: %w", err)
	}
	raw, err := json.Marshal(State{Flow: flow, Step: step, Data: data})
	if err != nil {
		return fmt.Errorf("session: unable to encode: %w", err)
	}
	if ttl <= 0 {
		ttl = s.ttl
	}
	if err := s.rdb.Set(ctx, k.redisKey(s.prefix), raw, ttl).Err(); err != nil {
		return fmt.Errorf("session: unable to write: %w", err)
	}
	return nil
}

// Clear ends the conversation.
func (s *Store) Clear(ctx context.Context, k Key) error {
	if err := s.rdb.Del(ctx, k.redisKey(s.prefix)).Err(); err != nil {
		return fmt.Errorf("session: unable to clear: %w", err)
	}
	return nil
}

// TTL is the default lifetime of a conversation.
func (s *Store) TTL() time.Duration { return s.ttl }
