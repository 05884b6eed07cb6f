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
	files        fileConfig
}

func newArchiveFlags(m *Main) (*flag.FlagSet, *archiveFlags) {
	fs := m.newFlags("archive", "--db D URL [--source ID] [--allow-private] [--files DIR] [--file-recipients FILE] [--protection LEVEL]")
	a := &archiveFlags{
		db:           dbFlag(fs),
		source:       fs.Int64("source", 0, "the source the capture is added to (without it, the capture is stored and its SHA-256 printed)"),
		allowPrivate: fs.Bool("allow-private", false, "let the capture reach loopback and private addresses (refused by default, so that the server cannot be made to reach internal hosts)"),
		protection:   fs.String("protection", "", "public, restricted (the default) or confidential; any but public is encrypted"),
		timeout:      fs.Duration("timeout", capture.DefaultTimeout, "the longest a capture may take"),
		maxSize:      fs.Int64("max-capture-size", capture.DefaultMaxTotal, "the most bytes a page and its resources may have in all"),
	}
	fileFlags(fs, &a.files)
	return fs, a
}

// runArchive captures a page with its resources (capture.Page), then adds
// the WACZ to the source as any evidence file is added (evidence.Files.Add:
// hashed, encrypted unless public, logged), and prints its SHA-256.
func runArchive(ctx context.Context, m *Main, args []string) error {
	fs, a := newArchiveFlags(m)
	if err := m.parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("give one address to capture")
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
	sha, err := a.store(ctx, m, files, res, tmp)
	if err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, sha)
	return nil
}

// store adds the capture to the source, or without one puts it in the
// blob store alone (encrypted when there are recipients and it is not
// public), and returns its SHA-256.
func (a *archiveFlags) store(ctx context.Context, m *Main, files *evidence.Files, res *capture.Result, f *os.File) (string, error) {
	if *a.source <= 0 {
		opt := blob.PutOptions{MaxSize: files.UploadLimit()}
		if *a.protection != qantar.Public {
			opt.Recipients = files.Recipients
		}
		info, err := files.Blobs.Put(ctx, f, opt)
		return info.SHA256, err
	}
	captured, err := qantar.ParseDate(res.Time.Format("2006-01-02T15:04"))
	if err != nil {
		return "", err
	}
	name := "capture.wacz"
	if u, err := url.Parse(res.FinalURL); err == nil && u.Hostname() != "" {
		name = u.Hostname() + ".wacz"
	}
	st, closeStore, err := openStore(ctx, m, *a.db)
	if err != nil {
		return "", err
	}
	defer closeStore()
	up := evidence.Upload{SourceID: *a.source, Name: name, Protection: *a.protection, CapturedAt: captured}
	rec, err := files.Add(ctx, st, importActor(m), up, f)
	if err != nil {
		return "", err
	}
	return rec.SHA256, nil
}
