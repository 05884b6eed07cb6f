package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/storetest"
)

func TestGetPrepared(t *testing.T) { storetest.Prepared(t, open(t)) }

// Each store keeps its own statements of GetPrepared: two databases open in
// one process each answer from their own records, and once one is closed
// (its statements with it) the other's prepared reads still work while the
// closed one's fail.
func TestPreparedStatementsPerStore(t *testing.T) {
	ctx := context.Background()
	readers := []qantar.Actor{qantar.Anonymous, {ID: "user:1", Role: qantar.RoleViewer}, editor}
	var dbs [2]*sqlite.DB
	for i := range dbs {
		db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), fmt.Sprintf("q%d.db", i)), sqlite.Options{Synchronous: "NORMAL"})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		p := &qantar.Person{Names: []qantar.Name{{Value: fmt.Sprintf("Синтетикалық Адам %d", i)}}, Protection: qantar.Public}
		if err := db.Create(ctx, editor, p); err != nil {
			t.Fatal(err)
		}
		dbs[i] = db
	}
	read := func(i int, stage string) {
		t.Helper()
		for _, r := range readers {
			got, err := dbs[i].GetPrepared(ctx, qantar.KindPerson, 1, r)
			if want := fmt.Sprintf("Синтетикалық Адам %d", i); err != nil || !strings.Contains(string(got.Data), want) {
				t.Errorf("%s: database %d as %q: %s (%v), want its own person %q", stage, i, r.Role, got.Data, err, want)
			}
		}
	}
	read(0, "both open")
	read(1, "both open")
	if err := dbs[0].Close(); err != nil {
		t.Fatal(err)
	}
	read(1, "the other closed")
	if got, err := dbs[0].GetPrepared(ctx, qantar.KindPerson, 1, qantar.Anonymous); err == nil {
		t.Errorf("a closed store answered %s", got.Data)
	}
}
