package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/sqlite"
)

func sha256File(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// smallDB is a closed database with two persons in its log.
func smallDB(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "q.db")
	db, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"Synthetic One", "Synthetic Two"} {
		must(t, db.Create(ctx, qantar.System, &qantar.Person{Names: []qantar.Name{{Value: n}}}))
	}
	must(t, db.Close())
	return path
}

func sqlExec(t *testing.T, path, query string) {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(query); err != nil {
		t.Fatal(err)
	}
}

// verify --db never writes: the file is byte-identical after it, with a
// checkpoint and without one (a finding, not repaired); repair re-signs,
// says why in the audit log, and verify then passes.
func TestVerifyDBReadOnlyAndRepair(t *testing.T) {
	path := smallDB(t)
	before := sha256File(t, path)
	code, out, errOut := runQantar(t, "verify", "--db", path)
	if code != exitOK || !strings.HasPrefix(out, "ok: 2 leaves") {
		t.Fatalf("verify: exit %d\n%s%s", code, out, errOut)
	}
	if sha256File(t, path) != before {
		t.Fatal("verify --db changed the database file")
	}

	sqlExec(t, path, `UPDATE tlog_state SET checkpoint = NULL`)
	before = sha256File(t, path)
	code, out, errOut = runQantar(t, "verify", "--db", path)
	if code != exitProblem || !strings.Contains(out, "checkpoint") {
		t.Fatalf("verify without a checkpoint: exit %d\n%s%s", code, out, errOut)
	}
	if sha256File(t, path) != before {
		t.Fatal("verify --db changed a database without a checkpoint")
	}
	// Again: still a finding, so nothing was repaired silently.
	if code, _, _ = runQantar(t, "verify", "--db", path); code != exitProblem {
		t.Fatalf("second verify: exit %d", code)
	}

	if code, _, errOut = runQantar(t, "repair", "--db", path); code != exitUsage || !strings.Contains(errOut, "--why") {
		t.Fatalf("repair without --why: exit %d %s", code, errOut)
	}
	code, out, errOut = runQantar(t, "repair", "--db", path, "--why", "checkpoint row lost in drill 7")
	if code != exitOK || !strings.Contains(out, "signed a new checkpoint") || !strings.Contains(out, "ok: 2 leaves") {
		t.Fatalf("repair: exit %d\n%s%s", code, out, errOut)
	}
	audit := auditOf(t, path)
	if len(audit) != 1 || audit[0].Action != qantar.AuditRepair || !strings.Contains(audit[0].Detail, "drill 7") {
		t.Fatalf("audit = %+v", audit)
	}
	code, out, _ = runQantar(t, "repair", "--db", path, "--why", "again")
	if code != exitOK || !strings.Contains(out, "nothing to repair") {
		t.Fatalf("second repair: exit %d %s", code, out)
	}
}

// An empty log whose checkpoint was removed: verify used to sign a new one
// at open; now it names the missing checkpoint and changes nothing.
func TestVerifyDBEmptyLogWithoutCheckpoint(t *testing.T) {
	path := filepath.Join(t.TempDir(), "empty.db")
	db, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	must(t, db.Close())
	sqlExec(t, path, `UPDATE tlog_state SET checkpoint = NULL`)
	before := sha256File(t, path)
	for range 2 {
		code, out, errOut := runQantar(t, "verify", "--db", path)
		if code != exitProblem || !strings.Contains(out, "checkpoint") {
			t.Fatalf("verify: exit %d\n%s%s", code, out, errOut)
		}
	}
	if sha256File(t, path) != before {
		t.Fatal("verify --db signed a checkpoint into the database")
	}
}

// verify --db refuses a database whose schema is older than the binary's
// instead of migrating it.
func TestVerifyDBRefusesOlderSchema(t *testing.T) {
	path := smallDB(t)
	sqlExec(t, path, `DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)`)
	before := sha256File(t, path)
	code, _, errOut := runQantar(t, "verify", "--db", path)
	if code != exitProblem || !strings.Contains(errOut, "older than this binary") || !strings.Contains(errOut, "qantar migrate") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if sha256File(t, path) != before {
		t.Fatal("a refused verify changed the file")
	}
}

// auditOf is the audit log of the SQLite database at path, newest first
// (at most ten entries), read without writing.
func auditOf(t *testing.T, path string) []qantar.AuditEntry {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	audit, _, err := db.ListAudit(ctx, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	return audit
}
