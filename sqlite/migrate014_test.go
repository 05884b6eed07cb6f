package sqlite_test

import (
	"context"
	"database/sql"
	"strconv"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/storetest"
)

// A database made before migration 014 (an expression index over data, and
// no record_fields rows of victim_id) finds a person's acts once opened:
// 014 drops the index and sets the projections' rules back, so the open
// makes record_fields again whole, victim_id's rows with it.
func TestMigration014FillsKeptFields(t *testing.T) {
	ctx := context.Background()
	p := engine.New(t)
	db, err := engine.Open(ctx, p, storetest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	victim := &qantar.Person{Names: []qantar.Name{{Value: "Synthetic Person"}}, Protection: qantar.Public}
	if err := db.Create(ctx, editor, victim); err != nil {
		t.Fatal(err)
	}
	if err := db.Create(ctx, editor, &qantar.Act{VictimID: victim.ID, ActType: "torture"}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	raw, err := sql.Open("sqlite", "file:"+p.Addr)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`DELETE FROM record_fields WHERE field = 'victim_id'`,
		`DELETE FROM schema_migrations WHERE version = 14`,
		`CREATE INDEX records_victim ON records (kind, json_extract(data, '$.victim_id')) WHERE kind = 'acts'`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()
	db, err = engine.Open(ctx, p, storetest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	where := map[string]string{"victim_id": strconv.FormatInt(victim.ID, 10)}
	for _, reader := range []qantar.Actor{editor, {}} {
		acts, n, err := db.List(ctx, qantar.KindAct, qantar.Filter{Where: where, Reader: reader})
		if err != nil || len(acts) != 1 || n != 1 {
			t.Errorf("reader %q: acts of the victim: %d, count %d, %v", reader.ID, len(acts), n, err)
		}
	}
}
