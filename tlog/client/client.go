package client

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"iter"
	"net/http"
	"strings"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/tlog"
)

// Options says what a third party holds when it checks a mirror.
type Options struct {
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
	// (a v2 or v3 leaf commits to it).
	Reason string
	// Actor is who wrote the version as shown with its salt
	// (qantar.Version.Actor: "user:7", "token:3", "system"). A v3 leaf
	// commits to it and shows only its class; v1 and v2 leaves do not
	// commit to it, and it may be empty for them.
	Actor string
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
// Options.Records: its kind, id, version and canonical JSON.
func RecordVersionOf(rec qantar.Record) (RecordVersion, error) {
	b, err := qantar.Canonical(rec)
	if err != nil {
		return RecordVersion{}, err
	}
	m := rec.GetMeta()
	return RecordVersion{Kind: rec.Kind(), ID: m.ID, Version: m.Version, Canonical: b}, nil
}

// Report is what Verify found.
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
	// Inconsistency is the evidence, when the old checkpoint and the served
	// one cannot both be true: both signed checkpoints and the consistency
	// proof that fails (Evidence). The error is then a *VerificationError
	// that unwraps to an *InconsistencyError.
	Inconsistency *Evidence
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

// Unwrap gives the *InconsistencyError with the evidence of a fork, if
// one was found.
func (e *VerificationError) Unwrap() error {
	if e.Report.Inconsistency == nil {
		return nil
	}
	return &InconsistencyError{Evidence: e.Report.Inconsistency}
}

func (e *VerificationError) Error() string {
	p := e.Report.Problems
	if len(p) == 1 {
		return "log verification failed: " + p[0]
	}
	return fmt.Sprintf("log verification failed: %s (and %d more problems)", p[0], len(p)-1)
}

// Verify checks a mirror of a Qantar log as a third party, with
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
func Verify(ctx context.Context, hc *http.Client, baseURL string, opts Options) (*Report, error) {
	start := time.Now()
	if hc == nil {
		hc = http.DefaultClient
	}
	if opts.Parallel <= 0 {
		opts.Parallel = 8
	}
	f := &fetcher{client: hc, base: strings.TrimSuffix(baseURL, "/")}
	rep := &Report{BaseURL: f.base, VerifierKey: strings.TrimSpace(opts.VerifierKey)}
	defer func() {
		rep.Elapsed = time.Since(start)
		if rep.Inconsistency != nil {
			rep.Inconsistency.FoundAt = start.UTC().Truncate(time.Second)
		}
	}()

	if rep.VerifierKey == "" {
		key, err := f.get(ctx, tlog.PathKey, 4<<10)
		if err != nil {
			return rep, err
		}
		rep.VerifierKey, rep.KeyFromServer = strings.TrimSpace(string(key)), true
	}
	signed, err := f.get(ctx, tlog.PathCheckpoint, tlog.MaxCheckpointSize)
	if err != nil {
		return rep, err
	}
	cp, err := tlog.OpenCheckpoint(signed, rep.VerifierKey)
	if err != nil {
		rep.problem("served checkpoint: %v", err)
		return rep, &VerificationError{rep}
	}
	rep.Origin, rep.Size, rep.Root, rep.Checkpoint = cp.Origin, cp.Size, cp.Hash, signed

	var old *tlog.Checkpoint
	if opts.OldCheckpoint != nil {
		c, err := tlog.OpenCheckpoint(opts.OldCheckpoint, rep.VerifierKey)
		if err != nil {
			rep.problem("old checkpoint: %v", err)
			return rep, &VerificationError{rep}
		}
		rep.OldSize = c.Size
		if c.Size > cp.Size {
			rep.problem("old checkpoint has size %d but the log now has only %d leaves: the log was rolled back or forked", c.Size, cp.Size)
			rep.Inconsistency = &Evidence{Format: EvidenceFormat, Mirror: rep.BaseURL, VerifierKey: rep.VerifierKey,
				Smaller: string(signed), Larger: string(opts.OldCheckpoint), Problem: rep.Problems[len(rep.Problems)-1]}
			return rep, &VerificationError{rep}
		}
		old = &c
	}

	var want map[leafKey]leafVal
	if opts.Records != nil {
		want = make(map[leafKey]leafVal)
	}
	if err := verifyLeaves(ctx, f, opts.Parallel, cp, old, opts.OldCheckpoint, want, rep); err != nil {
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
	format tlog.LeafFormat
	salted bool
	system bool // the leaf's fourth line is "system" (a v3 leaf's class)
	c      [32]byte
}

// leaf is the part of a leaf a record version is checked against.
func (lv leafVal) leaf() tlog.Leaf {
	l := tlog.Leaf{Format: lv.format, Salted: lv.salted, Commitment: lv.c, Actor: tlog.ClassEditor}
	if lv.system {
		l.Actor = tlog.ClassSystem
	}
	return l
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
	case lv.format == tlog.LeafV3 && rv.Actor == "":
		rep.problem("%s %d version %d is served with its salt but without its actor, which its leaf %d (%s) commits to: it cannot be checked", rv.Kind, rv.ID, rv.Version, lv.index, tlog.LeafMagicV3)
	case lv.format == tlog.LeafV3 && lv.leaf().Actor != tlog.ActorClass(rv.Actor):
		rep.problem("%s %d version %d is shown as written by %q but its leaf %d says %q wrote it", rv.Kind, rv.ID, rv.Version, rv.Actor, lv.index, lv.leaf().Actor)
	case !lv.leaf().Matches(rv.Canonical, rv.Reason, rv.Actor, rv.Salt):
		what := "its content"
		if lv.format == tlog.LeafV3 {
			what = "its content or who wrote it"
		}
		rep.problem("%s %d version %d as shown does not match the commitment in leaf %d: %s was changed after it was logged", rv.Kind, rv.ID, rv.Version, lv.index, what)
	}
}
