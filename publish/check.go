package publish

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/qantar-project/qantar"
	logclient "github.com/qantar-project/qantar/tlog/client"
)

// CheckOptions says what the reader checking a mirror holds.
type CheckOptions struct {
	// VerifierKey is the log's key as the reader got it, not from the
	// mirror. If empty, the mirror's own log/key is used, which proves only
	// that the mirror agrees with itself (the report says so).
	VerifierKey string
	// OldCheckpoint is a checkpoint the reader kept: the log must extend it.
	OldCheckpoint []byte
	// Client fetches a mirror given by URL; http.DefaultClient if nil.
	Client *http.Client
}

// CheckReport is what Check found.
type CheckReport struct {
	Source string
	Log    *logclient.Report // the log, recomputed from its tiles and bundles
	Files  int               // files checked against SHA256SUMS
	// Records are the public records of data/*.json checked against their
	// leaves; Redacted those shown without what identifies a protected
	// person (a placeholder, its acts and citations), which the log cannot
	// confirm one by one.
	Records, Redacted int
	Problems          []string
}

// OK reports whether the mirror checked out.
func (r *CheckReport) OK() bool { return len(r.Problems) == 0 && r.Log != nil && r.Log.OK() }

func (r *CheckReport) problem(format string, args ...any) {
	if len(r.Problems) < logclient.MaxProblems {
		r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
	} else if len(r.Problems) == logclient.MaxProblems {
		r.Problems = append(r.Problems, "(further problems not listed)")
	}
}

// WriteText writes the report for a person.
func (r *CheckReport) WriteText(w io.Writer) error {
	var b strings.Builder
	if r.Log != nil {
		lr := *r.Log
		lr.BaseURL = r.Source
		lr.Problems = nil
		var lb strings.Builder
		lr.WriteText(&lb)
		// The log's own result line is replaced by the whole check's.
		text, _, _ := strings.Cut(lb.String(), "result:")
		b.WriteString(text)
	} else {
		fmt.Fprintf(&b, "mirror:     %s\n", r.Source)
	}
	fmt.Fprintf(&b, "files:      %d checked against %s\n", r.Files, Manifest)
	fmt.Fprintf(&b, "open data:  %d public records matched to their log entries, %d about protected persons shown without identifying details (not checkable one by one)\n", r.Records, r.Redacted)
	problems := append([]string(nil), r.Problems...)
	if r.Log != nil {
		problems = append(problems, r.Log.Problems...)
	}
	if len(problems) == 0 && r.Log != nil {
		b.WriteString("result:     OK\n")
	} else {
		fmt.Fprintf(&b, "result:     %d problem(s)\n", len(problems))
		for _, p := range problems {
			fmt.Fprintf(&b, "  - %s\n", p)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// CheckError is returned when a mirror was read but does not check out.
type CheckError struct{ Report *CheckReport }

func (e *CheckError) Error() string {
	p := append(append([]string(nil), e.Report.Problems...), e.Report.Log.Problems...)
	if len(p) == 0 {
		return "mirror check failed"
	}
	if len(p) == 1 {
		return "mirror check failed: " + p[0]
	}
	return fmt.Sprintf("mirror check failed: %s (and %d more problems)", p[0], len(p)-1)
}

// Check checks a mirror as its reader would, with nothing but the mirror
// and the key: src is its directory (offline: a copy on a USB stick) or its
// http(s) URL. It recomputes the log from its tiles and entry bundles and
// checks the signed checkpoint (client.Verify (tlog/client)), checks that every
// public record of the open data is the leaf the log committed to, and
// that every file matches SHA256SUMS (and, for a directory, that no file is
// missing from it). The HTML pages are not signed: SHA256SUMS shows only
// that they arrived as the mirror's publisher wrote them.
func Check(ctx context.Context, src string, o CheckOptions) (*CheckReport, error) {
	return check(ctx, src, o, true)
}

func check(ctx context.Context, src string, o CheckOptions, withFiles bool) (*CheckReport, error) {
	rep := &CheckReport{Source: src}
	var mr mirrorReader
	if strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://") {
		client := o.Client
		if client == nil {
			client = http.DefaultClient
		}
		mr = &urlReader{hc: client, base: strings.TrimSuffix(src, "/")}
	} else {
		fi, err := os.Stat(src)
		if err != nil || !fi.IsDir() {
			return rep, qantar.Errorf(qantar.EINVALID, "no mirror directory at %s", src)
		}
		mr = dirReader(src)
	}

	// The log, through the same check as a mirror on the web.
	client, base := mr.client()
	opts := logclient.Options{VerifierKey: o.VerifierKey, OldCheckpoint: o.OldCheckpoint, Records: openData(ctx, mr, rep)}
	lrep, err := logclient.Verify(ctx, client, base, opts)
	rep.Log = lrep
	var ve *logclient.VerificationError
	if err != nil && !errors.As(err, &ve) {
		return rep, fmt.Errorf("read the mirror: %w", err)
	}
	if withFiles {
		if err := checkFiles(ctx, mr, rep); err != nil {
			return rep, err
		}
	}
	if !rep.OK() {
		return rep, &CheckError{rep}
	}
	return rep, nil
}

// openData yields every public record of data/<kind>.json, in the order
// of qantar.Kinds (persons before their acts, acts before citations), as
// the log must have it. A record about a person the public may not see is
// shown without what identifies them (qantar.VisibleWith): the placeholder
// itself, their acts and what sources say of them; those are counted, not
// checked.
//
// Each version's salt comes from VersionsFile, which also holds the earlier
// versions the public sees whole: those are checked too, from the data and
// salt it shows. A version without a salt there is counted as withheld.
func openData(ctx context.Context, mr mirrorReader, rep *CheckReport) iter.Seq2[logclient.RecordVersion, error] {
	return func(yield func(logclient.RecordVersion, error) bool) {
		versions, err := readVersions(ctx, mr)
		if err != nil {
			yield(logclient.RecordVersion{}, err)
			return
		}
		salted, err := saltedVersions(versions)
		if err != nil {
			yield(logclient.RecordVersion{}, err)
			return
		}
		current := map[versionKey]bool{}
		red := redactions{hidden: map[int64]bool{}, acts: map[int64]bool{}}
		for _, kind := range qantar.Kinds {
			name := "data/" + string(kind) + ".json"
			b, err := mr.read(ctx, name)
			if err != nil {
				yield(logclient.RecordVersion{}, err)
				return
			}
			dec := json.NewDecoder(bytes.NewReader(b))
			if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
				yield(logclient.RecordVersion{}, fmt.Errorf("%s: not a JSON array", name))
				return
			}
			for n := 1; dec.More(); n++ {
				rec, err := qantar.New(kind)
				if err == nil {
					err = dec.Decode(rec)
				}
				if err != nil {
					yield(logclient.RecordVersion{}, fmt.Errorf("%s: record %d: %w", name, n, err))
					return
				}
				if red.redacted(rec) {
					rep.Redacted++
					continue
				}
				rv, err := logclient.RecordVersionOf(rec)
				if err != nil {
					yield(logclient.RecordVersion{}, fmt.Errorf("%s: record %d: %w", name, n, err))
					return
				}
				k := versionKey{rv.Kind, rv.ID, rv.Version}
				current[k] = true
				if sv, ok := salted[k]; ok {
					rv.Salt, rv.Reason, rv.Actor = sv.Salt, sv.Reason, sv.Actor
				}
				rep.Records++
				if !yield(rv, nil) {
					return
				}
			}
		}
		// The earlier versions the public sees whole, as VersionsFile shows them.
		for _, v := range versions {
			k := versionKey{v.Kind, v.ID, v.Version}
			if current[k] {
				continue
			}
			sv := salted[k]
			rep.Records++
			if !yield(sv, nil) {
				return
			}
		}
	}
}

// redactions are what the open data shows without what identifies a
// person, in the order of qantar.Kinds.
type redactions struct {
	hidden map[int64]bool // placeholder persons
	acts   map[int64]bool // act id → its victim is hidden
}

// redacted says whether rec is shown without what identifies a person
// (and so cannot be checked), noting the persons and acts that are.
func (red redactions) redacted(rec qantar.Record) bool {
	switch r := rec.(type) {
	case *qantar.Person:
		if qantar.IsPlaceholder(r) {
			red.hidden[r.ID] = true
			return true
		}
	case *qantar.Act:
		red.acts[r.ID] = red.hidden[r.VictimID]
		return red.hidden[r.VictimID]
	case *qantar.Citation:
		switch r.RecordKind {
		case qantar.KindPerson:
			return red.hidden[r.RecordID]
		case qantar.KindAct:
			h, known := red.acts[r.RecordID]
			return h || !known
		}
	}
	return false
}

type versionKey struct {
	kind    qantar.Kind
	id      int64
	version int
}

// saltedVersions decodes the salts of VersionsFile, each with its version's
// data and reason, by version.
func saltedVersions(vs []qantar.Version) (map[versionKey]logclient.RecordVersion, error) {
	out := make(map[versionKey]logclient.RecordVersion, len(vs))
	for _, v := range vs {
		salt, err := hex.DecodeString(v.Salt)
		if err != nil || len(salt) == 0 {
			return nil, fmt.Errorf("%s: %s %d version %d: salt %q is not hex", VersionsFile, v.Kind, v.ID, v.Version, clip(v.Salt))
		}
		out[versionKey{v.Kind, v.ID, v.Version}] = logclient.RecordVersion{Kind: v.Kind, ID: v.ID, Version: v.Version,
			Canonical: v.Data, Reason: v.Reason, Actor: v.Actor, Salt: salt}
	}
	return out, nil
}

// checkFiles checks every file of SHA256SUMS, on a few workers.
func checkFiles(ctx context.Context, mr mirrorReader, rep *CheckReport) error {
	b, err := mr.read(ctx, Manifest)
	if err != nil {
		return err
	}
	sums, names, err := parseManifest(bytes.NewReader(b))
	if err != nil {
		rep.problem("%v", err)
		return nil
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	work := make(chan string)
	var firstErr error
	for range 8 {
		wg.Go(func() {
			for name := range work {
				data, err := mr.read(ctx, name)
				mu.Lock()
				switch {
				case errors.Is(err, fs.ErrNotExist):
					rep.problem("%s is in %s but not in the mirror", name, Manifest)
				case err != nil:
					if firstErr == nil {
						firstErr = err
					}
				default:
					sum := sha256.Sum256(data)
					if hex.EncodeToString(sum[:]) != sums[name] {
						rep.problem("%s does not match its SHA-256 in %s", name, Manifest)
					}
					rep.Files++
				}
				mu.Unlock()
			}
		})
	}
	for _, n := range names {
		if ctx.Err() != nil {
			break
		}
		work <- n
	}
	close(work)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// In a directory, a file that SHA256SUMS does not list is one that
	// nobody vouches for.
	if d, ok := mr.(dirReader); ok {
		var extra []string
		err := filepath.WalkDir(string(d), func(p string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(string(d), p)
			rel = filepath.ToSlash(rel)
			if _, ok := sums[rel]; !ok && rel != Manifest {
				extra = append(extra, rel)
			}
			return nil
		})
		if err != nil {
			return err
		}
		sort.Strings(extra)
		for _, x := range extra {
			rep.problem("%s is in the mirror but not in %s", x, Manifest)
		}
	}
	return nil
}

// mirrorReader reads a mirror's files by their path in it.
type mirrorReader interface {
	read(ctx context.Context, name string) ([]byte, error)
	// client and base are for client.Verify (tlog/client).
	client() (*http.Client, string)
}

type dirReader string

func (d dirReader) read(_ context.Context, name string) ([]byte, error) {
	if !fs.ValidPath(name) {
		return nil, fmt.Errorf("%q is not a path inside the mirror", name)
	}
	return os.ReadFile(filepath.Join(string(d), filepath.FromSlash(name)))
}

// client serves the directory as a static host would, in process: no
// listener, no network.
func (d dirReader) client() (*http.Client, string) {
	fsrv := http.FileServer(http.Dir(string(d)))
	return &http.Client{Transport: roundTripper(func(r *http.Request) (*http.Response, error) {
		rec := httptest.NewRecorder()
		fsrv.ServeHTTP(rec, r)
		return rec.Result(), nil
	})}, "http://mirror.invalid"
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

type urlReader struct {
	hc   *http.Client
	base string
}

func (u *urlReader) client() (*http.Client, string) { return u.hc, u.base }

func (u *urlReader) read(ctx context.Context, name string) ([]byte, error) {
	if !fs.ValidPath(name) {
		return nil, fmt.Errorf("%q is not a path inside the mirror", name)
	}
	segs := strings.Split(name, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.base+"/"+strings.Join(segs, "/"), nil)
	if err != nil {
		return nil, err
	}
	resp, err := u.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return nil, fmt.Errorf("GET %s: %w", req.URL, fs.ErrNotExist)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", req.URL, resp.Status)
	}
	return io.ReadAll(resp.Body)
}
