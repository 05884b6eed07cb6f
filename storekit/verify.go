package storekit

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"runtime"
	"sync"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/tlog"
)

// Verify recomputes every leaf from the stored versions, rebuilds the tree,
// checks the latest checkpoint's signature (with the log's verifier key)
// and root, checks that every record's current content is its latest
// logged version, and that its kept projections are what qantar.Project
// makes of it now, on every core (VerifyWith). r is one read snapshot of
// the store (writers may go on meanwhile). The stored nodes are read from
// r's tlog_nodes, a range at a time, in the same snapshot; nodes, the
// store's node reader over it, is not needed any more.
func Verify(ctx context.Context, r Reader, nodes tlog.NodeReader, key string) (*qantar.VerifyReport, error) {
	_ = nodes
	return VerifyWith(ctx, r, key, VerifyOptions{})
}

// VerifyOptions tunes VerifyWith.
type VerifyOptions struct {
	// Workers is how many goroutines check leaves and records while one
	// reads the store: runtime.GOMAXPROCS(0) when 0, and 1 for the
	// sequential path (read, check, hash, one batch after the other).
	Workers int
	// leaves replaces verifyLeaves (the benchmark's reference path).
	leaves func(ctx context.Context, r Reader, size uint64, rep *qantar.VerifyReport) ([]byte, error)
}

// VerifyWith is Verify with options. Whatever the workers, the problems
// are the same and in the same order: results are merged in leaf order,
// then in the order of records.
func VerifyWith(ctx context.Context, r Reader, key string, opts VerifyOptions) (*qantar.VerifyReport, error) {
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	rep := &qantar.VerifyReport{}
	var signed []byte
	var stateSize int64
	if err := r.QueryRow(ctx, `SELECT size, checkpoint FROM tlog_state WHERE id = 1`).Scan(&stateSize, &signed); err != nil {
		return nil, fmt.Errorf("log state: %w", err)
	}
	cp, err := tlog.OpenCheckpoint(signed, key)
	if err != nil {
		rep.Problem("the latest checkpoint does not verify with the log key: %v", err)
		return rep, nil
	}
	if int64(cp.Size) != stateSize {
		rep.Problem("the latest checkpoint is of size %d but the log holds %d leaves", cp.Size, stateSize)
	}
	rep.Leaves = cp.Size
	var root []byte
	if opts.leaves != nil {
		root, err = opts.leaves(ctx, r, cp.Size, rep)
	} else {
		root, err = verifyLeaves(ctx, r, cp.Size, rep, workers)
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		rep.Problem("the log itself is damaged: %v", err)
		return rep, nil
	}
	if err := verifyStrays(ctx, r, cp.Size, rep); err != nil {
		return nil, err
	}
	rep.Root = root
	if !bytes.Equal(root, cp.Hash) {
		rep.Problem("the root recomputed from the leaves, %s, is not the checkpoint's %s",
			base64.StdEncoding.EncodeToString(root), base64.StdEncoding.EncodeToString(cp.Hash))
	}
	if err := verifyRecords(ctx, r, rep, workers); err != nil {
		return nil, err
	}
	if err := verifyProjections(ctx, r, rep, workers); err != nil {
		return nil, err
	}
	return rep, nil
}

// verifyStrays names the versions beyond the checkpoint, or with no leaf.
func verifyStrays(ctx context.Context, r Reader, size uint64, rep *qantar.VerifyReport) error {
	rows, err := r.Query(ctx, `SELECT kind, id, version, leaf_index FROM versions
		WHERE leaf_index IS NULL OR leaf_index >= $1 OR leaf_index < 0 ORDER BY leaf_index IS NULL, leaf_index`, int64(size))
	if err != nil {
		return err
	}
	var kind string
	var id int64
	var version int
	var leaf *int64
	var problems []string
	err = Each(rows, []any{&kind, &id, &version, &leaf}, func() error {
		if leaf != nil {
			problems = append(problems, fmt.Sprintf("%s/%d version %d: points at leaf %d, beyond the checkpoint's %d leaves", kind, id, version, *leaf, size))
		} else {
			problems = append(problems, fmt.Sprintf("%s/%d version %d: has no log leaf", kind, id, version))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, p := range problems {
		rep.Problem("%s", p)
	}
	return nil
}

// recordBatch is how many records one worker checks at once.
const recordBatch = 1000

// checked is what a worker found in a batch of records: how many, and
// their problems in order.
type checked struct {
	n        int
	problems []string
}

func (c checked) report(rep *qantar.VerifyReport) error {
	rep.Records += c.n
	for _, p := range c.problems {
		rep.Problem("%s", p)
	}
	return nil
}

// verifyRecords checks that each record's current row is its latest
// version, and that its protection column is what its content says
// (tlog.CheckCurrent), on workers goroutines while one reads the rows.
func verifyRecords(ctx context.Context, r Reader, rep *qantar.VerifyReport, workers int) error {
	produce := func(ctx context.Context, emit func([]tlog.CurrentRecord) error) error {
		rows, err := r.Query(ctx, `SELECT r.kind, r.id, r.version, r.deleted_at IS NOT NULL, coalesce(r.protection, ''), r.data, v.data, v.op,
		(SELECT max(version) FROM versions m WHERE m.kind = r.kind AND m.id = r.id)
		FROM records r LEFT JOIN versions v ON v.kind = r.kind AND v.id = r.id AND v.version = r.version`)
		if err != nil {
			return err
		}
		var c tlog.CurrentRecord
		var kind, data string
		var logged, op *string
		var maxv *int64
		batch := make([]tlog.CurrentRecord, 0, recordBatch)
		err = Each(rows, []any{&kind, &c.ID, &c.Version, &c.Deleted, &c.Protection, &data, &logged, &op, &maxv}, func() error {
			c.Kind, c.Data, c.Logged, c.LoggedOp, c.MaxVersion = qantar.Kind(kind), []byte(data), nil, "", 0
			if logged != nil {
				c.Logged = []byte(*logged)
			}
			if op != nil {
				c.LoggedOp = qantar.Op(*op)
			}
			if maxv != nil {
				c.MaxVersion = int(*maxv)
			}
			if batch = append(batch, c); len(batch) < recordBatch {
				return nil
			}
			err, batch = emit(batch), make([]tlog.CurrentRecord, 0, recordBatch)
			return err
		})
		if err == nil && len(batch) > 0 {
			err = emit(batch)
		}
		return err
	}
	check := func(batch []tlog.CurrentRecord) checked {
		var c checked
		for _, rec := range batch {
			c.n++
			c.problems = append(c.problems, tlog.CheckCurrent(rec)...)
		}
		return c
	}
	return ordered(ctx, workers, produce, check, func(c checked) error { return c.report(rep) })
}

// verifyProjections checks every live record's kept projections against
// what qantar.Project makes of it now, a page of records at a time, on
// workers goroutines. The records a projection depends on are read from
// the snapshot as the workers ask, one read at a time.
func verifyProjections(ctx context.Context, r Reader, rep *qantar.VerifyReport, workers int) error {
	var mu sync.Mutex // one query at a time on the connection
	resolve := func(k qantar.Kind, id int64) (qantar.Record, error) {
		mu.Lock()
		defer mu.Unlock()
		return GetRecord(ctx, r, k, id, "")
	}
	produce := func(ctx context.Context, emit func([]projected) error) error {
		lastKind, lastID := "", int64(0)
		for {
			mu.Lock()
			page, err := projectionPage(ctx, r, lastKind, lastID)
			mu.Unlock()
			if err != nil || len(page) == 0 {
				return err
			}
			if err := emit(page); err != nil {
				return err
			}
			lastKind, lastID = page[len(page)-1].kind, page[len(page)-1].id
		}
	}
	check := func(page []projected) checked {
		var c checked
		for _, p := range page {
			rec, err := qantar.DecodeStored(qantar.Kind(p.kind), p.data)
			if err != nil {
				continue // named by verifyRecords
			}
			if problem := qantar.ProjectionProblem(rec, []byte(p.data), bytesOf(p.pub), bytesOf(p.view), resolve); problem != "" {
				c.problems = append(c.problems, problem)
			}
		}
		return c
	}
	return ordered(ctx, workers, produce, check, func(c checked) error { return c.report(rep) })
}

// projected is a live record and its kept projections.
type projected struct {
	kind, data string
	id         int64
	pub, view  *string
}

// projectionPage reads the next 1000 live records after (kind, id).
func projectionPage(ctx context.Context, r Reader, kind string, id int64) ([]projected, error) {
	rows, err := r.Query(ctx, `SELECT kind, id, data, pub_data, viewer_data FROM records
		WHERE deleted_at IS NULL AND (kind, id) > ($1, $2) ORDER BY kind, id LIMIT 1000`, kind, id)
	if err != nil {
		return nil, err
	}
	var page []projected
	var p projected
	err = Each(rows, []any{&p.kind, &p.id, &p.data, &p.pub, &p.view}, func() error {
		page = append(page, p)
		return nil
	})
	return page, err
}

func bytesOf(s *string) []byte {
	if s == nil {
		return nil
	}
	return []byte(*s)
}

// GetRecord reads a live record; lock is what the read appends to lock its
// row (" FOR UPDATE" on PostgreSQL), if anything.
// GetRecordSQL reads one record's current JSON; a store may prepare it.
const GetRecordSQL = `SELECT data, deleted_at FROM records WHERE kind = $1 AND id = $2`

func GetRecord(ctx context.Context, r Reader, kind qantar.Kind, id int64, lock string) (qantar.Record, error) {
	var data string
	var deleted Time
	err := r.QueryRow(ctx, GetRecordSQL+lock, string(kind), id).Scan(&data, &deleted)
	if r.NoRows(err) {
		return nil, qantar.Errorf(qantar.ENOTFOUND, "%s/%d does not exist", kind, id)
	} else if err != nil {
		return nil, fmt.Errorf("get %s/%d: %w", kind, id, err)
	}
	if deleted.Valid {
		return nil, qantar.Errorf(qantar.ENOTFOUND, "%s/%d was deleted on %s; its history remains", kind, id, deleted.T.Format("2006-01-02"))
	}
	return qantar.DecodeStored(kind, data)
}
