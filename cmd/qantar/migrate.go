package main

import (
	"context"
	"fmt"
)

func init() {
	register(command{name: "migrate", summary: "create or upgrade the database schema and exit", run: runMigrate})
}

func runMigrate(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlags("migrate", "[--db D]")
	db := dbFlag(fs)
	if err := m.parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	s, err := openAppStore(ctx, storeConfig{DSN: *db})
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprintf(m.Stdout, "schema of %s is up to date\n", *db)
	return nil
}
