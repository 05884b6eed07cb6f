package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/search"
	"github.com/qantar-project/qantar/storekit"
	"github.com/qantar-project/qantar/tlog"
)

// The bulk path of CreateAll: records are checked and given their ids one
// by one, as Create does, on the transaction's goroutine; their encodings
// (stored JSON, canonical JSON, search document, log leaf and its hash) are
// made by workers on the other cores while the previous chunk is written;
// and each chunk is written with one multi-row INSERT per table.

// bulkChunk is how many records one multi-row INSERT writes.
const bulkChunk = 64

// multiInsert is an INSERT of n rows of cols values each.
func multiInsert(prefix string, cols, n int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	return prefix + " VALUES " + strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}

const (
	recordsPrefix  = `INSERT INTO records (kind, id, version, created_at, updated_at, deleted_at, protection, external_key, data, pub_data, viewer_data)`
	versionsPrefix = `INSERT OR FAIL INTO version_rows (kind, id, version, op, actor, at, reason, data, salt, leaf_index)`
	leavesPrefix   = `INSERT OR FAIL INTO tlog_leaves (idx, leaf)`
	nodesPrefix    = `INSERT INTO tlog_nodes (level, idx, hash)`
	nodesChunk     = 256
	refsPrefix     = `INSERT OR IGNORE INTO refs (to_kind, to_id, from_kind, from_id)`
)

func init() {
	multiInserts[refsPrefix] = multiInsert(refsPrefix, 4, bulkChunk)
	writeQueries = append(writeQueries, multiInserts[refsPrefix])
}

// OR FAIL: a failure of these INSERTs breaks the whole transaction (only
// the records' INSERT may be refused alone, and must then leave nothing),
// so SQLite need not keep a statement journal to undo a part of one: it
// copied every page each statement touched (record_fields' most).

// The full-chunk statements, prepared at open with the others.
var (
	qInsertRecords  = multiInsert(recordsPrefix, 11, bulkChunk)
	qInsertVersions = multiInsert(versionsPrefix, 10, bulkChunk)
	qInsertLeaves   = multiInsert(leavesPrefix, 2, bulkChunk)
	qPutNodes       = multiInsert(nodesPrefix, 3, nodesChunk)
	// multiInserts is each prefix's full statement (the search tables' are
	// added with them, in queries.go).
	multiInserts = map[string]string{recordsPrefix: qInsertRecords, versionsPrefix: qInsertVersions,
		leavesPrefix: qInsertLeaves, nodesPrefix: qPutNodes}
)

// insertRows writes len(args)/cols rows with one statement: a prepared one
// when there are full rows of it, else one made for the count.
func (tx *Tx) insertRows(ctx context.Context, prefix string, cols, full int, args []any) error {
	n := len(args) / cols
	if n == 0 {
		return nil
	}
	q, ok := multiInserts[prefix]
	if n != full || !ok {
		q = multiInsert(prefix, cols, n)
	}
	_, err := tx.exec(ctx, q, args...)
	return err
}

// bulkRecord is one record of a bulk create and its encodings.
type bulkRecord struct {
	rec        qantar.Record
	leafIdx    uint64
	data       []byte
	canonical  []byte
	protection string
	salt       []byte
	doc        *search.Doc
	leaf       []byte
	leafHash   []byte
	err        error
	// deps is what its projections resolved, when checked; pub and view
	// are their write arguments and fields its record_fields rows, made
	// by a worker from deps (projected), or else by the writer.
	deps      resolved
	projected bool
	pub, view any
	fields    []storekit.FieldRow
}

// encode makes everything of r that needs no database, as write does.
func (r *bulkRecord) encode(now time.Time, actor string) {
	if r.data, r.err = json.Marshal(r.rec); r.err != nil {
		r.err = fmt.Errorf("encode %s: %w", r.rec.Kind(), r.err)
		return
	}
	if r.canonical, r.err = qantar.Canonical(r.rec); r.err != nil {
		return
	}
	r.protection = qantar.Protection(r.rec)
	r.salt = tlog.NewSalt() // every version, public or not (LEAF.md, v2)
	if search.Indexed(r.rec.Kind()) {
		d := search.DocOf(r.rec)
		r.doc = &d
	}
	v := storekit.Version{Kind: r.rec.Kind(), ID: r.rec.GetMeta().ID, Version: r.rec.GetMeta().Version, Op: qantar.OpCreate, Actor: actor,
		Canonical: r.canonical, Salt: r.salt}
	if r.leaf, r.err = v.Leaf(r.leafIdx, now); r.err != nil {
		return
	}
	r.leafHash = tlog.LeafHash(r.leaf)
	r.project()
}

// project makes r's projections and record_fields rows from what its
// check resolved; if they needed anything else, the writer makes them.
func (r *bulkRecord) project() {
	missed := false
	pub, view, err := projectionArgs(r.rec, r.data, r.deps.resolver(&missed))
	if err != nil || missed {
		return
	}
	if r.fields, r.err = storekit.FieldRows(r.rec.Kind(), r.data, argText(pub), argText(view)); r.err != nil {
		return
	}
	r.pub, r.view, r.projected = pub, view, true
}

// bulkChunkOf is a run of records on its way through the pipeline.
type bulkChunkOf struct {
	start int // index of the first record in CreateAll's slice
	recs  []bulkRecord
	done  chan struct{}
}

// CreateAll creates recs in order, as many Creates would, faster: see
// qantar.BatchWriter.
func (tx *Tx) CreateAll(ctx context.Context, actor qantar.Actor, recs []qantar.Record) (int, error) {
	if tx.broken != nil {
		return 0, fmt.Errorf("transaction already failed: %w", tx.broken)
	}
	if len(recs) == 0 {
		return 0, nil
	}
	if err := tx.loadLog(ctx); err != nil {
		return 0, err
	}
	workers := max(1, min(runtime.NumCPU()-1, 4))
	work := make(chan *bulkChunkOf, workers+1)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			who := actor.LogID()
			for c := range work {
				for i := range c.recs {
					c.recs[i].encode(tx.now, who)
				}
				close(c.done)
			}
		}()
	}
	defer func() {
		close(work)
		wg.Wait()
	}()

	var queue []*bulkChunkOf // checked and sent to the workers, not yet written
	reserved := uint64(0)    // leaves of the queued chunks
	var checkErr error
	next := 0 // the next record to check
	for {
		for checkErr == nil && next < len(recs) && len(queue) <= workers {
			c := &bulkChunkOf{start: next, done: make(chan struct{})}
			for end := min(next+bulkChunk, len(recs)); next < end; next++ {
				deps, err := tx.checkNew(ctx, actor, recs[next])
				if err != nil {
					checkErr = err
					break
				}
				c.recs = append(c.recs, bulkRecord{rec: recs[next], deps: deps, leafIdx: tx.log.start + uint64(len(tx.log.pending)) + reserved})
				reserved++
			}
			if len(c.recs) > 0 {
				queue = append(queue, c)
				work <- c
			}
		}
		if len(queue) == 0 {
			break
		}
		c := queue[0]
		queue = queue[1:]
		<-c.done
		reserved -= uint64(len(c.recs))
		// Before giving back what the queued chunks were assigned, wait
		// for the workers to be done with them.
		giveBack := func() {
			for _, q := range queue {
				<-q.done
			}
			tx.unassign(recs[c.start:next])
		}
		if err := ctx.Err(); err != nil {
			giveBack()
			return c.start, err
		}
		ok, err := tx.writeChunk(ctx, actor, c)
		if err != nil {
			giveBack()
			return c.start, err
		}
		if !ok {
			// The store refused a row of the chunk's multi-row INSERT (an
			// external key already taken, say): give back what was assigned
			// and create the rest one by one, which names the record refused.
			giveBack()
			for i := c.start; i < len(recs); i++ {
				if err := tx.Create(ctx, actor, recs[i]); err != nil {
					return i, err
				}
			}
			return len(recs), nil
		}
	}
	return next, checkErr
}

// checkNew checks rec as Create does and gives it its id, without
// writing; it returns what its projections resolve (see resolving).
func (tx *Tx) checkNew(ctx context.Context, actor qantar.Actor, rec qantar.Record) (resolved, error) {
	if err := tx.check(ctx, actor, rec, nil); err != nil {
		return nil, err
	}
	next, ok := tx.nextID[rec.Kind()]
	if !ok {
		if err := tx.queryRow(ctx, qNextID, rec.Kind()).Scan(&next); err != nil {
			return nil, fmt.Errorf("next id: %w", err)
		}
	}
	m := rec.GetMeta()
	m.ID = next
	m.Version, m.CreatedAt, m.UpdatedAt = 1, tx.now, tx.now
	tx.nextID[rec.Kind()] = next + 1
	tx.known.wrote(rec) // known before it is written: the batch's next records may refer to it
	return tx.resolving(ctx, rec), nil
}

// unassign gives back the ids of checked records that were not written.
func (tx *Tx) unassign(recs []qantar.Record) {
	for _, rec := range recs {
		m := rec.GetMeta()
		if m.ID == 0 {
			continue
		}
		k := rec.Kind()
		if n, ok := tx.nextID[k]; !ok || m.ID < n {
			tx.nextID[k] = m.ID
		}
		tx.known.forget(qantar.Ref{Kind: k, ID: m.ID})
		m.ID, m.Version, m.CreatedAt, m.UpdatedAt = 0, 0, time.Time{}, time.Time{}
	}
}

// projectHere makes r's projections and record_fields rows through the
// transaction when the worker could not.
func (tx *Tx) projectHere(ctx context.Context, r *bulkRecord) error {
	if r.projected {
		return nil
	}
	pub, view, err := tx.projections(ctx, r.rec, r.data)
	if err != nil {
		return err
	}
	if r.fields, err = storekit.FieldRows(r.rec.Kind(), r.data, argText(pub), argText(view)); err != nil {
		return err
	}
	r.pub, r.view, r.projected = pub, view, true
	return nil
}

// writeChunk writes a chunk's rows. It returns false, having written
// nothing, when the records' INSERT is refused; any failure after that
// breaks the transaction, as in write.
func (tx *Tx) writeChunk(ctx context.Context, actor qantar.Actor, c *bulkChunkOf) (bool, error) {
	args := make([]any, 0, 11*len(c.recs))
	var fields []any
	now := formatTime(tx.now)
	for i := range c.recs {
		r := &c.recs[i]
		if r.err != nil {
			return false, nil
		}
		m := r.rec.GetMeta()
		var ext any
		if m.ExternalKey != "" {
			ext = m.ExternalKey
		}
		if err := tx.projectHere(ctx, r); err != nil {
			return false, err
		}
		args = append(args, r.rec.Kind(), m.ID, m.Version, now, now, nil, r.protection, ext, r.data, r.pub, r.view)
		fields = fieldArgs(fields, r.rec.Kind(), m.ID, r.fields)
	}
	if err := tx.insertRows(ctx, recordsPrefix, 11, bulkChunk, args); err != nil {
		return false, nil
	}
	fail := func(what string, err error) (bool, error) {
		tx.broken = fmt.Errorf("%s: %w", what, err)
		return true, tx.broken
	}
	args = args[:0]
	for i := range c.recs {
		r := &c.recs[i]
		for _, ref := range r.rec.Refs() {
			args = append(args, ref.Kind, ref.ID, r.rec.Kind(), r.rec.GetMeta().ID)
		}
	}
	if err := tx.insertAll(ctx, refsPrefix, 4, bulkChunk, args); err != nil {
		return fail("refs", err)
	}
	if err := tx.insertFields(ctx, fields); err != nil {
		return fail("record fields", err)
	}
	who := actor.LogID()
	args = args[:0]
	for i := range c.recs {
		r := &c.recs[i]
		m := r.rec.GetMeta()
		args = append(args, r.rec.Kind(), m.ID, m.Version, qantar.OpCreate, who, now, nil, versionData(r.data, r.canonical), r.salt, int64(r.leafIdx))
	}
	if err := tx.insertRows(ctx, versionsPrefix, 10, bulkChunk, args); err != nil {
		return fail("versions", err)
	}
	args = args[:0]
	for i := range c.recs {
		args = append(args, int64(c.recs[i].leafIdx), c.recs[i].leaf)
	}
	if err := tx.insertRows(ctx, leavesPrefix, 2, bulkChunk, args); err != nil {
		return fail("log leaves", err)
	}
	counts := storekit.TermCounts{}
	for level := range searchTables {
		args = args[:0]
		for i := range c.recs {
			if d := c.recs[i].doc; d != nil && d.Protection == level {
				args = append(args, search.Rowid(d.Kind, d.ID), strings.Join(d.Keys, " "), strings.Join(d.Stems, " "))
				counts.Add(level, d.Keys, 1)
			}
		}
		if err := tx.insertRows(ctx, searchPrefix[level], 3, bulkChunk, args); err != nil {
			return fail("search index", err)
		}
	}
	if err := tx.countTerms(ctx, counts); err != nil {
		return fail("search terms", err)
	}
	for i := range c.recs {
		tx.log.pending = append(tx.log.pending, c.recs[i].leafHash)
	}
	return true, nil
}
