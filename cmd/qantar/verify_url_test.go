package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/sqlite"
	tlogclient "github.com/qantar-project/qantar/tlog/client"
	"github.com/qantar-project/qantar/tlog/tlogtest"
	"github.com/qantar-project/qantar/web"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"
)

// TestVerifyURLRecords: `qantar verify --url` checks every public record
// against the log, on the live site and on a static mirror (qantar publish,
// which has open data instead of an API). A citation and an act about a
// protected person, which the site shows without their details, are
// counted as withheld, not reported as tampered with; a record changed in
// the database behind the log's back is.
func TestVerifyURLRecords(t *testing.T) {
	path, key := publishDB(t, 0)
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path, sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	hidden, _, err := db.List(ctx, qantar.KindPerson, qantar.Filter{Q: "Synthetic Hidden Witness", Reader: qantar.System})
	if err != nil || len(hidden) != 1 {
		t.Fatalf("the fixture's protected person: %v %v", hidden, err)
	}
	src := &qantar.Source{SourceKind: "news", Title: qantar.Text{"en": "Synthetic source"}}
	must(t, db.Create(ctx, qantar.System, src))
	events, _, _ := db.List(ctx, qantar.KindEvent, qantar.Filter{Limit: 1, Reader: qantar.System})
	act := &qantar.Act{VictimID: hidden[0].GetMeta().ID, EventID: events[0].GetMeta().ID, ActType: "torture",
		Date: qantar.MustDate("2022-01-07"), Description: qantar.Text{"en": "Synthetic detail that names the witness"}}
	must(t, db.Create(ctx, qantar.System, act))
	must(t, db.Create(ctx, qantar.System, &qantar.Citation{RecordKind: qantar.KindPerson, RecordID: hidden[0].GetMeta().ID, SourceID: src.ID, Quote: "Synthetic quote about the witness"}))
	must(t, db.Create(ctx, qantar.System, &qantar.Citation{RecordKind: qantar.KindAct, RecordID: act.ID, SourceID: src.ID, Page: "p. 3"}))

	live := httptest.NewServer(web.New(web.Config{Store: db, Tokens: db, Log: db, Search: db}).Handler())
	defer live.Close()
	code, out, errOut := runPublishCmd(t, "verify", "--url", live.URL, "--key", key)
	if code != exitOK || !strings.Contains(out, "result:     OK") || !strings.Contains(out, "(3 shown without details about a protected person") {
		t.Fatalf("verify --url of the live site: exit %d\n%s%s", code, out, errOut)
	}

	mirror := filepath.Join(t.TempDir(), "mirror")
	if code, out, errOut := runPublishCmd(t, "publish", "--db", path, "--out", mirror); code != exitOK {
		t.Fatalf("publish: exit %d\n%s%s", code, out, errOut)
	}
	static := httptest.NewServer(http.FileServer(http.Dir(mirror)))
	defer static.Close()
	code, out, errOut = runPublishCmd(t, "verify", "--url", static.URL, "--key", key)
	if code != exitOK || !strings.Contains(out, "result:     OK") || strings.Contains(out, "records:    0 ") {
		t.Fatalf("verify --url of a static mirror, records included: exit %d\n%s%s", code, out, errOut)
	}

	// A public person's name changed in the database, not through Qantar:
	// the site now serves content the log never committed to.
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE records SET data = replace(data, 'Synthetic Published Victim', 'Synthetic Altered Victim') WHERE kind = 'persons'`); err != nil {
		t.Fatal(err)
	}
	// A server started after the edit (the running one may answer from its
	// cache of the same log state until the state moves).
	tampered := httptest.NewServer(web.New(web.Config{Store: db, Tokens: db, Log: db, Search: db}).Handler())
	defer tampered.Close()
	code, out, _ = runPublishCmd(t, "verify", "--url", tampered.URL, "--key", key)
	if code != exitProblem || !strings.Contains(out, "does not match the commitment") {
		t.Fatalf("verify --url after tampering: exit %d\n%s", code, out)
	}
}

// TestVerifyURLForkEvidence: `qantar verify --url U --checkpoint OLD --save
// FILE` against a mirror whose log contradicts the kept checkpoint (same
// key, another first leaf) fails and writes to FILE both signed
// checkpoints and the consistency proof. A third party shows the fork from
// FILE and the key alone, with nothing of Qantar: the signed notes open
// with the key (golang.org/x/mod/sumdb/note), the proof leads from the
// prefix root to the larger root (RFC 6962, transparency-dev/merkle), and
// that prefix root is not the root the smaller checkpoint signed.
func TestVerifyURLForkEvidence(t *testing.T) {
	dir := t.TempDir()
	honest := tlogtest.New(t)
	honest.Add(t, 300)
	old := filepath.Join(dir, "checkpoint")
	if err := os.WriteFile(old, honest.Signed, 0o600); err != nil {
		t.Fatal(err)
	}
	srv := honest.Fork(t, 700).Serve(t)
	save := filepath.Join(dir, "saved")
	code, out, errOut := runPublishCmd(t, "verify", "--url", srv.URL, "--key", honest.VKey, "--checkpoint", old, "--save", save, "--records=false")
	if code != exitProblem || !strings.Contains(out, "not a prefix") || !strings.Contains(out, "written to "+save) {
		t.Fatalf("verify --url of a fork: exit %d\n%s%s", code, out, errOut)
	}
	b, err := os.ReadFile(save)
	if err != nil {
		t.Fatal(err)
	}
	var ev struct {
		Format           string   `json:"format"`
		Smaller          string   `json:"smaller_checkpoint"`
		Larger           string   `json:"larger_checkpoint"`
		PrefixRoot       []byte   `json:"prefix_root"`
		ConsistencyProof [][]byte `json:"consistency_proof"`
	}
	if err := json.Unmarshal(b, &ev); err != nil || ev.Format != "qantar-fork-evidence/v1" {
		t.Fatalf("evidence %s: %v", b, err)
	}
	if ev.Smaller != string(honest.Signed) {
		t.Error("the evidence does not hold the kept checkpoint as signed")
	}
	verifier, err := note.NewVerifier(honest.VKey)
	if err != nil {
		t.Fatal(err)
	}
	// open returns a checkpoint's size and root (C2SP tlog-checkpoint).
	open := func(signed string) (uint64, []byte) {
		n, err := note.Open([]byte(signed), note.VerifierList(verifier))
		if err != nil {
			t.Fatalf("checkpoint does not open with the key: %v", err)
		}
		lines := strings.Split(n.Text, "\n")
		size, err1 := strconv.ParseUint(lines[1], 10, 64)
		root, err2 := base64.StdEncoding.DecodeString(lines[2])
		if err1 != nil || err2 != nil {
			t.Fatalf("checkpoint text %q", n.Text)
		}
		return size, root
	}
	size1, root1 := open(ev.Smaller)
	size2, root2 := open(ev.Larger)
	if size1 != 300 || size2 != 700 {
		t.Errorf("sizes %d and %d, want 300 and 700", size1, size2)
	}
	if err := proof.VerifyConsistency(rfc6962.DefaultHasher, size1, size2, ev.ConsistencyProof, ev.PrefixRoot, root2); err != nil {
		t.Fatalf("the proof does not lead to the larger root: %v", err)
	}
	if bytes.Equal(ev.PrefixRoot, root1) {
		t.Error("the prefix root is the kept checkpoint's: no fork shown")
	}
	// And the same with the package a third party would use.
	e, err := tlogclient.ParseEvidence(b)
	if err != nil || e.Check(honest.VKey) != nil {
		t.Errorf("client.Evidence.Check: %v, %v", err, e.Check(honest.VKey))
	}

	// A mirror that extends the kept checkpoint: --save keeps the new
	// checkpoint, as before.
	honest2 := tlogtest.New(t)
	honest2.Add(t, 20)
	if err := os.WriteFile(old, honest2.Signed, 0o600); err != nil {
		t.Fatal(err)
	}
	honest2.Add(t, 20)
	srv2 := honest2.Serve(t)
	code, out, errOut = runPublishCmd(t, "verify", "--url", srv2.URL, "--key", honest2.VKey, "--checkpoint", old, "--save", save, "--records=false")
	if saved, _ := os.ReadFile(save); code != exitOK || !bytes.Equal(saved, honest2.Signed) {
		t.Fatalf("verify --url of a log that grew: exit %d, saved %q\n%s%s", code, saved, out, errOut)
	}
}
