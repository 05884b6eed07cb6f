package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/postgres"
	"github.com/qantar-project/qantar/sqlite"
)

func init() {
	register(command{name: "copy", summary: "copy a whole database, history and log included, into a new one: SQLite ↔ PostgreSQL", run: runCopy})
}

// copyStore is what a store offers for copying: its rows out, rows into it
// when empty, and its log to check the copy.
type copyStore interface {
	CopyOut(ctx context.Context, fn func(row any) error) error
	CopyIn(ctx context.Context, rows func(put func(row any) error) error) error
	LogKey() string
	Verify(ctx context.Context) (*qantar.VerifyReport, error)
	Close() error
}

var (
	_ copyStore = (*sqlite.DB)(nil)
	_ copyStore = (*postgres.DB)(nil)
)

func runCopy(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlags("copy", "--from DB --to DB [--log-key FILE]")
	from := fs.String("from", "", "database to copy: a SQLite file path or a postgres:// URL")
	to := fs.String("to", "", "new database to fill: a SQLite file path or a postgres:// URL; it must be empty")
	key := fs.String("log-key", "", "the log's signing key file, for a postgres:// end (default: $QANTAR_LOG_KEY); a SQLite end keeps its key beside the file")
	if err := m.parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if *from == "" || *to == "" {
		return usagef("give --from and --to")
	}
	if *from == *to {
		return usagef("--from and --to are the same database")
	}
	if *key == "" {
		*key = m.Getenv("QANTAR_LOG_KEY")
		if *key == "" {
			*key = os.Getenv("QANTAR_LOG_KEY")
		}
	}
	return m.copyDB(ctx, *from, *to, *key)
}

// keyPath is where a store's log key lives: beside a SQLite file (as
// sqlite.Open places it), or the given file for PostgreSQL.
func keyPath(dsn, pgKey string) string {
	if postgres.IsURL(dsn) {
		return pgKey
	}
	return dsn + ".logkey"
}

// copyDB copies every row of from into the empty to, then verifies the copy
// and checks that its root is the source's.
//
// The copy keeps the source's signed checkpoint, so the target must sign
// with the same key: a new SQLite target gets a copy of the source's key
// file beside it (a key is never generated for it), and an existing key
// or a PostgreSQL key must be the source's, or nothing is copied.
func (m *Main) copyDB(ctx context.Context, from, to, pgKey string) error {
	srcKey, dstKey := keyPath(from, pgKey), keyPath(to, pgKey)
	if (postgres.IsURL(from) || postgres.IsURL(to)) && pgKey == "" {
		return usagef("a postgres:// end needs the log's key file: --log-key or QANTAR_LOG_KEY")
	}
	if !postgres.IsURL(from) {
		if _, err := os.Stat(from); err != nil {
			return qantar.Errorf(qantar.EINVALID, "no database at %s", from)
		}
	}
	if _, err := os.Stat(srcKey); err != nil {
		return qantar.Errorf(qantar.EINVALID, "the source's log key %s cannot be read: %v", srcKey, errors.Unwrap(err))
	}
	// A new SQLite target: remember to remove what this copy creates if it
	// fails, and give it the source's key.
	var created []string
	if !postgres.IsURL(to) {
		if _, err := os.Stat(to); errors.Is(err, fs.ErrNotExist) {
			created = append(created, to, to+"-wal", to+"-shm")
		}
		if _, err := os.Stat(dstKey); errors.Is(err, fs.ErrNotExist) {
			if err := copyKeyFile(srcKey, dstKey); err != nil {
				return err
			}
			created = append(created, dstKey)
		}
	}
	err := m.copyStores(ctx, from, to, pgKey)
	if err != nil {
		for _, p := range created {
			os.Remove(p)
		}
	}
	return err
}

func (m *Main) copyStores(ctx context.Context, from, to, pgKey string) error {
	src, err := openCopyStore(ctx, from, pgKey)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := openCopyStore(ctx, to, pgKey)
	if err != nil {
		return err
	}
	defer dst.Close()
	if src.LogKey() != dst.LogKey() {
		return qantar.Errorf(qantar.EINVALID, "the target signs its log with the key %q, not the source's %q: give it the source's key file", dst.LogKey(), src.LogKey())
	}
	// A log that does not verify is not copied: the copy would carry its
	// damage under a new name.
	before, err := src.Verify(ctx)
	if err != nil {
		return err
	}
	if !before.OK() {
		for _, p := range before.Problems {
			m.sayln(m.Stdout, "FAIL: %s", m.say("%s", p))
		}
		return qantar.Errorf(qantar.EINVALID, "the source does not verify (%d problems); nothing was copied", len(before.Problems)+before.Dropped)
	}
	counts := map[string]int{}
	err = dst.CopyIn(ctx, func(put func(any) error) error {
		return src.CopyOut(ctx, func(row any) error {
			t := fmt.Sprintf("%T", row)
			counts[t[strings.LastIndexByte(t, '.')+1:]]++
			return put(row)
		})
	})
	if err != nil {
		return fmt.Errorf("copy: %w", err)
	}
	after, err := dst.Verify(ctx)
	if err != nil {
		return err
	}
	if !after.OK() {
		for _, p := range after.Problems {
			m.sayln(m.Stdout, "FAIL: %s", m.say("%s", p))
		}
		return qantar.Errorf(qantar.EINVALID, "the copy does not verify (%d problems)", len(after.Problems)+after.Dropped)
	}
	if !bytes.Equal(after.Root, before.Root) || after.Leaves != before.Leaves {
		return qantar.Errorf(qantar.EINVALID, "the copy's log (%d leaves) is not the source's (%d leaves)", after.Leaves, before.Leaves)
	}
	fmt.Fprintf(m.Stdout, "%s, %s, %s, %s; %s, %s\n", m.say("copied %d records", after.Records), m.say("%d versions", counts["CopyVersion"]),
		m.say("%d tokens", counts["CopyToken"]), m.say("%d users", counts["User"]), m.say("verify ok: %d leaves", after.Leaves),
		m.say("root %s", base64.StdEncoding.EncodeToString(after.Root)))
	return nil
}

// openCopyStore opens either store with the options a copy needs.
func openCopyStore(ctx context.Context, dsn, pgKey string) (copyStore, error) {
	if postgres.IsURL(dsn) {
		db, err := postgres.Open(ctx, dsn, postgres.Options{LogKeyPath: pgKey})
		if err != nil {
			return nil, fmt.Errorf("open PostgreSQL: %w", err)
		}
		return db, nil
	}
	db, err := sqlite.Open(ctx, dsn, sqlite.Options{})
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", dsn, err)
	}
	return db, nil
}

// copyKeyFile copies a signing key, private, without ever replacing a file.
func copyKeyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return fmt.Errorf("log key: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(to), ".qantar-log-key-*")
	if err != nil {
		return fmt.Errorf("log key: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("log key: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("log key: %w", err)
	}
	if err := os.Link(tmp.Name(), to); err != nil {
		return fmt.Errorf("log key: %w", err)
	}
	return nil
}
