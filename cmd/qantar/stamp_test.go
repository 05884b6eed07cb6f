package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/evidence"
	"github.com/qantar-project/qantar/postgres"
	"github.com/qantar-project/qantar/tsa/tsatest"
)

// TestFileStamp, on SQLite and PostgreSQL: `file add --tsa` with the
// authority down keeps the file without a token and says so; `file stamp`
// with it still down names each file and fails; once it answers, every
// file is stamped and `verify --db` passes, with the authority's roots and
// without; `file add --tsa` with it up stamps at once. A token swapped to
// another file (a logged version) and a token changed in the database
// behind Qantar's back are each named by `verify --db`.
func TestFileStamp(t *testing.T) {
	srv := tsatest.Start(t)
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			db := filepath.Join(dir, "q.db")
			if engine == "postgres" {
				db = pgTestURL(t)
				t.Setenv("QANTAR_LOG_KEY", filepath.Join(dir, "log.key"))
			}
			testFileStamp(t, srv, dir, db)
		})
	}
}

func testFileStamp(t *testing.T, srv *tsatest.Server, dir, db string) {
	ctx := context.Background()
	filesDir := filepath.Join(dir, "files")
	env := map[string]string{"USER": "synthetic-clerk", "QANTAR_FILES": filesDir}
	src := stampSource(t, db)
	roots := srv.RootsFile(t, dir, "roots.pem")
	down := "local=" + tsatest.Down(t)
	add := func(name, tsa string) (*qantar.File, string) {
		t.Helper()
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte("Synthetic "+name), 0o600)
		code, out, errOut := runWithEnv(env, "file", "add", "--db", db, "--files", filesDir, "--protection", "public", "--source", id64(src), "--tsa", tsa, "--json", p)
		if code != 0 {
			t.Fatalf("file add %s: exit %d: %s", name, code, errOut)
		}
		var a evidence.Added
		if err := json.Unmarshal([]byte(out), &a); err != nil || a.File == nil {
			t.Fatalf("file add --json prints %q: %v", out, err)
		}
		return a.File, errOut
	}
	a, said := add("ruling.txt", down)
	if len(a.Timestamps) != 0 || !strings.Contains(said, fmt.Sprintf("file %d (%s): no token from local: ", a.ID, a.SHA256)) || !strings.Contains(said, "did not answer") {
		t.Errorf("file add with the authority down: %d tokens, said %q", len(a.Timestamps), said)
	}
	b, _ := add("answer.txt", down)
	code, out, _ := runWithEnv(env, "file", "stamp", "--db", db, "--tsa", down)
	if code != 1 || !strings.Contains(out, fmt.Sprintf("file %d (%s): no token from local", a.ID, a.SHA256)) || !strings.Contains(out, fmt.Sprintf("file %d (%s): no token from local", b.ID, b.SHA256)) {
		t.Errorf("file stamp, authority down: exit %d\n%s", code, out)
	}
	if code, out, errOut := runWithEnv(env, "verify", "--db", db); code != 0 {
		t.Fatalf("verify with no tokens yet: exit %d\n%s%s", code, out, errOut)
	}
	up := "local=" + srv.URL
	code, out, errOut := runWithEnv(env, "file", "stamp", "--db", db, "--tsa", up, "--tsa-roots", "local="+roots)
	if code != 0 || strings.Count(out, ": token from local, ") != 2 {
		t.Fatalf("file stamp, authority up: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, _ := runWithEnv(env, "file", "stamp", "--db", db, "--tsa", up, "--lang", "ru"); code != 0 || !strings.Contains(out, "у каждого файла уже есть метка времени") {
		t.Errorf("file stamp with nothing to do, in Russian: exit %d\n%s", code, out)
	}
	c, said := add("scan.txt", up)
	if len(c.Timestamps) != 1 || c.Timestamps[0].Authority != "local" || !strings.Contains(said, ": token from local, ") {
		t.Errorf("file add with the authority up: tokens %+v, said %q", c.Timestamps, said)
	}
	code, out, _ = runWithEnv(env, "verify", "--db", db, "--tsa-roots", roots)
	if code != 0 || strings.Contains(out, "signature and imprint only") {
		t.Fatalf("verify with roots: exit %d\n%s", code, out)
	}
	if code, out, _ = runWithEnv(env, "verify", "--db", db); code != 0 || !strings.Contains(out, "files: 3 timestamp tokens checked for their signature and imprint only") {
		t.Fatalf("verify without roots: exit %d\n%s", code, out)
	}

	// An editor writes file a's token into file b: a logged version, but a
	// token for other bytes.
	st, closeStore, err := openStore(ctx, &Main{Getenv: func(string) string { return "" }}, db)
	if err != nil {
		t.Fatal(err)
	}
	fa, fb := getFile(t, st, a.ID), getFile(t, st, b.ID)
	fb.Timestamps[0].Token = fa.Timestamps[0].Token
	if err := st.Update(ctx, qantar.Actor{ID: "cli:synthetic-clerk", Role: qantar.RoleEditor}, fb); err != nil {
		t.Fatal(err)
	}
	closeStore()
	code, out, _ = runWithEnv(env, "verify", "--db", db, "--tsa-roots", roots)
	if code != 1 || !strings.Contains(out, fmt.Sprintf("FAIL: file %d (%s): the timestamp token of local: the timestamp token is for other bytes", b.ID, b.SHA256)) {
		t.Errorf("verify after a token was swapped: exit %d\n%s", code, out)
	}
	// File c's token changed in the database itself.
	tamperToken(t, db, getFileAt(t, db, c.ID))
	code, out, _ = runWithEnv(env, "verify", "--db", db)
	if code != 1 || !strings.Contains(out, fmt.Sprintf("FAIL: file %d (%s): the timestamp token of local: the timestamp token does not verify", c.ID, c.SHA256)) {
		t.Errorf("verify after a token changed in the database: exit %d\n%s", code, out)
	}
}

// stampSource makes the database with one source and returns its id.
func stampSource(t *testing.T, db string) int64 {
	t.Helper()
	st, closeStore, err := openStore(context.Background(), &Main{Getenv: func(string) string { return "" }}, db)
	if err != nil {
		t.Fatal(err)
	}
	defer closeStore()
	src := &qantar.Source{SourceKind: "court_document", Title: qantar.Text{"en": "Synthetic ruling"}}
	if err := st.Create(context.Background(), qantar.System, src); err != nil {
		t.Fatal(err)
	}
	return src.ID
}

func getFile(t *testing.T, st qantar.Store, id int64) *qantar.File {
	t.Helper()
	rec, err := st.Get(context.Background(), qantar.KindFile, id)
	if err != nil {
		t.Fatal(err)
	}
	return rec.(*qantar.File)
}

func getFileAt(t *testing.T, db string, id int64) *qantar.File {
	t.Helper()
	st, closeStore, err := openStore(context.Background(), &Main{Getenv: func(string) string { return "" }}, db)
	if err != nil {
		t.Fatal(err)
	}
	defer closeStore()
	return getFile(t, st, id)
}

// tamperToken changes a byte of f's first token in the records table, not
// through Qantar.
func tamperToken(t *testing.T, db string, f *qantar.File) {
	t.Helper()
	f.Timestamps[0].Token[len(f.Timestamps[0].Token)-10] ^= 1
	data, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	q := fmt.Sprintf("UPDATE records SET data = '%s' WHERE kind = 'files' AND id = %d", strings.ReplaceAll(string(data), "'", "''"), f.ID)
	if postgres.IsURL(db) {
		conn, err := pgx.Connect(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(context.Background(), q); err != nil {
			t.Fatal(err)
		}
		return
	}
	raw, err := sql.Open("sqlite", "file:"+db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(q); err != nil {
		t.Fatal(err)
	}
}

// TestServeStampsUploads: `serve --tsa` stamps a file uploaded through the
// API soon after the upload is answered, and the unstamped files of an
// authority that was down are stamped by the retry.
func TestServeStampsUploads(t *testing.T) {
	srv := tsatest.Start(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "q.db")
	src := stampSource(t, db)
	_, tok, _ := run("token", "create", "--db", db, "--role", "editor", "--name", "stamps")
	results := make(chan evidence.StampResult, 16)
	cfg := serveConfig{DB: db, Synchronous: "NORMAL", Empty: true, Files: fileConfig{Dir: filepath.Join(dir, "files")}, TSARetry: time.Hour,
		stamped: func(r evidence.StampResult) { results <- r }}
	cfg.TSA.Authorities.Set("local=" + srv.URL)
	base, stop := serverWith(t, cfg)
	defer stop()
	upload(t, base, strings.TrimSpace(tok), src, "Synthetic uploaded statement")
	select {
	case r := <-results:
		if r.Err != nil || r.Authority != "local" {
			t.Fatalf("stamped: %+v", r)
		}
		st, closeStore, err := openStore(context.Background(), &Main{Getenv: func(string) string { return "" }}, db)
		if err != nil {
			t.Fatal(err)
		}
		defer closeStore()
		if f := getFile(t, st, r.FileID); len(f.Timestamps) != 1 || f.Version != 2 {
			t.Errorf("uploaded file: version %d, tokens %+v", f.Version, f.Timestamps)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the upload was not stamped within a minute")
	}
}

// TestServeRetriesStamps: a file left without a token while the authority
// was down (it answered 503) is stamped by a later retry once it is up.
func TestServeRetriesStamps(t *testing.T) {
	srv := tsatest.Start(t)
	target, _ := url.Parse(srv.Base)
	var up atomic.Bool
	proxy := httputil.NewSingleHostReverseProxy(target)
	flaky := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !up.Load() {
			http.Error(w, "synthetic outage", http.StatusServiceUnavailable)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	defer flaky.Close()
	dir := t.TempDir()
	db := filepath.Join(dir, "q.db")
	src := stampSource(t, db)
	p := filepath.Join(dir, "a.txt")
	os.WriteFile(p, []byte("Synthetic file added while the authority was down"), 0o600)
	env := map[string]string{"QANTAR_FILES": filepath.Join(dir, "files")}
	if code, _, errOut := runWithEnv(env, "file", "add", "--db", db, "--protection", "public", "--source", id64(src), p); code != 0 {
		t.Fatalf("file add: %s", errOut)
	}
	results := make(chan evidence.StampResult, 64)
	cfg := serveConfig{DB: db, Synchronous: "NORMAL", Empty: true, TSARetry: 300 * time.Millisecond,
		stamped: func(r evidence.StampResult) { results <- r }}
	cfg.TSA.Authorities.Set("local=" + flaky.URL + "/api/v1/timestamp")
	_, stop := serverWith(t, cfg)
	defer stop()
	deadline := time.After(60 * time.Second)
	for failed := false; ; {
		select {
		case r := <-results:
			switch {
			case r.Err != nil && !up.Load():
				failed = true
				up.Store(true)
			case r.Err == nil && failed:
				st, closeStore, err := openStore(context.Background(), &Main{Getenv: func(string) string { return "" }}, db)
				if err != nil {
					t.Fatal(err)
				}
				defer closeStore()
				if f := getFile(t, st, r.FileID); len(f.Timestamps) != 1 {
					t.Errorf("after the retry: tokens %+v", f.Timestamps)
				}
				return
			case r.Err == nil:
				t.Fatalf("stamped while the authority was down: %+v", r)
			}
		case <-deadline:
			t.Fatal("the file was not stamped by a retry within a minute")
		}
	}
}

// upload posts content as a public file of the source through the API.
func upload(t *testing.T, base, token string, source int64, content string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("protection", "public")
	fw, _ := mw.CreateFormFile("file", "statement.txt")
	fw.Write([]byte(content))
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/api/v1/sources/%d/files", base, source), &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		t.Fatalf("upload: %s %s", resp.Status, b.String())
	}
}
