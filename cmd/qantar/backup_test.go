package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"filippo.io/age"
	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/tlog"
)

// writeWhile starts four writers of synthetic persons on db and returns,
// once at least n writes were acknowledged, the ids acknowledged so far,
// and a function that stops the writers and waits for them.
func writeWhile(t *testing.T, db *sqlite.DB, n int) ([]int64, func()) {
	t.Helper()
	ctx := context.Background()
	var mu sync.Mutex
	acked := map[int64]bool{} // person ids whose Create returned
	var stop atomic.Bool
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				p := &qantar.Person{Names: []qantar.Name{{Value: fmt.Sprintf("Synthetic Writer%d Person%d", w, i)}}}
				if err := db.Create(ctx, qantar.System, p); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				acked[p.ID] = true
				mu.Unlock()
			}
		}()
	}
	for {
		mu.Lock()
		k := len(acked)
		mu.Unlock()
		if k >= n {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	before := make([]int64, 0, len(acked))
	for id := range acked {
		before = append(before, id)
	}
	return before, func() { stop.Store(true); wg.Wait() }
}

// A backup taken while writers go on restores to a database that verifies
// and holds every write acknowledged before the backup began, and every
// write whose leaf is under the backup's checkpoint.
func TestBackupDuringWritesRestores(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "live.db")
	db, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	before, stop := writeWhile(t, db, 200)
	out := filepath.Join(dir, "backup.db")
	code, stdout, stderr := runQantar(t, "backup", "--db", path, "--out", out)
	stop()
	if code != exitOK || !strings.Contains(stdout, "verified") {
		t.Fatalf("backup: exit %d\n%s%s", code, stdout, stderr)
	}
	for _, s := range []string{".partial", ".partial-wal", ".partial-shm"} {
		if _, err := os.Stat(filepath.Join(dir, ".backup.db"+s)); err == nil {
			t.Errorf("left %s behind", s)
		}
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v %v", fi, err)
	}
	cpText, err := os.ReadFile(out + ".checkpoint")
	if err != nil {
		t.Fatal(err)
	}
	cp, err := tlog.OpenCheckpoint(cpText, db.LogKey())
	if err != nil {
		t.Fatal(err)
	}

	// Restore elsewhere, with the key put back first.
	target := filepath.Join(t.TempDir(), "restored.db")
	if code, _, stderr := runQantar(t, "restore", "--from", out, "--db", target); code != exitProblem || !strings.Contains(stderr, "no log key") {
		t.Fatalf("restore without the key: exit %d %s", code, stderr)
	}
	key, err := os.ReadFile(path + ".logkey")
	if err != nil {
		t.Fatal(err)
	}
	writeKey(t, target+".logkey", key)
	if code, stdout, stderr := runQantar(t, "restore", "--from", out, "--db", target); code != exitOK {
		t.Fatalf("restore: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, stdout, stderr := runQantar(t, "verify", "--db", target); code != exitOK {
		t.Fatalf("verify restored: exit %d\n%s%s", code, stdout, stderr)
	}
	r, err := sqlite.Open(ctx, target, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, id := range before {
		if _, err := r.Get(ctx, qantar.KindPerson, id); err != nil {
			t.Fatalf("person %d, acknowledged before the backup, is not in it: %v", id, err)
		}
	}
	// Every version under the checkpoint is there, none beyond it: one
	// person per leaf.
	got, _ := r.Checkpoint(ctx)
	if string(got) != string(cpText) {
		t.Error("the restored database holds another checkpoint than the backup recorded")
	}
	counts, err := r.Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if uint64(counts[qantar.KindPerson]) != cp.Size {
		t.Errorf("restored %d persons under a checkpoint of %d leaves", counts[qantar.KindPerson], cp.Size)
	}
	if cp.Size < uint64(len(before)) {
		t.Errorf("checkpoint of %d leaves, fewer than the %d writes acknowledged before", cp.Size, len(before))
	}

	checkRestoreRefuses(t, out, target, key)
}

// checkRestoreRefuses: a second restore onto a database that holds data
// is refused, and a backup whose log does not verify is refused, leaving
// no database.
func checkRestoreRefuses(t *testing.T, out, target string, key []byte) {
	t.Helper()
	if code, _, stderr := runQantar(t, "restore", "--from", out, "--db", target); code != exitProblem || !strings.Contains(stderr, "not empty") {
		t.Fatalf("restore over data: exit %d %s", code, stderr)
	}
	sqlExec(t, out, `UPDATE versions SET data = replace(data, 'Synthetic', 'Altered') WHERE leaf_index = 0`)
	other := filepath.Join(t.TempDir(), "other.db")
	writeKey(t, other+".logkey", key)
	if code, _, stderr := runQantar(t, "restore", "--from", out, "--db", other); code != exitProblem || !strings.Contains(stderr, "does not verify") {
		t.Fatalf("restore of a tampered backup: exit %d %s", code, stderr)
	}
	// In Russian, the refusal and the first problem it names are Russian.
	if code, _, stderr := runQantar(t, "restore", "--lang", "ru", "--from", out, "--db", other); code != exitProblem || strings.Contains(stderr, "version") || strings.Contains(stderr, "verify") {
		t.Fatalf("restore of a tampered backup, in Russian: exit %d %s", code, stderr)
	}
	if _, err := os.Stat(other); err == nil {
		t.Error("a refused restore left a database")
	}
}

// ageKey makes a new age identity and writes it to dir/name as age-keygen
// does (mode 0600), returning the file and the public key.
func ageKey(t *testing.T, dir, name string) (string, string) {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	text := "# created: synthetic, for a test\n# public key: " + id.Recipient().String() + "\n" + id.String() + "\n"
	must(t, os.WriteFile(path, []byte(text), 0o600))
	return path, id.Recipient().String()
}

// writeKey puts a log key file in place, private as the store wants it.
func writeKey(t *testing.T, path string, key []byte) {
	t.Helper()
	must(t, os.WriteFile(path, key, 0o600))
}

// dirNames lists the names in dir.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

// An encrypted backup: FILE.age (0600) is the verified copy encrypted to
// every recipient, no plaintext copy is left beside it, and the file holds
// neither SQLite's header nor a stored name; each recipient's identity
// restores it to a database that verifies and holds the records, and the
// checkpoint is the one the backup recorded.
func TestBackupEncryptedWithAgeRestores(t *testing.T) {
	path := smallDB(t)
	keys := t.TempDir()
	idA, pubA := ageKey(t, keys, "a.key")
	idB, pubB := ageKey(t, keys, "b.key")
	recipients := writeFile(t, filepath.Join(keys, "recipients.txt"), []byte("# the organisation\n"+pubB+"\n"))
	outDir := t.TempDir()
	out := filepath.Join(outDir, "nightly.db")
	code, stdout, stderr := runQantar(t, "backup", "--db", path, "--out", out, "--recipient", pubA, "--recipients-file", recipients)
	if code != exitOK || !strings.Contains(stdout, "encrypted with age to 2 recipients") {
		t.Fatalf("backup: exit %d\n%s%s", code, stdout, stderr)
	}
	if got, want := strings.Join(dirNames(t, outDir), " "), "nightly.db.age nightly.db.age.checkpoint"; got != want {
		t.Fatalf("the backup directory holds %q, want %q (no plaintext copy)", got, want)
	}
	fi, err := os.Stat(out + ".age")
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("encrypted backup: %v %v", fi, err)
	}
	ct, err := os.ReadFile(out + ".age")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(ct), "age-encryption.org/v1\n") || strings.Contains(string(ct), "SQLite format 3") || strings.Contains(string(ct), "Synthetic One") {
		t.Fatal("the backup is not an age file, or holds plaintext")
	}
	cpText, err := os.ReadFile(out + ".age.checkpoint")
	if err != nil {
		t.Fatal(err)
	}
	key, err := os.ReadFile(path + ".logkey")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{idA, idB} {
		target := filepath.Join(t.TempDir(), "restored.db")
		writeKey(t, target+".logkey", key)
		if code, stdout, stderr := runQantar(t, "restore", "--from", out+".age", "--identity", id, "--db", target); code != exitOK {
			t.Fatalf("restore with %s: exit %d\n%s%s", filepath.Base(id), code, stdout, stderr)
		}
		if fi, err := os.Stat(target); err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("restored database: %v %v", fi, err)
		}
		if code, stdout, stderr := runQantar(t, "verify", "--db", target); code != exitOK {
			t.Fatalf("verify restored: exit %d\n%s%s", code, stdout, stderr)
		}
		r, err := sqlite.Open(context.Background(), target, sqlite.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := r.Checkpoint(context.Background())
		counts, err := r.Count(context.Background())
		r.Close()
		if err != nil || counts[qantar.KindPerson] != 2 || string(got) != string(cpText) {
			t.Fatalf("restored: %v persons, checkpoint as recorded %v (%v)", counts[qantar.KindPerson], string(got) == string(cpText), err)
		}
	}
	// Without the identity, restore says the backup is encrypted.
	target := filepath.Join(t.TempDir(), "r.db")
	writeKey(t, target+".logkey", key)
	if code, _, stderr := runQantar(t, "restore", "--from", out+".age", "--db", target); code != exitProblem || !strings.Contains(stderr, "encrypted with age") || !strings.Contains(stderr, "--identity") {
		t.Fatalf("restore without --identity: exit %d %s", code, stderr)
	}
}

// A restore from an encrypted backup refuses a wrong identity, a
// tampered ciphertext (one byte of the payload, and a cut-off file) and a
// backup that decrypts but whose log does not verify, each with its own
// clear error, and leaves neither a database nor a decrypted copy.
func TestRestoreEncryptedRefuses(t *testing.T) {
	path := smallDB(t)
	keys := t.TempDir()
	id, pub := ageKey(t, keys, "org.key")
	wrong, _ := ageKey(t, keys, "other.key")
	out := filepath.Join(t.TempDir(), "b.db")
	if code, stdout, stderr := runQantar(t, "backup", "--db", path, "--out", out, "--recipient", pub); code != exitOK {
		t.Fatalf("backup: exit %d\n%s%s", code, stdout, stderr)
	}
	ct, err := os.ReadFile(out + ".age")
	if err != nil {
		t.Fatal(err)
	}
	key, err := os.ReadFile(path + ".logkey")
	if err != nil {
		t.Fatal(err)
	}
	flipped := append([]byte(nil), ct...)
	flipped[len(flipped)/2] ^= 0x01
	dir := t.TempDir()
	cases := []struct {
		name, identity, want string
		data                 []byte
	}{
		{"wrong identity", wrong, "does not open", ct},
		{"a flipped byte", id, "damaged or was altered", flipped},
		{"cut off", id, "damaged or was altered", ct[:len(ct)-100]},
		{"not age", id, "not an age-encrypted backup", []byte("SQLite format 3\x00 and then some")},
		{"log does not verify", id, "does not verify", encryptedTampered(t, path, key, pub)},
	}
	for i, c := range cases {
		from := writeFile(t, filepath.Join(dir, fmt.Sprintf("case%d.db.age", i)), c.data)
		tdir := t.TempDir()
		target := filepath.Join(tdir, "restored.db")
		writeKey(t, target+".logkey", key)
		code, _, stderr := runQantar(t, "restore", "--from", from, "--identity", c.identity, "--db", target)
		if code != exitProblem || !strings.Contains(stderr, c.want) {
			t.Errorf("%s: exit %d %q, want %q", c.name, code, stderr, c.want)
		}
		if got := strings.Join(dirNames(t, tdir), " "); got != "restored.db.logkey" {
			t.Errorf("%s: a refused restore left %q", c.name, got)
		}
	}
}

// encryptedTampered is a copy of the database at path with one stored
// version altered, encrypted to pub.
func encryptedTampered(t *testing.T, path string, key []byte, pub string) []byte {
	t.Helper()
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain.db")
	writeFile(t, plain+".logkey", key)
	if code, _, stderr := runQantar(t, "backup", "--db", path, "--out", plain); code != exitOK {
		t.Fatal(stderr)
	}
	sqlExec(t, plain, `UPDATE versions SET data = replace(data, 'Synthetic', 'Altered') WHERE leaf_index = 0`)
	rs, err := age.ParseRecipients(strings.NewReader(pub))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, rs...)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(plain)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	must(t, w.Close())
	return buf.Bytes()
}

// A backup that fails after the plaintext copy was made (here, a live
// database whose log does not verify) leaves neither the plaintext copy
// nor an encrypted file; bad recipients are refused before anything is
// written.
func TestBackupEncryptedLeavesNoPlaintextOnFailure(t *testing.T) {
	path := smallDB(t)
	_, pub := ageKey(t, t.TempDir(), "k")
	outDir := t.TempDir()
	out := filepath.Join(outDir, "b.db")
	bad := writeFile(t, filepath.Join(t.TempDir(), "recipients"), []byte("AGE-SECRET-KEY-1QQQ\n"))
	for _, args := range [][]string{{"--recipient", "age1notakey"}, {"--recipients-file", bad}} {
		code, _, stderr := runQantar(t, append([]string{"backup", "--db", path, "--out", out}, args...)...)
		if code != exitProblem || !strings.Contains(stderr, "age public key") || strings.Contains(stderr, "QQQ") {
			t.Errorf("%v: exit %d %s", args, code, stderr)
		}
	}
	sqlExec(t, path, `UPDATE versions SET data = replace(data, 'Synthetic', 'Altered') WHERE leaf_index = 0`)
	code, _, stderr := runQantar(t, "backup", "--db", path, "--out", out, "--recipient", pub)
	if code != exitProblem || !strings.Contains(stderr, "does not verify") {
		t.Fatalf("backup of a tampered database: exit %d %s", code, stderr)
	}
	if got := dirNames(t, outDir); len(got) != 0 {
		t.Fatalf("a failed backup left %v", got)
	}
}
