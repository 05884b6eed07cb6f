package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"filippo.io/age"
	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/postgres"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/tlog"
)

func init() {
	register(command{name: "backup", summary: "write a consistent copy of a SQLite database while it serves, verify the copy's log before saying done, and encrypt it with age to the organisation's recipients", run: runBackup})
	register(command{name: "restore", summary: "put a backup (plain, or age-encrypted) in place as a new database, refusing one whose log does not verify or a target that holds data", run: runRestore})
}

// ageSuffix ends the name of an encrypted backup.
const ageSuffix = ".age"

// runBackup copies a live SQLite database with VACUUM INTO (writers go
// on), verifies the copy with the log key, and only then moves it into
// place (or, with recipients, encrypts it with age to FILE.age and removes
// the plaintext) and prints the checkpoint it holds (also written to
// FILE.checkpoint, or FILE.age.checkpoint).
//
// A PostgreSQL database is not backed up here: use its own tools
// (pg_dump, or base backups with WAL archiving), or `qantar copy --from
// postgres://… --to FILE.db`, which writes a SQLite copy that this command's
// restore and verify accept.
func runBackup(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlags("backup", "--db D --out FILE [--recipient age1… | --recipients-file F]")
	db := dbFlag(fs)
	out := fs.String("out", "", "the backup file to write (must not exist); with recipients, FILE.age")
	keyPath := fs.String("log-key", "", "the log's key file (default: the database path + .logkey)")
	var recipients multiFlag
	fs.Var(&recipients, "recipient", "encrypt the backup with age to this public key (age1…); repeat for several")
	recipientsFile := fs.String("recipients-file", "", "encrypt the backup with age to every public key in this file (one a line, # comments)")
	if err := m.parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if *out == "" {
		return usagef("--out is required")
	}
	if postgres.IsURL(*db) {
		return qantar.Errorf(qantar.EINVALID, "qantar backup copies SQLite databases; back up PostgreSQL with pg_dump or base backups, or take a SQLite copy with `qantar copy --from %s --to FILE.db` (then `qantar verify --db FILE.db`)", redactDSN(*db))
	}
	recips, err := backupRecipients(recipients, *recipientsFile)
	if err != nil {
		return err
	}
	final := *out
	if recips != nil && !strings.HasSuffix(final, ageSuffix) {
		final += ageSuffix
	}
	if err := m.checkExists(*db); err != nil {
		return err
	}
	if _, err := os.Stat(final); err == nil {
		return qantar.Errorf(qantar.EINVALID, "%s exists: a backup never overwrites a file", final)
	}
	key := *keyPath
	if key == "" {
		key = *db + ".logkey"
	}
	cp, rep, err := backupVerified(ctx, *db, key, final, recips)
	if err != nil {
		return err
	}
	if err := writeFileAtomic(final+".checkpoint", cp); err != nil {
		return err
	}
	what := m.say("verified")
	if recips != nil {
		what = m.say("verified, then encrypted with age to %d recipients", len(recips))
	}
	fmt.Fprintf(m.Stdout, "%s, %s, %s, %s\n%s\n%s", m.say("backup %s: %s", final, what), m.say("%d leaves", rep.Leaves), m.say("%d records", rep.Records),
		m.say("root %s", base64.StdEncoding.EncodeToString(rep.Root)), m.say("checkpoint (also in %s.checkpoint):", final), cp)
	m.sayln(m.Stdout, "the log key is not in the backup: keep %s apart, as safely", key)
	return nil
}

// backupVerified copies the database at db to a private temporary file
// beside final, verifies the copy, and puts it at final: moved there, or,
// with recipients, encrypted there with age. The plaintext copy is
// removed whatever happens (unless it was moved into place).
func backupVerified(ctx context.Context, db, key, final string, recips []age.Recipient) ([]byte, *qantar.VerifyReport, error) {
	src, err := sqlite.Open(ctx, db, sqlite.Options{ReadOnly: true, LogKeyPath: key})
	if err != nil {
		return nil, nil, fmt.Errorf("open %s: %w", db, err)
	}
	defer src.Close()
	tmp := filepath.Join(filepath.Dir(final), "."+filepath.Base(final)+".partial")
	removeSQLiteFiles(tmp)
	defer removeSQLiteFiles(tmp)
	if err := src.BackupTo(ctx, tmp); err != nil {
		return nil, nil, err
	}
	cp, rep, err := verifyCopy(ctx, tmp, key)
	if err != nil {
		return nil, nil, err
	}
	if recips == nil {
		err = os.Rename(tmp, final)
	} else {
		err = encryptFile(tmp, final, recips)
	}
	if err != nil {
		return nil, nil, err
	}
	return cp, rep, nil
}

// removeSQLiteFiles removes a database file and the journal files SQLite
// may have made beside it.
func removeSQLiteFiles(path string) {
	for _, s := range []string{"", "-wal", "-shm", "-journal"} {
		os.Remove(path + s)
	}
}

// backupRecipients reads the age recipients of --recipient and
// --recipients-file; nil when there are none (a plain backup).
func backupRecipients(flags []string, file string) ([]age.Recipient, error) {
	var out []age.Recipient
	for _, r := range flags {
		rs, err := age.ParseRecipients(strings.NewReader(strings.TrimSpace(r)))
		if err != nil {
			return nil, qantar.Errorf(qantar.EINVALID, "--recipient %q is not an age public key (age1…): %v", r, err)
		}
		out = append(out, rs...)
	}
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return nil, qantar.Errorf(qantar.EINVALID, "--recipients-file: %v", err)
		}
		defer f.Close()
		rs, err := age.ParseRecipients(f)
		if err != nil {
			return nil, qantar.Errorf(qantar.EINVALID, "--recipients-file %s: %v (want one age public key, age1…, a line)", file, err)
		}
		out = append(out, rs...)
	}
	return out, nil
}

// encryptFile encrypts plain with age to the recipients into a new file
// to (mode 0600), through a temporary file beside it, synced before it is
// renamed into place.
func encryptFile(plain, to string, recips []age.Recipient) (err error) {
	in, err := os.Open(plain)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp := filepath.Join(filepath.Dir(to), "."+filepath.Base(to)+".encrypting")
	os.Remove(tmp)
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	defer func() {
		if f != nil {
			f.Close()
		}
		if err != nil {
			os.Remove(tmp)
		}
	}()
	w, err := age.Encrypt(f, recips...)
	if err != nil {
		return fmt.Errorf("encrypt: %w", err)
	}
	if _, err := io.Copy(w, in); err != nil {
		return fmt.Errorf("encrypt: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("encrypt: %w", err)
	}
	if err := f.Sync(); err != nil {
		return err
	}
	err = f.Close()
	f = nil
	if err != nil {
		return err
	}
	return os.Rename(tmp, to)
}

// verifyCopy opens a copy read-only with the log key and verifies it,
// returning the signed checkpoint it holds.
func verifyCopy(ctx context.Context, path, key string) ([]byte, *qantar.VerifyReport, error) {
	had := map[string]bool{}
	for _, s := range []string{"-wal", "-shm"} {
		_, err := os.Stat(path + s)
		had[s] = err == nil
	}
	c, err := sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true, LogKeyPath: key})
	if err != nil {
		return nil, nil, fmt.Errorf("open the copy: %w", err)
	}
	defer func() {
		c.Close()
		// A reader's open leaves an empty -wal and an -shm beside a WAL
		// database; a copy is read by nobody else, so take away those it
		// made.
		for _, s := range []string{"-wal", "-shm"} {
			if fi, err := os.Stat(path + s); err == nil && !had[s] && (s == "-shm" || fi.Size() == 0) {
				os.Remove(path + s)
			}
		}
	}()
	rep, err := c.Verify(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("verify the copy: %w", err)
	}
	if !rep.OK() {
		return nil, rep, qantar.Errorf(qantar.EINVALID, "the copy's log does not verify (%d problems), first: %s", len(rep.Problems)+rep.Dropped, firstProblem(rep))
	}
	cp, err := c.Checkpoint(ctx)
	if err != nil {
		return nil, nil, err
	}
	if _, err := tlog.OpenCheckpoint(cp, c.LogKey()); err != nil {
		return nil, nil, err
	}
	return cp, rep, nil
}

// runRestore verifies a backup with the log key and copies it into place as
// a new SQLite database; an encrypted backup (FILE.age) is decrypted with
// the identity first, into a private temporary file that is verified and
// then moved into place.
func runRestore(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlags("restore", "--from FILE[.age] --db D [--identity KEYFILE] [--log-key K]")
	from := fs.String("from", "", "the backup file (written by qantar backup or qantar copy)")
	db := fs.String("db", "", "the SQLite database to create (must not exist, or be empty)")
	keyPath := fs.String("log-key", "", "the log's key file (default: the database path + .logkey, which must be in place)")
	identity := fs.String("identity", "", "the age identity file (AGE-SECRET-KEY-1…) that opens an encrypted backup")
	if err := m.parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if *from == "" || *db == "" {
		return usagef("--from and --db are required")
	}
	if postgres.IsURL(*db) {
		return qantar.Errorf(qantar.EINVALID, "restore into PostgreSQL with `qantar copy --from %s --to postgres://…` (it refuses a database that holds data)", *from)
	}
	if fi, err := os.Stat(*db); err == nil && fi.Size() > 0 {
		return qantar.Errorf(qantar.EINVALID, "%s exists and is not empty: restore never overwrites a database; move it aside first", *db)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	key := *keyPath
	if key == "" {
		key = *db + ".logkey"
	}
	if _, err := os.Stat(key); err != nil {
		return qantar.Errorf(qantar.EINVALID, "no log key at %s: put the log's key file back first (it is kept apart from backups), or name it with --log-key", key)
	}
	cp, rep, err := restoreVerified(ctx, *from, *db, key, *identity)
	if err != nil {
		return err
	}
	if *keyPath != "" && *keyPath != *db+".logkey" {
		m.sayln(m.Stdout, "note: serve this database with its key: it is at %s, not %s.logkey", *keyPath, *db)
	}
	fmt.Fprintf(m.Stdout, "%s, %s, %s\n%s\n%s", m.say("restored %s from %s: verified", *db, *from), m.say("%d leaves", rep.Leaves), m.say("%d records", rep.Records), m.say("checkpoint:"), cp)
	return nil
}

// restoreVerified puts the backup from at db through a private temporary
// file beside db (decrypted with the identity file when one is named),
// verifying what is put in place; nothing is left at db, or beside it,
// when it fails.
func restoreVerified(ctx context.Context, from, db, key, identity string) ([]byte, *qantar.VerifyReport, error) {
	tmp := filepath.Join(filepath.Dir(db), "."+filepath.Base(db)+".restoring")
	removeSQLiteFiles(tmp)
	defer removeSQLiteFiles(tmp)
	encrypted, err := isAgeFile(from)
	if err != nil {
		return nil, nil, err
	}
	switch {
	case identity != "":
		if err := decryptFile(from, tmp, identity); err != nil {
			return nil, nil, err
		}
	case encrypted:
		return nil, nil, qantar.Errorf(qantar.EINVALID, "%s is encrypted with age: name the identity file that opens it with --identity", from)
	default:
		if err := copyFilePrivate(from, tmp); err != nil {
			return nil, nil, qantar.Errorf(qantar.EINVALID, "the backup: %v", err)
		}
	}
	// What is put in place is what was verified: the private copy.
	cp, rep, err := verifyCopy(ctx, tmp, key)
	if err != nil {
		return nil, nil, fmt.Errorf("the backup %s: %w", from, err)
	}
	if err := os.Rename(tmp, db); err != nil {
		return nil, nil, err
	}
	return cp, rep, nil
}

// ageHeader begins every age-encrypted file.
const ageHeader = "age-encryption.org/v1\n"

// isAgeFile reports whether path begins as an age-encrypted file (the
// binary format; an armored one is not written by backup).
func isAgeFile(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, qantar.Errorf(qantar.EINVALID, "the backup: %v", err)
	}
	defer f.Close()
	head := make([]byte, len(ageHeader))
	n, _ := io.ReadFull(f, head)
	return bytes.Equal(head[:n], []byte(ageHeader)), nil
}

// decryptFile decrypts the age file from with the identities in
// identityFile into a new file to (mode 0600), synced. A wrong identity, a
// file that is not age's and a damaged or altered ciphertext each get
// their own error; to is removed on any of them.
func decryptFile(from, to, identityFile string) (err error) {
	ids, err := readIdentities(identityFile)
	if err != nil {
		return err
	}
	in, err := os.Open(from)
	if err != nil {
		return qantar.Errorf(qantar.EINVALID, "the backup: %v", err)
	}
	defer in.Close()
	r, err := age.Decrypt(bufio.NewReader(in), ids...)
	var noMatch *age.NoIdentityMatchError
	switch {
	case errors.As(err, &noMatch):
		return qantar.Errorf(qantar.EINVALID, "the identity in %s does not open %s: the backup was encrypted to other recipients (nothing was restored)", identityFile, from)
	case err != nil:
		return qantar.Errorf(qantar.EINVALID, "%s is not an age-encrypted backup, or its header is damaged (%v); nothing was restored", from, err)
	}
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(to)
		}
	}()
	if _, err := io.Copy(out, r); err != nil {
		return qantar.Errorf(qantar.EINVALID, "%s is damaged or was altered after it was written (%v); nothing was restored", from, err)
	}
	return out.Sync()
}

// readIdentities reads an age identity file (as age-keygen writes it).
func readIdentities(path string) ([]age.Identity, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, qantar.Errorf(qantar.EINVALID, "--identity: %v", err)
	}
	defer f.Close()
	ids, err := age.ParseIdentities(f)
	if err != nil {
		return nil, qantar.Errorf(qantar.EINVALID, "--identity %s: %v (want an age identity file, AGE-SECRET-KEY-1…, as age-keygen writes)", path, err)
	}
	return ids, nil
}

// copyFilePrivate copies a file to a new one of mode 0600, synced.
func copyFilePrivate(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// firstProblem is a report's first problem, as a catalogue key when it is
// one (said in the reader's language), else as written.
func firstProblem(rep *qantar.VerifyReport) any {
	if len(rep.Keyed) > 0 {
		return rep.Keyed[0]
	}
	return rep.Problems[0]
}
