package postgres_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/internal/testworld"
	"github.com/qantar-project/qantar/postgres"
	"github.com/qantar-project/qantar/storetest"
)

var editor = qantar.Actor{ID: "token:1", Role: qantar.RoleEditor}

// testURL returns a connection URL to a new schema of its own in the
// database named by QANTAR_TEST_POSTGRES, dropped when the test ends
// (testworld.PostgresURL). Without the variable the test is skipped, and
// fails under CI (.ci/run sets it).
func testURL(t testing.TB) string {
	t.Helper()
	u := testworld.PostgresURL(t)
	if u == "" {
		t.Skip("QANTAR_TEST_POSTGRES is not set")
	}
	return u
}

// openTest opens a store on a new schema with its own key file.
func openTest(t testing.TB) (*postgres.DB, string) {
	t.Helper()
	dsn := testURL(t)
	db, err := postgres.Open(context.Background(), dsn, postgres.Options{LogKeyPath: filepath.Join(t.TempDir(), "log.key"), MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, dsn
}

func open(t *testing.T) storetest.Store {
	db, _ := openTest(t)
	return db
}

func TestConformance(t *testing.T) { storetest.Run(t, open) }

// engine is PostgreSQL for storetest.RunEngine: a schema of its own, a key
// file in the test's directory, changed behind the store's back through a
// connection of its own.
var engine = storetest.Engine{
	New: func(t *testing.T) storetest.Place {
		return storetest.Place{Addr: testURL(t), Key: filepath.Join(t.TempDir(), "log.key")}
	},
	Open: func(ctx context.Context, p storetest.Place, o storetest.Options) (storetest.EngineStore, error) {
		db, err := postgres.Open(ctx, p.Addr, postgres.Options{LogKeyPath: p.Key, MaxConns: 2, Now: o.Now, ReadOnly: o.ReadOnly, Repair: o.Repair, LogOrigin: o.LogOrigin})
		if err != nil {
			return nil, err
		}
		return db, nil
	},
	Exec:  rawExec,
	State: dbState,
	Tamperings: []storetest.Tampering{
		{Name: "EditFigure", SQL: `UPDATE versions SET data = replace(data, '"value":238', '"value":23') WHERE kind = 'figures' AND data LIKE '%"value":238,%'`, Want: "figures/"},
		{Name: "EditNode", SQL: `UPDATE tlog_nodes SET hash = decode(repeat('00', 32), 'hex') WHERE level = 0 AND idx = 5`, Want: "log"},
		{Name: "ChangeTime", SQL: `UPDATE versions SET at = at + interval '1 second' WHERE kind = 'persons' AND id = 1 AND version = 2`, Want: "persons/1 version 2"},
		{Name: "ForgeCheckpoint", SQL: `UPDATE tlog_state SET checkpoint = convert_to(replace(convert_from(checkpoint, 'UTF8'), 'qantar', 'qantor'), 'UTF8')`, Want: "checkpoint"},
	},
}

func TestEngine(t *testing.T) { storetest.RunEngine(t, engine) }

// rawExec runs query on the database at p through a connection of its own.
func rawExec(t *testing.T, p storetest.Place, query string) int64 {
	t.Helper()
	ctx := context.Background()
	raw, err := pgx.Connect(ctx, p.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close(ctx)
	tag, err := raw.Exec(ctx, query)
	if err != nil {
		t.Fatal(err)
	}
	return tag.RowsAffected()
}

// dbState is a fingerprint of the log's state, the versions, the records
// with their projections, the applied migrations and the key file.
func dbState(t *testing.T, p storetest.Place) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, p.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var s string
	if err := conn.QueryRow(ctx, `SELECT concat_ws(' ',
		(SELECT md5(coalesce(encode(checkpoint, 'escape'), 'NULL') || coalesce(verifier_key, 'NULL') || size::text) FROM tlog_state),
		(SELECT md5(coalesce(string_agg(kind || id || version || data::text, ',' ORDER BY kind, id, version), '')) FROM versions),
		(SELECT md5(coalesce(string_agg(kind || id || data::text || coalesce(pub_data::text, 'NULL') || coalesce(viewer_data::text, 'NULL'), ',' ORDER BY kind, id), '')) FROM records),
		(SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_migrations))`).Scan(&s); err != nil {
		t.Fatal(err)
	}
	key, err := os.ReadFile(p.Key)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return s + fmt.Sprintf(" key:%x", sha256.Sum256(key))
}
