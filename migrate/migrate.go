// Package migrate is the one migration runner of both stores: numbered .sql
// files, read in order of their number, each applied once and recorded in
// the store's schema_migrations table. How a migration is applied (in which
// transaction, under which lock) is the store's: it gives Run a Target.
package migrate

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Migration is one numbered .sql file.
type Migration struct {
	Version int    // the number its name starts with
	Name    string // the file's name, such as 001_records.sql
	SQL     string // its body
}

// Load reads the migrations dir/*.sql of fsys, in order of their number; a
// name that does not start with a number is an error.
func Load(fsys fs.FS, dir string) ([]Migration, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.sql"))
	if err != nil {
		return nil, err
	}
	out := make([]Migration, 0, len(names))
	for _, name := range names {
		base := path.Base(name)
		num, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number", base)
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: num, Name: base, SQL: string(body)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// Target is a store's schema as the runner sees it.
type Target interface {
	// Applied returns the versions recorded as applied (creating the
	// record's table first if the store does that).
	Applied(ctx context.Context) (map[int]bool, error)
	// Apply runs one migration and records it, together or not at all.
	Apply(ctx context.Context, m Migration) error
}

// Run applies, in order, every migration that t has not recorded.
func Run(ctx context.Context, ms []Migration, t Target) error {
	applied, err := t.Applied(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, m := range ms {
		if applied[m.Version] {
			continue
		}
		if err := t.Apply(ctx, m); err != nil {
			return fmt.Errorf("migration %s: %w", m.Name, err)
		}
	}
	return nil
}

// Missing returns, in order, the numbers of the migrations in ms that are
// not among applied: a schema older than the binary's when not empty.
func Missing(ms []Migration, applied map[int]bool) []string {
	var out []string
	for _, m := range ms {
		if !applied[m.Version] {
			out = append(out, strconv.Itoa(m.Version))
		}
	}
	return out
}
