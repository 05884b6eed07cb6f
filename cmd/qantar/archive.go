package main

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/blob"
	"github.com/qantar-project/qantar/capture"
	"github.com/qantar-project/qantar/evidence"
)

func init() {
	register(command{name: "archive", summary: "capture a web page as WACZ and add it to a source: archive --db D URL [--source ID] [--allow-private]", run: runArchive})
}

// archiveFlags are the flags of `qantar archive`.
type archiveFlags struct {
	db           *string
	source       *int64
	allowPrivate *bool
	protection   *string
	timeout      *time.Duration
	maxSize      *int64
	asJSON       *bool
	files        fileConfig
	tsa          tsaConfig
}

func newArchiveFlags(m *Main) (*flag.FlagSet, *archiveFlags) {
	fs := m.newFlags("archive", "--db D URL [--source ID] [--allow-private] [--files DIR] [--file-recipients FILE] [--protection LEVEL] [--tsa NAME=URL ...] [--json]")
	a := &archiveFlags{
		db:           dbFlag(fs),
		source:       fs.Int64("source", 0, "the source the capture is added to (without it, the capture is stored and its SHA-256 printed)"),
		allowPrivate: fs.Bool("allow-private", false, "let the capture reach loopback and private addresses (refused by default, so that the server cannot be made to reach internal hosts)"),
		protection:   fs.String("protection", "", "public, restricted (the default) or confidential; any but public is encrypted"),
		timeout:      fs.Duration("timeout", capture.DefaultTimeout, "the longest a capture may take"),
		maxSize:      fs.Int64("max-capture-size", capture.DefaultMaxTotal, "the most bytes a page and its resources may have in all"),
		asJSON:       jsonFlag(fs),
	}
	fileFlags(fs, &a.files)
	tsaFlags(fs, &a.tsa)
	return fs, a
}

// runArchive captures a page with its resources (capture.Page), then adds
// the WACZ to the source as file add adds a file (Main.receive: hashed,
// encrypted unless public, logged, stamped with --tsa) and says every file
// written; without a source it stores the WACZ alone and prints its SHA-256.
func runArchive(ctx context.Context, m *Main, args []string) error {
	fs, a := newArchiveFlags(m)
	if err := m.parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("give one address to capture")
	}
	stamping, err := a.tsa.stamping(importActor(m))
	if err != nil {
		return err
	}
	if stamping != nil && *a.source <= 0 {
		return usagef("--tsa stamps the file a source is given: give --source ID")
	}
	files, err := a.files.open(*a.db, m.Getenv)
	if err != nil {
		return err
	}
	if files == nil {
		return usagef("a PostgreSQL database keeps its files where --files says")
	}
	tmp, err := os.CreateTemp("", "qantar-archive-*.wacz")
	if err != nil {
		return err
	}
	defer func() { tmp.Close(); os.Remove(tmp.Name()) }()
	res, err := capture.Page(ctx, fs.Arg(0), tmp, capture.Options{AllowPrivate: *a.allowPrivate, Timeout: *a.timeout, MaxTotal: *a.maxSize})
	if err != nil {
		return err
	}
	if _, err := tmp.Seek(0, 0); err != nil {
		return err
	}
	for _, r := range res.Resources {
		if r.Err != nil {
			fmt.Fprintln(m.Stderr, m.say("%s: not captured: %s", r.URL, r.Err))
		}
	}
	if *a.source <= 0 {
		return a.storeAlone(ctx, m, files, tmp)
	}
	up, err := a.upload(res)
	if err != nil {
		return err
	}
	return m.receive(ctx, *a.db, files, up, tmp, stamping, *a.asJSON)
}

// storeAlone puts a capture no source was named for in the blob store
// alone (encrypted when there are recipients and it is not public) and
// prints its SHA-256.
func (a *archiveFlags) storeAlone(ctx context.Context, m *Main, files *evidence.Files, f *os.File) error {
	opt := blob.PutOptions{MaxSize: files.UploadLimit()}
	if *a.protection != qantar.Public {
		if len(files.Recipients) == 0 {
			return evidence.ErrNoRecipients // never in the clear instead
		}
		opt.Recipients = files.Recipients
	}
	info, err := files.Blobs.Put(ctx, f, opt)
	if err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, info.SHA256)
	return nil
}

// upload is what the capture says of itself as a file of the source: its
// name after the page's host and the time it was captured.
func (a *archiveFlags) upload(res *capture.Result) (evidence.Upload, error) {
	captured, err := qantar.ParseDate(res.Time.Format("2006-01-02T15:04"))
	if err != nil {
		return evidence.Upload{}, err
	}
	name := "capture.wacz"
	if u, err := url.Parse(res.FinalURL); err == nil && u.Hostname() != "" {
		name = u.Hostname() + ".wacz"
	}
	return evidence.Upload{SourceID: *a.source, Name: name, Protection: *a.protection, CapturedAt: captured}, nil
}
