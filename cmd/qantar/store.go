package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/web"
)

// storeConfig is how a subcommand opens its store.
type storeConfig struct {
	DSN         string
	Synchronous string
	Checker     qantar.Checker
}

// appStore is what the binary needs of a store: records, tokens and closing.
type appStore interface {
	qantar.Store
	qantar.TokenService
	qantar.Searcher
	web.Log
}

// openStore opens the store named by dsn: a postgres:// URL or a SQLite path.
func openStore(ctx context.Context, m *Main, dsn string) (qantar.Store, func() error, error) {
	s, err := openAppStore(ctx, storeConfig{DSN: dsn})
	if err != nil {
		return nil, nil, err
	}
	return s, s.Close, nil
}

func openAppStore(ctx context.Context, cfg storeConfig) (appStore, error) {
	if strings.HasPrefix(cfg.DSN, "postgres://") || strings.HasPrefix(cfg.DSN, "postgresql://") {
		return nil, qantar.Errorf(qantar.EINVALID, "PostgreSQL is not supported by this build yet")
	}
	db, err := sqlite.Open(ctx, cfg.DSN, sqlite.Options{Synchronous: cfg.Synchronous, Checker: cfg.Checker})
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", cfg.DSN, err)
	}
	return db, nil
}
