package sqlite

import (
	"context"
	"reflect"

	"github.com/qantar-project/qantar"
)

// known is what a write transaction knows of live records without asking
// the database again: a record it has written or read (a snapshot of it),
// or only that the record is live (nil). The projections of an act or a
// citation resolve the person they are about through it, instead of
// reading the person back for every act. Every write of the transaction
// puts what it wrote (or forgets what it deleted) as soon as its row is
// written, so that nothing resolved here is older than the row.
//
// It is bounded: it holds the last knownMax records put, and up to as many
// before those (two generations; the older one is dropped when the newer
// is full), so that its memory does not grow with the rows an import
// writes. A record it no longer holds is read from the database.
type known struct {
	cur, old map[qantar.Ref]qantar.Record
}

// knownMax is how many records a generation holds: more than the records
// of an import chunk (csvio writes 2,048 rows of a table a chunk, a list
// row being a person, an act and their citations), so that an act and its
// citations find the person written a chunk before.
const knownMax = 8192

// get returns what is known of r: the record (nil when only its being
// live is known), and whether anything is.
func (k *known) get(r qantar.Ref) (qantar.Record, bool) {
	if rec, ok := k.cur[r]; ok {
		return rec, true
	}
	rec, ok := k.old[r]
	if ok {
		k.put(r, rec) // used again: kept a generation longer
	}
	return rec, ok
}

// put records rec (nil: only that r is live) as r's current state.
func (k *known) put(r qantar.Ref, rec qantar.Record) {
	if k.cur == nil || len(k.cur) >= knownMax {
		// No size hint: a single write's transaction puts a record or
		// two, and a map made for knownMax costs it ~0.3 ms to clear.
		k.old, k.cur = k.cur, map[qantar.Ref]qantar.Record{}
	}
	k.cur[r] = rec
}

// wrote records that rec is now as the transaction wrote it.
func (k *known) wrote(rec qantar.Record) {
	k.put(qantar.Ref{Kind: rec.Kind(), ID: rec.GetMeta().ID}, frozen(rec))
}

// isLive records that r is live, keeping its record if it is known.
func (k *known) isLive(r qantar.Ref) {
	if _, ok := k.get(r); !ok {
		k.put(r, nil)
	}
}

// forget drops what is known of r (deleted, or never written).
func (k *known) forget(r qantar.Ref) {
	delete(k.cur, r)
	delete(k.old, r)
}

// size is how many entries it holds (for tests).
func (k *known) size() int { return len(k.cur) + len(k.old) }

// frozen is a shallow copy of rec, so that what the caller does with
// its record after the write (change a field, fail to write it again)
// does not change what the transaction knows. What projections resolve a
// record for are its scalar fields (a person's protection and consent, an
// act's victim, a post's person, ...), which the copy holds by value.
func frozen(rec qantar.Record) qantar.Record {
	v := reflect.ValueOf(rec)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return rec
	}
	c := reflect.New(v.Elem().Type())
	c.Elem().Set(v.Elem())
	return c.Interface().(qantar.Record)
}

// resolved is what a record's projections resolved, each answer as the
// transaction gave it, so that they can be made again off the
// transaction's goroutine (by CreateAll's encoding workers), with the same
// answers and no database.
type resolved map[qantar.Ref]resolution

type resolution struct {
	rec qantar.Record
	err error
}

// resolving runs the rules of qantar.Project for both kept projections of
// rec (not their JSON, which the workers make) through the transaction,
// and returns every answer they needed (nil when none).
func (tx *Tx) resolving(ctx context.Context, rec qantar.Record) resolved {
	var out resolved
	through := tx.resolver(ctx)
	record := func(k qantar.Kind, id int64) (qantar.Record, error) {
		r, err := through(k, id)
		if out == nil {
			out = resolved{}
		}
		out[qantar.Ref{Kind: k, ID: id}] = resolution{r, err}
		return r, err
	}
	qantar.Project(qantar.PublicReader, rec, record)
	qantar.Project(qantar.ViewerReader, rec, record)
	return out
}

// resolver answers from what was resolved; a question that was not asked
// then sets *missed (and is answered as a record that cannot be looked up,
// which hides more, never less): the caller then projects again through
// the transaction.
func (d resolved) resolver(missed *bool) qantar.Resolver {
	return func(k qantar.Kind, id int64) (qantar.Record, error) {
		r, ok := d[qantar.Ref{Kind: k, ID: id}]
		if !ok {
			*missed = true
			return nil, qantar.Errorf(qantar.ENOTFOUND, "%s/%d was not resolved", k, id)
		}
		return r.rec, r.err
	}
}
