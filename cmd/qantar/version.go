package main

import (
	"bytes"
	"context"
	"fmt"
	"runtime/debug"
)

func init() {
	register(command{name: "version", summary: "print the version of this binary, and with --log the name and key of a database's log", run: runVersion})
}

func runVersion(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlags("version", "[--log --db qantar.db]")
	showLog := fs.Bool("log", false, "also print the log's name (origin) and public key, for witnesses and readers")
	db := fs.String("db", "qantar.db", "database: a SQLite file path, or a postgres:// URL (with --log; opened read-only)")
	if err := m.parseFlags(fs, args); err != nil {
		return err
	}
	v := "(devel)"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		v = bi.Main.Version
	}
	fmt.Fprintf(m.Stdout, "qantar %s\n", v)
	if !*showLog {
		return nil
	}
	st, err := openAppStore(ctx, storeConfig{DSN: *db, ReadOnly: true})
	if err != nil {
		return err
	}
	defer st.Close()
	cp, err := st.Checkpoint(ctx)
	if err != nil {
		return err
	}
	origin, _, _ := bytes.Cut(cp, []byte("\n"))
	fmt.Fprintf(m.Stdout, "log:        %s\nkey:        %s\n", origin, st.LogKey())
	return nil
}
