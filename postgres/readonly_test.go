package postgres_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/postgres"
)

func TestReadOnlyOpenWritesNothing(t *testing.T) {
	ctx := context.Background()
	dsn := testURL(t)
	key := filepath.Join(t.TempDir(), "log.key")
	db, err := postgres.Open(ctx, dsn, postgres.Options{LogKeyPath: key, MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	editor := qantar.Actor{ID: "token:1", Role: qantar.RoleEditor}
	for _, n := range []string{"A", "B"} {
		if err := db.Create(ctx, editor, &qantar.Person{Names: []qantar.Name{{Value: "Person " + n}}}); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	state := func() string {
		var s string
		if err := conn.QueryRow(ctx, `SELECT coalesce(encode(checkpoint, 'escape'), 'NULL') || (SELECT count(*) FROM versions)::text || (SELECT count(*) FROM schema_migrations)::text FROM tlog_state`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	if _, err := conn.Exec(ctx, `UPDATE tlog_state SET checkpoint = NULL`); err != nil {
		t.Fatal(err)
	}
	before := state()
	ro, err := postgres.Open(ctx, dsn, postgres.Options{LogKeyPath: key, ReadOnly: true, MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := ro.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() {
		t.Error("a missing checkpoint verified")
	}
	if err := ro.Create(ctx, editor, &qantar.Person{Names: []qantar.Name{{Value: "X"}}}); err == nil {
		t.Error("a write through a read-only DB succeeded")
	}
	ro.Close()
	if after := state(); after != before {
		t.Errorf("state changed: %q → %q", before, after)
	}

	if _, err := conn.Exec(ctx, `DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)`); err != nil {
		t.Fatal(err)
	}
	before = state()
	if _, err := postgres.Open(ctx, dsn, postgres.Options{LogKeyPath: key, ReadOnly: true}); err == nil || !strings.Contains(err.Error(), "older than this binary") {
		t.Errorf("err = %v, want a refusal of an older schema", err)
	}
	if after := state(); after != before {
		t.Errorf("refused open changed state: %q → %q", before, after)
	}
}
