//go:build !(linux || darwin || freebsd)

package sqlite

// freeBytes is unknown here: Ready relies on SQLite's own errors.
func freeBytes(dir string) (uint64, bool) { return 0, false }
