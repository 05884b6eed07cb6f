package storetest

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
)

// written makes a database with a few records in it, closed.
func written(t *testing.T, e Engine) Place {
	t.Helper()
	p := e.New(t)
	db, err := e.Open(ctx(), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		rec := &qantar.Person{Names: []qantar.Name{{Value: "Person " + string(rune('A'+i))}}}
		if err := db.Create(ctx(), editor, rec); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

// testReadOnlyOpenWritesNothing: a read-only open writes nothing, not even
// what an open would repair (a checkpoint, the projections), and refuses
// writes; its Verify names what is wrong.
func testReadOnlyOpenWritesNothing(t *testing.T, e Engine) {
	for _, tc := range []struct {
		name   string
		tamper string
		ok     bool
	}{
		{"intact", "", true},
		{"checkpoint removed", "UPDATE tlog_state SET checkpoint = NULL", false},
		{"rules changed", "UPDATE records SET pub_data = NULL", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := written(t, e)
			if tc.tamper != "" && e.Exec(t, p, tc.tamper) == 0 {
				t.Fatalf("tampering changed nothing: %s", tc.tamper)
			}
			before := e.State(t, p)
			db, err := e.Open(ctx(), p, Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			rep, err := db.Verify(ctx())
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK() != tc.ok {
				t.Errorf("verify ok = %v, want %v: %v", rep.OK(), tc.ok, rep.Problems)
			}
			if err := db.Create(ctx(), editor, &qantar.Person{Names: []qantar.Name{{Value: "X"}}}); err == nil {
				t.Error("a write through a read-only DB succeeded")
			}
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			if after := e.State(t, p); after != before {
				t.Errorf("the database changed: %s → %s", before, after)
			}
		})
	}
}

func testReadOnlyRefusesOlderSchema(t *testing.T, e Engine) {
	p := written(t, e)
	e.Exec(t, p, "DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)")
	before := e.State(t, p)
	db, err := e.Open(ctx(), p, Options{ReadOnly: true})
	if err == nil {
		db.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "older than this binary") {
		t.Fatalf("err = %v, want a refusal of an older schema", err)
	}
	if after := e.State(t, p); after != before {
		t.Errorf("the refused database changed: %s → %s", before, after)
	}
}

func testReadOnlyNeedsKey(t *testing.T, e Engine) {
	p := written(t, e)
	if err := os.Remove(p.Key); err != nil {
		t.Fatal(err)
	}
	db, err := e.Open(ctx(), p, Options{ReadOnly: true})
	if err == nil {
		db.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "no log key") {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(p.Key); !errors.Is(err, fs.ErrNotExist) {
		t.Error("a read-only open created a key")
	}
}

// testLogKeepsItsOrigin: a log keeps the origin of its first checkpoint:
// reopening without one keeps it, and another one is refused.
func testLogKeepsItsOrigin(t *testing.T, e Engine) {
	p := e.New(t)
	db, err := e.Open(ctx(), p, Options{LogOrigin: "a.example.org/log"})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if db, err = e.Open(ctx(), p, Options{}); err != nil {
		t.Fatal(err)
	}
	if k := db.LogKey(); !strings.HasPrefix(k, "a.example.org/log+") {
		t.Errorf("key %q", k)
	}
	db.Close()
	db, err = e.Open(ctx(), p, Options{LogOrigin: "b.example.org/log"})
	if err == nil {
		db.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "keeps its name") {
		t.Fatalf("err = %v", err)
	}
}

// testRepairCheckpoint: a log that lost its checkpoint opens only for
// repair, which signs its leaves as they stand once, with a reason; a log
// whose size and leaves disagree is not signed.
func testRepairCheckpoint(t *testing.T, e Engine) {
	p := written(t, e)
	e.Exec(t, p, "UPDATE tlog_state SET checkpoint = NULL")
	if db, err := e.Open(ctx(), p, Options{}); err == nil {
		db.Close()
		t.Fatal("a log without a checkpoint opened without repair")
	}
	db := openEngine(t, e, p, Options{Repair: true})
	if _, err := db.RepairCheckpoint(ctx(), ""); err == nil {
		t.Error("repaired without a reason")
	}
	signed, err := db.RepairCheckpoint(ctx(), "checkpoint row lost in a drill")
	if err != nil || signed == nil {
		t.Fatalf("repair = %q, %v", signed, err)
	}
	if rep, err := db.Verify(ctx()); err != nil || !rep.OK() {
		t.Fatalf("after repair: %v %v", rep, err)
	}
	if again, err := db.RepairCheckpoint(ctx(), "again"); err != nil || again != nil {
		t.Fatalf("second repair = %q, %v; want nothing to repair", again, err)
	}
	if list, _, err := db.ListAudit(ctx(), 10, 0); err != nil || len(list) != 1 || list[0].Action != qantar.AuditRepair ||
		!strings.Contains(list[0].Detail, "checkpoint row lost in a drill") || !strings.Contains(list[0].Detail, "missing") {
		t.Fatalf("audit = %+v, %v", list, err)
	}
	e.Exec(t, p, "UPDATE tlog_state SET checkpoint = NULL, size = size + 1")
	if _, err := db.RepairCheckpoint(ctx(), "size off by one"); qantar.ErrorCode(err) != qantar.EINVALID {
		t.Fatalf("repair of a log whose size is not its leaves: %v", err)
	}
}
