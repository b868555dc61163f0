// Package store holds all of liudong's SQL: one Store type over PostgreSQL (sqlx + lib/pq),
// one file per entity. Errors are wrapped once with "store:"; a missing row is ErrNotFound.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// ErrNotFound is returned (wrapped) when the row asked for does not exist.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned (wrapped) when a unique constraint refuses the write.
var ErrConflict = errors.New("conflict")

// queryer is what both *sqlx.DB and *sqlx.Tx offer.
type queryer interface {
	sqlx.ExtContext
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
}

// Store is the database. A Store obtained from InTx runs every call in that transaction.
type Store struct {
	db    *sqlx.DB
	q     queryer
	tx    *sqlx.Tx
	stmts *stmtCache
}

// Open connects and checks the connection.
func Open(ctx context.Context, url string) (*Store, error) {
	db, err := sqlx.Open("postgres", url)
	if err != nil {
		return nil, fmt.Errorf("store: unable to open database: %w", err)
	}
	db.SetMaxOpenConns(20)
	// As many idle as open: under a burst of messages a smaller idle pool closes connections
	// only to open new ones (a PostgreSQL backend each) moments later.
	db.SetMaxIdleConns(20)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: unable to reach database: %w", err)
	}
	return New(db), nil
}

// New wraps an open database.
func New(db *sqlx.DB) *Store {
	stmts := newStmtCache(db)
	return &Store{db: db, q: preparedDB{DB: db, stmts: stmts}, stmts: stmts}
}

// DB is the underlying pool (for migrations and health checks).
func (s *Store) DB() *sqlx.DB { return s.db }

// Close closes the pool.
func (s *Store) Close() error {
	s.stmts.close()
	return s.db.Close()
}

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// InTx runs fn in one transaction: committed when fn returns nil, rolled back otherwise.
// Nested calls join the outer transaction.
func (s *Store) InTx(ctx context.Context, fn func(tx *Store) error) error {
	if s.tx != nil {
		return fn(s)
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: unable to begin transaction: %w", err)
	}
	if err := fn(&Store{db: s.db, q: preparedTx{Tx: tx, stmts: s.stmts}, tx: tx, stmts: s.stmts}); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: unable to commit: %w", err)
	}
	return nil
}

// notFound turns sql.ErrNoRows into ErrNotFound, wrapping everything with what was attempted.
func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: %s: %w", what, ErrNotFound)
	}
	if isUniqueViolation(err) {
		return fmt.Errorf("store: %s: %w: %v", what, ErrConflict, err)
	}
	return fmt.Errorf("store: unable to %s: %w", what, err)
}

func isUniqueViolation(err error) bool {
	var pqErr *pq.Error
	return errors.As(err, &pqErr) && pqErr.Code == "23505"
}

// IsNotFound reports whether err means the row does not exist.
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

func noRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// prefixed qualifies a column list with a table alias: "id, name" → "o.id, o.name".
func prefixed(alias, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = alias + "." + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}
