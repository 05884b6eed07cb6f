package command

import (
	"context"
	"strings"

	"github.com/qantar-project/qantar"
)

// Source is how a near index (near.go) reads the records, each as Reader
// sees it (its projection, as qantar.Project gives it): nothing else is
// matched, counted or followed. The site gives its cached reads, the API
// StoreSource's.
type Source struct {
	Reader qantar.Actor
	// State changes with every write (the log's checkpoint); "" keeps
	// nothing between questions.
	State string
	// Get returns a live record; ENOTFOUND when there is none.
	Get func(ctx context.Context, kind qantar.Kind, id int64) (qantar.Record, error)
	// Referrers returns the live records of kind from whose projection
	// refers to to/id, in the order of ids.
	Referrers func(ctx context.Context, to qantar.Kind, id int64, from qantar.Kind) ([]qantar.Record, error)
	// List returns every live record of kind that f selects (its Where
	// or Q, f.Reader being Reader), in the order of ids.
	List func(ctx context.Context, kind qantar.Kind, f qantar.Filter) ([]qantar.Record, error)
}

// referrerReader is a store that reads the records that refer to one, as a
// reader sees them (storekit.Lists.Referrers, which both stores have).
type referrerReader interface {
	Referrers(ctx context.Context, to qantar.Kind, id int64, from qantar.Kind, reader qantar.Actor) ([]qantar.Record, error)
}

// StoreSource reads st as reader sees it: a record from the projection
// the store keeps (qantar.PreparedReader) or projected here, the referrers
// through the store's refs when it has them, else by reading and matching
// every record of the kind.
func StoreSource(st qantar.Store, reader qantar.Actor, state string) Source {
	return Source{Reader: reader, State: state,
		Get: func(ctx context.Context, kind qantar.Kind, id int64) (qantar.Record, error) {
			return storeGet(ctx, st, reader, kind, id)
		},
		Referrers: func(ctx context.Context, to qantar.Kind, id int64, from qantar.Kind) ([]qantar.Record, error) {
			if rr, ok := st.(referrerReader); ok {
				return rr.Referrers(ctx, to, id, from, reader)
			}
			return qantar.ScanReferrers(ctx, st, reader, to, id, from)
		},
		List: func(ctx context.Context, kind qantar.Kind, f qantar.Filter) ([]qantar.Record, error) {
			f.Reader = reader
			return qantar.ListAll(ctx, st, kind, f)
		},
	}
}

func storeGet(ctx context.Context, st qantar.Store, reader qantar.Actor, kind qantar.Kind, id int64) (qantar.Record, error) {
	if pr, ok := st.(qantar.PreparedReader); ok {
		if p, err := pr.GetPrepared(ctx, kind, id, reader); err == nil {
			return qantar.DecodeStored(kind, string(p.Data))
		}
	}
	rec, err := st.Get(ctx, kind, id)
	if err != nil {
		return nil, err
	}
	return qantar.Project(reader, rec, func(k qantar.Kind, id int64) (qantar.Record, error) { return st.Get(ctx, k, id) }), nil
}

// GetPlace is the place id as the source's reader sees it, nil when there
// is none.
func GetPlace(ctx context.Context, src Source, id int64) (*qantar.Place, error) {
	rec, err := src.Get(ctx, qantar.KindPlace, id)
	if qantar.ErrorCode(err) == qantar.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	pl, _ := rec.(*qantar.Place)
	return pl, nil
}

// FindPlaces is Index.FindPlaces over the places the source's reader
// sees, reading only those whose text holds the name: the list's text
// filter (Q) matches the reader's projection folded by strings.ToLower as
// FindPlaces folds a name, so it keeps every place FindPlaces could.
func FindPlaces(ctx context.Context, src Source, name string) ([]*qantar.Place, error) {
	q := strings.TrimSpace(name)
	if q == "" || len(q) > qantar.MaxShort {
		return nil, nil // no name is longer than the filter takes
	}
	recs, err := src.List(ctx, qantar.KindPlace, qantar.Filter{Q: q, Reader: src.Reader})
	if err != nil {
		return nil, err
	}
	return NewIndex(Input{Places: only[*qantar.Place](recs)}).FindPlaces(name), nil
}

// only keeps the records of type T.
func only[T qantar.Record](recs []qantar.Record) []T {
	out := make([]T, 0, len(recs))
	for _, r := range recs {
		if x, ok := r.(T); ok {
			out = append(out, x)
		}
	}
	return out
}
