package storekit

import (
	"context"
	"fmt"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/tlog"
)

// Version is one row of the versions table as a write makes it: what its
// log leaf commits to.
type Version struct {
	Kind      qantar.Kind
	ID        int64
	Version   int
	Op        qantar.Op
	Actor     string
	Reason    string
	Canonical []byte
	Salt      []byte
}

// NewVersion is the version row of rec written by actor, with a fresh
// salt: every version has one, public or not, so that nobody without it
// can test a guess against the log (tlog/LEAF.md).
func NewVersion(rec qantar.Record, op qantar.Op, actor, reason string, canonical []byte) Version {
	m := rec.GetMeta()
	return Version{Kind: rec.Kind(), ID: m.ID, Version: m.Version, Op: op, Actor: actor, Reason: reason,
		Canonical: canonical, Salt: tlog.NewSalt()}
}

// Leaf is the encoded leaf of version v at index idx, written now:
// qantar-leaf/v3, which shows only the class of the version's actor
// (tlog.ActorClass) and commits with the version's salt to its canonical
// JSON, reason and actor id (tlog/LEAF.md). A version without a salt is a
// bug, refused here rather than logged with a commitment anyone could test
// a guess against.
func (v Version) Leaf(idx uint64, now time.Time) ([]byte, error) {
	if len(v.Salt) != tlog.SaltSize {
		return nil, fmt.Errorf("%s/%d version %d has no salt", v.Kind, v.ID, v.Version)
	}
	if err := tlog.CheckActor(v.Actor); err != nil {
		return nil, fmt.Errorf("%s/%d version %d: %w", v.Kind, v.ID, v.Version, err)
	}
	leaf := tlog.Leaf{Format: tlog.LeafV3, Index: idx, Time: now, Actor: tlog.ActorClass(v.Actor), Kind: v.Kind, ID: v.ID, Version: v.Version, Op: v.Op,
		Salted: true, Commitment: tlog.CommitV3(v.Canonical, v.Reason, v.Actor, v.Salt)}
	return leaf.Encode()
}

// Rows is what both drivers' result rows offer (database/sql's and pgx's).
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// Consecutive reads rows of (index, bytes) that must be exactly begin,
// begin+1, … end-1, as leaves and tile nodes are; what names a missing one
// ("log leaf", "log node 3/…").
func Consecutive(rows Rows, begin, end uint64, what string) ([][]byte, error) {
	out := make([][]byte, 0, end-begin)
	for rows.Next() {
		var idx int64
		var b []byte
		if err := rows.Scan(&idx, &b); err != nil {
			return nil, err
		}
		if uint64(idx) != begin+uint64(len(out)) {
			return nil, fmt.Errorf("%s %d is missing", what, begin+uint64(len(out)))
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if uint64(len(out)) != end-begin {
		return nil, fmt.Errorf("%s %d is missing", what, begin+uint64(len(out)))
	}
	return out, nil
}

// Snapshot is the log as a store reads it: in one read transaction, or
// from its pool for the latest checkpoint alone.
type Snapshot interface {
	// Tree returns the stored leaves and nodes.
	Tree() (tlog.LeafReader, tlog.NodeReader)
	// Signed returns the stored signed checkpoint.
	Signed(ctx context.Context) ([]byte, error)
	// LeafIndex returns the leaf index of a version (nil when it has
	// none); found is false when there is no such version.
	LeafIndex(ctx context.Context, kind qantar.Kind, id int64, version int) (idx *int64, found bool, err error)
	// VersionsAt calls each with the latest version below leaf size of
	// every record of kind, in the order of ids, and the time of its
	// first version.
	VersionsAt(ctx context.Context, kind qantar.Kind, size int64, each func(op qantar.Op, data string, created, at time.Time) error) error
	// VersionsBetween calls each with the latest version whose leaf index
	// is in [from, to) of every record of kind that has one, in the order
	// of ids, and the time of its first version.
	VersionsBetween(ctx context.Context, kind qantar.Kind, from, to int64, each func(id int64, op qantar.Op, data string, created, at time.Time) error) error
}

// Log is what a store serves of its log: its key, checkpoint, tiles,
// proofs and points, each read from one snapshot S. A store embeds it.
type Log[S Snapshot] struct {
	// Key is the log's note verifier key.
	Key string
	// Latest reads outside any transaction (the checkpoint alone).
	Latest S
	// Begin begins a read transaction that sees one state of the log, and
	// returns how to end it.
	Begin func(ctx context.Context) (S, func(), error)
}

// LogKey returns the log's note verifier key.
func (l Log[S]) LogKey() string { return l.Key }

// Checkpoint returns the latest signed checkpoint.
func (l Log[S]) Checkpoint(ctx context.Context) ([]byte, error) {
	cp, err := l.Latest.Signed(ctx)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	return cp, nil
}

// ReadSnapshot runs fn in one read transaction, so that what it reads of
// the checkpoint (cp opened, signed as stored), nodes and leaves agrees.
func (l Log[S]) ReadSnapshot(ctx context.Context, fn func(s S, cp tlog.Checkpoint, signed []byte) error) error {
	s, end, err := l.Begin(ctx)
	if err != nil {
		return err
	}
	defer end()
	signed, err := s.Signed(ctx)
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	cp, err := tlog.OpenCheckpoint(signed, l.Key)
	if err != nil {
		return fmt.Errorf("stored checkpoint: %w", err)
	}
	return fn(s, cp, signed)
}

// Tile returns a hash tile or entry bundle (C2SP tlog-tiles) of the latest
// checkpoint's tree.
func (l Log[S]) Tile(ctx context.Context, t tlog.TileID) (out []byte, err error) {
	err = l.ReadSnapshot(ctx, func(s S, cp tlog.Checkpoint, _ []byte) error {
		lr, nr := s.Tree()
		if t.Entries {
			out, err = tlog.ReadBundle(ctx, lr, t, cp.Size)
		} else {
			out, err = tlog.ReadTile(ctx, nr, t, cp.Size)
		}
		return err
	})
	return out, err
}

// Proof returns the inclusion proof of one record version.
func (l Log[S]) Proof(ctx context.Context, kind qantar.Kind, id int64, version int) (p *tlog.RecordProof, err error) {
	err = l.ReadSnapshot(ctx, func(s S, cp tlog.Checkpoint, signed []byte) error {
		idx, found, err := s.LeafIndex(ctx, kind, id, version)
		if err != nil {
			return err
		}
		if !found {
			return qantar.Errorf(qantar.ENOTFOUND, "%s/%d has no version %d", kind, id, version)
		}
		if idx == nil {
			return qantar.Errorf(qantar.ENOTFOUND, "%s/%d version %d has no log leaf", kind, id, version)
		}
		lr, nr := s.Tree()
		leaves, err := lr.GetLeaves(ctx, uint64(*idx), uint64(*idx)+1)
		if err != nil {
			return err
		}
		p, err = tlog.NewRecordProof(ctx, nr, uint64(*idx), leaves[0], cp, signed)
		return err
	})
	return p, err
}

// LogAt returns the root and the time of the last leaf of the log at a
// size (qantar.AtReader); a negative size is the latest checkpoint's.
func (l Log[S]) LogAt(ctx context.Context, size int64) (p qantar.LogPoint, err error) {
	err = l.ReadSnapshot(ctx, func(s S, cp tlog.Checkpoint, _ []byte) error {
		lr, nr := s.Tree()
		p, err = tlog.PointAt(ctx, nr, lr, cp, size)
		return err
	})
	return p, err
}

// RecordsAt returns the records of a kind as they were when the log had size
// leaves (qantar.AtReader).
func (l Log[S]) RecordsAt(ctx context.Context, kind qantar.Kind, size int64) ([]qantar.Record, error) {
	var out []qantar.Record
	err := l.EachRecordAt(ctx, kind, size, func(rec qantar.Record) error {
		out = append(out, rec)
		return nil
	})
	return out, err
}

// EachRecordAt gives fn the records RecordsAt returns, one at a time
// (qantar.ChangeReader).
func (l Log[S]) EachRecordAt(ctx context.Context, kind qantar.Kind, size int64, fn func(qantar.Record) error) error {
	if _, err := qantar.New(kind); err != nil {
		return err
	}
	return l.ReadSnapshot(ctx, func(s S, cp tlog.Checkpoint, _ []byte) error {
		if size < 0 || uint64(size) > cp.Size {
			return qantar.Errorf(qantar.ENOTFOUND, "the log has no checkpoint of size %d (its size is %d)", size, cp.Size)
		}
		return s.VersionsAt(ctx, kind, size, func(op qantar.Op, data string, created, at time.Time) error {
			if op == qantar.OpDelete {
				return nil
			}
			rec, err := decodeAt(kind, data, created, at)
			if err != nil {
				return err
			}
			return fn(rec)
		})
	})
}

// ChangesAt returns the records of a kind that the leaves in [from, to)
// changed, as they were at to (qantar.ChangeReader).
func (l Log[S]) ChangesAt(ctx context.Context, kind qantar.Kind, from, to int64) ([]qantar.Change, error) {
	if _, err := qantar.New(kind); err != nil {
		return nil, err
	}
	var out []qantar.Change
	err := l.ReadSnapshot(ctx, func(s S, cp tlog.Checkpoint, _ []byte) error {
		if from < 0 || from > to || uint64(to) > cp.Size {
			return qantar.Errorf(qantar.ENOTFOUND, "the log has no stretch from %d to %d (its size is %d)", from, to, cp.Size)
		}
		return s.VersionsBetween(ctx, kind, from, to, func(id int64, op qantar.Op, data string, created, at time.Time) error {
			c := qantar.Change{ID: id}
			if op != qantar.OpDelete {
				var err error
				if c.Record, err = decodeAt(kind, data, created, at); err != nil {
					return err
				}
			}
			out = append(out, c)
			return nil
		})
	})
	return out, err
}

// decodeAt is a version's record as it stood: its stored JSON, created at
// its first version's time and updated at its own.
func decodeAt(kind qantar.Kind, data string, created, at time.Time) (qantar.Record, error) {
	rec, err := qantar.DecodeStored(kind, data)
	if err != nil {
		return nil, err
	}
	m := rec.GetMeta()
	m.CreatedAt, m.UpdatedAt = created, at
	return rec, nil
}
