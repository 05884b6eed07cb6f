package csvio

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/qantar-project/qantar"
)

// A streamed import (ImportTables without SkipInvalid) reads, converts,
// decodes and writes at once, in one transaction, so that the rows of a
// large file are never all in memory and the store writes chunk k while the
// decoders validate chunk k+1:
//
//	reader (this goroutine): read → convert → submit ─► decoders (every core)
//	                          ◄─ take the results in order, check ids ─┘
//	                          └─► chunks of rows ─► writer goroutine ─► store
//
// What it keeps of a written row is its line, key and id (for the rows that
// refer to it by key) and, for keyless rows, a 16-byte hash of its content
// (to find repeats). It keeps today's guarantees: the first problem stops
// the writing (the reader goes on, to report every problem) and the
// transaction is rolled back, so a bad row at line 900,000 leaves nothing
// written; problems keep the order and the words an import that validates
// everything first gives them; a row that refers to a later row by id needs
// every row read, so a table with an id column (and a JSON table) and those
// after it are held, as without streaming, and written at the end of the
// same transaction.

// streamChunk is how many rows go to the writer at once; maxPending how
// many rows may wait in the decoders before the reader waits for them.
const (
	streamChunk = 2048
	maxPending  = 4096
)

// streamer is the state of a streamed import.
type streamer struct {
	im      *importer
	ctx     context.Context
	cancel  context.CancelFunc
	counts  map[qantar.Kind]int // records in the store when the import began
	holding bool                // a table has been held: every later one is
	pending []*decodeJob        // submitted, not yet taken, in order
	chunk   []*row
	inChunk map[*table]int // the chunk's rows of each table
	ch      chan []*row
	done    chan struct{} // closed when the writer has ended
	rw      *rowWriter
	dec     []posProblem // decoders' problems, with where each goes
	late    []Problem    // problems with references by id, after the others
	lateOf  []int        // the order of each late problem's table
	mu      sync.Mutex
	err     error    // the first failure of the store
	written [][]*row // rows the writer is done with, for the reader to forget
}

// posProblem is a decoder's problem and its place among the reader's.
type posProblem struct {
	pos int
	p   Problem
}

// streamImport runs a streamed import: read (every input) inside one
// transaction whose writer goroutine writes the rows as they are taken.
func (im *importer) streamImport(ctx context.Context, read func(context.Context, *importer) error) error {
	counts, err := im.st.Count(ctx)
	if err != nil {
		return fmt.Errorf("count records: %w", err)
	}
	errRollback := errors.New("roll back")
	clean := false
	var rw *rowWriter
	err = im.st.InTx(ctx, func(w qantar.Writer) error {
		s := im.startStream(ctx, w, counts)
		defer s.cancel()
		rw = s.rw
		if err := s.run(read); err != nil {
			return err
		}
		if err := im.checkIDRefs(ctx); err != nil { // the held rows
			return err
		}
		if clean = im.fileProblems == 0 && im.badRows == 0; clean {
			for _, t := range im.tables {
				if t.held {
					if err := rw.rows(t, t.rows); err != nil {
						return err
					}
				}
			}
			if err := rw.flush(); err != nil {
				return err
			}
		}
		if im.o.Progress != nil {
			im.o.Progress(Progress{Phase: "write", Done: rw.done, Total: rw.done})
		}
		if !clean || rw.refused > 0 || im.o.DryRun {
			return errRollback
		}
		return nil
	})
	if err != nil && !errors.Is(err, errRollback) {
		return err
	}
	im.rep.Written = err == nil
	if clean {
		// Without a problem in the input, the store's refusals are the
		// import's; with one, nothing would have been written at all.
		im.rep.Problems = append(im.rep.Problems, inTableOrder(rw.problems, rw.problemOf)...)
		for t, c := range rw.counts {
			t.rep.Created += c.Created
			t.rep.Updated += c.Updated
			t.rep.Unchanged += c.Unchanged
			t.rep.Protected += c.Protected
			t.rep.Rejected += c.Rejected
		}
	}
	return nil
}

// startStream sets the importer streaming into w.
func (im *importer) startStream(ctx context.Context, w qantar.Writer, counts map[qantar.Kind]int) *streamer {
	sctx, cancel := context.WithCancel(ctx)
	s := &streamer{im: im, ctx: sctx, cancel: cancel, counts: counts, ch: make(chan []*row, 2), done: make(chan struct{}), inChunk: map[*table]int{}}
	s.rw = &rowWriter{im: im, ctx: sctx, w: w, inBatch: map[*row]bool{}, stream: true, counts: map[*table]*TableReport{}}
	im.stream = s
	return s
}

// run reads every input with the writer beside it, takes the last rows
// from the decoders and waits for the writer; then the report's problems
// are in the order an import that validates everything first gives them.
func (s *streamer) run(read func(context.Context, *importer) error) error {
	go s.write()
	err := read(s.ctx, s.im)
	if err == nil {
		s.take(true)
	}
	s.sendChunk()
	close(s.ch)
	<-s.done
	if ferr := s.failure(); ferr != nil {
		return ferr
	}
	if err != nil {
		return err
	}
	s.merge()
	return nil
}

// write is the writer goroutine: it writes each chunk of rows, and after
// a failure only drains them.
func (s *streamer) write() {
	defer close(s.done)
	for chunk := range s.ch {
		if s.failure() != nil {
			continue
		}
		// The chunk is in the tables' order (sendChunk): each table's run
		// of rows is written after the rows it may refer to.
		for len(chunk) > 0 {
			n := 1
			for n < len(chunk) && chunk[n].t == chunk[0].t {
				n++
			}
			if err := s.rw.rows(chunk[0].t, chunk[:n]); err != nil {
				s.fail(err)
				break
			}
			chunk = chunk[n:]
		}
		s.mu.Lock()
		s.written = append(s.written, s.rw.settled)
		s.mu.Unlock()
		s.rw.settled = nil
	}
}

// forgetWritten forgets the rows the writer is done with but for what
// later rows need of them (keyIndex.forget); the reader calls it, since
// the key index is the reader's.
func (s *streamer) forgetWritten() {
	s.mu.Lock()
	written := s.written
	s.written = nil
	s.mu.Unlock()
	for _, chunk := range written {
		s.im.keys.forget(chunk)
	}
}

// fail keeps the first failure and stops the reader (readRows sees the
// context ended).
func (s *streamer) fail(err error) {
	s.mu.Lock()
	if s.err == nil {
		s.err = err
	}
	s.mu.Unlock()
	s.cancel()
}

func (s *streamer) failure() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// submit hands a converted row to the decoders and takes the results that
// are ready, waiting for the oldest when too many are pending.
func (s *streamer) submit(j *decodeJob) {
	j.done = make(chan struct{})
	s.pending = append(s.pending, j)
	s.im.decoders.jobs <- j
	s.take(false)
}

// take takes the decoders' results in order: those ready, or (all) every
// one, waiting for each.
func (s *streamer) take(all bool) {
	for len(s.pending) > 0 {
		j := s.pending[0]
		if !all && len(s.pending) < maxPending {
			select {
			case <-j.done:
			default:
				return
			}
		} else {
			<-j.done
		}
		s.pending[0] = nil
		s.pending = s.pending[1:]
		if err := s.taken(j); err != nil {
			s.fail(err)
			return
		}
	}
}

// taken takes in one row's decoding: its record, or its problem, kept to
// be put where finishDecodes would have put it. A row of a streamed table
// has its references by id checked and goes to the writer.
func (s *streamer) taken(j *decodeJob) error {
	im, r := s.im, j.r
	t := r.t
	if j.rec != nil && j.hashed {
		if prev, dup := t.hashes[j.sum]; dup {
			j.rec, j.col, j.msg = nil, "", wordsf("repeats the record on line %d; give each an external_key if both are meant", prev)
		} else {
			t.hashes[j.sum] = r.line
		}
	}
	if j.rec == nil {
		// Not r.bad: a later row's conversion must not see it sooner or
		// later depending on how fast the decoders went.
		if !r.rejected() {
			im.badRows++
		}
		r.decodeBad = true
		s.dec = append(s.dec, posProblem{j.pos, newProblem(t, r.line, j.col, "", j.msg)})
		if !t.held {
			t.rep.Rejected++
		}
		return nil
	}
	r.rec, r.idCheck = j.rec, true
	if t.held {
		return nil
	}
	saved := im.rep.Problems
	im.rep.Problems = s.late
	err := im.checkRowIDRefs(s.ctx, r)
	s.late, im.rep.Problems = im.rep.Problems, saved
	for len(s.lateOf) < len(s.late) {
		s.lateOf = append(s.lateOf, t.order)
	}
	if err != nil {
		return err
	}
	if r.bad { // as decodeBad, for the same reason
		r.bad, r.decodeBad = false, true
		t.rep.Rejected++
		r.rec, r.local = nil, nil
		return nil
	}
	s.send(r)
	return nil
}

// send queues a valid row for the writer, unless a problem already means
// that nothing will be written.
func (s *streamer) send(r *row) {
	if s.im.badRows > 0 || s.im.fileProblems > 0 {
		r.rec, r.local = nil, nil
		return
	}
	s.chunk = append(s.chunk, r)
	s.inChunk[r.t]++
	if s.inChunk[r.t] >= streamChunk {
		// A chunk ends when one table has streamChunk rows in it: the
		// store writes a table's rows of a chunk in full multi-row
		// INSERTs (a chunk of a list's 2,048 records ended every 683
		// persons, and each of its three runs ended in a partial INSERT,
		// a statement made and parsed for it: 19 % more of the writer's
		// time).
		s.sendChunk()
	}
}

// sendChunk hands the queued rows to the writer, ordered by table and, in
// a table, as read: a list's rows become a person, an act and a citation
// each, and the writer writes the chunk's persons, then its acts (which
// refer to them), then its citations, each table's in one go.
func (s *streamer) sendChunk() {
	if len(s.chunk) == 0 {
		return
	}
	sort.SliceStable(s.chunk, func(i, j int) bool { return s.chunk[i].t.order < s.chunk[j].t.order })
	s.forgetWritten()
	s.ch <- s.chunk
	s.chunk = make([]*row, 0, streamChunk)
	clear(s.inChunk)
}

// merge puts the decoders' problems among the reader's, each where its
// row's problems would have been, and the problems with references by id
// after them all.
func (s *streamer) merge() {
	im := s.im
	old := im.rep.Problems
	out := make([]Problem, 0, len(old)+len(s.dec)+len(s.late))
	next := 0
	for _, d := range s.dec {
		out = append(out, old[next:d.pos]...)
		next = d.pos
		out = append(out, d.p)
	}
	out = append(out, old[next:]...)
	im.rep.Problems = append(out, inTableOrder(s.late, s.lateOf)...)
	s.dec, s.late, s.lateOf = nil, nil, nil
}

// inTableOrder puts problems found as the rows were taken or written (a
// chunk at a time, a list's tables interleaved) in the order of their
// tables, each table's in the order found, as an import that writes one
// table after another reports them; of[i] is the order of ps[i]'s table.
func inTableOrder(ps []Problem, of []int) []Problem {
	idx := make([]int, len(ps))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return of[idx[a]] < of[idx[b]] })
	out := make([]Problem, len(ps))
	for i, j := range idx {
		out[i] = ps[j]
	}
	return out
}

// submit hands a converted row to the decoders.
func (im *importer) submit(j *decodeJob) {
	if im.stream != nil {
		im.stream.submit(j)
		return
	}
	im.decoders.submit(j)
}

// keepRow keeps a row in its table until the write, unless it is streamed.
func (im *importer) keepRow(r *row) {
	if im.stream == nil || r.t.held {
		r.t.rows = append(r.t.rows, r)
	}
}

// rowConverted counts a streamed row that its conversion rejected (finish
// counts the kept ones).
func (im *importer) rowConverted(r *row) {
	if im.stream != nil && !r.t.held && r.bad {
		r.t.rep.Rejected++
	}
}

// hold holds table t (and every table after it) in a streamed import when
// yes.
func (im *importer) hold(t *table, yes bool) {
	if s := im.stream; s != nil {
		s.holding = s.holding || yes
		t.held = s.holding
	}
}
