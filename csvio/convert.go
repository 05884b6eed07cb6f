package csvio

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"github.com/qantar-project/qantar"
)

// table is one input being imported.
type table struct {
	kind   qantar.Kind
	rep    *TableReport
	xlsx   bool
	cols   []boundCol
	hasID  bool
	json   bool // a JSON array of records (json.go), not a table of cells
	rows   []*row
	hashes map[[16]byte]int // content of keyless rows → line, to find repeats
	// wasEmpty: the store held no record of this kind when the import began.
	wasEmpty bool
	// protection is the level given to persons whose row sets none.
	protection string
	// owned: the fields the table's columns give (keepUnowned).
	owned map[string]bool
	// held: in a streamed import, the table's rows are kept until every
	// row is read, as without streaming (a table with ids: a reference by
	// id may name a row further down).
	held bool
	// order is the table's place among the import's: its rows are written
	// before those of the tables after it (a chunk of a streamed import
	// may hold rows of several, as a list's rows become three records).
	order int
}

// decided gives a person whose row sets no protection level the import's
// (Options.Protection); without one, the person stays protected until
// someone decides (qantar.Person.ProtectionLevel).
func (t *table) decided(rec qantar.Record) {
	if p, ok := rec.(*qantar.Person); ok && p.Protection == "" {
		p.Protection = t.protection
	}
}

// boundCol is a file's column bound to a column of the kind.
type boundCol struct {
	idx    int
	header string
	col    Column
	values map[string]string // the mapping's value translations
}

// bindColumns matches the header to the kind's columns, through the
// mapping first, then the built-in names in en, ru and kk.
func (im *importer) bindColumns(t *table, head Row) {
	idx := headerIndex(t.kind)
	byName := map[string]Column{}
	for _, c := range Columns(t.kind) {
		byName[c.Name] = c
	}
	var mapping map[string]string
	var values map[string]map[string]string
	if m := im.o.Mapping; m != nil {
		mapping = map[string]string{}
		for h, to := range m.Columns {
			mapping[normHeader(h)] = to
		}
		values = m.Values
	}
	seen := map[string]string{} // column name → header that took it
	for i, h := range head.Cells {
		h = strings.TrimSpace(h)
		var c Column
		var ok bool
		if to, mapped := mapping[normHeader(h)]; mapped {
			if to == "-" || to == "" {
				continue
			}
			if c, ok = byName[to]; !ok {
				c, ok = idx[normHeader(to)]
			}
			if !ok {
				im.fileProblemf(t, head.Line, "the mapping maps column %q to %q, which is not a column of %s", h, to, qantar.Word(t.kind))
				continue
			}
		} else if c, ok = idx[normHeader(h)]; !ok {
			if rowNumber(h) {
				im.fileProblemf(t, head.Line, "column %q numbers the rows of a list, and a number is a key within its list only: import the file as a list (--list NAME, or a list of persons on the import page), or map the column to external_key or to \"-\" with a mapping file (--map)", h)
				continue
			}
			if h == "" {
				// An unnamed column is fine while it is empty; convert
				// reports a value in it.
				t.cols = append(t.cols, boundCol{idx: i, header: fmt.Sprintf("#%d", i+1), col: Column{Type: -1}})
				continue
			}
			im.fileProblemf(t, head.Line, "column %q is not a column of %s; map it to one with a mapping file (--map), or to \"-\" to leave it out", h, qantar.Word(t.kind))
			continue
		}
		if prev, dup := seen[c.Name]; dup {
			im.fileProblemf(t, head.Line, "columns %q and %q both mean %s", prev, h, c.Name)
			continue
		}
		seen[c.Name] = h
		bc := boundCol{idx: i, header: h, col: c}
		if values != nil {
			vm := values[c.Name]
			if vm == nil {
				vm = values[h]
			}
			if vm != nil {
				bc.values = map[string]string{}
				for from, to := range vm {
					bc.values[normValue(from)] = to
				}
			}
		}
		if c.Type == typeID {
			t.hasID = true
		}
		t.cols = append(t.cols, bc)
	}
	if !t.hasID {
		t.hashes = map[[16]byte]int{}
	}
}

// keyRef is a reference given by external key, resolved after the cells.
type keyRef struct {
	bc  *boundCol
	key string
}

// rowObject is the record a row's cells build, before it is encoded: the
// fields set so far and what is put together once every cell is read.
type rowObject struct {
	obj        map[string]any
	listNames  []any    // from the names column
	listHeader string   // the names column's header
	names      []any    // from name columns
	nameCols   []string // header of each entry of names
	keyRefs    []keyRef
	texts      map[string]map[string]string // field → language → text
}

// convert turns one row into a record, reporting every problem in it.
func (im *importer) convert(t *table, in Row) { im.convertChecked(t, in, nil) }

// convertChecked is convert with a check of the row's own (a list's place
// that names several), run once its cells are read and before it is
// decoded, so that a row it finds bad is never handed on.
func (im *importer) convertChecked(t *table, in Row, check func(*row)) {
	r := &row{t: t, line: in.Line}
	im.keepRow(r)
	defer im.rowConverted(r)
	if im.o.SkipInvalid {
		r.cells = in.Cells
	}
	ro := &rowObject{obj: map[string]any{}, texts: map[string]map[string]string{}}
	for i := range t.cols {
		bc := &t.cols[i]
		if bc.idx >= len(in.Cells) {
			continue
		}
		v, ok := im.cellValue(r, bc, in.Cells[bc.idx])
		if !ok {
			continue
		}
		if err := im.setCell(r, bc, v, ro); err != nil {
			im.rowProblemErr(r, bc.header, v, err)
		}
	}
	nameCols := ro.assemble()
	for _, kr := range ro.keyRefs {
		im.resolveKey(r, kr, ro.obj)
	}
	if k := im.fromKey(r); k != "" {
		r.key = k
		ro.obj["external_key"] = k
	}
	if r.key != "" {
		im.keys.put(t.kind, r)
	}
	if check != nil {
		check(r)
	}
	if r.bad {
		return
	}
	im.submitRow(r, ro.obj, nameCols)
}

// cellValue is a cell's value as its column reads it: unneutralised,
// trimmed unless the column keeps spaces, translated by the mapping's
// values. ok is false for an empty cell, or one too long (a problem).
func (im *importer) cellValue(r *row, bc *boundCol, raw string) (v string, ok bool) {
	if len(raw) > MaxCellBytes {
		im.rowProblemf(r, bc.header, "", "the cell is longer than %d KiB", MaxCellBytes>>10)
		return "", false
	}
	v = Unneutralize(raw)
	if strings.TrimSpace(v) == "" {
		return "", false
	}
	if c := bc.col; c.Type != typeText && c.Type != typeString {
		v = strings.TrimSpace(v)
	}
	if bc.values != nil {
		if to, ok := bc.values[normValue(v)]; ok {
			v = to
			if v == "" {
				return "", false
			}
		}
	}
	return v, true
}

// setCell puts one cell's value into the row's record, by its column's
// type; the error is the cell's problem.
func (im *importer) setCell(r *row, bc *boundCol, v string, ro *rowObject) error {
	t, c, obj := r.t, bc.col, ro.obj
	var err error
	switch c.Type {
	case -1:
		err = cellErrorf("the column has no header, so %q cannot be imported; name the column or empty it", clip(v, 40))
	case typeID:
		r.srcID, err = parseCellID(v)
		if err == nil {
			if prev, dup := im.ids[kindID{t.kind, r.srcID}]; dup {
				err = cellErrorf("id %d is already on line %d", r.srcID, prev.line)
			} else {
				im.ids[kindID{t.kind, r.srcID}] = r
			}
		}
	case typeExternalKey:
		if prev, dup := im.keys.get(t.kind, v); dup {
			err = cellErrorf("external key %q is already on line %d", v, prev.line)
		} else {
			// A copy: v shares the memory of the whole line, which
			// would otherwise be kept for as long as the key is.
			r.key = strings.Clone(v)
			obj["external_key"] = r.key
		}
	case typeReadOnly:
	case typeString:
		obj[c.Field] = v
	case typeVocab:
		obj[c.Field], err = parseCellVocab(v, c.Vocab)
	case typeInt:
		obj[c.Field], err = parseCellInt(v)
	case typeRef:
		obj[c.Field], err = parseCellID(v)
	case typeKey:
		ro.keyRefs = append(ro.keyRefs, keyRef{bc, v})
	case typeDate:
		obj[c.Field], err = parseCellDate(v, t.xlsx)
	case typeBool:
		obj[c.Field], err = parseCellBool(v)
	case typeFloat:
		obj[c.Field], err = parseCellFloat(v)
	case typeText:
		if ro.texts[c.Field] == nil {
			ro.texts[c.Field] = map[string]string{}
		}
		ro.texts[c.Field][c.Lang] = v
	case typeList:
		err = ro.setList(bc, v)
	case typeName:
		ro.names = append(ro.names, nameObject(v, c.Lang, ""))
		ro.nameCols = append(ro.nameCols, bc.header)
	}
	return err
}

// setList puts a list cell's value into the record; the names column's
// entries wait for the name columns' (assemble).
func (ro *rowObject) setList(bc *boundCol, v string) error {
	c := bc.col
	lv, err := listCell(c.Field, v)
	if err != nil {
		return err
	}
	if c.Field != "names" {
		ro.obj[c.Field] = lv
		return nil
	}
	var list []any
	b, _ := json.Marshal(lv)
	if jerr := json.Unmarshal(b, &list); jerr != nil {
		return cellErrorf("must be a JSON array of names such as [{\"value\": \"…\"}]")
	}
	ro.listNames, ro.listHeader = list, bc.header
	return nil
}

// assemble puts the texts and names gathered from several cells into the
// record, and returns the header each of its names came from.
func (ro *rowObject) assemble() (nameCols []string) {
	for f, m := range ro.texts {
		ro.obj[f] = m
	}
	nameCols = ro.nameCols
	if len(ro.listNames)+len(ro.names) > 0 {
		all := append(ro.listNames, ro.names...)
		cols := make([]string, len(ro.listNames), len(all))
		for i := range cols {
			cols[i] = ro.listHeader
		}
		nameCols = append(cols, nameCols...)
		ro.obj["names"], nameCols = dedupeNames(all, nameCols)
	}
	return nameCols
}

// submitRow encodes a row's record, refuses a keyless row that repeats
// another, and hands it to the decoders.
func (im *importer) submitRow(r *row, obj map[string]any, nameCols []string) {
	t := r.t
	b, err := json.Marshal(obj)
	if err != nil {
		im.rowProblemf(r, "", "", "cannot encode the row: %s", err)
		return
	}
	if t.hashes != nil && r.key == "" {
		sum := sha256.Sum256(b)
		var h [16]byte
		copy(h[:], sum[:])
		if prev, dup := t.hashes[h]; dup {
			im.rowProblemf(r, "", "", "repeats line %d; give each row an external key if both are meant", prev)
			return
		}
		t.hashes[h] = r.line
	}
	// Decoding and validating, the larger part of a row's cost, need
	// nothing of the other rows: the decoders do it, and finishDecodes puts
	// a problem found there where this row's problems would have been.
	im.submit(&decodeJob{r: r, b: b, obj: obj, nameCols: nameCols, pos: len(im.rep.Problems)})
}

// decodeJob is a converted row on its way through the decoders.
type decodeJob struct {
	r        *row
	b        []byte
	obj      map[string]any
	nameCols []string
	pos      int // where in the report its problem goes
	rec      qantar.Record
	col      string // the problem's column, and its words
	msg      words
	// A JSON row (runJSON): hashed asks for the sum of its content, to
	// find a repeated record once the rows are back in order.
	json, hashed bool
	sum          [16]byte
	done         chan struct{} // closed once run, in a streamed import
}

func (j *decodeJob) run() {
	if j.json {
		j.runJSON()
		return
	}
	t := j.r.t
	rec, err := qantar.DecodeBytes(t.kind, j.b)
	if err == nil {
		t.decided(rec)
		err = rec.Validate()
	}
	if err != nil {
		field := qantar.ErrorField(err)
		j.col = t.columnFor(field, j.nameCols)
		if field == "" {
			j.col = findBadList(t, j.obj)
		}
		j.msg = fieldWords(err, field, ".[")
		return
	}
	j.rec = rec
	j.b, j.obj, j.nameCols = nil, nil, nil
}

// decoders decode and validate rows on every core, in the order given.
type decoders struct {
	jobs chan *decodeJob
	all  []*decodeJob
	wg   sync.WaitGroup
}

func newDecoders() *decoders {
	d := &decoders{jobs: make(chan *decodeJob, 1024)}
	for range runtime.NumCPU() {
		d.wg.Add(1)
		go func() {
			defer d.wg.Done()
			for j := range d.jobs {
				j.run()
				if j.done != nil {
					close(j.done)
				}
			}
		}()
	}
	return d
}

func (d *decoders) submit(j *decodeJob) {
	d.all = append(d.all, j)
	d.jobs <- j
}

// stop ends the decoders; it may be called more than once.
func (d *decoders) stop() {
	if d.jobs != nil {
		close(d.jobs)
		d.wg.Wait()
		d.jobs = nil
	}
}

// finishDecodes waits for the decoders and takes in their results: the
// decoded records, and each problem at the place of its row in the report.
func (im *importer) finishDecodes() {
	im.decoders.stop()
	old := im.rep.Problems
	var out []Problem
	next := 0
	for _, j := range im.decoders.all {
		r := j.r
		if j.rec != nil && j.hashed {
			if prev, dup := r.t.hashes[j.sum]; dup {
				j.rec, j.col, j.msg = nil, "", wordsf("repeats the record on line %d; give each an external_key if both are meant", prev)
			} else {
				r.t.hashes[j.sum] = r.line
			}
		}
		if j.rec != nil {
			r.rec, r.idCheck = j.rec, true
			continue
		}
		out = append(out, old[next:j.pos]...)
		next = j.pos
		im.rep.Problems = nil
		im.rowWords(r, j.col, "", j.msg)
		out = append(out, im.rep.Problems...)
	}
	im.rep.Problems = append(out, old[next:]...)
	im.decoders.all = nil
}

// dedupeNames drops a name that repeats an earlier one's value, so that a
// names column and a name column saying the same thing give one name.
func dedupeNames(names []any, cols []string) ([]any, []string) {
	seen := map[string]bool{}
	var out []any
	var outCols []string
	for i, n := range names {
		var v string
		switch m := n.(type) {
		case map[string]any:
			v, _ = m["value"].(string)
		case map[string]string:
			v = m["value"]
		}
		if v != "" && seen[v] {
			continue
		}
		seen[v] = true
		out = append(out, n)
		outCols = append(outCols, cols[i])
	}
	return out, outCols
}

// resolveKey resolves a *_key cell to the row of this import that carries
// the key, or to the record in the store.
func (im *importer) resolveKey(r *row, kr keyRef, obj map[string]any) {
	c := kr.bc.col
	if _, both := obj[c.Field]; both {
		im.rowProblemf(r, kr.bc.header, kr.key, "give %s or %s, not both", c.Field, c.Name)
		return
	}
	kind := c.Ref
	if kind == "" { // a citation's record_key: the kind is in record_kind
		rk, _ := obj["record_kind"].(string)
		k, err := qantar.ParseKind(rk)
		if err != nil {
			im.rowProblemf(r, kr.bc.header, kr.key, "record_kind must name the kind of record the key belongs to")
			return
		}
		kind = k
	}
	if target, ok := im.keys.get(kind, kr.key); ok {
		if target.bad {
			im.rowProblemf(r, kr.bc.header, kr.key, "refers to line %d, which has problems", target.line)
			return
		}
		r.setLocal(c.Field, target)
		obj[c.Field] = int64(1) // a stand-in until the row is written
		return
	}
	id, ok := im.storeKey[kindKey{kind, kr.key}]
	if !ok {
		rec, err := im.st.GetByExternalKey(context.Background(), kind, kr.key)
		switch {
		case err == nil:
			id = rec.GetMeta().ID
		case qantar.ErrorCode(err) == qantar.ENOTFOUND:
		default:
			im.rowProblemf(r, kr.bc.header, kr.key, "cannot look the key up: %s", errWords(err))
			return
		}
		im.storeKey[kindKey{kind, kr.key}] = id
	}
	if id == 0 {
		im.rowProblemf(r, kr.bc.header, kr.key, "no %s has external key %q, in the database or on an earlier line", qantar.Word(kind.Singular()), kr.key)
		return
	}
	obj[c.Field] = id
}

// checkIDRefs checks every reference by id once all rows are read: an id
// that a row of this import carries in its id column names that row;
// any other must exist in the store.
func (im *importer) checkIDRefs(ctx context.Context) error {
	for _, t := range im.tables {
		for _, r := range t.rows {
			if err := im.checkRowIDRefs(ctx, r); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkRowIDRefs checks one row's references by id.
func (im *importer) checkRowIDRefs(ctx context.Context, r *row) error {
	t := r.t
	if !r.idCheck || r.rejected() {
		return nil
	}
	for _, p := range refPtrs(r.rec) {
		if *p.P == 0 || r.local[p.Field] != nil {
			continue
		}
		if t.hasID {
			if target, ok := im.ids[kindID{p.Kind, *p.P}]; ok {
				if target.rejected() {
					im.rowProblemf(r, t.columnFor(p.Field, nil), "", "refers to %s %d on line %d, which has problems", qantar.Word(p.Kind.Singular()), *p.P, target.line)
				}
				r.setLocal(p.Field, target)
				continue
			}
		}
		ok, cached := im.storeID[kindID{p.Kind, *p.P}]
		if !cached {
			_, err := im.st.Get(ctx, p.Kind, *p.P)
			switch {
			case err == nil:
				ok = true
			case qantar.ErrorCode(err) == qantar.ENOTFOUND:
			default:
				return fmt.Errorf("check %s %d: %w", p.Kind, *p.P, err)
			}
			im.storeID[kindID{p.Kind, *p.P}] = ok
		}
		if !ok {
			im.rowProblemf(r, t.columnFor(p.Field, nil), "", "%s %d does not exist", qantar.Word(p.Kind.Singular()), *p.P)
		}
	}
	return nil
}

// columnFor returns the header of the column that produced a field named
// in an error ("birth_date", "title.ru", "names[1].value", "steps[0].date").
func (t *table) columnFor(field string, nameCols []string) string {
	if field == "" || t.json {
		return field
	}
	top, rest := field, ""
	if i := strings.IndexAny(field, ".["); i >= 0 {
		top, rest = field[:i], field[i:]
	}
	if top == "names" && nameCols != nil {
		var i int
		if _, err := fmt.Sscanf(rest, "[%d]", &i); err == nil && i >= 0 && i < len(nameCols) {
			return nameCols[i]
		}
	}
	if lang, ok := strings.CutPrefix(rest, "."); ok {
		for _, bc := range t.cols {
			if bc.col.Field == top && bc.col.Type == typeText && bc.col.Lang == lang {
				return bc.header
			}
		}
	}
	for _, bc := range t.cols {
		if bc.col.Field == top && bc.col.Type != typeText {
			return bc.header
		}
	}
	for _, bc := range t.cols {
		if bc.col.Field == top {
			return bc.header
		}
	}
	return top
}

// findBadList finds, for a decode error that names no field (a bad date
// inside a JSON list), the list column at fault by decoding each alone.
func findBadList(t *table, obj map[string]any) string {
	for _, bc := range t.cols {
		if bc.col.Type != typeList && bc.col.Type != typeText {
			continue
		}
		v, ok := obj[bc.col.Field]
		if !ok {
			continue
		}
		b, _ := json.Marshal(map[string]any{bc.col.Field: v})
		if _, err := qantar.DecodeBytes(t.kind, b); err != nil {
			return bc.header
		}
	}
	return ""
}
