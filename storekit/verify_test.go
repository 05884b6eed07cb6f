package storekit_test

import (
	"compress/gzip"
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/storekit"
	"github.com/qantar-project/qantar/tlog"
)

// verifyAllWays runs verify over one read transaction of the database at
// path as it was (sequential), on one worker and on three, and fails
// unless the three reports are the same, problem for problem.
func verifyAllWays(t *testing.T, path, key string) *qantar.VerifyReport {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	var reps []*qantar.VerifyReport
	for _, workers := range []int{0, 1, 3} {
		tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		var rep *qantar.VerifyReport
		if workers == 0 {
			rep, err = storekit.VerifySequential(ctx, txReader{tx}, txNodes{tx}, key)
		} else {
			rep, err = storekit.VerifyWith(ctx, txReader{tx}, key, storekit.VerifyOptions{Workers: workers})
		}
		tx.Rollback()
		if err != nil {
			t.Fatalf("workers %d: %v", workers, err)
		}
		reps = append(reps, rep)
	}
	// A damaged log is said in other words: the sequential path read
	// nodes one by one, and leaves a tile at a time.
	const damaged = "the log itself is damaged"
	same := func(a, b string) bool {
		return a == b || strings.HasPrefix(a, damaged) && strings.HasPrefix(b, damaged)
	}
	for i, rep := range reps[1:] {
		if rep.Leaves != reps[0].Leaves || rep.Records != reps[0].Records || rep.Dropped != reps[0].Dropped ||
			string(rep.Root) != string(reps[0].Root) || !slices.EqualFunc(rep.Problems, reps[0].Problems, same) {
			t.Errorf("way %d found\n%+v\nthe sequential path\n%+v", i+1, rep, reps[0])
		}
	}
	return reps[2]
}

// A store of 2,600 versions (three batches of leaves, three of records):
// verify on every core finds what the sequential path finds, in the same
// order, on the untouched store and on each tampering, whichever batch it
// is in; a stored node at a tile's level that is not its leaves' hash is
// named.
func TestVerifyWorkersAgree(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v.db")
	key := syntheticStore(t, path, 2500, 2000, 2100, 0)
	if rep := verifyAllWays(t, path, key); !rep.OK() || rep.Leaves != 2600 || rep.Records != 2500 {
		t.Fatalf("untouched: %d leaves, %d records, %v", rep.Leaves, rep.Records, rep.Problems)
	}
	for _, tt := range []struct{ name, sql, want string }{
		{"Content", `UPDATE versions SET data = replace(data, 'Человек', 'Подмена') WHERE kind = 'persons' AND id IN (5, 1500, 2050)`, "persons/1500 version 1"},
		{"ActorSameClass", `UPDATE versions SET actor = 'user:8' WHERE kind = 'persons' AND id = 2070 AND version = 2`, "persons/2070 version 2"},
		{"LeafNode", `UPDATE tlog_nodes SET hash = zeroblob(32) WHERE level = 0 AND idx = 2100`, "stored node (level 0, index 2100)"},
		{"TileNode", `UPDATE tlog_nodes SET hash = zeroblob(32) WHERE level = 8 AND idx = 5`, "stored node (level 8, index 5)"},
		{"MissingNode", `DELETE FROM tlog_nodes WHERE level = 8 AND idx = 9`, "stored node (level 8, index 9) is missing"},
		{"MissingLeaf", `DELETE FROM tlog_leaves WHERE idx = 1999`, "log leaf 1999 is missing"},
		{"Current", `UPDATE records SET data = replace(data, 'Человек', 'Подмена') WHERE kind = 'persons' AND id IN (3, 2400)`, "persons/2400"},
		{"Projection", `UPDATE records SET pub_data = NULL WHERE kind = 'persons' AND id = 1700`, "persons/1700"},
		{"SearchTerms", `UPDATE search_terms SET records = records - 1 WHERE term = (SELECT max(term) FROM search_terms)`, "(search_terms)"},
		// The same record in JSON that is not canonical: its stored JSON
		// (and so the current version's content derived from it), or the
		// content kept in its version's row.
		{"NonCanonicalRecord", `UPDATE records SET data = replace(data, '"names":', '"names" :') WHERE kind = 'persons' AND id = 7`, "persons/7: its current content differs from its logged version 1"},
		{"NonCanonicalRow", `UPDATE versions SET data = replace(data, '"names":', '"names" :') WHERE kind = 'persons' AND id = 9`, "persons/9: its current content differs from its logged version 1"},
		{"EmptyRow", `UPDATE version_rows SET data = '' WHERE kind = 'persons' AND id = 11`, "persons/11: its current content differs from its logged version 1"},
		{"NoTimes", `UPDATE records SET data = replace(data, '"updated_at"', '"updatedat"') WHERE kind = 'persons' AND id = 13`, "persons/13: its current version 1 has no stored version"},
		{"BehindLatest", `UPDATE records SET version = 1 WHERE kind = 'persons' AND id = 2010`, "persons/2010: the record is at version 1 but version 2 exists"},
		{"CurrentRowMissing", `DELETE FROM version_rows WHERE kind = 'persons' AND id = 2020 AND version = 2`, "persons/2020: its current version 2 has no stored version"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "t.db")
			copyDB(t, path, p)
			exec(t, p, tt.sql)
			rep := verifyAllWays(t, p, key)
			if rep.OK() || !strings.Contains(strings.Join(rep.Problems, "\n"), tt.want) {
				t.Fatalf("problems do not name %q: %v", tt.want, rep.Problems)
			}
		})
	}
}

// syntheticStore writes n synthetic persons to a new SQLite database at
// path in one transaction, then gives those of [from, to) a second
// version, and deletes every del-th of them (the first, the del+1-th, …;
// none when del is 0). It returns the log's key.
func syntheticStore(t *testing.T, path string, n, from, to, del int) string {
	t.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	editor := qantar.Actor{ID: "user:7", Role: qantar.RoleEditor}
	recs := make([]qantar.Record, n)
	for i := range recs {
		recs[i] = &qantar.Person{Names: []qantar.Name{{Value: fmt.Sprintf("Синтетический Человек %d", i)}}}
	}
	if err := store.InTx(ctx, func(w qantar.Writer) error { _, err := qantar.CreateAll(ctx, w, editor, recs); return err }); err != nil {
		t.Fatal(err)
	}
	for i, rec := range recs[from:to] {
		p := rec.(*qantar.Person)
		p.Names[0].Value += " второй"
		if err := store.Update(ctx, editor, p); err != nil {
			t.Fatal(err)
		}
		if del > 0 && i%del == 0 {
			if err := store.Delete(ctx, editor, qantar.KindPerson, p.ID, 2, "entered twice"); err != nil {
				t.Fatal(err)
			}
		}
	}
	return store.LogKey()
}

func copyDB(t *testing.T, from, to string) {
	t.Helper()
	db, err := sql.Open("sqlite", from)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`VACUUM INTO ?`, to); err != nil {
		t.Fatal(err)
	}
}

func exec(t *testing.T, path, q string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// (No count of the rows changed: versions may be a view, whose
	// INSTEAD OF triggers count none. The problem verify must name shows
	// that something changed.)
	if _, err := db.Exec(q); err != nil {
		t.Fatal(err)
	}
}

// The previous release's database (cmd/qantar/testdata/upgrade: 127
// qantar-leaf/v2 leaves) opened today takes new versions as
// qantar-leaf/v3, and the mixed log verifies, on every way; the new
// leaves show the writer's class, never the account.
func TestVerifyMixedV2V3(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "old.db")
	gunzip(t, "../cmd/qantar/testdata/upgrade/sqlite-fe75db8.db.gz", path)
	key, err := os.ReadFile("../cmd/qantar/testdata/upgrade/sqlite-fe75db8.db.logkey")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path+".logkey", key, 0o600); err != nil {
		t.Fatal(err)
	}
	store, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	editor := qantar.Actor{ID: "user:7", Role: qantar.RoleEditor}
	p := &qantar.Person{Names: []qantar.Name{{Value: "Synthetic Newperson Mixedlog"}}}
	if err := store.Create(ctx, editor, p); err != nil {
		t.Fatal(err)
	}
	p.Names[0].Value += " Second"
	if err := store.Update(ctx, qantar.System, p); err != nil {
		t.Fatal(err)
	}
	if err := store.Delete(ctx, editor, qantar.KindPerson, p.ID, 2, "entered twice"); err != nil {
		t.Fatal(err)
	}
	logKey := store.LogKey()
	store.Close()
	rep := verifyAllWays(t, path, logKey)
	if !rep.OK() || rep.Leaves != 130 {
		t.Fatalf("%d leaves, problems %v", rep.Leaves, rep.Problems)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var formats []string
	rows, err := db.Query(`SELECT leaf FROM tlog_leaves ORDER BY idx`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var leaf []byte
		if err := rows.Scan(&leaf); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(leaf), "\n")
		if n := len(formats); n == 0 || formats[n-1] != lines[0] {
			formats = append(formats, lines[0])
		}
		if lines[0] == tlog.LeafMagicV3 && lines[3] != tlog.ClassEditor && lines[3] != tlog.ClassSystem {
			t.Errorf("a v3 leaf shows %q", lines[3])
		}
		if lines[0] == tlog.LeafMagicV3 && strings.Contains(string(leaf), "user:7") {
			t.Errorf("a v3 leaf names the account:\n%s", leaf)
		}
	}
	if !slices.Equal(formats, []string{tlog.LeafMagicV2, tlog.LeafMagicV3}) {
		t.Fatalf("leaf formats in order: %v", formats)
	}
}

func gunzip(t *testing.T, from, to string) {
	t.Helper()
	f, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// verify reads versions from version_rows and makes a current version's
// content from its record's JSON in Go: it reads the same bytes as the
// versions view gives, for every version and every record's current
// version, on a store with updates and deletions, untouched and after
// tamperings that make the view give a row's own bytes, empty bytes, or
// NULL.
func TestVerifyReadsAsTheView(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v.db")
	syntheticStore(t, path, 300, 100, 200, 5)
	for _, tamper := range []string{
		"",
		`UPDATE versions SET data = replace(data, '"names":', '"names" :') WHERE kind = 'persons' AND id IN (9, 150)`,
		`UPDATE version_rows SET data = '' WHERE kind = 'persons' AND id IN (11, 160)`,
		`UPDATE records SET data = replace(data, '"updated_at"', '"updatedat"') WHERE kind = 'persons' AND id IN (13, 170, 121)`,
		`DELETE FROM records WHERE kind = 'persons' AND id = 15`,
	} {
		if tamper != "" {
			exec(t, path, tamper)
		}
		readsAsTheView(t, path)
	}
}

func readsAsTheView(t *testing.T, path string) {
	t.Helper()
	ctx := context.Background()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var size int64
	if err := tx.QueryRow(`SELECT size FROM tlog_state WHERE id = 1`).Scan(&size); err != nil {
		t.Fatal(err)
	}
	versions, err := storekit.VersionsAt(ctx, txReader{tx}, 0, uint64(size))
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range versions {
		var want *string
		if err := tx.QueryRow(`SELECT data FROM versions WHERE leaf_index = ?`, i).Scan(&want); err != nil {
			t.Fatal(err)
		}
		if (want == nil) != (v.Data == nil) || want != nil && *want != string(v.Data) {
			t.Errorf("leaf %d: verify reads %q, the view gives %v", i, v.Data, want)
		}
	}
	page, err := storekit.RecordPage(ctx, txReader{tx}, "", 0)
	if err != nil || len(page) < 299 {
		t.Fatalf("%d records: %v", len(page), err)
	}
	for _, c := range page {
		var want, op *string
		var maxv int
		err := tx.QueryRow(`SELECT (SELECT data FROM versions v WHERE v.kind = r.kind AND v.id = r.id AND v.version = r.version),
			(SELECT op FROM versions v WHERE v.kind = r.kind AND v.id = r.id AND v.version = r.version),
			(SELECT max(version) FROM versions v WHERE v.kind = r.kind AND v.id = r.id)
			FROM records r WHERE kind = ? AND id = ?`, string(c.Kind), c.ID).Scan(&want, &op, &maxv)
		if err != nil {
			t.Fatal(err)
		}
		if (want == nil) != (c.Logged == nil) || want != nil && *want != string(c.Logged) || op != nil && string(c.LoggedOp) != *op || c.MaxVersion != maxv {
			t.Errorf("%s/%d: verify reads %q (%s, latest %d), the view gives %v (%v, latest %d)", c.Kind, c.ID, c.Logged, c.LoggedOp, c.MaxVersion, want, op, maxv)
		}
	}
}
