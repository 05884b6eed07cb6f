package csvio

import (
	"testing"

	"github.com/qantar-project/qantar"
)

// TestKeyIndexForgetsWrittenRows: a row the store wrote or refused is
// forgotten but for its line and id (the stand-in a later row gets says the
// same as the row would), a row not yet written is kept, and a key taken
// again by another row is not overwritten by the first row's.
func TestKeyIndexForgetsWrittenRows(t *testing.T) {
	tb := &table{kind: qantar.KindPerson}
	written := &row{t: tb, line: 3, key: "a", id: 41, outcome: outCreated}
	refused := &row{t: tb, line: 5, key: "b", refused: true}
	waiting := &row{t: tb, line: 7, key: "c"}
	keyless := &row{t: tb, line: 8, id: 43}
	ki := newKeyIndex()
	for _, r := range []*row{written, refused, waiting} {
		ki.put(tb.kind, r)
	}
	ki.forget([]*row{written, refused, waiting, keyless})
	if len(ki.rows) != 1 || ki.rows[kindKey{tb.kind, "c"}] != waiting {
		t.Fatalf("kept %v, want only the row not yet written", ki.rows)
	}
	for _, want := range []*row{written, refused} {
		got, ok := ki.get(tb.kind, want.key)
		if !ok || got == want || got.line != want.line || got.id != want.id || got.rejected() != want.rejected() || got.bad {
			t.Errorf("key %q: got %+v (%v), want a stand-in with line %d, id %d, rejected %v", want.key, got, ok, want.line, want.id, want.rejected())
		}
	}
	if got, ok := ki.get(tb.kind, "c"); !ok || got != waiting {
		t.Errorf("key c: got %v, want the row itself", got)
	}
	if _, ok := ki.get(qantar.KindEvent, "a"); ok {
		t.Error("key a found for another kind")
	}
}
