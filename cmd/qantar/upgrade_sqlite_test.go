package main

import (
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/sqlite"
)

// The previous release's database, made by the binary built at fe75db8
// (the commit before the last migration, 006_projections); see
// testdata/upgrade/README.md for how it was made and what it holds.
const (
	upgradeFixture = "testdata/upgrade/sqlite-fe75db8.db.gz"
	// upgradeToken is the editor API token the old binary created in the
	// fixture (a synthetic database; the token opens nothing else).
	upgradeToken = "qtr_9B_5AvyTfPW41FsknfUz0j5jyvPN9JNiMcc9BueDWjs"
)

// oldState is what the previous release wrote, read with plain SQL before
// today's binary opens the file.
type oldState struct {
	migration  int            // the newest migration applied
	versions   int            // leaves of the log
	live       map[string]int // live records by kind
	checkpoint string         // the signed checkpoint it holds
}

// gunzipFixture writes the fixture, uncompressed, to dir/old.db, with its
// log key beside it (private, as the store wants it).
func gunzipFixture(t *testing.T, dir string) string {
	t.Helper()
	f, err := os.Open(upgradeFixture)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "old.db")
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, zr); err != nil {
		t.Fatal(err)
	}
	must(t, out.Close())
	key, err := os.ReadFile(strings.TrimSuffix(upgradeFixture, ".gz") + ".logkey")
	if err != nil {
		t.Fatal(err)
	}
	writeKey(t, path+".logkey", key)
	return path
}

// rowScanner runs a query of one row against a database of either store.
type rowScanner func(query string, dest ...any) error

// readOldState reads what a database holds with plain SQL (no store); the
// statements are the same for SQLite and PostgreSQL.
func readOldState(t *testing.T, q rowScanner) oldState {
	t.Helper()
	s := oldState{live: map[string]int{}}
	must(t, q(`SELECT max(version) FROM schema_migrations`, &s.migration))
	must(t, q(`SELECT count(*) FROM versions`, &s.versions))
	var cp []byte
	must(t, q(`SELECT checkpoint FROM tlog_state WHERE id = 1`, &cp))
	s.checkpoint = string(cp)
	for _, k := range qantar.Kinds {
		var n int
		must(t, q(`SELECT count(*) FROM records WHERE deleted_at IS NULL AND kind = '`+string(k)+`'`, &n))
		if n > 0 {
			s.live[string(k)] = n
		}
	}
	return s
}

// sqliteRows is a rowScanner on a SQLite file, opened read-only for each
// query.
func sqliteRows(path string) rowScanner {
	return func(query string, dest ...any) error {
		raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
		if err != nil {
			return err
		}
		defer raw.Close()
		return raw.QueryRow(query).Scan(dest...)
	}
}

// newestMigration is the newest migration this binary applies, read from
// a new database.
func newestMigration(t *testing.T) int {
	t.Helper()
	path := filepath.Join(t.TempDir(), "new.db")
	db, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	must(t, db.Close())
	return readOldState(t, sqliteRows(path)).migration
}

// A database made by the previous release: verify refuses it until it is
// migrated (a read-only check does not migrate); migrate brings it
// forward and reprojects it; the log then verifies with the same leaves,
// root and name; the server serves every record it held, the protected
// ones only as their projections to an anonymous reader; the old
// release's API token still works; and a new write extends the same log.
func TestUpgradeFromPreviousReleaseSQLite(t *testing.T) {
	path := gunzipFixture(t, t.TempDir())
	checkUpgrade(t, path, sqliteRows(path))
}

// checkUpgrade runs the upgrade's checks on the previous release's
// database at dsn (either store), read through q.
func checkUpgrade(t *testing.T, dsn string, q rowScanner) {
	t.Helper()
	old := readOldState(t, q)
	newest := newestMigration(t)
	if old.migration >= newest || old.live["persons"] == 0 {
		t.Fatalf("the fixture (migration %d, %v) is not a previous release's database with persons (this binary: %d)", old.migration, old.live, newest)
	}
	if code, _, errOut := runQantar(t, "verify", "--db", dsn); code != exitProblem || !strings.Contains(errOut, "older than this binary") {
		t.Fatalf("verify before migrate: exit %d %s", code, errOut)
	}
	if code, out, errOut := runQantar(t, "migrate", "--db", dsn); code != exitOK {
		t.Fatalf("migrate: exit %d %s%s", code, out, errOut)
	}
	if got := readOldState(t, q).migration; got != newest {
		t.Fatalf("migrated to %d, want %d", got, newest)
	}
	var rules int
	must(t, q(`SELECT rules FROM projection_state WHERE id = 1`, &rules))
	if rules != qantar.ProjectionRules {
		t.Fatalf("projections made by rules %d, this binary's are %d", rules, qantar.ProjectionRules)
	}
	root := strings.Split(old.checkpoint, "\n")[2]
	code, out, errOut := runQantar(t, "verify", "--db", dsn)
	if code != exitOK || !strings.Contains(out, fmt.Sprintf("ok: %d leaves", old.versions)) || !strings.Contains(out, root) {
		t.Fatalf("verify after migrate (want %d leaves, root %s): exit %d %s%s", old.versions, root, code, out, errOut)
	}
	if code, out, _ := runQantar(t, "version", "--log", "--db", dsn); code != exitOK || !strings.Contains(out, "log:        qantar.local/log") {
		t.Fatalf("the log lost its first name: %s", out)
	}
	base, stop := serverWith(t, serveConfig{DB: dsn, Synchronous: "NORMAL", Empty: true})
	editor, anon := client{t, base, upgradeToken}, client{t, base, ""}
	for kind, n := range old.live {
		if code, v := editor.do("GET", "/api/v1/"+kind+"?limit=1", ""); code != 200 || v["total"] != float64(n) {
			t.Errorf("%s: %d %v, want %d records", kind, code, v["total"], n)
		}
	}
	checkUpgradedProjections(t, editor, anon)
	if code, v := editor.do("POST", "/api/v1/persons", `{"names":[{"value":"Synthetic Afterupgrade Person"}]}`); code != 201 {
		t.Fatalf("a write after the upgrade: %d %v", code, v)
	}
	stop()
	if code, out, errOut := runQantar(t, "verify", "--db", dsn); code != exitOK || !strings.Contains(out, fmt.Sprintf("ok: %d leaves", old.versions+1)) {
		t.Fatalf("verify after a new write: exit %d %s%s", code, out, errOut)
	}
}

// checkUpgradedProjections: an anonymous reader of the upgraded database
// sees the public person, and neither the restricted person's name nor
// what their act says, in a record, a list or a search; the editor sees
// both.
func checkUpgradedProjections(t *testing.T, editor, anon client) {
	t.Helper()
	text := func(c client, path string) string {
		t.Helper()
		code, v := c.do("GET", path, "")
		if code != 200 {
			t.Fatalf("%s: %d %v", path, code, v)
		}
		b, _ := json.Marshal(v)
		return string(b)
	}
	if got := text(anon, "/api/v1/persons/1"); !strings.Contains(got, "Synthetic Publicperson Upgradefixture") || !strings.Contains(got, `"version":2`) {
		t.Errorf("the public person (version 2) to a reader: %s", got)
	}
	for _, path := range []string{"/api/v1/persons/2", "/api/v1/persons", "/api/v1/acts"} {
		if got := text(anon, path); strings.Contains(got, "Restrictedperson") || strings.Contains(got, "Confidentialperson") || strings.Contains(got, "restricted person.") {
			t.Errorf("%s shows a protected person to a reader: %s", path, got)
		}
	}
	if got := text(anon, "/api/v1/search?q=Restrictedperson"); !strings.Contains(got, `"results":[]`) {
		t.Errorf("a reader's search finds the restricted person: %s", got)
	}
	if got := text(editor, "/api/v1/persons/2"); !strings.Contains(got, "Synthetic Restrictedperson Upgradefixture") {
		t.Errorf("the restricted person to the editor: %s", got)
	}
	if got := text(editor, "/api/v1/acts/2"); !strings.Contains(got, "Synthetic act description of the restricted person.") {
		t.Errorf("the restricted person's act to the editor: %s", got)
	}
	if got := text(editor, "/api/v1/search?q=Restrictedperson"); strings.Contains(got, `"results":[]`) || !strings.Contains(got, `"id":2`) {
		t.Errorf("the editor's search does not find the restricted person: %s", got)
	}
}
