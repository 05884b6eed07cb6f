package storekit_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/storekit"
)

// chainStore writes n synthetic persons (every third restricted), an act
// on each (victim i), an involvement in each (act i, person i+1) and three
// citations of each person, act and involvement, to a new SQLite database
// at path: the projections of citations of involvements depend on records
// three deep. It returns the log's key and the id of the citation of the
// involvement in act 3, whose victim is restricted while the involvement's
// own person is not.
func chainStore(t *testing.T, path string, n int) (key string, cited int64) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	editor := qantar.Actor{ID: "user:7", Role: qantar.RoleEditor}
	create := func(recs []qantar.Record) {
		t.Helper()
		if err := st.InTx(ctx, func(w qantar.Writer) error { _, err := qantar.CreateAll(ctx, w, editor, recs); return err }); err != nil {
			t.Fatal(err)
		}
	}
	src := &qantar.Source{SourceKind: "news", Title: qantar.Text{"en": "Synthetic source"}}
	create([]qantar.Record{src})
	persons, acts, invs := make([]qantar.Record, n), make([]qantar.Record, n), make([]qantar.Record, n)
	for i := range persons {
		level := qantar.Public
		if i%3 == 0 {
			level = qantar.Restricted
		}
		persons[i] = &qantar.Person{Names: []qantar.Name{{Value: fmt.Sprintf("Синтетический Человек %d", i)}}, Protection: level}
	}
	create(persons)
	for i := range acts {
		acts[i] = &qantar.Act{VictimID: persons[i].GetMeta().ID, ActType: "killing_crowd_control", VictimStatus: "dead", Date: qantar.MustDate("2022-01-05")}
	}
	create(acts)
	for i := range invs {
		invs[i] = &qantar.Involvement{ActID: acts[i].GetMeta().ID, PersonID: persons[(i+1)%n].GetMeta().ID, Degree: "carried_out"}
	}
	create(invs)
	var cits []qantar.Record
	for _, of := range [][]qantar.Record{persons, acts, invs} {
		for _, r := range of {
			cits = append(cits, &qantar.Citation{RecordKind: r.Kind(), RecordID: r.GetMeta().ID, SourceID: src.ID, Quote: "синтетическая цитата", Page: "1"})
		}
	}
	create(cits)
	return st.LogKey(), cits[2*n+3].GetMeta().ID
}

// countingReader counts the queries made through it.
type countingReader struct {
	storekit.Reader
	n *atomic.Int64
}

func (r countingReader) Query(ctx context.Context, query string, args ...any) (storekit.Cursor, error) {
	r.n.Add(1)
	return r.Reader.Query(ctx, query, args...)
}

func (r countingReader) QueryRow(ctx context.Context, query string, args ...any) storekit.Row {
	r.n.Add(1)
	return r.Reader.QueryRow(ctx, query, args...)
}

// Verify checks projections that depend on records three deep (a
// citation of an involvement hidden by its act's victim) and reads those
// records a batch at a time, not with a query each: on PostgreSQL a query
// is a round trip, and a query a record was most of verify's time.
func TestVerifyProjectionChains(t *testing.T) {
	const n = 300
	path := filepath.Join(t.TempDir(), "c.db")
	key, cited := chainStore(t, path, n)
	if rep := verifyAllWays(t, path, key); !rep.OK() || rep.Records != 1+6*n {
		t.Fatalf("untouched: %d records, %v", rep.Records, rep.Problems)
	}
	q := countQueries(t, path, key)
	t.Logf("%d queries", q)
	if q > 60 {
		t.Errorf("verify of %d records made %d queries", 1+6*n, q)
	}
	p := filepath.Join(t.TempDir(), "t.db")
	copyDB(t, path, p)
	exec(t, p, fmt.Sprintf(`UPDATE records SET pub_data = NULL WHERE kind = 'citations' AND id = %d`, cited))
	want := fmt.Sprintf("citations/%d: what anonymous readers are shown of it is not its projection", cited)
	if rep := verifyAllWays(t, p, key); rep.OK() || !strings.Contains(strings.Join(rep.Problems, "\n"), want) {
		t.Fatalf("problems do not name %q: %v", want, rep.Problems)
	}
}

// countQueries verifies the database at path on two workers and returns
// how many queries that took.
func countQueries(t *testing.T, path, key string) int64 {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tx, err := db.BeginTx(context.Background(), &sql.TxOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var n atomic.Int64
	rep, err := storekit.VerifyWith(context.Background(), countingReader{txReader{tx}, &n}, key, storekit.VerifyOptions{Workers: 2})
	if err != nil || !rep.OK() {
		t.Fatalf("%v %v", err, rep.Problems)
	}
	return n.Load()
}
