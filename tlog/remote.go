package tlog

// This file is the old home of remote verification, kept only while
// package publish still calls VerifyRemote: its home is now tlog/client
// (client.Verify, which also keeps the evidence of a fork). Do not use it
// in new code; delete this file and remote_test.go once publish/check.go
// and publish_test.go use tlog/client (tlog.VerifyRemote → client.Verify,
// RemoteOptions → client.Options, Report, VerificationError, RecordVersion,
// RecordVersionOf and MaxProblems → client's).

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"strings"
	"time"

	"github.com/qantar-project/qantar"
)

// RemoteOptions says what a third party holds when it checks a mirror.
type RemoteOptions struct {
	// VerifierKey is the log's note verifier key as the user obtained it
	// out of band. If empty, it is fetched from the mirror itself, which
	// then proves only that the mirror agrees with itself
	// (Report.KeyFromServer says so).
	VerifierKey string
	// OldCheckpoint is a signed checkpoint the user kept from earlier; the
	// current log must extend it. Nil to skip.
	OldCheckpoint []byte
	// Records yields record versions the user can see in public (each
	// public record's versions, from the mirror's API or its open data),
	// each with its canonical JSON and the salt the mirror serves with it;
	// every one must be a leaf of the log with the same commitment. A
	// version served without a salt whose leaf is salted is counted as
	// withheld. Nil to skip.
	Records iter.Seq2[RecordVersion, error]
	// Parallel is how many requests are in flight at once; 8 if 0.
	Parallel int
}

// RecordVersion is one version of a public record as a mirror shows it.
type RecordVersion struct {
	Kind      qantar.Kind
	ID        int64
	Version   int
	Canonical []byte // qantar.Canonical of the record
	// Reason is the version's reason as shown: a deletion's, "" otherwise
	// (a v2 leaf commits to it).
	Reason string
	// Salt is the salt served with the version (qantar.Version.Salt,
	// decoded), nil when none is served: then a salted leaf cannot be
	// recomputed and the version is counted as withheld.
	Salt []byte
	// Withheld: the mirror shows the record without the details that would
	// identify a protected person (qantar.VisibleWith: the quote of a
	// citation, an act's description), so it cannot match its leaf; it is
	// counted, and only its presence in the log is checked.
	Withheld bool
}

// RecordVersionOf returns a record as a mirror shows it, ready for
// RemoteOptions.Records: its kind, id, version and canonical JSON.
func RecordVersionOf(rec qantar.Record) (RecordVersion, error) {
	b, err := qantar.Canonical(rec)
	if err != nil {
		return RecordVersion{}, err
	}
	m := rec.GetMeta()
	return RecordVersion{Kind: rec.Kind(), ID: m.ID, Version: m.Version, Canonical: b}, nil
}

// Report is what VerifyRemote found.
type Report struct {
	BaseURL       string
	VerifierKey   string
	KeyFromServer bool // the key came from the mirror, not from the user
	Origin        string
	Size          uint64 // tree size of the served checkpoint
	Root          []byte
	Checkpoint    []byte // the served checkpoint, signed: keep it for next time
	OldSize       uint64 // size of the user's old checkpoint, if given
	OldChecked    bool   // the old checkpoint was given and is a prefix
	Leaves        uint64 // leaves fetched and recomputed
	Salted        uint64 // of which with a salted commitment (protected records)
	Tiles         int    // hash tiles fetched and checked
	Bundles       int    // entry bundles fetched
	Records       int    // public record versions checked against their leaves
	Withheld      int    // of those, shown without protected details or without a salt: only found in the log
	Elapsed       time.Duration
	Problems      []string
}

// MaxProblems caps the problems a report lists one by one.
const MaxProblems = 100

func (r *Report) problem(format string, args ...any) {
	if len(r.Problems) == MaxProblems {
		r.Problems = append(r.Problems, "(further problems not listed)")
	}
	if len(r.Problems) <= MaxProblems {
		r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
	}
}

// OK reports whether everything checked out.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// WriteText writes the report for a person, one fact a line.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "mirror:     %s\n", r.BaseURL)
	fmt.Fprintf(&b, "log:        %s\n", r.Origin)
	if r.KeyFromServer {
		fmt.Fprintf(&b, "key:        %s (served by the mirror itself: pass the key you trust to check more than self-consistency)\n", r.VerifierKey)
	} else {
		fmt.Fprintf(&b, "key:        %s\n", r.VerifierKey)
	}
	fmt.Fprintf(&b, "checkpoint: size %d, root %s\n", r.Size, base64.StdEncoding.EncodeToString(r.Root))
	fmt.Fprintf(&b, "leaves:     %d recomputed (%d salted), %d hash tiles and %d entry bundles checked\n", r.Leaves, r.Salted, r.Tiles, r.Bundles)
	if r.OldSize > 0 || r.OldChecked {
		fmt.Fprintf(&b, "old checkpoint: size %d, consistent: %v\n", r.OldSize, r.OldChecked)
	}
	fmt.Fprintf(&b, "records:    %d public versions checked", r.Records)
	if r.Withheld > 0 {
		fmt.Fprintf(&b, " (%d shown without details about a protected person or without their salt: found in the log, content not comparable)", r.Withheld)
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "took:       %s\n", r.Elapsed.Round(time.Millisecond))
	if r.OK() {
		b.WriteString("result:     OK\n")
	} else {
		fmt.Fprintf(&b, "result:     %d problem(s)\n", len(r.Problems))
		for _, p := range r.Problems {
			fmt.Fprintf(&b, "  - %s\n", p)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// VerificationError is returned when a mirror was read but does not check
// out; the report lists the problems.
type VerificationError struct{ Report *Report }

func (e *VerificationError) Error() string {
	p := e.Report.Problems
	if len(p) == 1 {
		return "log verification failed: " + p[0]
	}
	return fmt.Sprintf("log verification failed: %s (and %d more problems)", p[0], len(p)-1)
}

// VerifyRemote checks a mirror of a Qantar log as a third party, with
// public data only: it fetches the checkpoint and checks its signature,
// fetches every entry bundle and hash tile (C2SP tlog-tiles), recomputes
// every leaf hash and the root and compares them with what is served,
// checks that an old checkpoint the user kept is a prefix of the current
// tree (its root recomputed from the same leaves), and that each public
// record version given is a leaf with the matching commitment.
//
// It returns a report and, if anything did not check out, an error: a
// *VerificationError when the mirror was read but is wrong, another error
// when it could not be read at all.
func VerifyRemote(ctx context.Context, client *http.Client, baseURL string, opts RemoteOptions) (*Report, error) {
	start := time.Now()
	if client == nil {
		client = http.DefaultClient
	}
	if opts.Parallel <= 0 {
		opts.Parallel = 8
	}
	f := &fetcher{client: client, base: strings.TrimSuffix(baseURL, "/")}
	rep := &Report{BaseURL: f.base, VerifierKey: strings.TrimSpace(opts.VerifierKey)}
	defer func() { rep.Elapsed = time.Since(start) }()

	if rep.VerifierKey == "" {
		key, err := f.get(ctx, PathKey, 4<<10)
		if err != nil {
			return rep, err
		}
		rep.VerifierKey, rep.KeyFromServer = strings.TrimSpace(string(key)), true
	}
	signed, err := f.get(ctx, PathCheckpoint, MaxCheckpointSize)
	if err != nil {
		return rep, err
	}
	cp, err := OpenCheckpoint(signed, rep.VerifierKey)
	if err != nil {
		rep.problem("served checkpoint: %v", err)
		return rep, &VerificationError{rep}
	}
	rep.Origin, rep.Size, rep.Root, rep.Checkpoint = cp.Origin, cp.Size, cp.Hash, signed

	var old *Checkpoint
	if opts.OldCheckpoint != nil {
		c, err := OpenCheckpoint(opts.OldCheckpoint, rep.VerifierKey)
		if err != nil {
			rep.problem("old checkpoint: %v", err)
			return rep, &VerificationError{rep}
		}
		rep.OldSize = c.Size
		if c.Size > cp.Size {
			rep.problem("old checkpoint has size %d but the log now has only %d leaves: the log was rolled back or forked", c.Size, cp.Size)
			return rep, &VerificationError{rep}
		}
		old = &c
	}

	var want map[leafKey]leafVal
	if opts.Records != nil {
		want = make(map[leafKey]leafVal)
	}
	if err := verifyLeaves(ctx, f, opts.Parallel, cp, old, want, rep); err != nil {
		return rep, err
	}
	if opts.Records != nil {
		for rv, err := range opts.Records {
			if err != nil {
				return rep, fmt.Errorf("public records: %w", err)
			}
			rep.Records++
			checkRecord(rep, want, rv, cp.Size)
		}
	}
	if !rep.OK() {
		return rep, &VerificationError{rep}
	}
	return rep, nil
}

type leafKey struct {
	kind    qantar.Kind
	id      int64
	version int
}

type leafVal struct {
	index  uint64
	format LeafFormat
	salted bool
	c      [32]byte
}

func checkRecord(rep *Report, leaves map[leafKey]leafVal, rv RecordVersion, size uint64) {
	lv, ok := leaves[leafKey{rv.Kind, rv.ID, rv.Version}]
	switch {
	case !ok:
		rep.problem("%s %d version %d is not in the log of size %d (if it was written after the checkpoint was fetched, run again)", rv.Kind, rv.ID, rv.Version, size)
	case rv.Withheld:
		rep.Withheld++
	case lv.salted && len(rv.Salt) == 0:
		// A version whose salt is not served (a protected person, or
		// something about one): its leaf is there, its content is not
		// comparable, and that is no sign of tampering.
		rep.Withheld++
	case !lv.salted && len(rv.Salt) > 0:
		rep.problem("%s %d version %d is served with a salt but its leaf %d has a plain SHA-256 commitment", rv.Kind, rv.ID, rv.Version, lv.index)
	case !(Leaf{Format: lv.format, Salted: lv.salted, Commitment: lv.c}).Matches(rv.Canonical, rv.Reason, rv.Salt):
		rep.problem("%s %d version %d as shown does not match the commitment in leaf %d: its content was changed after it was logged", rv.Kind, rv.ID, rv.Version, lv.index)
	}
}

// verifyLeaves streams every bundle with its level-0 tile, recomputes the
// tree, then checks the higher tiles and the roots.
func verifyLeaves(ctx context.Context, f *fetcher, parallel int, cp Checkpoint, old *Checkpoint, want map[leafKey]leafVal, rep *Report) error {
	var upper [][][]byte // computed hashes at tree levels 8, 16, …, by tile level
	b := NewBuilder(func(id NodeID, h []byte) {
		if id.Level == 0 || id.Level%TileHeight != 0 {
			return
		}
		l := int(id.Level / TileHeight)
		for len(upper) <= l {
			upper = append(upper, nil)
		}
		upper[l] = append(upper[l], h)
	})
	var oldRoot []byte
	if old != nil && old.Size == 0 {
		oldRoot = EmptyRoot()
	}

	all := TilesForSize(cp.Size)
	var paths []string
	var level0, higher []TileID
	for _, t := range all {
		if t.Level == 0 {
			level0 = append(level0, t)
			e := t
			e.Entries = true
			paths = append(paths, e.Path(), t.Path())
		} else {
			higher = append(higher, t)
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := f.prefetch(ctx, paths, parallel)
	kinds := make(map[string]qantar.Kind) // one string per kind, not one per leaf
	for _, t := range level0 {
		bundle, err := results.next(ctx)
		if err != nil {
			return err
		}
		tile, err := results.next(ctx)
		if err != nil {
			return err
		}
		rep.Bundles++
		rep.Tiles++
		entries, err := DecodeBundle(bundle)
		if err != nil {
			rep.problem("tile/entries/%s: %v", indexPath(t.Index), err)
			return &VerificationError{rep}
		}
		if len(entries) != t.Width {
			rep.problem("%s has %d entries, want %d", entryPath(t), len(entries), t.Width)
			return &VerificationError{rep}
		}
		if len(tile) != t.Width*HashSize {
			rep.problem("%s has %d bytes, want %d", t.Path(), len(tile), t.Width*HashSize)
			return &VerificationError{rep}
		}
		for i, e := range entries {
			idx := t.Index*TileWidth + uint64(i)
			h := LeafHash(e)
			if !bytes.Equal(h, tile[i*HashSize:(i+1)*HashSize]) {
				rep.problem("leaf %d: its hash in %s is not the hash of its entry", idx, t.Path())
			}
			b.AddLeafHash(h)
			rep.Leaves++
			if old != nil && b.Size() == old.Size {
				oldRoot = b.Root()
			}
			l, err := DecodeLeaf(e)
			if err != nil {
				rep.problem("leaf %d: %v", idx, err)
				continue
			}
			if l.Index != idx {
				rep.problem("leaf %d says it is leaf %d", idx, l.Index)
			}
			if l.Salted {
				rep.Salted++
			}
			if want != nil {
				k, ok := kinds[string(l.Kind)]
				if !ok {
					k = l.Kind
					kinds[string(k)] = k
				}
				want[leafKey{k, l.ID, l.Version}] = leafVal{index: idx, format: l.Format, salted: l.Salted, c: l.Commitment}
			}
		}
	}
	if b.Size() != cp.Size {
		rep.problem("recomputed %d leaves, checkpoint says %d", b.Size(), cp.Size)
		return &VerificationError{rep}
	}
	if root := b.Root(); !bytes.Equal(root, cp.Hash) {
		rep.problem("the root recomputed from the %d leaves is %s, the checkpoint says %s", cp.Size,
			base64.StdEncoding.EncodeToString(root), base64.StdEncoding.EncodeToString(cp.Hash))
	}
	if old != nil {
		if bytes.Equal(oldRoot, old.Hash) {
			rep.OldChecked = true
		} else {
			rep.problem("old checkpoint (size %d) is not a prefix of the current log: its root is not the root of the first %d leaves", old.Size, old.Size)
		}
	}

	// Higher tiles: each hash must be the root of a full tile below, as
	// recomputed from the leaves.
	hpaths := make([]string, len(higher))
	for i, t := range higher {
		hpaths[i] = t.Path()
	}
	results = f.prefetch(ctx, hpaths, parallel)
	for _, t := range higher {
		tile, err := results.next(ctx)
		if err != nil {
			return err
		}
		rep.Tiles++
		if len(tile) != t.Width*HashSize {
			rep.problem("%s has %d bytes, want %d", t.Path(), len(tile), t.Width*HashSize)
			continue
		}
		for i := 0; i < t.Width; i++ {
			j := t.Index*TileWidth + uint64(i)
			if t.Level >= len(upper) || j >= uint64(len(upper[t.Level])) ||
				!bytes.Equal(upper[t.Level][j], tile[i*HashSize:(i+1)*HashSize]) {
				rep.problem("%s: hash %d is not the root of the tile below it", t.Path(), i)
				break
			}
		}
	}
	return nil
}

func entryPath(t TileID) string {
	t.Entries = true
	return t.Path()
}

// fetcher gets resources of one mirror.
type fetcher struct {
	client *http.Client
	base   string
}

// get fetches base+path, which must answer 200 with at most max bytes.
func (f *fetcher) get(ctx context.Context, path string, max int64) ([]byte, error) {
	url := f.base + path
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, qantar.Errorf(qantar.EINVALID, "mirror URL %q: %v", f.base, err)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", url, err)
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("GET %s: more than %d bytes", url, max)
	}
	return b, nil
}

// maxResource bounds a tile or bundle: a full bundle of the largest entries.
const maxResource = TileWidth * (2 + MaxEntrySize)

type fetched struct {
	body []byte
	err  error
}

// queue hands out fetched resources in the order they were asked for,
// while up to `parallel` later ones are being fetched.
type queue chan chan fetched

func (q queue) next(ctx context.Context) ([]byte, error) {
	select {
	case ch, ok := <-q:
		if !ok {
			return nil, errors.New("tlog: fetch queue closed early")
		}
		select {
		case r := <-ch:
			return r.body, r.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// prefetch starts fetching paths in order, at most parallel at a time ahead
// of the reader. Cancel ctx to stop it.
func (f *fetcher) prefetch(ctx context.Context, paths []string, parallel int) queue {
	q := make(queue, parallel)
	go func() {
		defer close(q)
		for _, p := range paths {
			ch := make(chan fetched, 1)
			select {
			case q <- ch:
			case <-ctx.Done():
				return
			}
			go func() {
				body, err := f.get(ctx, PathTilePrefix+p, maxResource)
				ch <- fetched{body, err}
			}()
		}
	}()
	return q
}
