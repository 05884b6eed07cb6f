package sqlite

import (
	"errors"
	"io/fs"
	"log/slog"
	"os"
)

// The database holds protected persons, password hashes, TOTP secrets and
// the log's salts: its files are for their owner only.
const privateMode = 0o600

// createPrivate creates the database file with mode 0600 if it does not
// exist yet, whatever the umask, so that SQLite opens a file only its owner
// can read (and gives its WAL and shared-memory files the same mode). An
// existing file that others may read is left as it is, with a warning.
func createPrivate(path string, log *slog.Logger) error {
	if path == ":memory:" {
		return nil
	}
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, privateMode)
		if errors.Is(err, fs.ErrExist) {
			return nil // another process created it first
		} else if err != nil {
			return err
		}
		if err := f.Chmod(privateMode); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	if err != nil {
		return err
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		log.Warn("the database file may be read by other users of this machine; it holds protected persons, password hashes and TOTP secrets: chmod 600 it",
			"path", path, "mode", perm.String())
	}
	return nil
}

// privateSidecars sets the database's WAL and shared-memory files, if
// there are any, to mode 0600 whatever mode and umask they were created
// with.
func privateSidecars(path string) error {
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Chmod(path+suffix, privateMode); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}
