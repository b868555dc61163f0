package store

import (
	"context"
	"database/sql"
	"sync"

	"github.com/jmoiron/sqlx"
)

// Every query liudong runs is short; with lib/pq an unprepared query is parsed and planned by
// PostgreSQL on every call (and costs a second round trip), which measured at 3–5 times the
// cost of executing it. So each distinct query text is prepared once and reused on every
// connection and in transactions (database/sql prepares it lazily per connection).

// maxPrepared bounds the cache: query texts are constants, so this is only a guard against a
// caller that builds SQL with values in it; past it, queries run unprepared.
const maxPrepared = 2000

type stmtCache struct {
	db *sqlx.DB
	mu sync.RWMutex
	m  map[string]*sqlx.Stmt
}

func newStmtCache(db *sqlx.DB) *stmtCache {
	return &stmtCache{db: db, m: make(map[string]*sqlx.Stmt)}
}

// get returns the prepared statement for query, or nil when the cache is full.
func (c *stmtCache) get(ctx context.Context, query string) (*sqlx.Stmt, error) {
	c.mu.RLock()
	st := c.m[query]
	c.mu.RUnlock()
	if st != nil {
		return st, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st := c.m[query]; st != nil {
		return st, nil
	}
	if len(c.m) >= maxPrepared {
		return nil, nil
	}
	st, err := c.db.PreparexContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.m[query] = st
	return st, nil
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.m {
		st.Close()
		delete(c.m, q)
	}
}

// preparedDB runs queries on the pool through the cache.
type preparedDB struct {
	*sqlx.DB
	stmts *stmtCache
}

func (p preparedDB) GetContext(ctx context.Context, dest any, query string, args ...any) error {
	st, err := p.stmts.get(ctx, query)
	if err != nil || st == nil {
		return p.DB.GetContext(ctx, dest, query, args...)
	}
	return st.GetContext(ctx, dest, args...)
}

func (p preparedDB) SelectContext(ctx context.Context, dest any, query string, args ...any) error {
	st, err := p.stmts.get(ctx, query)
	if err != nil || st == nil {
		return p.DB.SelectContext(ctx, dest, query, args...)
	}
	return st.SelectContext(ctx, dest, args...)
}

func (p preparedDB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := p.stmts.get(ctx, query)
	if err != nil || st == nil {
		return p.DB.ExecContext(ctx, query, args...)
	}
	return st.ExecContext(ctx, args...)
}

func (p preparedDB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := p.stmts.get(ctx, query)
	if err != nil || st == nil {
		return p.DB.QueryContext(ctx, query, args...)
	}
	return st.QueryContext(ctx, args...)
}

func (p preparedDB) QueryxContext(ctx context.Context, query string, args ...any) (*sqlx.Rows, error) {
	st, err := p.stmts.get(ctx, query)
	if err != nil || st == nil {
		return p.DB.QueryxContext(ctx, query, args...)
	}
	return st.QueryxContext(ctx, args...)
}

func (p preparedDB) QueryRowxContext(ctx context.Context, query string, args ...any) *sqlx.Row {
	st, err := p.stmts.get(ctx, query)
	if err != nil || st == nil {
		return p.DB.QueryRowxContext(ctx, query, args...)
	}
	return st.QueryRowxContext(ctx, args...)
}

// preparedTx runs queries in a transaction through the cache.
type preparedTx struct {
	*sqlx.Tx
	stmts *stmtCache
}

// stmt is the cached statement bound to the transaction's connection (prepared there on
// first use, then reused by later transactions on the same connection).
func (p preparedTx) stmt(ctx context.Context, query string) *sqlx.Stmt {
	st, err := p.stmts.get(ctx, query)
	if err != nil || st == nil {
		return nil
	}
	return p.Tx.StmtxContext(ctx, st)
}

func (p preparedTx) GetContext(ctx context.Context, dest any, query string, args ...any) error {
	if st := p.stmt(ctx, query); st != nil {
		return st.GetContext(ctx, dest, args...)
	}
	return p.Tx.GetContext(ctx, dest, query, args...)
}

func (p preparedTx) SelectContext(ctx context.Context, dest any, query string, args ...any) error {
	if st := p.stmt(ctx, query); st != nil {
		return st.SelectContext(ctx, dest, args...)
	}
	return p.Tx.SelectContext(ctx, dest, query, args...)
}

func (p preparedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := p.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return p.Tx.ExecContext(ctx, query, args...)
}

func (p preparedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.Tx.QueryContext(ctx, query, args...)
}

func (p preparedTx) QueryxContext(ctx context.Context, query string, args ...any) (*sqlx.Rows, error) {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryxContext(ctx, args...)
	}
	return p.Tx.QueryxContext(ctx, query, args...)
}

func (p preparedTx) QueryRowxContext(ctx context.Context, query string, args ...any) *sqlx.Row {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryRowxContext(ctx, args...)
	}
	return p.Tx.QueryRowxContext(ctx, query, args...)
}
