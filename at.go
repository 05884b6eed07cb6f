package qantar

import (
	"context"
	"time"
)

// LogPoint is the log at one size: the root hash of its first Size leaves
// and the time of the last of them (zero for an empty log). Figures pinned
// to a checkpoint take their "today" from Time, never from the wall clock,
// so that anyone can compute them again from the same records.
type LogPoint struct {
	Size int64
	Root []byte
	Time time.Time
}

// AtReader reads the records as they were at a size of the log: what a
// checkpoint of that size committed to.
type AtReader interface {
	// RecordsAt returns, in id order, the latest version of each record of
	// kind k whose log leaf index is below size, unless that version is a
	// deletion. CreatedAt is the time of the record's first version and
	// UpdatedAt that of the version returned. A size beyond the log is
	// ENOTFOUND.
	RecordsAt(ctx context.Context, k Kind, size int64) ([]Record, error)
	// LogAt returns the log at a size no larger than its latest
	// checkpoint's; a negative size means the latest checkpoint's.
	LogAt(ctx context.Context, size int64) (LogPoint, error)
}

// ChangeReader reads what a stretch of the log changed, so that the records
// at one size can be had from those at an earlier one without reading the
// rest again (the figures of each new checkpoint).
type ChangeReader interface {
	// ChangesAt returns, in id order, each record of kind k with a
	// version whose leaf index is in [from, to): its latest such version
	// as RecordsAt(k, to) gives it, or nil when that version is a
	// deletion. A range beyond the log is ENOTFOUND.
	ChangesAt(ctx context.Context, k Kind, from, to int64) ([]Change, error)
	// EachRecordAt gives fn, in id order, each record RecordsAt(k, size)
	// returns, one at a time and keeping none: a reader that keeps only
	// part of each record never holds a whole kind. An error from fn
	// stops the read and is returned.
	EachRecordAt(ctx context.Context, k Kind, size int64, fn func(Record) error) error
}

// Change is a record's state after a stretch of the log: Record nil when
// it was deleted.
type Change struct {
	ID     int64
	Record Record
}

// ApplyChanges returns the records at the end of a stretch of the log from
// those at its start (recs, in id order, as RecordsAt gives them) and what
// the stretch changed (ChangesAt): a new slice in id order; recs is not
// modified, and the records are shared, not copied.
func ApplyChanges(recs []Record, changes []Change) []Record {
	out := make([]Record, 0, len(recs)+len(changes))
	i := 0
	for _, c := range changes {
		for i < len(recs) && recs[i].GetMeta().ID < c.ID {
			out = append(out, recs[i])
			i++
		}
		if i < len(recs) && recs[i].GetMeta().ID == c.ID {
			i++ // replaced or deleted
		}
		if c.Record != nil {
			out = append(out, c.Record)
		}
	}
	return append(out, recs[i:]...)
}
