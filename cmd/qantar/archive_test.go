package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/blob"
	"github.com/qantar-project/qantar/capture"
)

// TestArchive: `qantar archive` captures a local page with its image,
// adds the WACZ to the source as a file (a File record with the capture
// time), prints its SHA-256, and the stored capture replays the image byte
// for byte; without --allow-private the same page is refused and nothing
// is added.
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
	sha := strings.TrimSpace(stdout)
	if !qantar.IsSHA256(sha) {
		t.Fatalf("archive printed %q", stdout)
	}

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
}
