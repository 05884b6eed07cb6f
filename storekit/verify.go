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
	defer lessGC()()
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
	var problems []*qantar.Error
	err = Each(rows, []any{&kind, &id, &version, &leaf}, func() error {
		if leaf != nil {
			problems = append(problems, qantar.Errorf(qantar.EINVALID, "%s/%d version %d: points at leaf %d, beyond the checkpoint's %d leaves", kind, id, version, *leaf, size))
		} else {
			problems = append(problems, qantar.Errorf(qantar.EINVALID, "%s/%d version %d: has no log leaf", kind, id, version))
		}
		return nil
	})
	if err != nil {
		return err
	}
	rep.Add(problems...)
	return nil
}

// recordBatch is how many records one worker checks at once.
const recordBatch = 1000

// checked is what a worker found in a batch of records: how many, the
// problems of their rows in order, and those of their kept projections.
type checked struct {
	n           int
	problems    []*qantar.Error
	projections []*qantar.Error
	fields      keyedSums // the record_fields rows the records give (verifyfields.go)
	terms       keyedSums // the search_terms rows their documents give (verifyterms.go)
}

// currentRow is what verify reads of a record: its current row beside the
// version row it claims to be, and its kept projections (nil when NULL).
// When that version's row keeps no content (derived), Logged is left for
// the worker to make (current).
type currentRow struct {
	tlog.CurrentRecord
	pub, view []byte
	derived   bool
}

// current is the record beside its current version's content as the
// versions view gives it (versionContent).
func (row *currentRow) current() tlog.CurrentRecord {
	c := row.CurrentRecord
	if row.derived {
		c.Logged = versionContent(true, nil, c.Data)
	}
	return c
}

// verifyRecords checks each record's current row against its latest
// version and its protection column against its content
// (tlog.CheckCurrent), and a live record's kept projections against what
// qantar.Project makes of it now (qantar.KeptProjectionProblem), decoding each
// record once, a page of records at a time on workers goroutines. The
// problems of the rows are reported in the order of records, then those of
// the projections; then the rows of record_fields and search_terms against
// those the records give (verifyFields, verifyTerms). The records a
// projection depends on are read from the snapshot as the workers ask, one
// read at a time.
func verifyRecords(ctx context.Context, r Reader, rep *qantar.VerifyReport, workers int) error {
	var mu sync.Mutex // one query at a time on the connection
	fetch := func(refs []qantar.Ref) (resolvedPage, error) {
		mu.Lock()
		defer mu.Unlock()
		return fetchRecords(ctx, r, refs)
	}
	produce := func(ctx context.Context, emit func([]currentRow) error) error {
		lastKind, lastID := "", int64(0)
		for {
			mu.Lock()
			page, err := recordPage(ctx, r, lastKind, lastID)
			mu.Unlock()
			if err != nil || len(page) == 0 {
				return err
			}
			if err := emit(page); err != nil {
				return err
			}
			lastKind, lastID = string(page[len(page)-1].Kind), page[len(page)-1].ID
		}
	}
	key := sumsKey()
	check := func(page []currentRow) checked { return checkRecords(page, key, fetch) }
	var later deferred
	fields, terms := keyedSums{}, keyedSums{}
	err := ordered(ctx, workers, produce, check, func(c checked) error {
		fields.merge(c.fields)
		terms.merge(c.terms)
		rep.Records += c.n
		rep.Add(c.problems...)
		later.add(c.projections)
		return nil
	})
	later.report(rep)
	if err != nil {
		return err
	}
	if err := verifyFields(ctx, r, key, fields, rep); err != nil {
		return err
	}
	return verifyTerms(ctx, r, key, terms, rep)
}

// checkRecords is a worker's part of verifyRecords: a page of records
// checked against their versions and projections, and the rows of
// record_fields and search_terms they give, hashed with key. The records
// the projections depend on are read with fetch, a batch at a time
// (resolvedPage.prefetch).
func checkRecords(page []currentRow, key []byte, fetch fetcher) checked {
	c := checked{fields: keyedSums{}, terms: keyedSums{}}
	recs := make([]qantar.Record, len(page))
	for i := range page {
		c.n++
		var problems []*qantar.Error
		problems, recs[i] = tlog.CheckCurrentDecoded(page[i].current())
		c.problems = append(c.problems, problems...)
	}
	live := make([]qantar.Record, 0, len(recs))
	for i, rec := range recs {
		if rec != nil && !page[i].Deleted {
			live = append(live, rec)
		}
	}
	deps := resolvedPage{}
	if err := deps.prefetch(live, fetch); err != nil {
		c.problems = append(c.problems, qantar.Errorf(qantar.EINTERNAL, "the records the projections depend on cannot be read: %v", err))
	}
	resolve := deps.resolver(fetch)
	terms := newTermsBatch()
	for i := range page {
		row, rec := page[i], recs[i]
		if rec == nil || row.Deleted {
			continue // a record that does not decode is named above
		}
		if p := qantar.KeptProjectionProblem(rec, row.Data, row.pub, row.view, resolve); p != nil {
			c.projections = append(c.projections, p)
		}
		// A projection that does not parse is named above; its rows are
		// then missing here, and its kind named by verifyFields.
		_ = expectFields(c.fields, key, &row)
		terms.expectTerms(rec)
	}
	terms.sums(c.terms, key)
	return c
}

// deferred keeps problems to report after others, no more than a report
// keeps.
type deferred struct {
	problems []*qantar.Error
	dropped  int
}

func (d *deferred) add(problems []*qantar.Error) {
	for _, p := range problems {
		if len(d.problems) < qantar.MaxProblems {
			d.problems = append(d.problems, p)
		} else {
			d.dropped++
		}
	}
}

func (d *deferred) report(rep *qantar.VerifyReport) {
	rep.Add(d.problems...)
	rep.Dropped += d.dropped
}

// recordPage reads the next recordBatch records after (kind, id), live or
// deleted, and beside each the version row of its current version and its
// highest version (joinVersions).
func recordPage(ctx context.Context, r Reader, kind string, id int64) ([]currentRow, error) {
	rows, err := r.Query(ctx, `SELECT kind, id, version, deleted_at IS NOT NULL, coalesce(protection, ''), data, pub_data, viewer_data
		FROM records WHERE (kind, id) > ($1, $2) ORDER BY kind, id LIMIT 1000`, kind, id)
	if err != nil {
		return nil, err
	}
	page := make([]currentRow, 0, recordBatch)
	var c currentRow
	var k string
	var version int64 // (database/sql scans an integer into an int through its text)
	// Each row scans into fresh data, pub and view slices (both drivers
	// copy into a []byte destination, NULL as nil).
	err = Each(rows, []any{&k, &c.ID, &version, &c.Deleted, &c.Protection, &c.Data, &c.pub, &c.view}, func() error {
		c.Kind, c.Version = qantar.Kind(k), int(version)
		page = append(page, c)
		return nil
	})
	if err != nil || len(page) == 0 {
		return page, err
	}
	return page, joinVersions(ctx, r, page)
}

// joinVersions fills in each record of page (in the order of kind and
// id) the version row of its current version and its highest version,
// from version_rows read in key order, one range a kind of the page
// (kind = $1 AND id BETWEEN …: PostgreSQL cannot estimate a range of row
// values, (kind, id) > ($1, $2), and read the whole table for each page);
// a join in SQL would look the versions up twice a record. A current
// version's content is what the versions view gives (storekit/stored.go):
// its own when its row keeps it, else CanonicalFromStored of the record's
// JSON; nil, as the view's NULL, when neither gives any.
func joinVersions(ctx context.Context, r Reader, page []currentRow) error {
	for begin := 0; begin < len(page); {
		end := begin
		for end < len(page) && page[end].Kind == page[begin].Kind {
			end++
		}
		if err := joinKindVersions(ctx, r, page[begin:end]); err != nil {
			return err
		}
		begin = end
	}
	return nil
}

// joinKindVersions is joinVersions for a part of a page of one kind.
func joinKindVersions(ctx context.Context, r Reader, part []currentRow) error {
	at := make(map[int64]int, len(part))
	for i := range part {
		at[part[i].ID] = i
	}
	rows, err := r.Query(ctx, `SELECT id, version, op, data IS NULL, data FROM version_rows
		WHERE kind = $1 AND id >= $2 AND id <= $3`, string(part[0].Kind), part[0].ID, part[len(part)-1].ID)
	if err != nil {
		return err
	}
	var op string
	var vid, version int64
	var derived bool
	var data []byte
	return Each(rows, []any{&vid, &version, &op, &derived, &data}, func() error {
		i, ok := at[vid]
		if !ok {
			return nil // a version of no record: verifyLeaves checks it against its leaf
		}
		row := &part[i]
		row.MaxVersion = max(row.MaxVersion, int(version))
		if int(version) == row.Version {
			row.LoggedOp, row.derived = qantar.Op(op), derived
			if !derived {
				row.Logged = versionContent(false, data, nil)
			}
		}
		return nil
	})
}

// versionContent is a version's canonical JSON as the versions view gives
// it (storekit/stored.go): the bytes its row keeps (data, never nil then,
// even when empty), or, when the row keeps none (derived: its data is
// NULL), CanonicalFromStored of its record's JSON, nil when that gives none.
func versionContent(derived bool, data, record []byte) []byte {
	switch {
	case derived:
		return CanonicalFromStored(record)
	case data == nil:
		return []byte{}
	}
	return data
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
		return nil, notFound(kind, id)
	} else if err != nil {
		return nil, fmt.Errorf("get %s/%d: %w", kind, id, err)
	}
	return storedRecord(kind, id, data, deleted)
}
