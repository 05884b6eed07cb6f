package storetest

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/locale"
	"github.com/qantar-project/qantar/seed"
	"github.com/qantar-project/qantar/tlog"
)

// logged opens a database holding the bundled data, an updated person, a
// confidential person and a deleted record.
func logged(t *testing.T, e Engine) (EngineStore, Place) {
	t.Helper()
	p := e.New(t)
	db := openEngine(t, e, p, Options{})
	f, _ := seed.Bundled()
	if _, err := seed.Load(ctx(), db, f); err != nil {
		t.Fatal(err)
	}
	pub := &qantar.Person{Names: []qantar.Name{{Value: "Публичный"}}}
	if err := db.Create(ctx(), editor, pub); err != nil {
		t.Fatal(err)
	}
	pub.Names[0].Value = "Публичный Второй"
	if err := db.Update(ctx(), editor, pub); err != nil {
		t.Fatal(err)
	}
	c := &qantar.Person{Names: []qantar.Name{{Value: "Тайный"}}, Protection: qantar.Confidential}
	if err := db.Create(ctx(), editor, c); err != nil {
		t.Fatal(err)
	}
	d := &qantar.Person{Names: []qantar.Name{{Value: "Удалённый"}}}
	if err := db.Create(ctx(), editor, d); err != nil {
		t.Fatal(err)
	}
	if err := db.Delete(ctx(), editor, qantar.KindPerson, d.ID, 1, "entered twice"); err != nil {
		t.Fatal(err)
	}
	return db, p
}

func testVerifyUntouched(t *testing.T, e Engine) {
	db, _ := logged(t, e)
	rep, err := db.Verify(ctx())
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

// tamperings are the changes to a logged database that every engine
// writes in the same SQL.
var tamperings = []Tampering{
	{"EditCurrentRecord", `UPDATE records SET data = replace(data, 'Публичный Второй', 'Подменённый') WHERE kind = 'persons'`, "persons/1"},
	{"EditVersionContent", `UPDATE versions SET data = replace(data, 'Публичный', 'Подменённый') WHERE kind = 'persons' AND id = 1 AND version = 1`, "persons/1 version 1"},
	{"DeleteVersionRow", `DELETE FROM versions WHERE kind = 'persons' AND id = 1 AND version = 1`, "persons/1 version 1"},
	{"ChangeActor", `UPDATE versions SET actor = 'system' WHERE kind = 'persons' AND id = 1 AND version = 2`, "persons/1 version 2"},
	{"ChangeActorSameClass", `UPDATE versions SET actor = 'user:2' WHERE kind = 'persons' AND id = 1 AND version = 2`, "persons/1 version 2"},
	{"MoveVersionOffLog", `UPDATE versions SET leaf_index = NULL WHERE kind = 'persons' AND id = 1 AND version = 2`, "persons/1 version 2"},
	{"DeleteLeaf", `DELETE FROM tlog_leaves WHERE idx = 3`, "leaf"},
	{"UndeleteRecord", `UPDATE records SET deleted_at = NULL WHERE kind = 'persons' AND id = 3`, "persons/3"},
	{"EditDeleteReason", `UPDATE versions SET reason = 'asked by the family' WHERE kind = 'persons' AND id = 3 AND op = 'delete'`, "persons/3 version 2"},
	{"EditProtectionColumn", `UPDATE records SET protection = 'public' WHERE kind = 'persons' AND id = 2`, "persons/2: its protection column"},
	{"ClearPublicProjection", `UPDATE records SET pub_data = NULL WHERE kind = 'persons' AND id = 2`, "persons/2: what anonymous readers are shown"},
	{"EditViewerProjection", `UPDATE records SET viewer_data = data WHERE kind = 'persons' AND id = 2`, "persons/2: what viewers are shown"},
	{"EditSalt", `UPDATE versions SET salt = NULL WHERE kind = 'persons' AND id = 1 AND version = 1`, "persons/1 version 1"},
	// The list filters' index (record_fields): a value shown to the public
	// that no projection of the public's holds, and rows taken away.
	{"AddPublicFieldRow", `INSERT INTO record_fields (kind, field, value, seen, id) VALUES ('persons', 'sex', '''female', 1, 2)`, "index of persons (record_fields)"},
	{"DeleteFieldRows", `DELETE FROM record_fields`, "(record_fields) holds 0 rows"},
	// The search index's keys (search_terms): a key no record holds, a
	// confidential key moved where the public's expansion reads, one
	// taken away, a count changed, a count of 0 kept.
	{"AddTermRow", `INSERT INTO search_terms (protection, term, records) VALUES ('public', 'podmena', 1)`, "keys of the public level (search_terms)"},
	{"MoveTermToPublic", `UPDATE search_terms SET protection = 'public' WHERE protection = 'confidential'`, "keys of the confidential level (search_terms)"},
	{"DeleteTermRow", `DELETE FROM search_terms WHERE protection = 'confidential'`, "keys of the confidential level (search_terms) add up to 0"},
	{"ChangeTermCount", `UPDATE search_terms SET records = records + 1 WHERE protection = 'confidential'`, "keys of the confidential level (search_terms)"},
	{"KeepZeroTermCount", `UPDATE search_terms SET records = 0 WHERE protection = 'confidential'`, "keys with a count of 0 or less: "},
}

func testVerifyFindsTampering(t *testing.T, e Engine) {
	for _, tt := range append(append([]Tampering{}, tamperings...), e.Tamperings...) {
		t.Run(tt.Name, func(t *testing.T) {
			t.Parallel()
			db, p := logged(t, e)
			if n := e.Exec(t, p, tt.SQL); n == 0 {
				t.Fatalf("tampering changed nothing: %s", tt.SQL)
			}
			rep, err := db.Verify(ctx())
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK() {
				t.Fatal("verify passed a tampered database")
			}
			if !strings.Contains(strings.Join(rep.Problems, "\n"), tt.Want) {
				t.Fatalf("problems do not name %q: %v", tt.Want, rep.Problems)
			}
			saidInEveryLanguage(t, rep)
			if rebuilt[tt.Name] {
				rebuildAndVerify(t, e, db, p)
			}
		})
	}
}

// rebuilt are the tamperings of what a store keeps beside its records
// (protection and projection columns, record_fields, search_terms), which
// MarkRebuild and the next open make again from the records.
var rebuilt = map[string]bool{
	"EditProtectionColumn": true, "ClearPublicProjection": true, "EditViewerProjection": true,
	"AddPublicFieldRow": true, "DeleteFieldRows": true, "AddTermRow": true, "MoveTermToPublic": true,
	"DeleteTermRow": true, "ChangeTermCount": true, "KeepZeroTermCount": true,
}

// rebuildAndVerify marks db's kept tables to be made again, opens it
// again, and holds it to verifying.
func rebuildAndVerify(t *testing.T, e Engine, db EngineStore, p Place) {
	t.Helper()
	if err := db.MarkRebuild(ctx(), "verify found it edited (test)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	again := openEngine(t, e, p, Options{})
	rep, err := again.Verify(ctx())
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("after the rebuild, verify still finds: %v", rep.Problems)
	}
}

// saidInEveryLanguage holds every problem of rep to being a key of the
// catalogue, as is each word it names (qantar verify says them in the
// reader's language), and Keyed to saying what Problems says.
func saidInEveryLanguage(t *testing.T, rep *qantar.VerifyReport) {
	t.Helper()
	if len(rep.Keyed) != len(rep.Problems) {
		t.Fatalf("%d problems, %d keyed", len(rep.Problems), len(rep.Keyed))
	}
	c := locale.Default()
	for i, p := range rep.Keyed {
		key, args := p.Key()
		if p.Error() != rep.Problems[i] || !c.Has(key) {
			t.Errorf("problem %q (%q) is not a key of the catalogue", rep.Problems[i], key)
		}
		for _, a := range args {
			if w, ok := a.(qantar.Keyed); ok {
				if k, _ := w.Key(); !c.Has(k) {
					t.Errorf("problem %q: %q is not a key of the catalogue", rep.Problems[i], k)
				}
			}
		}
	}
}

func testProofAndTiles(t *testing.T, e Engine) {
	db, _ := logged(t, e)
	p, err := db.Proof(ctx(), qantar.KindPerson, 1, 2)
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
	rec, _ := db.Get(ctx(), qantar.KindPerson, 1)
	canon, _ := qantar.Canonical(rec)
	h, err := db.History(ctx(), qantar.KindPerson, 1)
	if err != nil {
		t.Fatal(err)
	}
	salt, _ := hex.DecodeString(h[1].Salt)
	if leaf.Format != tlog.LeafV3 || len(salt) != tlog.SaltSize || !leaf.Matches(canon, "", h[1].Actor, salt) {
		t.Fatalf("the leaf does not commit to the record's content with its salt (%q)", h[1].Salt)
	}
	// A public version's leaf is salted too: the plain hash of its exact
	// content is not its commitment.
	if leaf.Matches(canon, "", h[1].Actor, nil) || tlog.Commit(canon, nil) == leaf.Commitment {
		t.Fatal("a public version's commitment can be confirmed without its salt")
	}
	// The confidential person's leaf is salted: its public commitment does
	// not match a guess of its content.
	cpf, _ := db.Proof(ctx(), qantar.KindPerson, 2, 1)
	cl, _, _ := cpf.Verify(db.LogKey())
	guess, _ := qantar.Canonical(&qantar.Person{Meta: qantar.Meta{ID: 2, Version: 1}, Names: []qantar.Name{{Value: "Тайный"}}, Protection: qantar.Confidential})
	if !cl.Salted || cl.Matches(guess, "", editor.ID, nil) {
		t.Fatal("a confidential version's commitment can be confirmed by a guess")
	}
	if _, err := db.Proof(ctx(), qantar.KindPerson, 1, 9); qantar.ErrorCode(err) != qantar.ENOTFOUND {
		t.Fatalf("proof of a missing version: %v", err)
	}
	// Every tile the checkpoint has can be read, and none beyond it.
	for _, tile := range tlog.TilesForSize(cp.Size) {
		if _, err := db.Tile(ctx(), tile); err != nil {
			t.Fatalf("tile %s: %v", tile.Path(), err)
		}
	}
	if _, err := db.Tile(ctx(), tlog.TileID{Level: 0, Index: 99, Width: 256}); err == nil {
		t.Fatal("a tile beyond the tree was served")
	}
}
