package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/postgres"
	"github.com/qantar-project/qantar/seed"
	"github.com/qantar-project/qantar/sqlite"
)

func runPublishCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := (&Main{Stdout: &out, Stderr: &errOut}).Run(context.Background(), args)
	return code, out.String(), errOut.String()
}

// publishDB is a database file with the bundled data and a synthetic
// confidential person; it returns its path and the log's key.
func publishDB(t *testing.T, extra int) (string, string) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "q.db")
	db, err := sqlite.Open(ctx, path, sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	f, err := seed.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Load(ctx, db, f); err != nil {
		t.Fatal(err)
	}
	recs := []qantar.Record{
		&qantar.Person{Protection: qantar.Public, Names: []qantar.Name{{Value: "Synthetic Published Victim"}}},
		&qantar.Person{Names: []qantar.Name{{Value: "Synthetic Hidden Witness"}}, Protection: qantar.Confidential},
	}
	for i := range extra {
		recs = append(recs, &qantar.Person{Protection: qantar.Public, Names: []qantar.Name{{Value: fmt.Sprintf("Synthetic Person %d", i)}}})
	}
	if _, err := qantar.CreateAll(ctx, db, qantar.System, recs); err != nil {
		t.Fatal(err)
	}
	return path, db.LogKey()
}

// `qantar publish` writes a mirror that `qantar verify --url` and
// `qantar publish --check` accept when served by a plain static server and
// refuse once a tile is tampered with; it exits 0, 1 or 2 as the contract
// says.
func TestPublishCommand(t *testing.T) {
	db, key := publishDB(t, 0)
	dir := t.TempDir()
	out := filepath.Join(dir, "mirror")
	code, stdout, errOut := runPublishCmd(t, "publish", "--db", db, "--out", out, "--origin", "https://mirror.example.org/qantar")
	if code != exitOK || !strings.Contains(stdout, "published "+out) {
		t.Fatalf("publish: exit %d\n%s%s", code, stdout, errOut)
	}
	guide, err := os.ReadFile(filepath.Join(out, "VERIFY.txt"))
	if err != nil || !strings.Contains(string(guide), "qantar verify --url https://mirror.example.org/qantar") || !strings.Contains(string(guide), key) {
		t.Errorf("VERIFY.txt does not give the mirror's address and the key (%v):\n%s", err, guide)
	}
	err = filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if bytes.Contains(b, []byte("Synthetic Hidden Witness")) {
			t.Errorf("%s names the protected person", p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	home, _ := os.ReadFile(filepath.Join(out, "index.html"))
	if !strings.Contains(string(home), "Qantar") {
		t.Errorf("index.html:\n%.500s", home)
	}

	// Served by a static file server, the mirror's log verifies.
	srv := httptest.NewServer(http.FileServer(http.Dir(out)))
	defer srv.Close()
	code, stdout, errOut = runPublishCmd(t, "verify", "--url", srv.URL, "--key", key, "--records=false")
	if code != exitOK || !strings.Contains(stdout, "result:     OK") {
		t.Errorf("verify --url of the mirror: exit %d\n%s%s", code, stdout, errOut)
	}
	for _, src := range []string{out, srv.URL} {
		code, stdout, errOut = runPublishCmd(t, "publish", "--check", src, "--key", key)
		if code != exitOK || !strings.Contains(stdout, "result:     OK") || !strings.Contains(stdout, "public records matched") {
			t.Errorf("publish --check %s: exit %d\n%s%s", src, code, stdout, errOut)
		}
	}

	// A tampered tile fails both checks.
	bad := filepath.Join(dir, "tampered")
	if err := os.CopyFS(bad, os.DirFS(out)); err != nil {
		t.Fatal(err)
	}
	var tile string // the first hash tile of level 0, full or partial
	filepath.WalkDir(filepath.Join(bad, "log", "tile", "0"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && tile == "" {
			tile = p
		}
		return err
	})
	b, _ := os.ReadFile(tile)
	b[0] ^= 0xff
	if err := os.WriteFile(tile, b, 0o644); err != nil {
		t.Fatal(err)
	}
	badSrv := httptest.NewServer(http.FileServer(http.Dir(bad)))
	defer badSrv.Close()
	code, stdout, errOut = runPublishCmd(t, "verify", "--url", badSrv.URL, "--key", key, "--records=false")
	if code != exitProblem || !strings.Contains(stdout, "problem") {
		t.Errorf("verify --url of a tampered mirror: exit %d\n%s%s", code, stdout, errOut)
	}
	code, stdout, errOut = runPublishCmd(t, "publish", "--check", bad, "--key", key)
	if code != exitProblem || !strings.Contains(errOut, "does not check out") {
		t.Errorf("publish --check of a tampered mirror: exit %d\n%s%s", code, stdout, errOut)
	}

	// Exit codes and messages.
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"publish", "--db", db, "--out", out}, exitProblem, "not empty; pass --force"},
		{[]string{"publish", "--db", db, "--out", out, "--force", "--lang", "kk"}, exitOK, "published"},
		{[]string{"publish", "--db", db}, exitUsage, "--out DIR is required"},
		{[]string{"publish", "--db", db, "--out", out, "--lang", "de"}, exitUsage, "unknown --lang"},
		{[]string{"publish", "--db", db, "--out", out, "--origin", "ftp://mirror.example.org"}, exitUsage, "--origin"},
		{[]string{"publish", "--db", db, "--out", out, "--bogus"}, exitUsage, "flag provided but not defined: -bogus"},
		{[]string{"publish", "--db", db, "--out", out, "extra"}, exitUsage, "unexpected argument"},
		{[]string{"publish", "--db", db, "--out", out, "--key", key}, exitUsage, "--key goes with --check"},
		{[]string{"publish", "--check", out, "--out", out}, exitUsage, "--out is for publishing"},
		{[]string{"publish", "--check", "ftp://mirror.example.org"}, exitUsage, "directory or an http(s) URL"},
		{[]string{"publish", "--check", filepath.Join(dir, "nothing")}, exitProblem, "no mirror directory"},
		{[]string{"publish", "--db", filepath.Join(dir, "missing.db"), "--out", filepath.Join(dir, "m2")}, exitProblem, "no database at"},
		{[]string{"publish", "--help"}, exitOK, "--origin"},
		{[]string{"--help"}, exitOK, "publish"},
	} {
		code, stdout, errOut := runPublishCmd(t, tt.args...)
		if code != tt.code || !strings.Contains(stdout+errOut, tt.want) {
			t.Errorf("%v: exit %d (want %d), want %q in:\n%s%s", tt.args, code, tt.code, tt.want, stdout, errOut)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "m2")); err == nil {
		t.Error("a refused publish created its --out")
	}
	if _, err := os.Stat(filepath.Join(dir, "missing.db")); err == nil {
		t.Error("publish created the database it was asked to publish")
	}
	if b, _ := os.ReadFile(filepath.Join(out, "index.html")); !strings.Contains(string(b), `<html lang="kk">`) {
		t.Error("publish --force --lang kk did not replace the mirror with one in Kazakh at its root")
	}
}

// A publish killed midway (SIGKILL: no deferred clean-up runs) leaves the
// previous mirror as it was, and no new one half-written in its place.
func TestPublishSIGKILL(t *testing.T) {
	bin := buildBinary(t)
	db, key := publishDB(t, 1500)
	dir := t.TempDir()
	out := filepath.Join(dir, "mirror")
	if code, stdout, errOut := runPublishCmd(t, "publish", "--db", db, "--out", out); code != exitOK {
		t.Fatalf("publish: exit %d\n%s%s", code, stdout, errOut)
	}
	before, err := os.ReadFile(filepath.Join(out, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{out, filepath.Join(dir, "fresh")} {
		cmd := exec.Command(bin, "publish", "--db", db, "--out", target, "--force")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill it once it has written pages into its temporary directory.
		killed := false
		for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline) && !killed; time.Sleep(5 * time.Millisecond) {
			tmps, _ := filepath.Glob(filepath.Join(dir, "."+filepath.Base(target)+".publishing-*", "persons", "*.html"))
			if len(tmps) > 100 {
				if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
					t.Fatal(err)
				}
				killed = true
			}
		}
		werr := cmd.Wait()
		if !killed {
			t.Fatalf("publish to %s ended before it could be killed: %v", target, werr)
		}
		if target == out {
			after, _ := os.ReadFile(filepath.Join(out, "SHA256SUMS"))
			if !bytes.Equal(before, after) {
				t.Error("the killed publish changed the previous mirror")
			}
			if code, stdout, errOut := runPublishCmd(t, "publish", "--check", out, "--key", key); code != exitOK {
				t.Errorf("the previous mirror no longer checks out: exit %d\n%s%s", code, stdout, errOut)
			}
		} else if _, err := os.Stat(target); !os.IsNotExist(err) {
			t.Errorf("the killed publish left %s (%v)", target, err)
		}
	}
}

// On PostgreSQL (when QANTAR_TEST_POSTGRES names one), publish writes the
// same kind of mirror, which checks out and names no protected person.
func TestPublishPostgres(t *testing.T) {
	pg := pgTestURL(t)
	ctx := context.Background()
	keyFile := filepath.Join(t.TempDir(), "log.key")
	t.Setenv("QANTAR_LOG_KEY", keyFile)
	db, err := postgres.Open(ctx, pg, postgres.Options{LogKeyPath: keyFile})
	if err != nil {
		t.Fatal(err)
	}
	f, err := seed.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Load(ctx, db, f); err != nil {
		t.Fatal(err)
	}
	if err := db.Create(ctx, qantar.System, &qantar.Person{Names: []qantar.Name{{Value: "Synthetic Hidden Witness"}}, Protection: qantar.Restricted}); err != nil {
		t.Fatal(err)
	}
	key := db.LogKey()
	db.Close()
	out := filepath.Join(t.TempDir(), "mirror")
	if code, stdout, errOut := runPublishCmd(t, "publish", "--db", pg, "--out", out); code != exitOK {
		t.Fatalf("publish from PostgreSQL: exit %d\n%s%s", code, stdout, errOut)
	}
	if code, stdout, errOut := runPublishCmd(t, "publish", "--check", out, "--key", key); code != exitOK || !strings.Contains(stdout, "1 about protected persons") {
		t.Errorf("publish --check: exit %d\n%s%s", code, stdout, errOut)
	}
	b, _ := os.ReadFile(filepath.Join(out, "data", "persons.json"))
	if bytes.Contains(b, []byte("Synthetic Hidden Witness")) || !bytes.Contains(b, []byte("Protected person")) {
		t.Errorf("data/persons.json:\n%s", b)
	}
}
