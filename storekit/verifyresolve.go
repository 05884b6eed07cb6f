package storekit

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/qantar-project/qantar"
)

// The projection rules ask about other records (qantar.Resolver): a
// citation about its involvement, that involvement's act, that act's
// victim. verify answers a page of records' questions from reads of a
// batch each: one query a kind a round, a round a level of those chains,
// instead of a query a question (on PostgreSQL a round trip each, most of
// verify's time).

// resolution is a Resolver's answer.
type resolution struct {
	rec qantar.Record
	err error
}

// prefetchRounds bounds the rounds of prefetch; the longest chain of the
// rules is three records deep, and any question left is asked alone.
const prefetchRounds = 6

// errNotRead answers a question whose record is not read yet (ask); never
// shown.
var errNotRead = errors.New("not read yet")

// resolvedPage is what the rules asked of one page's records, answered.
type resolvedPage map[qantar.Ref]resolution

// fetcher reads the live records refs name, as GetRecord would answer each.
type fetcher func(refs []qantar.Ref) (resolvedPage, error)

// prefetch runs the rules of both kept projections of recs (qantar.Project,
// as qantar.Projections does) against what d holds, reads every record
// they asked for that d lacks with fetch, and again, until they ask
// nothing new.
func (d resolvedPage) prefetch(recs []qantar.Record, fetch fetcher) error {
	for round := 0; len(recs) > 0 && round < prefetchRounds; round++ {
		asked := map[qantar.Ref]bool{}
		var again []qantar.Record
		for _, rec := range recs {
			if d.ask(rec, asked) {
				again = append(again, rec)
			}
		}
		if len(asked) == 0 {
			return nil
		}
		got, err := fetch(slices.Collect(maps.Keys(asked)))
		if err != nil {
			return err
		}
		for ref, res := range got {
			d[ref] = res
		}
		recs = again
	}
	return nil
}

// ask projects rec for both kept classes from d alone, adds to asked what
// d could not answer, and reports whether there was any.
func (d resolvedPage) ask(rec qantar.Record, asked map[qantar.Ref]bool) bool {
	missed := false
	from := func(k qantar.Kind, id int64) (qantar.Record, error) {
		ref := qantar.Ref{Kind: k, ID: id}
		if r, ok := d[ref]; ok {
			return r.rec, r.err
		}
		missed, asked[ref] = true, true
		return nil, errNotRead
	}
	qantar.Project(qantar.PublicReader, rec, from)
	qantar.Project(qantar.ViewerReader, rec, from)
	return missed
}

// resolver answers from d, and reads what d lacks with fetch (a question
// prefetch did not foresee), keeping the answer.
func (d resolvedPage) resolver(fetch fetcher) qantar.Resolver {
	return func(k qantar.Kind, id int64) (qantar.Record, error) {
		ref := qantar.Ref{Kind: k, ID: id}
		if r, ok := d[ref]; ok {
			return r.rec, r.err
		}
		got, err := fetch([]qantar.Ref{ref})
		if err != nil {
			return nil, err
		}
		d[ref] = got[ref]
		return got[ref].rec, got[ref].err
	}
}

// fetchRecords reads the records refs name from r, a query a kind, and
// answers each as GetRecord does.
func fetchRecords(ctx context.Context, r Reader, refs []qantar.Ref) (resolvedPage, error) {
	byKind := map[qantar.Kind][]int64{}
	for _, ref := range refs {
		byKind[ref.Kind] = append(byKind[ref.Kind], ref.ID)
	}
	out := make(resolvedPage, len(refs))
	for kind, ids := range byKind {
		if err := fetchKind(ctx, r, kind, ids, out); err != nil {
			return nil, err
		}
		for _, id := range ids {
			ref := qantar.Ref{Kind: kind, ID: id}
			if _, ok := out[ref]; !ok {
				out[ref] = resolution{err: notFound(kind, id)}
			}
		}
	}
	return out, nil
}

// fetchKind reads the records of kind with ids into out.
func fetchKind(ctx context.Context, r Reader, kind qantar.Kind, ids []int64, out resolvedPage) error {
	list := make([]string, len(ids))
	for i, id := range ids {
		list[i] = strconv.FormatInt(id, 10)
	}
	rows, err := r.Query(ctx, `SELECT id, data, deleted_at FROM records WHERE kind = $1 AND id IN (`+
		strings.Join(list, ",")+`)`, string(kind))
	if err != nil {
		return fmt.Errorf("get %s: %w", kind, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var data string
		var deleted Time
		if err := rows.Scan(&id, &data, &deleted); err != nil {
			return fmt.Errorf("get %s: %w", kind, err)
		}
		rec, err := storedRecord(kind, id, data, deleted)
		out[qantar.Ref{Kind: kind, ID: id}] = resolution{rec, err}
	}
	return rows.Err()
}

// notFound is GetRecord's answer for a record that does not exist.
func notFound(kind qantar.Kind, id int64) error {
	return qantar.Errorf(qantar.ENOTFOUND, "%s/%d does not exist", kind, id)
}

// storedRecord is GetRecord's answer for a row read.
func storedRecord(kind qantar.Kind, id int64, data string, deleted Time) (qantar.Record, error) {
	if deleted.Valid {
		return nil, qantar.Errorf(qantar.ENOTFOUND, "%s/%d was deleted on %s; its history remains", kind, id, deleted.T.Format("2006-01-02"))
	}
	return qantar.DecodeStored(kind, data)
}
