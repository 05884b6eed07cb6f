package sqlite

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// BackupTo writes a consistent copy of the database to path with VACUUM
// INTO: one read transaction's snapshot, taken while writers go on (in
// WAL mode they do not wait for it). path must not exist; the copy is made
// readable by its owner only. The log key is not in the copy: it lives in
// its own file.
func (db *DB) BackupTo(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s exists", path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("backup: %w", err)
	}
	// Create it private first: VACUUM INTO writes into an empty file.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, privateMode)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	f.Close()
	conn, err := db.read.Conn(ctx)
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("backup: %w", err)
	}
	defer conn.Close()
	// query_only forbids VACUUM INTO on the read pool's connections; it
	// writes only the new file, so lift it for this statement.
	if _, err := conn.ExecContext(ctx, `PRAGMA query_only = 0`); err != nil {
		os.Remove(path)
		return fmt.Errorf("backup: %w", err)
	}
	_, err = conn.ExecContext(ctx, `VACUUM INTO ?`, path)
	if _, qerr := conn.ExecContext(context.Background(), `PRAGMA query_only = 1`); qerr != nil {
		conn.Raw(func(any) error { return driver.ErrBadConn }) // never reuse it
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("backup: %w", err)
	}
	return os.Chmod(path, privateMode)
}
