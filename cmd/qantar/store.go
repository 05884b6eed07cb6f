package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/law"
	"github.com/qantar-project/qantar/postgres"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/web"
)

// rulesRegistry returns the embedded jurisdiction rules, or those of the
// file at path (--rules). A broken file is refused with the line at fault.
func rulesRegistry(path string) (*law.Registry, error) {
	if path == "" {
		return law.DefaultRegistry(), nil
	}
	r, err := law.LoadFile(path)
	if err != nil {
		return nil, qantar.Errorf(qantar.EINVALID, "rules file %s: %v", path, err)
	}
	return law.NewRegistry(r), nil
}

// storeConfig is how a subcommand opens its store.
type storeConfig struct {
	DSN         string
	Synchronous string
	Checker     qantar.Checker
	Logger      *slog.Logger // warnings at open (default slog.Default())
	// ReadOnly opens without writing anything (verify, backup): a database
	// whose schema is older than this binary's is refused, not migrated.
	ReadOnly bool
	// Repair opens a log that has leaves but no checkpoint (qantar repair).
	Repair bool
	// LogOrigin names the log of a new database; an existing one keeps its
	// own, and a different one is refused. NewLogOrigin names only a new
	// database's log (tlog.ChooseOrigin).
	LogOrigin, NewLogOrigin string
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
	s, err := openAppStore(ctx, storeConfig{DSN: dsn, Checker: law.Checker{Rules: law.DefaultRegistry()}})
	if err != nil {
		return nil, nil, err
	}
	return s, s.Close, nil
}

func openAppStore(ctx context.Context, cfg storeConfig) (appStore, error) {
	if postgres.IsURL(cfg.DSN) {
		// Every server on one database signs the log with the same key; a
		// database has no directory to keep it beside, so its path comes
		// from the environment, for every subcommand alike.
		db, err := postgres.Open(ctx, cfg.DSN, postgres.Options{LogKeyPath: os.Getenv("QANTAR_LOG_KEY"), Checker: cfg.Checker,
			ReadOnly: cfg.ReadOnly, Repair: cfg.Repair, LogOrigin: cfg.LogOrigin, NewLogOrigin: cfg.NewLogOrigin})
		if err != nil {
			return nil, fmt.Errorf("open PostgreSQL: %w", err)
		}
		return db, nil
	}
	db, err := sqlite.Open(ctx, cfg.DSN, sqlite.Options{Synchronous: cfg.Synchronous, Checker: cfg.Checker, Logger: cfg.Logger,
		ReadOnly: cfg.ReadOnly, Repair: cfg.Repair, LogOrigin: cfg.LogOrigin, NewLogOrigin: cfg.NewLogOrigin})
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", cfg.DSN, err)
	}
	return db, nil
}
