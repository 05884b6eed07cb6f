package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/blob"
	"github.com/qantar-project/qantar/evidence"
	"github.com/qantar-project/qantar/media/mediatest"
)

// TestFileAddAndVerify, on SQLite and PostgreSQL: `qantar file add` stores a
// public file in the clear and a restricted one encrypted, a derivative
// takes its original's level, each fetches by role as its level says, a
// deletion request is a version, and `verify --db` names a stored file
// whose byte changed (with the identity, an encrypted one too).
func TestFileAddAndVerify(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			db, files := filepath.Join(dir, "q.db"), ""
			if engine == "postgres" {
				db, files = pgTestURL(t), filepath.Join(dir, "pgfiles")
				t.Setenv("QANTAR_LOG_KEY", filepath.Join(dir, "log.key"))
			}
			testFileAddAndVerify(t, dir, db, files)
		})
	}
}

func testFileAddAndVerify(t *testing.T, dir, db, filesDir string) {
	ctx := context.Background()
	id, _ := age.GenerateX25519Identity()
	recipients, identity := filepath.Join(dir, "recipients.txt"), filepath.Join(dir, "identity.txt")
	os.WriteFile(recipients, []byte("# the organisation\n"+id.Recipient().String()+"\n"), 0o600)
	os.WriteFile(identity, []byte(id.String()+"\n"), 0o600)
	st, closeStore, err := openStore(ctx, &Main{Getenv: func(string) string { return "" }}, db)
	if err != nil {
		t.Fatal(err)
	}
	src := &qantar.Source{SourceKind: "court_document", Title: qantar.Text{"en": "Synthetic ruling"}}
	if err := st.Create(ctx, qantar.System, src); err != nil {
		t.Fatal(err)
	}
	closeStore()
	if filesDir == "" {
		filesDir = db + ".files"
	}
	env := map[string]string{"USER": "synthetic-clerk", "QANTAR_FILES": filesDir}
	m := func() *Main {
		return &Main{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Getenv: func(k string) string { return env[k] }}
	}
	add := func(name, content string, extra ...string) *qantar.File {
		t.Helper()
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o600)
		mm := m()
		args := append([]string{"file", "add", "--db", db, "--files", filesDir, "--file-recipients", recipients, "--source", id64(src.ID), "--json"}, extra...)
		if code := mm.Run(ctx, append(args, p)); code != 0 {
			t.Fatalf("file add %s: exit %d: %s", name, code, mm.Stderr)
		}
		var a evidence.Added
		if err := json.Unmarshal(mm.Stdout.(*bytes.Buffer).Bytes(), &a); err != nil || a.File == nil || a.Public != nil {
			t.Fatalf("file add --json prints %q: %v", mm.Stdout, err)
		}
		return a.File
	}
	pub := add("ruling.txt", "Synthetic ruling text", "--protection", "public")
	secret := add("witness.txt", "Synthetic witness statement", "--captured-at", "2022-01-06")
	thumb := add("witness-ocr.txt", "Synthetic OCR of the statement", "--derived-from", secret.SHA256, "--derivation", "ocr_text")
	if pub.Encrypted || !secret.Encrypted || secret.ProtectionLevel() != qantar.Restricted || thumb.ProtectionLevel() != qantar.Restricted || !thumb.Encrypted {
		t.Fatalf("public %+v\nrestricted %+v\nderivative %+v", pub, secret, thumb)
	}
	if code, _, _ := runWithEnv(env, "file", "add", "--db", db, "--files", filesDir, "--source", id64(src.ID), filepath.Join(dir, "witness.txt")); code != 1 {
		t.Errorf("a restricted file without recipients: exit %d, want 1 (refused, not stored in the clear)", code)
	}

	st, closeStore, err = openStore(ctx, m(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer closeStore()
	fs := &evidence.Files{Blobs: blob.Local(filesDir), Identities: []string{id.String()}}
	for _, tc := range []struct {
		f      *qantar.File
		reader qantar.Actor
		ok     bool
	}{
		{pub, qantar.Anonymous, true}, {secret, qantar.Anonymous, false}, {secret, qantar.ViewerReader, true},
		{secret, qantar.Actor{ID: "token:9", Role: qantar.RoleEditor}, true}, {thumb, qantar.Anonymous, false},
	} {
		_, rc, err := fs.Open(ctx, st, tc.reader, tc.f.SHA256)
		if (err == nil) != tc.ok {
			t.Errorf("%s as %q: %v, want ok=%v", tc.f.Name, tc.reader.Role, err, tc.ok)
			continue
		}
		if err == nil {
			b, _ := io.ReadAll(rc)
			rc.Close()
			if !strings.HasPrefix(string(b), "Synthetic") {
				t.Errorf("%s reads %q", tc.f.Name, b)
			}
		}
	}
	secret.DeletionRequested = &qantar.DeletionRequest{Reason: "the witness withdrew consent", By: "cli:synthetic-clerk"}
	if err := st.Update(ctx, qantar.Actor{ID: "cli:synthetic-clerk", Role: qantar.RoleEditor}, secret); err != nil {
		t.Fatal(err)
	}
	if h, err := st.History(ctx, qantar.KindFile, secret.ID); err != nil || len(h) != 2 {
		t.Errorf("history of the restricted file: %d versions (%v)", len(h), err)
	}
	closeStore()

	if code, out, errOut := runWithEnv(env, "verify", "--db", db); code != 0 {
		t.Fatalf("verify of untouched files: exit %d: %s %s", code, out, errOut)
	}
	checkPublicCopies(t, env, db, dir, pub, secret, thumb)
	for _, f := range []*qantar.File{pub, secret} {
		p := filepath.Join(filesDir, f.SHA256[:2], f.SHA256)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		b[len(b)-1] ^= 1
		os.Chmod(p, 0o600)
		os.WriteFile(p, b, 0o600)
	}
	env["QANTAR_FILE_IDENTITY"] = identity
	code, out, _ := runWithEnv(env, "verify", "--db", db)
	if code != 1 || !strings.Contains(out, pub.SHA256) || !strings.Contains(out, secret.SHA256) {
		t.Errorf("verify after a byte changed in two stored files: exit %d\n%s", code, out)
	}
	// In the reader's language: a Russian operator is told in Russian.
	code, out, _ = runWithEnv(env, "verify", "--lang", "ru", "--db", db)
	if code != 1 || strings.Count(out, "байты изменились") != 2 || strings.Contains(out, "bytes changed") {
		t.Errorf("verify --lang ru after a byte changed in two stored files: exit %d\n%s", code, out)
	}
}

func runWithEnv(env map[string]string, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := (&Main{Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }}).Run(context.Background(), args)
	return code, out.String(), errb.String()
}

func id64(n int64) string { return id(n) }

// checkPublicCopies: export and publish carry the public file under
// files/<sha256> (publish lists it in SHA256SUMS) and never a protected one.
func checkPublicCopies(t *testing.T, env map[string]string, db, dir string, pub *qantar.File, hidden ...*qantar.File) {
	t.Helper()
	exp, mirror := filepath.Join(dir, "export"), filepath.Join(dir, "mirror")
	if code, out, errOut := runWithEnv(env, "export", "--db", db, "--out", exp, "--public"); code != 0 {
		t.Fatalf("export: exit %d: %s %s", code, out, errOut)
	}
	if code, out, errOut := runWithEnv(env, "publish", "--db", db, "--out", mirror); code != 0 {
		t.Fatalf("publish: exit %d: %s %s", code, out, errOut)
	}
	sums, _ := os.ReadFile(filepath.Join(mirror, "SHA256SUMS"))
	if !strings.Contains(string(sums), pub.SHA256+"  files/"+pub.SHA256) {
		t.Errorf("SHA256SUMS does not list the public file")
	}
	for _, root := range []string{exp, mirror} {
		if b, err := os.ReadFile(filepath.Join(root, "files", pub.SHA256)); err != nil || string(b) != "Synthetic ruling text" {
			t.Errorf("%s lacks the public file: %v", root, err)
		}
		for _, f := range hidden {
			if _, err := os.Stat(filepath.Join(root, "files", f.SHA256)); err == nil {
				t.Errorf("%s carries the protected %s", root, f.Name)
			}
		}
	}
}

func TestFilesS3URL(t *testing.T) {
	env := map[string]string{"QANTAR_S3_ACCESS_KEY": "a", "QANTAR_S3_SECRET_KEY": "s"}
	cfg, err := s3Config("s3://evidence/org1/?endpoint=http://127.0.0.1:7070&path_style=1", func(k string) string { return env[k] })
	if err != nil || cfg.Bucket != "evidence" || cfg.Prefix != "org1/" || cfg.Endpoint != "http://127.0.0.1:7070" || !cfg.PathStyle || cfg.AccessKey != "a" {
		t.Errorf("%+v %v", cfg, err)
	}
	for _, bad := range []string{"s3:///x", "s3://b/?nope=1", "http://b/x"} {
		if _, err := s3Config(bad, func(k string) string { return env[k] }); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	if _, err := s3Config("s3://b/x", func(string) string { return "" }); err == nil {
		t.Errorf("no keys accepted")
	}
}

// TestFileAddSaysEveryFile: `file add --lang ru` of a JPEG with EXIF asked
// to be public says, in Russian, each file it wrote with its id and hash:
// the original kept restricted and encrypted, with its note saying why,
// and its public copy without the metadata; in English by default.
func TestFileAddSaysEveryFile(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "q.db")
	src := stampSource(t, db)
	id, _ := age.GenerateX25519Identity()
	recipients := filepath.Join(dir, "recipients.txt")
	os.WriteFile(recipients, []byte(id.Recipient().String()+"\n"), 0o600)
	p := filepath.Join(dir, "IMG_0003.jpg")
	os.WriteFile(p, mediatest.JPEG(t, mediatest.Picture(64, 48, 3, 0), 90, true), 0o600)
	env := map[string]string{"USER": "synthetic-clerk"}
	args := []string{"file", "add", "--db", db, "--file-recipients", recipients, "--protection", "public", "--source", id64(src)}
	code, out, errOut := runWithEnv(env, append(args, "--lang", "ru", p)...)
	if code != 0 {
		t.Fatalf("file add: exit %d: %s", code, errOut)
	}
	st, closeStore, err := openStore(context.Background(), &Main{Getenv: func(string) string { return "" }}, db)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := qantar.ListAll(context.Background(), st, qantar.KindFile, qantar.Filter{Reader: qantar.System})
	closeStore()
	if err != nil || len(recs) != 2 {
		t.Fatalf("%d files (%v), want the original and its copy", len(recs), err)
	}
	orig, cp := recs[0].(*qantar.File), recs[1].(*qantar.File)
	if orig.Derivation == "stripped" {
		orig, cp = cp, orig
	}
	if orig.ProtectionLevel() != qantar.Restricted || cp.DerivedFrom != orig.SHA256 || orig.Note["ru"] == "" {
		t.Fatalf("records: %+v\n%+v", orig, cp)
	}
	want := fmt.Sprintf("файл %d (%s): с ограниченным доступом, сохранён зашифрованным\n  %s\nфайл %d (%s): публичная копия файла %d без его метаданных\n",
		orig.ID, orig.SHA256, orig.Note["ru"], cp.ID, cp.SHA256, orig.ID)
	if out != want {
		t.Errorf("file add --lang ru says\n%s\nwant\n%s", out, want)
	}
	if w := englishWord.FindString(out); w != "" {
		t.Errorf("the Russian lines show the English %q", w)
	}
	code, out, _ = runWithEnv(env, append(args, p)...) // the same bytes again: the records already there
	if code != 0 || !strings.HasPrefix(out, fmt.Sprintf("file %d (%s): restricted, stored encrypted\n  Asked to be public", orig.ID, orig.SHA256)) ||
		!strings.HasSuffix(out, fmt.Sprintf("file %d (%s): public copy of file %d without its metadata\n", cp.ID, cp.SHA256, orig.ID)) {
		t.Errorf("file add in English: exit %d\n%s", code, out)
	}
}
