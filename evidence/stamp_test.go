package evidence

import (
	"context"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/blob"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/tsa"
	"github.com/qantar-project/qantar/tsa/tsatest"
)

// stampWorld is a SQLite store with a source, the files of a local
// directory (encrypted to a fresh identity), and a running authority.
type stampWorld struct {
	ctx   context.Context
	st    *sqlite.DB
	files *Files
	src   int64
	tsa   *tsatest.Server
	trust Trust
}

func newStampWorld(t *testing.T) *stampWorld {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "s.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	src := &qantar.Source{SourceKind: "court_document", Title: qantar.Text{"en": "Synthetic ruling"}}
	if err := st.Create(ctx, qantar.System, src); err != nil {
		t.Fatal(err)
	}
	id, _ := age.GenerateX25519Identity()
	w := &stampWorld{ctx: ctx, st: st, src: src.ID, tsa: tsatest.Start(t),
		files: &Files{Blobs: blob.Local(filepath.Join(t.TempDir(), "files")), Recipients: []string{id.Recipient().String()}}}
	roots, err := tsa.Roots(w.tsa.Chain)
	if err != nil {
		t.Fatal(err)
	}
	w.trust = Trust{ByAuthority: map[string]*x509.CertPool{"local": roots}}
	return w
}

func (w *stampWorld) add(t *testing.T, content, protection string) *qantar.File {
	t.Helper()
	f, err := w.files.Add(w.ctx, w.st, qantar.System, Upload{SourceID: w.src, Name: "synthetic.txt", Protection: protection}, strings.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (w *stampWorld) get(t *testing.T, id int64) *qantar.File {
	t.Helper()
	rec, err := w.st.Get(w.ctx, qantar.KindFile, id)
	if err != nil {
		t.Fatal(err)
	}
	return rec.(*qantar.File)
}

// A run stamps every file lacking a token, public and protected alike (a
// loopback authority), writes the token as a new version, and leaves the
// files a down authority could not stamp without its token, each named;
// the next run asks only for what is missing, and stamps them once the
// authority answers. The stored tokens verify against the roots.
func TestStampRunsAndRetries(t *testing.T) {
	w := newStampWorld(t)
	pub, secret := w.add(t, "Synthetic public ruling", qantar.Public), w.add(t, "Synthetic witness statement", "")
	s := Stamping{Actor: qantar.System, Trust: w.trust,
		Authorities: []tsa.Authority{{Name: "local", URL: w.tsa.URL}, {Name: "second", URL: tsatest.Down(t)}}}
	res, err := s.Stamp(w.ctx, w.st)
	if err != nil || len(res) != 4 {
		t.Fatalf("first run: %d results, %v", len(res), err)
	}
	for _, r := range res {
		switch {
		case r.Authority == "local" && (r.Err != nil || r.Time.IsZero()):
			t.Errorf("file %d from local: %v", r.FileID, r.Err)
		case r.Authority == "second" && !errors.Is(r.Err, tsa.ErrUnavailable):
			t.Errorf("file %d from a down authority: %v, want tsa.ErrUnavailable", r.FileID, r.Err)
		}
	}
	for _, f := range []*qantar.File{pub, secret} {
		got := w.get(t, f.ID)
		if len(got.Timestamps) != 1 || got.Timestamps[0].Authority != "local" || got.Version != 2 {
			t.Errorf("file %d after the first run: version %d, tokens %+v", f.ID, got.Version, got.Timestamps)
		}
	}
	// The second authority is up now: only its tokens are asked for.
	s.Authorities[1].URL = w.tsa.URL
	res, err = s.Stamp(w.ctx, w.st)
	if err != nil || len(res) != 2 {
		t.Fatalf("second run: %d results (want 2: the local tokens are there), %v", len(res), err)
	}
	for _, r := range res {
		if r.Authority != "second" || r.Err != nil {
			t.Errorf("second run: %+v", r)
		}
	}
	if res, err := s.Stamp(w.ctx, w.st); err != nil || len(res) != 0 {
		t.Errorf("third run: %d results, %v; want nothing to do", len(res), err)
	}
	problems, rooted, structural, err := VerifyStamps(w.ctx, w.st, w.trust)
	if err != nil || len(problems) != 0 || rooted != 2 || structural != 2 {
		t.Errorf("verify: %v, %d against roots, %d structure only, %v", problems, rooted, structural, err)
	}
}

// A protected file's token is over a salted digest: neither the authority
// nor anyone on the way learns its hash; it verifies with its salt, and
// does not verify as a token over the plain hash.
func TestStampProtectedSalted(t *testing.T) {
	w := newStampWorld(t)
	secret := w.add(t, "Synthetic witness statement", qantar.Confidential)
	s := Stamping{Actor: qantar.System, Trust: w.trust, Authorities: []tsa.Authority{{Name: "local", URL: w.tsa.URL}}}
	res, err := s.Stamp(w.ctx, w.st, secret.ID)
	if err != nil || len(res) != 1 || res[0].Err != nil {
		t.Fatalf("%+v %v", res, err)
	}
	ts := w.get(t, secret.ID).Timestamps
	if len(ts) != 1 || len(ts[0].Salt) != 32 {
		t.Fatalf("timestamps %+v: want one, salted", ts)
	}
	plain, _ := hex.DecodeString(secret.SHA256)
	if _, err := tsa.VerifyStructure(ts[0].Token, plain); err == nil {
		t.Fatal("the token is over the file's plain hash: the authority learnt it")
	}
	if _, err := tsa.VerifyStructure(ts[0].Token, ts[0].Imprint(secret.SHA256)); err != nil {
		t.Fatalf("the salted token does not verify: %v", err)
	}
	if problems, _, _, err := VerifyStamps(w.ctx, w.st, w.trust); err != nil || len(problems) != 0 {
		t.Fatalf("verify: %v %v", problems, err)
	}
}

// Tokens written over a version another writer replaced (ECONFLICT) are
// written again over the new version, keeping what it changed.
func TestStampWriteAfterConflict(t *testing.T) {
	w := newStampWorld(t)
	f := w.add(t, "Synthetic public ruling", qantar.Public)
	stale := *f
	f.Note = qantar.Text{"en": "Synthetic editor's note"}
	if err := w.st.Update(w.ctx, qantar.System, f); err != nil {
		t.Fatal(err)
	}
	tok := tsa.Stamp(w.ctx, [][]byte{mustHex(t, f.SHA256)}, []tsa.Authority{{Name: "local", URL: w.tsa.URL}})[0]
	if tok.Err != nil {
		t.Fatal(tok.Err)
	}
	ts := []qantar.FileTimestamp{{Authority: "local", Time: tok.Time.UTC().Format(time.RFC3339Nano), Token: tok.Token}}
	if err := (Stamping{Actor: qantar.System}).write(w.ctx, w.st, &stale, ts); err != nil {
		t.Fatal(err)
	}
	got := w.get(t, f.ID)
	if got.Version != 3 || len(got.Timestamps) != 1 || got.Note["en"] != "Synthetic editor's note" {
		t.Errorf("after the conflict: version %d, %d tokens, note %v", got.Version, len(got.Timestamps), got.Note)
	}
}

// verify names a token changed in the record, one swapped from another
// file, and a time that is not the token's.
func TestVerifyStampsNamesTampering(t *testing.T) {
	w := newStampWorld(t)
	a, b := w.add(t, "Synthetic file A", qantar.Public), w.add(t, "Synthetic file B", qantar.Public)
	s := Stamping{Actor: qantar.System, Authorities: []tsa.Authority{{Name: "local", URL: w.tsa.URL}}}
	if _, err := s.Stamp(w.ctx, w.st); err != nil {
		t.Fatal(err)
	}
	fa, fb := w.get(t, a.ID), w.get(t, b.ID)
	for name, tc := range map[string]struct {
		edit func(f *qantar.File)
		want error
	}{
		"changed byte": {func(f *qantar.File) { f.Timestamps[0].Token[len(f.Timestamps[0].Token)-10] ^= 1 }, tsa.ErrInvalidToken},
		"swapped":      {func(f *qantar.File) { f.Timestamps[0].Token = fb.Timestamps[0].Token }, tsa.ErrWrongDigest},
		"time":         {func(f *qantar.File) { f.Timestamps[0].Time = "2022-01-05T10:00:00Z" }, ErrStampTime},
	} {
		for _, trust := range []Trust{w.trust, {}} {
			f := *fa
			f.Timestamps = []qantar.FileTimestamp{fa.Timestamps[0]}
			f.Timestamps[0].Token = append([]byte(nil), fa.Timestamps[0].Token...)
			tc.edit(&f)
			if err := checkStamp(trust, f.Timestamps[0], mustHex(t, f.SHA256)); !errors.Is(err, tc.want) {
				t.Errorf("%s (roots %v): %v, want %v", name, trust.Known("local"), err, tc.want)
			}
		}
	}
	problems, _, _, err := VerifyStamps(w.ctx, w.st, w.trust)
	if err != nil || len(problems) != 0 {
		t.Fatalf("untouched: %v %v", problems, err)
	}
}

// serve's stamper stamps a file soon after it is added, without the
// upload waiting for it.
func TestStamperStampsNewFiles(t *testing.T) {
	w := newStampWorld(t)
	done := make(chan StampResult, 16)
	sp := NewStamper(Stamping{Actor: qantar.System, Trust: w.trust, Authorities: []tsa.Authority{{Name: "local", URL: w.tsa.URL}}}, w.st, time.Hour, nil)
	sp.OnResult = func(r StampResult) { done <- r }
	w.files.Blobs = sp.Watch(w.files.Blobs)
	ctx, cancel := context.WithCancel(w.ctx)
	defer cancel()
	go sp.Run(ctx)
	for _, content := range []string{"Synthetic first upload", "Synthetic second upload"} {
		f := w.add(t, content, qantar.Public)
		select {
		case r := <-done:
			if r.FileID != f.ID || r.Err != nil {
				t.Fatalf("stamped %+v, want file %d", r, f.ID)
			}
		case <-time.After(60 * time.Second):
			t.Fatalf("file %d not stamped within a minute", f.ID)
		}
		if got := w.get(t, f.ID); len(got.Timestamps) != 1 {
			t.Errorf("file %d: %d tokens", f.ID, len(got.Timestamps))
		}
	}
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
