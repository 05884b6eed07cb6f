package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// pgUpgradeSchema is the schema the previous release's PostgreSQL database
// was dumped from (testdata/upgrade/README.md).
const pgUpgradeSchema = "qantar_upgrade_fixture_fe75db8"

// The previous release's PostgreSQL database (a pg_dump of what the binary
// at fe75db8 wrote), loaded into a new schema: the same checks as on
// SQLite, through today's binary.
func TestUpgradeFromPreviousReleasePostgres(t *testing.T) {
	dsn := pgTestURL(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	schema := u.Query().Get("search_path")
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, pgUpgradeDump(t, schema)); err != nil {
		t.Fatalf("load the dump: %v", err)
	}
	if _, err := conn.Exec(ctx, "SET search_path = "+schema); err != nil {
		t.Fatal(err)
	}
	key, err := os.ReadFile(strings.TrimSuffix(upgradeFixture, ".gz") + ".logkey")
	if err != nil {
		t.Fatal(err)
	}
	keyPath := filepath.Join(t.TempDir(), "log.key")
	writeKey(t, keyPath, key)
	t.Setenv("QANTAR_LOG_KEY", keyPath)
	checkUpgrade(t, dsn, func(query string, dest ...any) error {
		return conn.QueryRow(ctx, query).Scan(dest...)
	})
}

// pgUpgradeDump is the dump as SQL for the schema given (which exists):
// psql's meta-commands (\restrict) and the schema's creation left out, the
// dumped schema's name replaced.
func pgUpgradeDump(t *testing.T, schema string) string {
	t.Helper()
	f, err := os.Open("testdata/upgrade/postgres-fe75db8.sql.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for line := range bytes.Lines(raw) {
		s := string(line)
		if strings.HasPrefix(s, `\`) || strings.HasPrefix(s, "CREATE SCHEMA ") {
			continue
		}
		b.WriteString(strings.ReplaceAll(s, pgUpgradeSchema+".", schema+"."))
	}
	if !strings.Contains(b.String(), "INSERT INTO "+schema+".versions") {
		t.Fatal("the dump holds no versions")
	}
	return b.String()
}
