package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/qantar-project/qantar/postgres"
	"github.com/qantar-project/qantar/storetest"
)

// testURL returns a connection URL to a new schema of its own in the
// database named by QANTAR_TEST_POSTGRES, dropped when the test ends, so
// that tests run in parallel on one database. Without the variable the
// test is skipped (CI sets it: .ci/run).
func testURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("QANTAR_TEST_POSTGRES")
	if base == "" {
		t.Skip("QANTAR_TEST_POSTGRES is not set")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect to QANTAR_TEST_POSTGRES: %v", err)
	}
	defer conn.Close(ctx)
	b := make([]byte, 6)
	rand.Read(b)
	schema := "qt_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(ctx, base)
		if err != nil {
			return
		}
		defer c.Close(ctx)
		c.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
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
