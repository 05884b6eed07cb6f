package main

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/publish"
	tlogclient "github.com/qantar-project/qantar/tlog/client"
	"github.com/qantar-project/qantar/witness"
)

func init() {
	register(command{name: "verify", summary: "check the tamper-evident log: of a database (--db, opened read-only), or of a mirror as a third party (--url)", run: runVerify})
}

// dbVerifier is a store that can check itself against its log.
type dbVerifier interface {
	Verify(ctx context.Context) (*qantar.VerifyReport, error)
}

func runVerify(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlags("verify", "--db D [--tsa-roots [NAME=]FILE] | --url URL [--checkpoint OLD] [--key KEY] [--policy FILE] [--save NEW]")
	db := fs.String("db", "", "database to verify: a SQLite file path or a postgres:// URL")
	base := fs.String("url", "", "base URL of a Qantar server or mirror to verify as a third party")
	old := fs.String("checkpoint", "", "a signed checkpoint kept from earlier; the log must extend it (--url)")
	key := fs.String("key", "", "the log's note verifier key, obtained out of band (--url; default: fetched from the mirror)")
	save := fs.String("save", "", "write the verified checkpoint to this file, to check against next time; if the log contradicts --checkpoint, write the evidence of the fork there instead (--url)")
	policy := fs.String("policy", "", "a witness policy (docs/WITNESS.md): the checkpoint must carry its quorum's cosignatures, and its log line gives the key (--url)")
	records := fs.Bool("records", true, "check every public record's current version against its leaf (--url)")
	var roots rootsList
	rootsFlag(fs, &roots) // the evidence files' timestamp tokens (--db; stamp.go)
	if err := m.parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	switch {
	case *db != "" && *base != "":
		return usagef("give --db or --url, not both")
	case *db != "":
		return m.verifyDB(ctx, *db, roots...)
	case *base != "":
		return m.verifyURL(ctx, urlCheck{base: *base, old: *old, key: *key, save: *save, policy: *policy, records: *records})
	}
	return usagef("give --db or --url")
}

// verifyDB checks the database dsn, its files and their timestamp tokens
// (against the authorities' roots, files of [NAME=]PEM chains).
func (m *Main) verifyDB(ctx context.Context, dsn string, roots ...string) error {
	if !strings.Contains(dsn, "://") {
		if _, err := os.Stat(dsn); err != nil {
			return qantar.Errorf(qantar.EINVALID, "no database at %s", dsn)
		}
	}
	// Read-only: a check never changes what it checks. A missing
	// checkpoint is a finding; `qantar repair` may sign a new one.
	s, err := openAppStore(ctx, storeConfig{DSN: dsn, ReadOnly: true})
	if err != nil {
		return err
	}
	defer s.Close()
	v, ok := s.(dbVerifier)
	if !ok {
		return fmt.Errorf("this store cannot verify itself")
	}
	start := time.Now()
	rep, err := v.Verify(ctx)
	if err != nil {
		return err
	}
	files := m.verifyFiles(ctx, s, dsn, roots) // evidence files re-hashed, tokens checked (file.go), said already
	if !rep.OK() || len(files) > 0 {
		for _, p := range rep.Keyed {
			m.sayln(m.Stdout, "FAIL: %s", m.sayErr(p))
		}
		for _, p := range files {
			m.sayln(m.Stdout, "FAIL: %s", p)
		}
		if rep.Dropped > 0 {
			m.sayln(m.Stdout, "FAIL: … and %d more problems", rep.Dropped)
		}
		return qantar.Errorf(qantar.EINVALID, "verification failed: %d problems", len(rep.Keyed)+len(files)+rep.Dropped)
	}
	fmt.Fprintf(m.Stdout, "%s, %s, %s\n", m.say("ok: %d leaves", rep.Leaves), m.say("%d records", rep.Records),
		m.say("root %s (%s)", base64.StdEncoding.EncodeToString(rep.Root), time.Since(start).Round(time.Millisecond)))
	return nil
}

// urlCheck is what verify --url is asked to check.
type urlCheck struct {
	base, old, key, save, policy string
	records                      bool
}

func (m *Main) verifyURL(ctx context.Context, c urlCheck) error {
	u, err := url.Parse(c.base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usagef("--url must be an http or https URL, not %q", c.base)
	}
	base, save := strings.TrimSuffix(c.base, "/"), c.save
	var pol *witness.Policy
	if c.policy != "" {
		if pol, err = witness.ReadPolicy(c.policy); err != nil {
			return qantar.Errorf(qantar.EINVALID, "--policy: %v", err)
		}
		if c.key == "" && len(pol.Logs) == 1 {
			c.key = pol.Logs[0].VKey
		}
	}
	opts := tlogclient.Options{VerifierKey: c.key}
	if c.old != "" {
		if opts.OldCheckpoint, err = os.ReadFile(c.old); err != nil {
			return qantar.Errorf(qantar.EINVALID, "read --checkpoint: %v", err)
		}
	}
	hc := &http.Client{Timeout: 60 * time.Second}
	if c.records {
		opts.Records = publicRecords(ctx, hc, base)
	}
	rep, err := tlogclient.Verify(ctx, hc, base, opts)
	if rep != nil {
		rep.WriteText(m.Stdout)
	}
	var ve *tlogclient.VerificationError
	if errors.As(err, &ve) {
		if err := m.saveEvidence(err, save); err != nil {
			return err
		}
		return qantar.Errorf(qantar.EINVALID, "verification failed")
	} else if err != nil {
		return qantar.Errorf(qantar.EINVALID, "cannot read %s: %v", base, err)
	}
	if pol != nil {
		if err := witness.CheckQuorum(pol, rep.Checkpoint); err != nil {
			return qantar.Errorf(qantar.EINVALID, "the checkpoint is not witnessed as the policy requires: %v", err)
		}
		m.sayln(m.Stdout, "witnessed:  the policy's quorum cosigned this checkpoint")
	}
	if save != "" {
		if err := writeFileAtomic(save, rep.Checkpoint); err != nil {
			return err
		}
	}
	return nil
}

// saveEvidence writes the evidence of a fork that err carries to path
// (--save), in place of the checkpoint that would have been kept: both
// signed checkpoints and the consistency proof (client.Evidence), what a
// third party needs to show that the log signed two histories.
func (m *Main) saveEvidence(err error, path string) error {
	var ie *tlogclient.InconsistencyError
	if path == "" || !errors.As(err, &ie) {
		return nil
	}
	b, err := ie.Evidence.Marshal()
	if err != nil {
		return err
	}
	if err := writeFileAtomic(path, b); err != nil {
		return fmt.Errorf("write the evidence of the fork: %w", err)
	}
	fmt.Fprintf(m.Stdout, "evidence:   %s\n            %s\n", ie.Evidence.Summary(), m.say("written to %s (both signed checkpoints and the consistency proof): keep it, and show it to others", path))
	return nil
}

// publicRecords yields each visible record's current version with its
// canonical JSON, from the mirror's public API, or, for a static mirror
// (qantar publish) that has no API, from its open data (data/KIND.json).
// A citation or act that the mirror shows without details about a
// protected person (qantar.VisibleWith) is marked Withheld: its content
// cannot match its leaf, and it is not a sign of tampering.
//
// Every version comes with the salt the mirror serves for it (the API's
// history of the record, or a static mirror's data/versions.json), and the
// earlier versions served with a salt are yielded too, from the data the
// history shows: every version the public sees whole is checked against its
// leaf. A version served without a salt is counted as withheld.
func publicRecords(ctx context.Context, hc *http.Client, base string) iter.Seq2[tlogclient.RecordVersion, error] {
	return func(yield func(tlogclient.RecordVersion, error) bool) {
		w := &publicWalk{ctx: ctx, hc: hc, base: base, staticSalts: map[vkey]qantar.Version{}, current: map[vkey]bool{},
			hidden: map[int64]bool{}, shown: map[int64]bool{}, victimOf: map[int64]int64{}}
		for i, kind := range qantar.Kinds {
			items, err := w.items(i, kind)
			if err != nil {
				yield(tlogclient.RecordVersion{}, err)
				return
			}
			for _, raw := range items {
				if !w.record(kind, raw, yield) {
					return
				}
			}
		}
		// A static mirror's earlier versions, as data/versions.json shows them.
		for _, v := range w.staticVersions {
			if w.current[vkey{v.Kind, v.ID, v.Version}] {
				continue
			}
			sv, err := salted(v)
			if !yield(sv, err) || err != nil {
				return
			}
		}
	}
}

type vkey struct {
	kind    qantar.Kind
	id      int64
	version int
}

// publicWalk is publicRecords' state over one mirror.
type publicWalk struct {
	ctx  context.Context
	hc   *http.Client
	base string
	// A static mirror's salts, read once it is known to be static.
	static         bool
	staticVersions []qantar.Version
	staticSalts    map[vkey]qantar.Version
	current        map[vkey]bool
	hidden         map[int64]bool  // protected persons, shown as placeholders
	shown          map[int64]bool  // persons shown in full
	victimOf       map[int64]int64 // acts → their victims
}

// salted turns a served version into what the log check needs.
func salted(v qantar.Version) (tlogclient.RecordVersion, error) {
	rv := tlogclient.RecordVersion{Kind: v.Kind, ID: v.ID, Version: v.Version, Canonical: v.Data, Reason: v.Reason, Actor: v.Actor}
	if v.Salt != "" {
		var err error
		if rv.Salt, err = hex.DecodeString(v.Salt); err != nil {
			return rv, fmt.Errorf("%s %d version %d: salt %q is not hex", v.Kind, v.ID, v.Version, v.Salt)
		}
	}
	return rv, nil
}

// withheldPerson: a person the mirror does not show in full (a
// placeholder, or left out of open data) is one whose details VisibleWith
// withholds.
func (w *publicWalk) withheldPerson(id int64) bool { return w.hidden[id] || !w.shown[id] }

// items reads the records of a kind, the i-th of qantar.Kinds: from the
// API, or, once the API answers 404 for the first, from the open data.
func (w *publicWalk) items(i int, kind qantar.Kind) ([]json.RawMessage, error) {
	var items []json.RawMessage
	if !w.static {
		for offset := 0; ; offset += qantar.MaxLimit {
			page, err := fetchPage(w.ctx, w.hc, fmt.Sprintf("%s/api/v1/%s?limit=%d&offset=%d", w.base, kind, qantar.MaxLimit, offset))
			if errors.Is(err, errNotFound) && i == 0 && offset == 0 {
				w.static = true
				break
			} else if err != nil {
				return nil, err
			}
			items = append(items, page.Items...)
			if len(page.Items) < qantar.MaxLimit {
				return items, nil
			}
		}
	}
	items, err := fetchArray(w.ctx, w.hc, fmt.Sprintf("%s/data/%s.json", w.base, kind))
	if err != nil {
		return nil, err
	}
	if i == 0 {
		err := getJSON(w.ctx, w.hc, w.base+"/"+publish.VersionsFile, &w.staticVersions)
		if err != nil && !errors.Is(err, errNotFound) { // a mirror made before salts has none
			return nil, err
		}
		for _, v := range w.staticVersions {
			w.staticSalts[vkey{v.Kind, v.ID, v.Version}] = v
		}
	}
	return items, nil
}

// withheld reports whether the mirror shows rec without details about a
// protected person, noting who is shown.
func (w *publicWalk) withheld(rec qantar.Record) bool {
	switch r := rec.(type) {
	case *qantar.Person:
		w.shown[r.ID] = true
	case *qantar.Act:
		w.victimOf[r.ID] = r.VictimID
		return w.withheldPerson(r.VictimID)
	case *qantar.Citation:
		switch r.RecordKind {
		case qantar.KindPerson:
			return w.withheldPerson(r.RecordID)
		case qantar.KindAct:
			v, ok := w.victimOf[r.RecordID]
			return !ok || w.withheldPerson(v)
		}
	}
	return false
}

// record yields one served record's current version, with its salt, and
// the earlier versions its history serves with a salt; false to stop.
func (w *publicWalk) record(kind qantar.Kind, raw json.RawMessage, yield func(tlogclient.RecordVersion, error) bool) bool {
	fail := func(err error) bool { yield(tlogclient.RecordVersion{}, err); return false }
	rec, err := qantar.New(kind)
	if err != nil {
		return fail(err)
	}
	if err := json.Unmarshal(raw, rec); err != nil {
		return fail(fmt.Errorf("%s: %w", kind, err))
	}
	m := rec.GetMeta()
	if qantar.IsPlaceholder(rec) {
		w.hidden[m.ID] = true
		return true
	}
	withheld := w.withheld(rec)
	canon, err := qantar.Canonical(rec)
	if err != nil {
		return fail(err)
	}
	rv := tlogclient.RecordVersion{Kind: kind, ID: m.ID, Version: m.Version, Canonical: canon, Withheld: withheld}
	w.current[vkey{kind, m.ID, m.Version}] = true
	var earlier []qantar.Version
	switch {
	case withheld:
	case w.static:
		if v, ok := w.staticSalts[vkey{kind, m.ID, m.Version}]; ok {
			sv, err := salted(v)
			if err != nil {
				return fail(err)
			}
			rv.Salt, rv.Reason, rv.Actor = sv.Salt, sv.Reason, sv.Actor
		}
	default:
		var h struct{ Versions []qantar.Version }
		if err := getJSON(w.ctx, w.hc, fmt.Sprintf("%s/api/v1/%s/%d/history", w.base, kind, m.ID), &h); err != nil {
			return fail(err)
		}
		for _, v := range h.Versions {
			if v.Version == m.Version {
				sv, err := salted(v)
				if err != nil {
					return fail(err)
				}
				rv.Salt, rv.Reason, rv.Actor = sv.Salt, sv.Reason, sv.Actor
			} else if v.Salt != "" {
				earlier = append(earlier, v)
			}
		}
	}
	if !yield(rv, nil) {
		return false
	}
	for _, v := range earlier {
		sv, err := salted(v)
		if !yield(sv, err) || err != nil {
			return false
		}
	}
	return true
}

// errNotFound is a 404: a static mirror has no API.
var errNotFound = errors.New("not found")

// fetchArray reads a JSON array (an open data file of a static mirror).
func fetchArray(ctx context.Context, hc *http.Client, u string) ([]json.RawMessage, error) {
	var items []json.RawMessage
	if err := getJSON(ctx, hc, u, &items); err != nil {
		if errors.Is(err, errNotFound) {
			err = fmt.Errorf("%w (a mirror serves either the API or the open data of qantar publish)", err)
		}
		return nil, err
	}
	return items, nil
}

type rawPage struct {
	Items []json.RawMessage `json:"items"`
}

func fetchPage(ctx context.Context, hc *http.Client, u string) (*rawPage, error) {
	var p rawPage
	if err := getJSON(ctx, hc, u, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// getJSON decodes the JSON at u into v; a 404 is errNotFound.
func getJSON(ctx context.Context, hc *http.Client, u string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return fmt.Errorf("GET %s: %s: %w", u, resp.Status, errNotFound)
	case resp.StatusCode != http.StatusOK:
		return fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		return fmt.Errorf("GET %s: %w", u, err)
	}
	return nil
}

// writeFileAtomic writes a file through a temporary file and a rename, so a
// failure never leaves half a file.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(dirOf(path), ".qantar-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func dirOf(path string) string {
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		return path[:i+1]
	}
	return "."
}
