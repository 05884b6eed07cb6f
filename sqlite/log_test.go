package sqlite_test

import (
	"context"
	"database/sql"
	"encoding/hex"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/seed"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/tlog"
	_ "modernc.org/sqlite"
)

var editor = qantar.Actor{ID: "token:1", Role: qantar.RoleEditor}

// logged opens a database holding the bundled data, an updated person, a
// confidential person and a deleted record.
func logged(t *testing.T) (*sqlite.DB, string) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "log.db")
	db, err := sqlite.Open(ctx, path, sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f, _ := seed.Bundled()
	if _, err := seed.Load(ctx, db, f); err != nil {
		t.Fatal(err)
	}
	p := &qantar.Person{Names: []qantar.Name{{Value: "Публичный"}}}
	if err := db.Create(ctx, editor, p); err != nil {
		t.Fatal(err)
	}
	p.Names[0].Value = "Публичный Второй"
	if err := db.Update(ctx, editor, p); err != nil {
		t.Fatal(err)
	}
	c := &qantar.Person{Names: []qantar.Name{{Value: "Тайный"}}, Protection: qantar.Confidential}
	if err := db.Create(ctx, editor, c); err != nil {
		t.Fatal(err)
	}
	d := &qantar.Person{Names: []qantar.Name{{Value: "Удалённый"}}}
	if err := db.Create(ctx, editor, d); err != nil {
		t.Fatal(err)
	}
	if err := db.Delete(ctx, editor, qantar.KindPerson, d.ID, 1, "entered twice"); err != nil {
		t.Fatal(err)
	}
	return db, path
}

func TestVerifyUntouched(t *testing.T) {
	db, _ := logged(t)
	rep, err := db.Verify(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("problems on an untouched database: %v", rep.Problems)
	}
	f, _ := seed.Bundled()
	if want := uint64(len(f.Records) + 5); rep.Leaves != want {
		t.Fatalf("%d leaves, want one per version: %d", rep.Leaves, want)
	}
}

func TestVerifyFindsTampering(t *testing.T) {
	tests := []struct {
		name, sql, want string
	}{
		{"EditCurrentRecord", `UPDATE records SET data = replace(data, 'Публичный Второй', 'Подменённый') WHERE kind = 'persons'`, "persons/1"},
		{"EditVersionContent", `UPDATE versions SET data = replace(data, 'Публичный', 'Подменённый') WHERE kind = 'persons' AND id = 1 AND version = 1`, "persons/1 version 1"},
		{"DeleteVersionRow", `DELETE FROM versions WHERE kind = 'persons' AND id = 1 AND version = 1`, "persons/1 version 1"},
		{"EditFigure", `UPDATE versions SET data = replace(data, '"value":238', '"value":23') WHERE kind = 'figures' AND instr(CAST(data AS TEXT), '"value":238') > 0`, "figures/"},
		{"ChangeActor", `UPDATE versions SET actor = 'system' WHERE kind = 'persons' AND id = 1 AND version = 2`, "persons/1 version 2"},
		{"DeleteLeaf", `DELETE FROM tlog_leaves WHERE idx = 3`, "leaf"},
		{"EditNode", `UPDATE tlog_nodes SET hash = zeroblob(32) WHERE level = 0 AND idx = 5`, "log"},
		{"UndeleteRecord", `UPDATE records SET deleted_at = NULL WHERE kind = 'persons' AND id = 3`, "persons/3"},
		{"EditDeleteReason", `UPDATE versions SET reason = 'asked by the family' WHERE kind = 'persons' AND id = 3 AND op = 'delete'`, "persons/3 version 2"},
		{"EditProtectionColumn", `UPDATE records SET protection = 'public' WHERE kind = 'persons' AND id = 2`, "persons/2: its protection column"},
		{"ClearPublicProjection", `UPDATE records SET pub_data = NULL WHERE kind = 'persons' AND id = 2`, "persons/2: what anonymous readers are shown"},
		{"EditViewerProjection", `UPDATE records SET viewer_data = data WHERE kind = 'persons' AND id = 2`, "persons/2: what viewers are shown"},
		{"EditSalt", `UPDATE versions SET salt = NULL WHERE kind = 'persons' AND id = 1 AND version = 1`, "persons/1 version 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, path := logged(t)
			raw, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			res, err := raw.Exec(tt.sql)
			if err != nil {
				t.Fatal(err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				t.Fatalf("tampering changed nothing: %s", tt.sql)
			}
			raw.Close()
			rep, err := db.Verify(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK() {
				t.Fatal("verify passed a tampered database")
			}
			if !strings.Contains(strings.Join(rep.Problems, "\n"), tt.want) {
				t.Fatalf("problems do not name %q: %v", tt.want, rep.Problems)
			}
		})
	}
}

func TestProofAndTiles(t *testing.T) {
	ctx := context.Background()
	db, _ := logged(t)
	p, err := db.Proof(ctx, qantar.KindPerson, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	leaf, cp, err := p.Verify(db.LogKey())
	if err != nil {
		t.Fatal(err)
	}
	if leaf.Kind != qantar.KindPerson || leaf.ID != 1 || leaf.Version != 2 || leaf.Op != qantar.OpUpdate {
		t.Fatalf("proof is for %+v", leaf)
	}
	rec, _ := db.Get(ctx, qantar.KindPerson, 1)
	canon, _ := qantar.Canonical(rec)
	h, err := db.History(ctx, qantar.KindPerson, 1)
	if err != nil {
		t.Fatal(err)
	}
	salt, _ := hex.DecodeString(h[1].Salt)
	if leaf.Format != tlog.LeafV2 || len(salt) != tlog.SaltSize || !leaf.Matches(canon, "", salt) {
		t.Fatalf("the leaf does not commit to the record's content with its salt (%q)", h[1].Salt)
	}
	// A public version's leaf is salted too: the plain hash of its exact
	// content is not its commitment.
	if leaf.Matches(canon, "", nil) || tlog.Commit(canon, nil) == leaf.Commitment {
		t.Fatal("a public version's commitment can be confirmed without its salt")
	}
	// The confidential person's leaf is salted: its public commitment does
	// not match a guess of its content.
	cpf, _ := db.Proof(ctx, qantar.KindPerson, 2, 1)
	cl, _, _ := cpf.Verify(db.LogKey())
	guess, _ := qantar.Canonical(&qantar.Person{Meta: qantar.Meta{ID: 2, Version: 1}, Names: []qantar.Name{{Value: "Тайный"}}, Protection: qantar.Confidential})
	if !cl.Salted || cl.Matches(guess, "", nil) {
		t.Fatal("a confidential version's commitment can be confirmed by a guess")
	}
	if _, err := db.Proof(ctx, qantar.KindPerson, 1, 9); qantar.ErrorCode(err) != qantar.ENOTFOUND {
		t.Fatalf("proof of a missing version: %v", err)
	}
	// Every tile the checkpoint has can be read.
	for _, tile := range tlog.TilesForSize(cp.Size) {
		if _, err := db.Tile(ctx, tile); err != nil {
			t.Fatalf("tile %s: %v", tile.Path(), err)
		}
	}
}
