package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"mime"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/blob"
	"github.com/qantar-project/qantar/evidence"
	"github.com/qantar-project/qantar/postgres"
)

func init() {
	register(command{name: "file", summary: "evidence files on sources: file add --db D --source ID PATH (hashed, encrypted unless public, logged); file stamp --db D --tsa NAME=URL (RFC 3161 timestamp tokens for every file lacking one)", run: runFile})
	subcommands["file add"] = "add a file to a source: hashed, encrypted unless public, logged; a public image whose metadata could name its maker is kept restricted, beside a public copy without that metadata"
	subcommands["file stamp"] = "get an RFC 3161 timestamp token from each authority for every file lacking one (a protected file's over a salted digest)"
}

// fileConfig is where evidence files are kept and with which keys, as
// serve and file add take it from flags.
type fileConfig struct {
	Dir        string // a directory; default: the SQLite database's path + ".files"
	Recipients string // a file of age recipients: files that are not public are encrypted to them
	Identity   string // a file of age identities: the server decrypts for readers who may see a file
	MaxSize    int64
}

// fileFlags declares the flags of fileConfig on fs.
func fileFlags(fs *flag.FlagSet, c *fileConfig) {
	fs.StringVar(&c.Dir, "files", "", "where evidence files are kept: a directory (default: beside a SQLite database, DB.files/; required for PostgreSQL) or s3://BUCKET/PREFIX?endpoint=URL&region=R&path_style=1 with keys from $QANTAR_S3_ACCESS_KEY and $QANTAR_S3_SECRET_KEY")
	fs.StringVar(&c.Recipients, "file-recipients", "", "age recipients file (age1… a line): every file that is not public is encrypted to them")
	fs.StringVar(&c.Identity, "file-identity", "", "age identity file (AGE-SECRET-KEY-1… a line) with which the server decrypts a file for a reader who may see it")
	fs.Int64Var(&c.MaxSize, "max-file-size", evidence.DefaultMaxSize, "the largest evidence file accepted, in bytes")
}

// open returns the files of the database dsn, or nil when it has nowhere
// to keep them (a PostgreSQL database without --files). getenv gives the
// object storage's keys (QANTAR_S3_ACCESS_KEY, QANTAR_S3_SECRET_KEY).
func (c fileConfig) open(dsn string, getenv func(string) string) (*evidence.Files, error) {
	dir := c.Dir
	if dir == "" {
		if postgres.IsURL(dsn) {
			return nil, nil
		}
		dir = dsn + ".files"
	}
	fs := &evidence.Files{MaxSize: c.MaxSize}
	var err error
	if strings.Contains(dir, "://") {
		cfg, err := s3Config(dir, getenv)
		if err != nil {
			return nil, usagef("--files: %v", err)
		}
		if fs.Blobs, err = blob.S3(cfg); err != nil {
			return nil, usagef("--files: %v", err)
		}
	} else {
		fs.Blobs = blob.Local(filepath.Clean(dir))
	}
	if c.Recipients != "" {
		if fs.Recipients, err = evidence.ReadKeys(c.Recipients); err != nil {
			return nil, usagef("--file-recipients: %v", err)
		}
	}
	if c.Identity != "" {
		if fs.Identities, err = evidence.ReadKeys(c.Identity); err != nil {
			return nil, usagef("--file-identity: %v", err)
		}
	}
	return fs, nil
}

func runFile(ctx context.Context, m *Main, args []string) error {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help" || args[0] == "help") {
		runFile(ctx, m, []string{"add", "--help"}) // the flags of both subcommands
		fmt.Fprintln(m.Stdout)
		return runFileStamp(ctx, m, []string{"--help"})
	}
	if len(args) > 0 && args[0] == "stamp" {
		return runFileStamp(ctx, m, args[1:])
	}
	if len(args) == 0 || args[0] != "add" {
		return usagef("usage: qantar file add --db D --source ID PATH | qantar file stamp --db D --tsa NAME=URL")
	}
	fs := m.newFlags("file add", "--db D --source ID PATH [--files DIR] [--file-recipients FILE] [--protection LEVEL] [--derived-from SHA256 --derivation KIND] [--captured-at DATE] [--tsa NAME=URL ...] [--json]")
	db := fs.String("db", "qantar.db", "database: a SQLite file path, or a postgres:// URL")
	source := fs.Int64("source", 0, "the source the file belongs to")
	var up evidence.Upload
	fs.StringVar(&up.Protection, "protection", "", "public, restricted (the default) or confidential; any but public is encrypted")
	fs.StringVar(&up.DerivedFrom, "derived-from", "", "the SHA-256 of the original this file was derived from")
	fs.StringVar(&up.Derivation, "derivation", "", "how it was derived: "+strings.Join(qantar.FileDerivations, ", "))
	captured := fs.String("captured-at", "", "when it was captured (2022-01-05T14:30)")
	asJSON := jsonFlag(fs)
	var fc fileConfig
	fileFlags(fs, &fc)
	var tc tsaConfig
	tsaFlags(fs, &tc)
	if err := m.parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 || *source <= 0 {
		return usagef("give --source ID and one file")
	}
	if *captured != "" {
		d, err := qantar.ParseDate(*captured)
		if err != nil {
			return usagef("--captured-at %q: %v", *captured, err)
		}
		up.CapturedAt = d
	}
	path := fs.Arg(0)
	up.SourceID, up.Name, up.DeclaredType = *source, filepath.Base(path), mime.TypeByExtension(filepath.Ext(path))
	files, err := fc.open(*db, m.Getenv)
	if err != nil {
		return err
	}
	if files == nil {
		return usagef("a PostgreSQL database keeps its files where --files says")
	}
	stamping, err := tc.stamping(importActor(m))
	if err != nil {
		return err
	}
	in, err := os.Open(path)
	if err != nil {
		return qantar.Errorf(qantar.EINVALID, "%v", err)
	}
	defer in.Close()
	return m.receive(ctx, *db, files, up, in, stamping, *asJSON)
}

// jsonFlag is the --json of the commands that add files.
func jsonFlag(fs *flag.FlagSet) *bool {
	return fs.Bool("json", false, "print the records of the files written as JSON (file, public_copy) instead of a line for each")
}

// receive adds what r holds to a source (evidence.Files.Receive, for file
// add and archive) and says every file written (sayAdded), or prints their
// records as JSON; with stamping, they are stamped at once, each
// authority's answer said on standard error (a file left without a token
// is kept: file stamp asks again).
func (m *Main) receive(ctx context.Context, db string, files *evidence.Files, up evidence.Upload, r io.Reader, stamping *evidence.Stamping, asJSON bool) error {
	st, closeStore, err := openStore(ctx, m, db)
	if err != nil {
		return err
	}
	defer closeStore()
	added, err := files.Receive(ctx, st, importActor(m), up, r)
	if err != nil {
		return err
	}
	if stamping != nil {
		if err := m.stampAdded(ctx, st, stamping, added); err != nil {
			return err
		}
	}
	if !asJSON {
		m.sayAdded(m.Stdout, added)
		return nil
	}
	b, err := json.MarshalIndent(added, "", "  ")
	if err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, string(b))
	return nil
}

// sayAdded says every file an addition wrote, a line each in the reader's
// language: the file as it came (its level and how it is stored, then its
// note, such as why a file asked to be public was kept restricted), and
// the public copy made without its metadata.
func (m *Main) sayAdded(w io.Writer, a *evidence.Added) {
	f := a.File
	switch {
	case f.ProtectionLevel() == qantar.Public && !f.Encrypted:
		m.sayln(w, "file %d (%s): public, stored as it came", f.ID, f.SHA256)
	case f.ProtectionLevel() == qantar.Public:
		m.sayln(w, "file %d (%s): public, stored encrypted", f.ID, f.SHA256)
	case f.ProtectionLevel() == qantar.Confidential:
		m.sayln(w, "file %d (%s): confidential, stored encrypted", f.ID, f.SHA256)
	default:
		m.sayln(w, "file %d (%s): restricted, stored encrypted", f.ID, f.SHA256)
	}
	if note := m.inLang(f.Note); note != "" {
		fmt.Fprintln(w, "  "+note)
	}
	if c := a.Public; c != nil {
		m.sayln(w, "file %d (%s): public copy of file %d without its metadata", c.ID, c.SHA256, f.ID)
	}
}

// inLang is a record's text in the reader's language, else in English.
func (m *Main) inLang(t qantar.Text) string {
	lang := m.lang
	if lang == "" {
		lang = m.envLang()
	}
	if s := t[lang]; s != "" {
		return s
	}
	return t["en"]
}

// verifyFiles re-hashes every stored evidence file of the database dsn (in
// DSN.files/ for SQLite, $QANTAR_FILES for PostgreSQL) and names each whose
// bytes are missing or changed; an encrypted file is checked with the
// identities of $QANTAR_FILE_IDENTITY, and said unchecked without them.
//
// Every file's timestamp tokens are checked too (stamp.go): against the
// authorities' roots of --tsa-roots (else $QANTAR_TSA_ROOTS), else for
// their signature and imprint; each that does not verify is named.
func (m *Main) verifyFiles(ctx context.Context, st qantar.Store, dsn string, roots rootsList) []string {
	stamps := m.verifyStamps(ctx, st, roots)
	files, err := fileConfig{Dir: m.Getenv("QANTAR_FILES"), Identity: m.Getenv("QANTAR_FILE_IDENTITY")}.open(dsn, m.Getenv)
	if err != nil {
		return append(stamps, m.say("files: %s", m.sayErr(err)))
	}
	if files == nil {
		return stamps
	}
	problems, unchecked, err := evidence.Verify(ctx, st, files.Blobs, files.Identities)
	if err != nil {
		return append(stamps, m.say("files: %s", m.sayErr(err)))
	}
	if unchecked > 0 {
		m.sayln(m.Stdout, "files: %d encrypted files not re-hashed (set QANTAR_FILE_IDENTITY to an age identity file)", unchecked)
	}
	said := make([]string, 0, len(problems)+len(stamps))
	for _, p := range problems {
		said = append(said, m.sayErr(p))
	}
	return append(said, stamps...)
}

// filesOf returns the evidence files of the database dsn for export and
// publish (DSN.files/ beside SQLite, or $QANTAR_FILES; decrypted with
// $QANTAR_FILE_IDENTITY when set), nil when there are none.
func (m *Main) filesOf(dsn string) *evidence.Files {
	files, err := fileConfig{Dir: m.Getenv("QANTAR_FILES"), Identity: m.Getenv("QANTAR_FILE_IDENTITY")}.open(dsn, m.Getenv)
	if err != nil {
		fmt.Fprintln(m.Stderr, "qantar: files:", err)
		return nil
	}
	return files
}

// exportFiles copies the files anonymous readers may fetch into out/files/,
// each under its SHA-256 (files.csv names them), beside an export.
func (m *Main) exportFiles(ctx context.Context, st qantar.Store, dsn, out string) error {
	files := m.filesOf(dsn)
	if files == nil {
		return nil
	}
	n, err := files.CopyPublic(ctx, st, filepath.Join(out, "files"))
	if err != nil {
		return err
	}
	if n > 0 {
		fmt.Fprintf(m.Stdout, "%s\t%d\n", filepath.Join(out, "files"), n)
	}
	return nil
}

// s3Config reads --files s3://BUCKET/PREFIX?endpoint=URL&region=R&path_style=1.
func s3Config(raw string, getenv func(string) string) (blob.S3Config, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "s3" || u.Host == "" {
		return blob.S3Config{}, fmt.Errorf("%q is neither a directory nor s3://BUCKET/PREFIX", raw)
	}
	q := u.Query()
	for k := range q {
		if k != "endpoint" && k != "region" && k != "path_style" {
			return blob.S3Config{}, fmt.Errorf("%q: unknown parameter %q (endpoint, region, path_style)", raw, k)
		}
	}
	cfg := blob.S3Config{Bucket: u.Host, Prefix: strings.TrimPrefix(u.Path, "/"), Endpoint: q.Get("endpoint"), Region: q.Get("region"),
		AccessKey: getenv("QANTAR_S3_ACCESS_KEY"), SecretKey: getenv("QANTAR_S3_SECRET_KEY")}
	cfg.PathStyle, _ = strconv.ParseBool(q.Get("path_style"))
	if cfg.AccessKey == "" || cfg.SecretKey == "" {
		return blob.S3Config{}, fmt.Errorf("object storage needs QANTAR_S3_ACCESS_KEY and QANTAR_S3_SECRET_KEY")
	}
	return cfg, nil
}
