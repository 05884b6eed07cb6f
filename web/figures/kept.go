package figures

import (
	"context"

	"github.com/qantar-project/qantar"
)

// The figures of a checkpoint are computed from every record of nearly
// every kind as the checkpoint committed to them. Read whole at each new
// checkpoint, that is the whole collection again for every write (38 s at
// 3,000,000 records). When the store reads what a stretch of the log
// changed (qantar.ChangeReader), the records of each kind are kept at the
// size they were last read at, and those of a later checkpoint are the kept
// ones with what the leaves since changed: a checkpoint's figures then read
// what its writes changed. The records are the same ones RecordsAt gives,
// slim (slim.go), as StatsAt reads them (held to it in kept_test.go), so
// the figures are too.

// keptKind is the records of one kind at the log size they were read at.
type keptKind struct {
	size int64
	recs []qantar.Record
}

// shortStretch is a stretch of the log short enough to read its changes
// whatever the records kept: either read is small.
const shortStretch = 4096

// at is the records at a log size: from those kept of each kind at an
// earlier size and what the log changed since, when the store reads
// changes and the stretch is not much longer than the records kept (its
// leaves are read once a kind); else read whole. Either way they are kept
// for the next checkpoint. Kept records are shared, never modified.
func (f *Figures) at(at qantar.AtReader, size int64) Source {
	cr, ok := at.(qantar.ChangeReader)
	if !ok {
		return At(at, size)
	}
	return func(ctx context.Context, kind qantar.Kind) ([]qantar.Record, error) {
		f.mu.Lock()
		k, ok := f.kept[kind]
		f.mu.Unlock()
		if !ok || k.size > size || size-k.size > int64(len(k.recs))+shortStretch {
			recs, err := slimAt(ctx, at, kind, size)
			if err == nil {
				f.keepRecords(kind, size, recs)
			}
			return recs, err
		}
		ch, err := cr.ChangesAt(ctx, kind, k.size, size)
		if err != nil {
			return nil, err
		}
		for i, c := range ch {
			if c.Record != nil {
				ch[i].Record = slim(c.Record)
			}
		}
		recs := qantar.ApplyChanges(k.recs, ch)
		f.keepRecords(kind, size, recs)
		return recs, nil
	}
}

// keepRecords keeps recs as kind's records at size, unless a later size's
// are kept already.
func (f *Figures) keepRecords(kind qantar.Kind, size int64, recs []qantar.Record) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if cur, ok := f.kept[kind]; ok && cur.size >= size {
		return
	}
	if f.kept == nil {
		f.kept = map[qantar.Kind]keptKind{}
	}
	f.kept[kind] = keptKind{size: size, recs: recs}
}
