package csvio_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/csvio"
	"github.com/qantar-project/qantar/sqlite"
)

// openOrigin opens a new SQLite store whose log is named origin.
func openOrigin(t *testing.T, origin string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(ctx(), filepath.Join(t.TempDir(), "test.db"), sqlite.Options{Synchronous: "NORMAL", NewLogOrigin: origin})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func exportJSON(t *testing.T, st qantar.Store) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := csvio.Export(ctx(), st, dir, csvio.ExportOptions{Format: "json"}); err != nil {
		t.Fatal(err)
	}
	return dir
}

func importDir(t *testing.T, st qantar.Store, dir string) *csvio.Report {
	t.Helper()
	rep, err := csvio.ImportDir(ctx(), st, dir, csvio.Options{Actor: editor})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || !rep.Written {
		t.Fatalf("import:\n%s", problems(rep))
	}
	return rep
}

func total(counts map[qantar.Kind][]string) int {
	n := 0
	for _, r := range counts {
		n += len(r)
	}
	return n
}

// Exchange between organisations (issue 16 item 5): an export's checkpoint
// names its origin, so each record's global identity is known; importing it twice into another database
// changes nothing the second time, and the records there keep where they
// came from; importing it back into the database it came from changes
// nothing; a second organisation's export merges in without duplicates.
func TestExportExchange(t *testing.T) {
	a := openOrigin(t, "a.example.org/log")
	seed(t, a) // keyless records, as entered by hand
	dirA := exportJSON(t, a)
	want := asExported(t, a)

	b := openOrigin(t, "b.example.org/log")
	importDir(t, b, dirA)
	rep := importDir(t, b, dirA)
	if rep.Created != 0 || rep.Updated != 0 || rep.Unchanged != total(want) {
		t.Fatalf("the same export again: created %d, updated %d, unchanged %d of %d", rep.Created, rep.Updated, rep.Unchanged, total(want))
	}
	// The same records, each that had no key of its own now keyed by
	// where it came from (want holds A's records as exported).
	got := translated(t, b)
	from := 0
	for _, k := range qantar.Kinds {
		if strings.Join(got[k], "\n") != strings.Join(want[k], "\n") {
			t.Errorf("%s differ:\n got %s\nwant %s", k, strings.Join(got[k], "\n     "), strings.Join(want[k], "\n     "))
		}
		from += strings.Count(strings.Join(got[k], "\n"), `"external_key":"a.example.org/log/`+string(k)+`/`)
	}
	if from == 0 {
		t.Fatal("no record says it came from a.example.org/log")
	}
	// B's export names the same records as A's, each once, by the
	// identity A gave them.
	dirB := exportJSON(t, b)
	for _, k := range qantar.Kinds {
		ka, kb := identities(t, dirA, k), identities(t, dirB, k)
		if len(ka) == 0 || strings.Join(ka, " ") != strings.Join(kb, " ") {
			t.Errorf("%s: B's export names %v, A's %v", k, kb, ka)
		}
	}
	// A's export imported back into A changes nothing.
	before := translated(t, a)
	rep = importDir(t, a, dirA)
	if rep.Created != 0 || rep.Updated != 0 {
		t.Fatalf("A's export into A: created %d, updated %d", rep.Created, rep.Updated)
	}
	if after := translated(t, a); total(after) != total(before) {
		t.Fatalf("A changed: %d records, was %d", total(after), total(before))
	}
	// B's export (A's records by A's identity) into A: nothing new either.
	if rep = importDir(t, a, dirB); rep.Created != 0 || rep.Updated != 0 {
		t.Fatalf("B's export into A: created %d, updated %d", rep.Created, rep.Updated)
	}
}

// identities are the global identities of a JSON export's records of kind
// k: a record's external key, or its id in the origin its checkpoint names.
func identities(t *testing.T, dir string, k qantar.Kind) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, string(k)+".json"))
	if err != nil {
		t.Fatal(err)
	}
	cp, err := os.ReadFile(filepath.Join(dir, csvio.CheckpointFile))
	if err != nil {
		t.Fatal(err)
	}
	var recs []struct {
		ID  int64  `json:"id"`
		Key string `json:"external_key"`
	}
	if err := json.Unmarshal(b, &recs); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, r := range recs {
		if r.Key == "" {
			r.Key = qantar.GlobalKey(qantar.OriginOf(cp), k, r.ID)
		}
		keys = append(keys, r.Key)
	}
	return keys
}
