package csvio

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/qantar-project/qantar"
)

// Input is one table to import.
type Input struct {
	Kind qantar.Kind
	Name string // the file name: its extension helps detect the format; problems name it
	R    io.Reader
	Size int64 // for progress; 0 if unknown
}

// Options says how to import.
type Options struct {
	Read    ReadOptions
	Mapping *Mapping
	// Actor is who writes; it needs the editor or admin role.
	Actor qantar.Actor
	// DryRun validates and writes in a transaction that is rolled back, so
	// the report says exactly what an import would do, and the store's own
	// checks have run.
	DryRun bool
	// SkipInvalid imports the valid rows and keeps the rejected ones for
	// Report.WriteRejected. Problems with a file as a whole (an unknown
	// column, a broken file) still stop the whole import.
	SkipInvalid bool
	// Progress, if set, is called as rows are read and written.
	Progress func(Progress)
	// Protection, if set, is the level of every person whose row sets
	// none; without it such a person is restricted until an editor
	// publishes them (or their consent to publication is recorded).
	Protection string
	// From is the log origin of the database the input was exported from
	// (ImportDir reads it from the export's checkpoint.txt): a row with an
	// id and no external key is keyed by its global identity there
	// (qantar.GlobalKey), so that importing an export again changes nothing
	// and the records keep where they came from.
	From string
}

// Progress is how far an import is: Phase "read" counts bytes of the input
// (Total 0 if unknown), phase "write" counts rows.
type Progress struct {
	Phase       string
	Done, Total int64
}

// Import reads one table of kind k and imports it; see ImportTables.
func Import(ctx context.Context, st qantar.Store, k qantar.Kind, r io.Reader, name string, o Options) (*Report, error) {
	return ImportTables(ctx, st, []Input{{Kind: k, Name: name, R: r}}, o)
}

// ImportTables reads every table, validates every row, then writes them all
// in one transaction, tables in the order given. The error is for failures
// of the store itself; problems with the input are in the report, and when
// there is any (and SkipInvalid is off) nothing is written.
func ImportTables(ctx context.Context, st qantar.Store, inputs []Input, o Options) (*Report, error) {
	return runImport(ctx, st, o, true, func(ctx context.Context, im *importer) error {
		for _, in := range inputs {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := im.read(ctx, in); err != nil {
				return err
			}
		}
		return nil
	})
}

// runImport reads the input through read, then checks the references by
// id and, when nothing is wrong (or SkipInvalid), writes in one
// transaction: the one course of every import. When streamable (and not
// SkipInvalid), the rows are written as they are validated, in the same one
// transaction (stream.go).
func runImport(ctx context.Context, st qantar.Store, o Options, streamable bool, read func(context.Context, *importer) error) (*Report, error) {
	im := &importer{st: st, o: o, rep: &Report{DryRun: o.DryRun}, decoders: newDecoders(),
		keys: newKeyIndex(), ids: map[kindID]*row{}, storeKey: map[kindKey]int64{}, storeID: map[kindID]bool{}}
	defer im.decoders.stop()
	if cp, ok := st.(Checkpointer); ok {
		b, err := cp.Checkpoint(ctx)
		if err != nil {
			return nil, fmt.Errorf("checkpoint: %w", err)
		}
		im.origin = qantar.OriginOf(b)
	}
	if streamable && !o.SkipInvalid {
		if err := im.streamImport(ctx, read); err != nil {
			return nil, err
		}
		im.finish()
		return im.rep, nil
	}
	if err := read(ctx, im); err != nil {
		return nil, err
	}
	im.finishDecodes()
	if err := im.checkIDRefs(ctx); err != nil {
		return nil, err
	}
	fatal := im.fileProblems > 0
	if !fatal && (im.badRows == 0 || o.SkipInvalid) {
		if err := im.noteEmptyKinds(ctx); err != nil {
			return nil, err
		}
		if err := im.writeAll(ctx); err != nil {
			return nil, err
		}
	}
	im.finish()
	return im.rep, nil
}

type kindKey struct {
	kind qantar.Kind
	key  string
}

type kindID struct {
	kind qantar.Kind
	id   int64
}

// row is one data row on its way to the store.
type row struct {
	t       *table
	line    int
	cells   []string // kept for the rejected file
	rec     qantar.Record
	key     string
	srcID   int64
	local   map[string]*row // reference field → the row of this import it names
	idCheck bool            // id references still to check (id column present)
	bad     bool
	// decodeBad: decoding or validating found a problem; refused: the
	// store refused the row (both kept apart from bad, which is what the
	// conversion found, so that what a later row sees of it does not
	// depend on when the decoders or the writer got to it).
	decodeBad, refused bool
	id                 int64 // set once written
	outcome            int
}

// rejected reports whether the row has any problem.
func (r *row) rejected() bool { return r.bad || r.decodeBad || r.refused }

// setLocal notes that a reference field of r names another row of the
// import (most rows have none, so the map is made on the first).
func (r *row) setLocal(field string, target *row) {
	if r.local == nil {
		r.local = map[string]*row{}
	}
	r.local[field] = target
}

const (
	outNone = iota
	outCreated
	outUpdated
	outUnchanged
)

type importer struct {
	st           qantar.Store
	o            Options
	rep          *Report
	tables       []*table
	keys         keyIndex        // external keys seen in this import
	ids          map[kindID]*row // id column values seen in this import
	storeKey     map[kindKey]int64
	storeID      map[kindID]bool
	fileProblems int
	badRows      int
	decoders     *decoders
	// stream, when set, writes rows as they are validated (stream.go).
	stream *streamer
	// origin is the store's log origin: a key that is the global identity
	// of one of its own records (an export of this database imported
	// back) names that record.
	origin string
}

func (im *importer) problem(t *table, line int, column, value string, w words) {
	im.rep.Problems = append(im.rep.Problems, newProblem(t, line, column, value, w))
}

func newProblem(t *table, line int, column, value string, w words) Problem {
	name := ""
	if t != nil {
		name = t.rep.Name
	}
	return Problem{File: name, Line: line, Column: column, Value: value, Message: w.String(), Format: w.format, Args: w.args}
}

// fileProblemf and rowProblemf report a problem whose words are a key of
// the catalogue (see Problem.Format); fileProblemErr and rowProblemErr one
// that an error says.
func (im *importer) fileProblemf(t *table, line int, format string, args ...any) {
	im.fileWords(t, line, wordsf(format, args...))
}

func (im *importer) rowProblemf(r *row, column, value, format string, args ...any) {
	im.rowWords(r, column, value, wordsf(format, args...))
}

func (im *importer) fileProblemErr(t *table, line int, err error) {
	im.fileWords(t, line, errWords(err))
}

func (im *importer) rowProblemErr(r *row, column, value string, err error) {
	im.rowWords(r, column, value, errWords(err))
}

// fileProblem reports a problem in words no catalogue holds.
func (im *importer) fileProblem(t *table, line int, msg string) {
	im.fileWords(t, line, wordsf("%s", msg))
}

func (im *importer) fileWords(t *table, line int, w words) {
	im.fileProblems++
	im.problem(t, line, "", "", w)
}

func (im *importer) rowWords(r *row, column, value string, w words) {
	if !r.bad {
		r.bad = true
		im.badRows++
	}
	im.problem(r.t, r.line, column, value, w)
}

// read reads and converts every row of one input.
func (im *importer) read(ctx context.Context, in Input) error {
	t := &table{kind: in.Kind, rep: &TableReport{Name: in.Name, Kind: in.Kind}, protection: im.o.Protection, order: len(im.tables)}
	if im.stream != nil {
		t.wasEmpty = im.stream.counts[t.kind] == 0
	}
	im.tables = append(im.tables, t)
	im.rep.Tables = append(im.rep.Tables, t.rep)
	if _, ok := kindSpecs[in.Kind]; !ok {
		_, err := qantar.ParseKind(string(in.Kind))
		if err == nil {
			err = cellErrorf("%s cannot be imported", qantar.Word(string(in.Kind)))
		}
		im.fileProblemErr(t, 0, err)
		return nil
	}
	r, isJSON := isJSONInput(in.R, in.Name, im.o.Read.Format)
	if isJSON {
		return im.readJSON(ctx, t, in, r)
	}
	in.R = r
	ro, ok := im.readOptions(t)
	if !ok {
		return nil
	}
	tab, err := OpenTable(in.R, in.Name, ro)
	if err != nil {
		return im.readError(t, err)
	}
	defer tab.Close()
	t.rep.Format, t.rep.Encoding, t.rep.Delimiter = tab.Format, tab.Encoding, tab.Delimiter
	t.xlsx = tab.Format == FormatXLSX
	head, err := tab.Next()
	if errors.Is(err, io.EOF) {
		im.fileProblemf(t, 0, "the file is empty: the first line must name the columns")
		return nil
	} else if err != nil {
		return im.readError(t, err)
	}
	t.rep.Header = head.Cells
	im.bindColumns(t, head)
	im.hold(t, t.hasID)
	return readRows(ctx, im, t, in, tab.Next, tab.BytesRead, func(r Row) { im.convert(t, r) })
}

// readOptions are the options a table is read with: the import's, with
// what its mapping says where they say nothing. A bad delimiter in the
// mapping is a problem with the file (false).
func (im *importer) readOptions(t *table) (ReadOptions, bool) {
	ro := im.o.Read
	m := im.o.Mapping
	if m == nil {
		return ro, true
	}
	if ro.Encoding == "" {
		ro.Encoding = m.Encoding
	}
	if ro.Sheet == "" {
		ro.Sheet = m.Sheet
	}
	if ro.Delimiter == 0 && m.Delimiter != "" {
		d, err := ParseDelimiter(m.Delimiter)
		if err != nil {
			im.fileProblemErr(t, 0, err)
			return ro, false
		}
		ro.Delimiter = d
	}
	return ro, true
}

// readRows reads every row of a table (a CSV, TSV or XLSX table, or a JSON
// array) through next and converts it, reporting progress and stopping when
// ctx is done.
func readRows[R any](ctx context.Context, im *importer, t *table, in Input, next func() (R, error), bytesRead func() int64, convert func(R)) error {
	progress := func() {
		if im.o.Progress != nil {
			im.o.Progress(Progress{Phase: "read", Done: bytesRead(), Total: in.Size})
		}
	}
	for n := 0; ; n++ {
		r, err := next()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return im.readError(t, err)
		}
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			progress()
		}
		t.rep.Rows++
		convert(r)
	}
	progress()
	return nil
}

func (im *importer) readError(t *table, err error) error {
	var fe *FileError
	if errors.As(err, &fe) {
		im.fileWords(t, fe.Line, errWords(fe))
		return nil
	}
	return err
}

// writeAll writes every valid row in one transaction. With SkipInvalid, a
// row the store refuses is marked bad and the transaction is run again
// without it (and without the rows that refer to it).
func (im *importer) writeAll(ctx context.Context) error {
	errRollback := errors.New("roll back")
	for {
		var refused int
		err := im.st.InTx(ctx, func(w qantar.Writer) error {
			var err error
			if refused, err = im.write(ctx, w); err != nil {
				return err
			}
			if refused > 0 || im.o.DryRun || im.badRows > 0 && !im.o.SkipInvalid {
				return errRollback
			}
			return nil
		})
		switch {
		case err == nil:
			im.rep.Written = true
			return nil
		case !errors.Is(err, errRollback):
			return err
		case refused > 0 && im.o.SkipInvalid:
			continue
		}
		return nil
	}
}

// write writes the rows that are not bad, in order, and returns how many
// the store refused. New records go to the store in batches (through its
// bulk path when it has one); a row that refers to a row of the current
// batch waits for the batch to be written.
func (im *importer) write(ctx context.Context, w qantar.Writer) (int, error) {
	rw := &rowWriter{im: im, ctx: ctx, w: w, inBatch: map[*row]bool{}}
	for _, t := range im.tables {
		for _, r := range t.rows {
			r.id, r.outcome = 0, outNone
			if !r.rejected() {
				rw.total++
			}
		}
	}
	for _, t := range im.tables {
		if err := rw.table(t); err != nil {
			return 0, err
		}
	}
	if err := rw.flush(); err != nil {
		return 0, err
	}
	if im.o.Progress != nil {
		im.o.Progress(Progress{Phase: "write", Done: rw.done, Total: rw.total})
	}
	return rw.refused, nil
}

// rowWriter is one pass of write: the batch of new records waiting for the
// store, the rows it refused, and how far it has come.
type rowWriter struct {
	im          *importer
	ctx         context.Context
	w           qantar.Writer
	batch       []*row
	inBatch     map[*row]bool
	refused     int
	done, total int64
	// stream: the writer of a streamed import (stream.go), on its own
	// goroutine: it keeps its problems and counts apart from the reader's
	// (problems, counts) and forgets each streamed row's record once the
	// row is written.
	stream    bool
	settled   []*row // streamed rows written or refused since the last chunk
	problems  []Problem
	problemOf []int // the order of each problem's table (inTableOrder)
	counts    map[*table]*TableReport
}

// table writes one table's rows.
func (rw *rowWriter) table(t *table) error { return rw.rows(t, t.rows) }

// rows writes rows of table t, in order. The records that keyed rows may
// update are fetched a batch of rows at a time (a list imported again finds
// every row's record).
func (rw *rowWriter) rows(t *table, rows []*row) error {
	var current map[string]qantar.Record
	fetchedTo := 0
	for i, r := range rows {
		if r.rejected() {
			continue
		}
		if r.key != "" && !t.wasEmpty && i >= fetchedTo {
			fetchedTo = min(i+lookupBatch, len(rows))
			var keys []string
			for _, o := range rows[i:fetchedTo] {
				if !o.rejected() && o.key != "" {
					keys = append(keys, o.key)
				}
			}
			var err error
			if current, err = rw.im.lookupKeys(rw.ctx, rw.w, t.kind, keys); err != nil {
				return fmt.Errorf("%s: look up external keys: %w", t.rep.Name, err)
			}
		}
		if err := rw.row(r, current); err != nil {
			return err
		}
	}
	return nil
}

// row writes one row, or queues its new record; the batch is written first
// when it is full or holds a record the row refers to.
func (rw *rowWriter) row(r *row, current map[string]qantar.Record) error {
	im := rw.im
	if rw.done%1024 == 0 {
		if err := rw.ctx.Err(); err != nil {
			return err
		}
		if im.o.Progress != nil && !rw.stream {
			im.o.Progress(Progress{Phase: "write", Done: rw.done, Total: rw.total})
		}
	}
	rw.done++
	needsFlush := false
	for _, target := range r.local {
		needsFlush = needsFlush || rw.inBatch[target]
	}
	if needsFlush || len(rw.batch) >= writeBatch {
		if err := rw.flush(); err != nil {
			return err
		}
	}
	queued, err := im.writeRow(rw.ctx, rw.w, r, current)
	if err != nil {
		return rw.refuse(r, err)
	}
	if queued {
		rw.batch = append(rw.batch, r)
		rw.inBatch[r] = true
	} else {
		rw.settle(r)
	}
	return nil
}

// flush writes the batch of new records; a record the store refuses is the
// problem of its row, and the records after it are written on.
func (rw *rowWriter) flush() error {
	for len(rw.batch) > 0 {
		recs := make([]qantar.Record, len(rw.batch))
		for i, r := range rw.batch {
			recs[i] = r.rec
		}
		n, err := qantar.CreateAll(rw.ctx, rw.w, rw.im.o.Actor, recs)
		for _, r := range rw.batch[:n] {
			r.id, r.outcome = r.rec.GetMeta().ID, outCreated
			rw.settle(r)
		}
		if err == nil {
			break
		}
		if err := rw.refuse(rw.batch[n], err); err != nil {
			return err
		}
		rw.batch = rw.batch[n+1:]
	}
	rw.batch = rw.batch[:0]
	clear(rw.inBatch)
	return nil
}

// settle counts a streamed row that is written (or left unchanged) and
// forgets its record: only its id, key and line are needed further.
func (rw *rowWriter) settle(r *row) {
	if !rw.stream || r.t.held {
		return
	}
	c := rw.count(r.t)
	switch r.outcome {
	case outCreated:
		c.Created++
		c.countProtected(r.rec)
	case outUpdated:
		c.Updated++
		c.countProtected(r.rec)
	case outUnchanged:
		c.Unchanged++
	}
	r.rec, r.local = nil, nil
	rw.settled = append(rw.settled, r)
}

// count is where the writer counts what it did with table t's streamed rows.
func (rw *rowWriter) count(t *table) *TableReport {
	c := rw.counts[t]
	if c == nil {
		c = &TableReport{}
		rw.counts[t] = c
	}
	return c
}

// refuse makes the store's refusal of a row the row's problem; an internal
// error ends the import.
func (rw *rowWriter) refuse(r *row, err error) error {
	if qantar.ErrorCode(err) == qantar.EINTERNAL {
		return fmt.Errorf("%s line %d: %w", r.t.rep.Name, r.line, err)
	}
	rw.refused++
	field := qantar.ErrorField(err)
	msg := fieldWords(err, field, "[")
	if r.t.json {
		msg = errWords(err) // the column is the whole field
	}
	if !rw.stream {
		rw.im.rowWords(r, r.t.columnFor(field, nil), "", msg)
		return nil
	}
	// The reader goes on beside the writer: the problem waits in the
	// writer's list until the end.
	r.refused = true
	rw.problems = append(rw.problems, newProblem(r.t, r.line, r.t.columnFor(field, nil), "", msg))
	rw.problemOf = append(rw.problemOf, r.t.order)
	if !r.t.held {
		rw.count(r.t).Rejected++
		r.rec, r.local = nil, nil
		rw.settled = append(rw.settled, r)
	}
	return nil
}

// lookupKeys returns the live records that keys name: by external key, or,
// for a key that is the global identity of a record of this database, by
// its id.
func (im *importer) lookupKeys(ctx context.Context, w qantar.Writer, kind qantar.Kind, keys []string) (map[string]qantar.Record, error) {
	current, err := qantar.GetByExternalKeys(ctx, w, kind, keys)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		id, ok := im.ownID(kind, k)
		if _, found := current[k]; found || !ok {
			continue
		}
		rec, err := w.Get(ctx, kind, id)
		switch {
		case err == nil:
			current[k] = rec
		case qantar.ErrorCode(err) != qantar.ENOTFOUND:
			return nil, err
		}
	}
	return current, nil
}

// fromKey is the key of a row that has an id and no external key in an
// export of a database whose origin is known: its global identity there.
func (im *importer) fromKey(r *row) string {
	if r.key != "" || r.srcID <= 0 || im.o.From == "" {
		return ""
	}
	return qantar.GlobalKey(im.o.From, r.t.kind, r.srcID)
}

// ownID is the id of the record of this database whose global identity
// key is.
func (im *importer) ownID(kind qantar.Kind, key string) (int64, bool) {
	origin, k, id, ok := qantar.ParseGlobalKey(key)
	return id, ok && im.origin != "" && origin == im.origin && k == kind
}

// writeBatch is how many new records go to the store at once;
// lookupBatch how many rows' external keys are looked up at once.
const (
	writeBatch  = 2048
	lookupBatch = 512
)

// writeRow sets the row's references to rows already written, then updates
// the record its key names (in current), or leaves it unchanged, or reports
// it queued for creation (true).
func (im *importer) writeRow(ctx context.Context, w qantar.Writer, r *row, current map[string]qantar.Record) (bool, error) {
	for _, p := range refPtrs(r.rec) {
		target, ok := r.local[p.Field]
		if !ok {
			continue
		}
		if target.rejected() || target.id == 0 {
			if target.rejected() {
				return false, qantar.FieldErrorf(p.Field, "refers to line %d, which was rejected", target.line)
			}
			return false, qantar.FieldErrorf(p.Field, "refers to line %d below it; put that row first", target.line)
		}
		*p.P = target.id
	}
	m := r.rec.GetMeta()
	if r.key != "" && !r.t.wasEmpty {
		if cur, ok := current[r.key]; ok {
			if !r.t.json {
				rec, err := keepUnowned(r.t, r.rec, cur)
				if err != nil {
					return false, err
				}
				r.rec, m = rec, rec.GetMeta()
			}
			cm := cur.GetMeta()
			m.ID, m.Version = cm.ID, cm.Version
			if _, own := im.ownID(r.t.kind, r.key); own {
				m.ExternalKey = cm.ExternalKey // its identity here is its id
			}
			same, err := sameContent(r.rec, cur)
			if err != nil {
				return false, err
			}
			if same {
				r.id, r.outcome = cm.ID, outUnchanged
				return false, nil
			}
			if err := w.Update(ctx, im.o.Actor, r.rec); err != nil {
				return false, err
			}
			r.id, r.outcome = m.ID, outUpdated
			return false, nil
		}
	}
	m.ID, m.Version = 0, 0
	return true, nil
}

// keepUnowned is the record a table's row makes of the record it updates:
// the fields the table has columns for as the row gives them (an empty cell
// clears its field), every other field as it is (a merge confirmed since,
// an editor's decision to publish, a note), so that a list imported again
// changes nothing an editor did. A JSON export carries every field and
// replaces the record whole.
func keepUnowned(t *table, rec, cur qantar.Record) (qantar.Record, error) {
	if t.owned == nil {
		t.owned = map[string]bool{}
		for _, bc := range t.cols {
			if bc.col.Field != "" {
				t.owned[bc.col.Field] = true
			}
		}
		t.owned["external_key"] = true
	}
	var row, kept map[string]json.RawMessage
	b, err := json.Marshal(rec)
	if err == nil {
		err = json.Unmarshal(b, &row)
	}
	if err == nil {
		b, err = json.Marshal(cur)
	}
	if err == nil {
		err = json.Unmarshal(b, &kept)
	}
	if err != nil {
		return nil, err
	}
	for f := range t.owned {
		if v, ok := row[f]; ok {
			kept[f] = v
		} else {
			delete(kept, f)
		}
	}
	if b, err = json.Marshal(kept); err != nil {
		return nil, err
	}
	return qantar.DecodeBytes(t.kind, b)
}

// noteEmptyKinds marks the tables whose kind has no record yet: their keys
// cannot name an existing record, so writeRow need not look each one up (a
// million lookups on a first import). Should a record with the same key be
// written in between, the store's unique key refuses the row; nothing is
// duplicated.
func (im *importer) noteEmptyKinds(ctx context.Context) error {
	counts, err := im.st.Count(ctx)
	if err != nil {
		return fmt.Errorf("count records: %w", err)
	}
	for _, t := range im.tables {
		t.wasEmpty = counts[t.kind] == 0
	}
	return nil
}

// sameContent compares two records as the log does: by canonical JSON.
func sameContent(a, b qantar.Record) (bool, error) {
	ca, err := qantar.Canonical(a)
	if err != nil {
		return false, err
	}
	cb, err := qantar.Canonical(b)
	if err != nil {
		return false, err
	}
	return string(ca) == string(cb), nil
}

// finish counts the outcome and keeps the rejected rows.
func (im *importer) finish() {
	for _, t := range im.tables {
		for _, r := range t.rows {
			switch {
			case r.rejected():
				t.rep.Rejected++
				t.rep.rejected = append(t.rep.rejected, Row{Line: r.line, Cells: r.cells})
			case r.outcome == outCreated:
				t.rep.Created++
				t.rep.countProtected(r.rec)
			case r.outcome == outUpdated:
				t.rep.Updated++
				t.rep.countProtected(r.rec)
			case r.outcome == outUnchanged:
				t.rep.Unchanged++
			}
		}
		im.rep.Created += t.rep.Created
		im.rep.Updated += t.rep.Updated
		im.rep.Unchanged += t.rep.Unchanged
		im.rep.Rejected += t.rep.Rejected
		im.rep.Protected += t.rep.Protected
	}
	if !im.rep.Written && !im.rep.DryRun {
		im.rep.Created, im.rep.Updated, im.rep.Unchanged, im.rep.Protected = 0, 0, 0, 0
		for _, t := range im.tables {
			t.rep.Created, t.rep.Updated, t.rep.Unchanged, t.rep.Protected = 0, 0, 0, 0
		}
	}
}

// ImportDir imports every table of an export directory (persons.csv,
// cases.xlsx, events.json, …) in the order of qantar.Kinds, in one
// transaction, so that the id columns (a JSON record's id) tie the files
// together: a reference to an id that a row of the import carries names
// that row's new record.
func ImportDir(ctx context.Context, st qantar.Store, dir string, o Options) (*Report, error) {
	var inputs []Input
	for _, k := range qantar.Kinds {
		for _, ext := range []string{".csv", ".tsv", ".xlsx", ".json"} {
			path := filepath.Join(dir, string(k)+ext)
			f, err := os.Open(path)
			if errors.Is(err, fs.ErrNotExist) {
				continue
			} else if err != nil {
				return nil, qantar.Errorf(qantar.EINVALID, "%v", err)
			}
			defer f.Close()
			var size int64
			if fi, err := f.Stat(); err == nil {
				size = fi.Size()
			}
			inputs = append(inputs, Input{Kind: k, Name: filepath.Base(path), R: f, Size: size})
		}
	}
	if len(inputs) == 0 {
		return nil, qantar.Errorf(qantar.EINVALID, "%s holds no file named after a kind (persons.csv, cases.xlsx, events.json, …)", dir)
	}
	if cp, err := os.ReadFile(filepath.Join(dir, CheckpointFile)); err == nil && o.From == "" {
		o.From = qantar.OriginOf(cp)
	}
	return ImportTables(ctx, st, inputs, o)
}
