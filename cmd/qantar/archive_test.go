package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/blob"
	"github.com/qantar-project/qantar/capture"
	"github.com/qantar-project/qantar/evidence"
	"github.com/qantar-project/qantar/tsa/tsatest"
)

// TestArchive: `qantar archive` captures a local page with its image,
// adds the WACZ to the source as a file (a File record with the capture
// time), says the file it wrote with its SHA-256, and the stored capture
// replays the image byte for byte; without --allow-private the same page
// is refused and nothing is added; with --tsa the capture is stamped.
func TestArchive(t *testing.T) {
	img := []byte("\x89PNG\r\n\x1a\n synthetic image bytes")
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<html><head><title>Synthetic news</title></head><body><img src="/p.png"></body></html>`)
	})
	mux.HandleFunc("/p.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(img)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "q.db")
	st, closeStore, err := openStore(ctx, &Main{Getenv: func(string) string { return "" }}, db)
	if err != nil {
		t.Fatal(err)
	}
	src := &qantar.Source{SourceKind: "news", Title: qantar.Text{"en": "Synthetic news page"}}
	if err := st.Create(ctx, qantar.System, src); err != nil {
		t.Fatal(err)
	}
	closeStore()
	env := map[string]string{"USER": "synthetic-clerk"}
	code, _, stderr := runWithEnv(env, "archive", "--db", db, "--source", id64(src.ID), "--protection", "public", srv.URL+"/")
	if code == 0 || !strings.Contains(stderr, "not public") {
		t.Fatalf("without --allow-private: exit %d, %s", code, stderr)
	}
	code, stdout, stderr := runWithEnv(env, "archive", "--db", db, "--source", id64(src.ID), "--protection", "public", "--allow-private", srv.URL+"/")
	if code != 0 {
		t.Fatalf("archive: exit %d: %s", code, stderr)
	}
	said := saidFile.FindStringSubmatch(stdout)
	if said == nil || strings.Count(stdout, "\n") != 1 || !strings.HasSuffix(stdout, "): public, stored as it came\n") {
		t.Fatalf("archive printed %q", stdout)
	}
	sha := said[2]

	st, closeStore, err = openStore(ctx, &Main{Getenv: func(string) string { return "" }}, db)
	if err != nil {
		t.Fatal(err)
	}
	defer closeStore()
	recs, _, err := st.List(ctx, qantar.KindFile, qantar.Filter{Where: map[string]string{"sha256": sha}, Reader: qantar.System})
	if err != nil || len(recs) != 1 {
		t.Fatalf("file records for %s: %d, %v", sha, len(recs), err)
	}
	f := recs[0].(*qantar.File)
	if f.SourceID != src.ID || f.Encrypted || f.CapturedAt.IsZero() || f.MediaType != "application/zip" {
		t.Errorf("file record %+v", f)
	}
	rc, err := blob.Local(db+".files").Open(ctx, sha, nil)
	if err != nil {
		t.Fatal(err)
	}
	wacz, _ := io.ReadAll(rc)
	rc.Close()
	h, err := capture.Replay(bytes.NewReader(wacz), int64(len(wacz)), "/captures/"+sha+"/")
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/captures/"+sha+"/raw?url="+url.QueryEscape(srv.URL+"/p.png"), nil))
	if !bytes.Equal(w.Body.Bytes(), img) {
		t.Errorf("replayed image %q, served %q", w.Body.Bytes(), img)
	}
	checkArchiveStamps(t, env, db, src.ID, srv.URL+"/")
}

// saidFile is a line that says a file written: its id and SHA-256.
var saidFile = regexp.MustCompile(`(?m)^file (\d+) \(([0-9a-f]{64})\): `)

// checkArchiveStamps: `archive --tsa` stamps the WACZ it adds with a token
// from the authority (the same Stamping as file add --tsa), the answer
// said on standard error; without --source, --tsa is a usage error.
func checkArchiveStamps(t *testing.T, env map[string]string, db string, source int64, page string) {
	t.Helper()
	tsa := "local=" + tsatest.Start(t).URL
	code, stdout, stderr := runWithEnv(env, "archive", "--db", db, "--source", id64(source), "--protection", "public", "--allow-private", "--tsa", tsa, "--json", page)
	if code != 0 {
		t.Fatalf("archive --tsa: exit %d: %s", code, stderr)
	}
	var a evidence.Added
	if err := json.Unmarshal([]byte(stdout), &a); err != nil || a.File == nil {
		t.Fatalf("archive --json printed %q: %v", stdout, err)
	}
	if len(a.File.Timestamps) != 1 || a.File.Timestamps[0].Authority != "local" || !strings.Contains(stderr, fmt.Sprintf("file %d (%s): token from local, ", a.File.ID, a.File.SHA256)) {
		t.Errorf("archive --tsa: tokens %+v, said %q", a.File.Timestamps, stderr)
	}
	if code, _, stderr := runWithEnv(env, "archive", "--db", db, "--allow-private", "--tsa", tsa, page); code != exitUsage || !strings.Contains(stderr, "--source") {
		t.Errorf("archive --tsa without --source: exit %d: %s", code, stderr)
	}
}
