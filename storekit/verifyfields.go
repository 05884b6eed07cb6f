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
// projections (FieldRows), those of search_terms from each live record's
// search document (verifyterms.go). verify compares each table with what
// the records give, group by group (a kind, a level), as multisets: the sum
// of a keyed hash of every row the records give against the sum over the
// rows the table holds. The key is drawn afresh for each run, so whoever
// edits a table beforehand cannot choose rows whose hashes cancel. An
// edited row of record_fields would let a list filter match (or miss) a
// value a reader's projection does not hold; the table is made again whole
// by a reprojection (qantar migrate after resetting the projection rules,
// or qantar copy).

// keyedSums are, per group, the number of rows (each counted as many
// times as it was added) and the sum of their keyed hashes.
type keyedSums map[string]*keyedSum

type keyedSum struct {
	n   int64
	sum [4]uint64
}

// add adds a row, times times, of group: parts are its columns (lengths
// prefixed, so that no two rows encode alike) after the run's key.
func (s keyedSums) add(key []byte, group string, times int64, parts []string, ints ...int64) {
	f := s[group]
	if f == nil {
		f = &keyedSum{}
		s[group] = f
	}
	var room [256]byte // most rows' encoding, without a heap allocation
	buf := append(room[:0], key...)
	for _, part := range parts {
		buf = binary.BigEndian.AppendUint32(buf, uint32(len(part)))
		buf = append(buf, part...)
	}
	for _, i := range ints {
		buf = binary.BigEndian.AppendUint64(buf, uint64(i))
	}
	d := sha256.Sum256(buf)
	f.n += times
	for i := range f.sum {
		f.sum[i] += uint64(times) * binary.BigEndian.Uint64(d[8*i:])
	}
}

func (s keyedSums) merge(o keyedSums) {
	for group, f := range o {
		g := s[group]
		if g == nil {
			g = &keyedSum{}
			s[group] = g
		}
		g.n += f.n
		for i := range g.sum {
			g.sum[i] += f.sum[i]
		}
	}
}

// differ calls bad, in the order of groups, for each group whose rows in
// got are not those of want, with the number of rows of each.
func (want keyedSums) differ(got keyedSums, bad func(group string, got, want int64)) {
	groups := map[string]bool{}
	for g := range want {
		groups[g] = true
	}
	for g := range got {
		groups[g] = true
	}
	for _, g := range slices.Sorted(maps.Keys(groups)) {
		w, h := want[g], got[g]
		if w == nil {
			w = &keyedSum{}
		}
		if h == nil {
			h = &keyedSum{}
		}
		if *w != *h {
			bad(g, h.n, w.n)
		}
	}
}

// sumsKey draws the key of one verify run.
func sumsKey() []byte {
	key := make([]byte, 32)
	_, _ = rand.Read(key) // crypto/rand.Read does not fail (Go 1.24)
	return key
}

// addField adds a row of record_fields.
func (s keyedSums) addField(key []byte, kind qantar.Kind, field, value string, seen int, id int64) {
	s.add(key, string(kind), 1, []string{string(kind), field, value}, int64(seen), id)
}

// expectFields adds the rows a live record's JSON and projections give.
func expectFields(s keyedSums, key []byte, row *currentRow) error {
	rows, err := FieldRows(row.Kind, row.Data, row.pub, row.view)
	if err != nil {
		return err
	}
	for _, fr := range rows {
		s.addField(key, row.Kind, fr.Field, fr.Value, fr.Seen, row.ID)
	}
	return nil
}

// verifyFields reads record_fields whole and names each kind whose rows are
// not those its records give.
func verifyFields(ctx context.Context, r Reader, key []byte, want keyedSums, rep *qantar.VerifyReport) error {
	rows, err := r.Query(ctx, `SELECT kind, field, value, seen, id FROM record_fields`)
	if err != nil {
		return fmt.Errorf("record fields: %w", err)
	}
	got := keyedSums{}
	var kind, field, value string
	var seen, id int64
	err = Each(rows, []any{&kind, &field, &value, &seen, &id}, func() error {
		got.addField(key, qantar.Kind(kind), field, value, int(seen), id)
		return nil
	})
	if err != nil {
		return fmt.Errorf("record fields: %w", err)
	}
	want.differ(got, func(kind string, got, want int64) {
		rep.Problem("the list filters' index of %s (record_fields) holds %d rows where the records and their projections give %d, or other values: it was edited; qantar repair --rebuild makes it again from the records", kind, got, want)
	})
	return nil
}
