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
