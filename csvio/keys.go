package csvio

import (
	"math"

	"github.com/qantar-project/qantar"
)

// keyIndex is the external keys seen in an import, each with its row: what
// finds a repeated key (and the line it repeats) and the row a later row's
// *_key names. A row of a streamed import, once the store has written (or
// refused) it, is forgotten but for its line and id, kept in a compact map
// of its own (about 60 bytes a key instead of about 190 for the row and
// its entry), so that a file of a million keyed rows does not keep a
// million rows alive until the commit.
type keyIndex struct {
	rows map[kindKey]*row
	done map[qantar.Kind]map[string]doneRow
}

// doneRow is what later rows need of a written or refused row.
type doneRow struct {
	id      int64
	line    int32
	refused bool
}

func newKeyIndex() keyIndex {
	return keyIndex{rows: map[kindKey]*row{}, done: map[qantar.Kind]map[string]doneRow{}}
}

// put notes row r under its key.
func (ki keyIndex) put(kind qantar.Kind, r *row) { ki.rows[kindKey{kind, r.key}] = r }

// get is the row that key names in this import. For a row forgotten once
// written it is a stand-in with the row's line and id (and whether the
// store refused it): all that a later row asks of it.
func (ki keyIndex) get(kind qantar.Kind, key string) (*row, bool) {
	if r, ok := ki.rows[kindKey{kind, key}]; ok {
		return r, true
	}
	d, ok := ki.done[kind][key]
	if !ok {
		return nil, false
	}
	return &row{line: int(d.line), id: d.id, refused: d.refused}, true
}

// forget keeps only the line and id of each keyed row of rows that the
// store has written or refused; the others (a chunk the writer did not
// finish) stay as they are.
func (ki keyIndex) forget(rows []*row) {
	for _, r := range rows {
		if r.key == "" || (r.id == 0 && !r.refused) || r.line > math.MaxInt32 {
			continue
		}
		k := kindKey{r.t.kind, r.key}
		if ki.rows[k] != r {
			continue
		}
		delete(ki.rows, k)
		m := ki.done[k.kind]
		if m == nil {
			m = map[string]doneRow{}
			ki.done[k.kind] = m
		}
		m[r.key] = doneRow{id: r.id, line: int32(r.line), refused: r.refused}
	}
}
