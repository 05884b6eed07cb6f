package storekit

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"maps"
	"slices"

	"github.com/qantar-project/qantar"
)

// The rows of record_fields are derived from each live record's JSON and
// projections (FieldRows). verify compares them, kind by kind, as
// multisets: the sum of a keyed hash of every row the records give against
// the sum over the rows the table holds. The key is drawn afresh for each
// run, so whoever edits the table beforehand cannot choose rows whose hashes
// cancel. An edited row would let a list filter match (or miss) a value a
// reader's projection does not hold; the table is made again whole by a
// reprojection (qantar migrate after resetting the projection rules, or
// qantar copy).

// fieldSums are, per kind, the number of rows and the sum of their hashes.
type fieldSums map[qantar.Kind]*fieldSum

type fieldSum struct {
	n   int64
	sum [4]uint64
}

func (s fieldSums) add(key []byte, kind qantar.Kind, field, value string, seen int, id int64) {
	f := s[kind]
	if f == nil {
		f = &fieldSum{}
		s[kind] = f
	}
	buf := make([]byte, 0, len(key)+len(kind)+len(field)+len(value)+48)
	buf = append(buf, key...)
	for _, part := range []string{string(kind), field, value} {
		buf = binary.BigEndian.AppendUint32(buf, uint32(len(part)))
		buf = append(buf, part...)
	}
	buf = binary.BigEndian.AppendUint64(buf, uint64(seen))
	buf = binary.BigEndian.AppendUint64(buf, uint64(id))
	d := sha256.Sum256(buf)
	f.n++
	for i := range f.sum {
		f.sum[i] += binary.BigEndian.Uint64(d[8*i:])
	}
}

func (s fieldSums) merge(o fieldSums) {
	for kind, f := range o {
		g := s[kind]
		if g == nil {
			g = &fieldSum{}
			s[kind] = g
		}
		g.n += f.n
		for i := range g.sum {
			g.sum[i] += f.sum[i]
		}
	}
}

// fieldsKey draws the key of one verify run.
func fieldsKey() []byte {
	key := make([]byte, 32)
	_, _ = rand.Read(key) // crypto/rand.Read does not fail (Go 1.24)
	return key
}

// expectFields adds the rows a live record's JSON and projections give.
func expectFields(s fieldSums, key []byte, row *currentRow) error {
	rows, err := FieldRows(row.Kind, row.Data, row.pub, row.view)
	if err != nil {
		return err
	}
	for _, fr := range rows {
		s.add(key, row.Kind, fr.Field, fr.Value, fr.Seen, row.ID)
	}
	return nil
}

// verifyFields reads record_fields whole and names each kind whose rows are
// not those its records give.
func verifyFields(ctx context.Context, r Reader, key []byte, want fieldSums, rep *qantar.VerifyReport) error {
	rows, err := r.Query(ctx, `SELECT kind, field, value, seen, id FROM record_fields`)
	if err != nil {
		return fmt.Errorf("record fields: %w", err)
	}
	got := fieldSums{}
	var kind, field, value string
	var seen, id int64
	err = Each(rows, []any{&kind, &field, &value, &seen, &id}, func() error {
		got.add(key, qantar.Kind(kind), field, value, int(seen), id)
		return nil
	})
	if err != nil {
		return fmt.Errorf("record fields: %w", err)
	}
	kinds := map[qantar.Kind]bool{}
	for k := range want {
		kinds[k] = true
	}
	for k := range got {
		kinds[k] = true
	}
	for _, k := range slices.Sorted(maps.Keys(kinds)) {
		w, g := want[k], got[k]
		if w == nil {
			w = &fieldSum{}
		}
		if g == nil {
			g = &fieldSum{}
		}
		if *w != *g {
			rep.Problem("the list filters' index of %s (record_fields) holds %d rows where the records and their projections give %d, or other values: it was edited; reproject to rebuild it", k, g.n, w.n)
		}
	}
	return nil
}
