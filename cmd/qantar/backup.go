package main

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/postgres"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/tlog"
)

func init() {
	register(command{name: "backup", summary: "write a consistent copy of a SQLite database while it serves, and verify the copy's log before saying done", run: runBackup})
	register(command{name: "restore", summary: "put a backup in place as a new database, refusing one whose log does not verify or a target that holds data", run: runRestore})
}

// runBackup copies a live SQLite database with VACUUM INTO (writers go
// on), verifies the copy with the log key, and only then moves it into
// place and prints the checkpoint it holds (also written to FILE.checkpoint).
//
// A PostgreSQL database is not backed up here: use its own tools
// (pg_dump, or base backups with WAL archiving), or `qantar copy --from
// postgres://… --to FILE.db`, which writes a SQLite copy that this command's
// restore and verify accept.
func runBackup(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlags("backup", "--db D --out FILE")
	db := dbFlag(fs)
	out := fs.String("out", "", "the backup file to write (must not exist)")
	keyPath := fs.String("log-key", "", "the log's key file (default: the database path + .logkey)")
	if err := m.parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if *out == "" {
		return usagef("--out is required")
	}
	if postgres.IsURL(*db) {
		return qantar.Errorf(qantar.EINVALID, "qantar backup copies SQLite databases; back up PostgreSQL with pg_dump or base backups, or take a SQLite copy with `qantar copy --from %s --to FILE.db` (then `qantar verify --db FILE.db`)", redactDSN(*db))
	}
	if err := m.checkExists(*db); err != nil {
		return err
	}
	if _, err := os.Stat(*out); err == nil {
		return qantar.Errorf(qantar.EINVALID, "%s exists: a backup never overwrites a file", *out)
	}
	key := *keyPath
	if key == "" {
		key = *db + ".logkey"
	}
	src, err := sqlite.Open(ctx, *db, sqlite.Options{ReadOnly: true, LogKeyPath: key})
	if err != nil {
		return fmt.Errorf("open %s: %w", *db, err)
	}
	defer src.Close()
	tmp := filepath.Join(filepath.Dir(*out), "."+filepath.Base(*out)+".partial")
	os.Remove(tmp)
	defer os.Remove(tmp)
	if err := src.BackupTo(ctx, tmp); err != nil {
		return err
	}
	cp, rep, err := verifyCopy(ctx, tmp, key)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, *out); err != nil {
		return err
	}
	if err := writeFileAtomic(*out+".checkpoint", cp); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "backup %s: verified, %d leaves, %d records, root %s\ncheckpoint (also in %s.checkpoint):\n%s",
		*out, rep.Leaves, rep.Records, base64.StdEncoding.EncodeToString(rep.Root), *out, cp)
	fmt.Fprintf(m.Stdout, "the log key is not in the backup: keep %s apart, as safely\n", key)
	return nil
}

// verifyCopy opens a copy read-only with the log key and verifies it,
// returning the signed checkpoint it holds.
func verifyCopy(ctx context.Context, path, key string) ([]byte, *qantar.VerifyReport, error) {
	had := map[string]bool{}
	for _, s := range []string{"-wal", "-shm"} {
		_, err := os.Stat(path + s)
		had[s] = err == nil
	}
	c, err := sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true, LogKeyPath: key})
	if err != nil {
		return nil, nil, fmt.Errorf("open the copy: %w", err)
	}
	defer func() {
		c.Close()
		// A reader's open leaves an empty -wal and an -shm beside a WAL
		// database; a copy is read by nobody else, so take away those it
		// made.
		for _, s := range []string{"-wal", "-shm"} {
			if fi, err := os.Stat(path + s); err == nil && !had[s] && (s == "-shm" || fi.Size() == 0) {
				os.Remove(path + s)
			}
		}
	}()
	rep, err := c.Verify(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("verify the copy: %w", err)
	}
	if !rep.OK() {
		return nil, rep, qantar.Errorf(qantar.EINVALID, "the copy's log does not verify (%d problems), first: %s", len(rep.Problems)+rep.Dropped, rep.Problems[0])
	}
	cp, err := c.Checkpoint(ctx)
	if err != nil {
		return nil, nil, err
	}
	if _, err := tlog.OpenCheckpoint(cp, c.LogKey()); err != nil {
		return nil, nil, err
	}
	return cp, rep, nil
}

// runRestore verifies a backup with the log key and copies it into place as
// a new SQLite database.
func runRestore(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlags("restore", "--from FILE --db D [--log-key K]")
	from := fs.String("from", "", "the backup file (written by qantar backup or qantar copy)")
	db := fs.String("db", "", "the SQLite database to create (must not exist, or be empty)")
	keyPath := fs.String("log-key", "", "the log's key file (default: the database path + .logkey, which must be in place)")
	if err := m.parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if *from == "" || *db == "" {
		return usagef("--from and --db are required")
	}
	if postgres.IsURL(*db) {
		return qantar.Errorf(qantar.EINVALID, "restore into PostgreSQL with `qantar copy --from %s --to postgres://…` (it refuses a database that holds data)", *from)
	}
	if fi, err := os.Stat(*db); err == nil && fi.Size() > 0 {
		return qantar.Errorf(qantar.EINVALID, "%s exists and is not empty: restore never overwrites a database; move it aside first", *db)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	key := *keyPath
	if key == "" {
		key = *db + ".logkey"
	}
	if _, err := os.Stat(key); err != nil {
		return qantar.Errorf(qantar.EINVALID, "no log key at %s: put the log's key file back first (it is kept apart from backups), or name it with --log-key", key)
	}
	cp, rep, err := verifyCopy(ctx, *from, key)
	if err != nil {
		return fmt.Errorf("the backup %s: %w", *from, err)
	}
	tmp := filepath.Join(filepath.Dir(*db), "."+filepath.Base(*db)+".restoring")
	os.Remove(tmp)
	defer os.Remove(tmp)
	if err := copyFilePrivate(*from, tmp); err != nil {
		return err
	}
	// What was put in place is what was verified.
	if _, _, err := verifyCopy(ctx, tmp, key); err != nil {
		return err
	}
	if err := os.Rename(tmp, *db); err != nil {
		return err
	}
	if *keyPath != "" && *keyPath != *db+".logkey" {
		fmt.Fprintf(m.Stdout, "note: serve this database with its key: it is at %s, not %s.logkey\n", *keyPath, *db)
	}
	fmt.Fprintf(m.Stdout, "restored %s from %s: verified, %d leaves, %d records\ncheckpoint:\n%s", *db, *from, rep.Leaves, rep.Records, cp)
	return nil
}

// copyFilePrivate copies a file to a new one of mode 0600, synced.
func copyFilePrivate(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
