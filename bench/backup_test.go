package bench_test

// backup_test.go times `qantar backup` and `qantar restore` (the binary,
// as an operator runs them) on one SQLite database of synthetic persons:
// plain and encrypted with age, with `qantar verify` (which both do) as the
// reference, in the same run.
//
//	go test ./bench -run '^$' -bench Backup -benchtime 5x

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"filippo.io/age"
	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/sqlite"
)

// backupPersons is the size of the benchmark's database.
const backupPersons = 20000

// backupFixture builds the binary and a database of synthetic persons.
func backupFixture(b *testing.B) (bin, db string) {
	b.Helper()
	dir := b.TempDir()
	bin = filepath.Join(dir, "qantar")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/qantar-project/qantar/cmd/qantar").CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	db = filepath.Join(dir, "backup.db")
	ctx := context.Background()
	s, err := sqlite.Open(ctx, db, sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for i := 0; i < backupPersons; i += 1000 {
		recs := make([]qantar.Record, 1000)
		for j := range recs {
			recs[j] = &qantar.Person{Protection: qantar.Public, Names: []qantar.Name{{Value: fmt.Sprintf("Synthetic Backup Person %d", i+j)}},
				Description: qantar.Text{"en": "A synthetic person of the backup benchmark, with a sentence of description."}}
		}
		if _, err := qantar.CreateAll(ctx, s, editor, recs); err != nil {
			b.Fatal(err)
		}
	}
	return bin, db
}

func BenchmarkBackup(b *testing.B) {
	bin, db := backupFixture(b)
	fi, err := os.Stat(db)
	if err != nil {
		b.Fatal(err)
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		b.Fatal(err)
	}
	keys := b.TempDir()
	idFile := filepath.Join(keys, "id")
	if err := os.WriteFile(idFile, []byte(id.String()+"\n"), 0o600); err != nil {
		b.Fatal(err)
	}
	logKey, err := os.ReadFile(db + ".logkey")
	if err != nil {
		b.Fatal(err)
	}
	run := func(b *testing.B, args ...string) {
		if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
			b.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	// The reference: verifying the database, which backup and restore each
	// do once (a plain restore twice: the backup, then the copy in place).
	b.Run("verify", func(b *testing.B) {
		b.SetBytes(fi.Size())
		for range b.N {
			run(b, "verify", "--db", db)
		}
	})
	outs := b.TempDir() // kept for the restores, unlike a sub-benchmark's
	backups := map[string]string{}
	for _, c := range []struct{ name, file string }{{"plain", "b.db"}, {"age", "b.db.age"}} {
		b.Run("backup/"+c.name, func(b *testing.B) {
			b.SetBytes(fi.Size())
			for i := range b.N {
				out := filepath.Join(outs, fmt.Sprintf("%s-%d-%d", c.name, b.N, i), "b.db")
				os.MkdirAll(filepath.Dir(out), 0o700)
				args := []string{"backup", "--db", db, "--out", out}
				if c.name == "age" {
					args = append(args, "--recipient", id.Recipient().String())
				}
				run(b, args...)
				backups[c.name] = filepath.Join(filepath.Dir(out), c.file)
			}
		})
	}
	for _, name := range []string{"plain", "age"} {
		b.Run("restore/"+name, func(b *testing.B) {
			b.SetBytes(fi.Size())
			for range b.N {
				target := filepath.Join(b.TempDir(), "r.db")
				if err := os.WriteFile(target+".logkey", logKey, 0o600); err != nil {
					b.Fatal(err)
				}
				args := []string{"restore", "--from", backups[name], "--db", target}
				if name == "age" {
					args = append(args, "--identity", idFile)
				}
				run(b, args...)
			}
		})
	}
}
