package capture

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"hash"
	"io"
	"os"
	"time"
)

// pageEntry is a line of pages/pages.jsonl.
type pageEntry struct {
	URL   string
	Title string
	TS    time.Time
}

// resource is one file of a WACZ's datapackage.json.
type resource struct {
	Name  string `json:"name"`
	Path  string `json:"path"`
	Hash  string `json:"hash"`
	Bytes int64  `json:"bytes"`
}

func sha256Digest(b []byte) string {
	s := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(s[:])
}

// hashingWriter counts and hashes what goes through it.
type hashingWriter struct {
	w io.Writer
	h hash.Hash
	n int64
}

func newHashingWriter(w io.Writer) *hashingWriter { return &hashingWriter{w: w, h: sha256.New()} }

func (hw *hashingWriter) Write(p []byte) (int, error) {
	n, err := hw.w.Write(p)
	hw.h.Write(p[:n])
	hw.n += int64(n)
	return n, err
}

func (hw *hashingWriter) sum() string { return hex.EncodeToString(hw.h.Sum(nil)) }

// writeWACZ packages the WARC in warc (a file, read from its start) as a
// WACZ 1.1.1: archive/data.warc.gz (stored, as it is compressed already),
// indexes/index.cdx, pages/pages.jsonl, datapackage.json naming each
// file's SHA-256 and size, and datapackage-digest.json. It sets res.SHA256
// and res.Size to those of the whole WACZ.
func writeWACZ(out io.Writer, warc *os.File, index []indexEntry, page pageEntry, res *Result) error {
	if _, err := warc.Seek(0, io.SeekStart); err != nil {
		return err
	}
	all := newHashingWriter(out)
	z := zip.NewWriter(all)
	var files []resource
	put := func(path string, method uint16, r io.Reader) error {
		w, err := z.CreateHeader(&zip.FileHeader{Name: path, Method: method, Modified: page.TS})
		if err != nil {
			return err
		}
		hw := newHashingWriter(w)
		if _, err := io.Copy(hw, r); err != nil {
			return err
		}
		files = append(files, resource{Name: baseName(path), Path: path, Hash: "sha256:" + hw.sum(), Bytes: hw.n})
		return nil
	}
	if err := put("archive/data.warc.gz", zip.Store, warc); err != nil {
		return err
	}
	if err := put("indexes/index.cdx", zip.Deflate, bytes.NewReader(cdxj(index))); err != nil {
		return err
	}
	if err := put("pages/pages.jsonl", zip.Deflate, bytes.NewReader(pagesJSONL(page))); err != nil {
		return err
	}
	dp, err := json.MarshalIndent(map[string]any{
		"profile": "data-package", "wacz_version": "1.1.1", "title": page.Title, "mainPageURL": page.URL,
		"mainPageDate": page.TS.Format(time.RFC3339), "created": time.Now().UTC().Format(time.RFC3339),
		"software": "Qantar", "resources": files,
	}, "", "  ")
	if err != nil {
		return err
	}
	w, err := z.CreateHeader(&zip.FileHeader{Name: "datapackage.json", Method: zip.Deflate, Modified: page.TS})
	if err != nil {
		return err
	}
	if _, err := w.Write(dp); err != nil {
		return err
	}
	digest, _ := json.MarshalIndent(map[string]string{"path": "datapackage.json", "hash": sha256Digest(dp)}, "", "  ")
	if w, err = z.CreateHeader(&zip.FileHeader{Name: "datapackage-digest.json", Method: zip.Deflate, Modified: page.TS}); err != nil {
		return err
	}
	if _, err := w.Write(digest); err != nil {
		return err
	}
	if err := z.Close(); err != nil {
		return err
	}
	res.SHA256, res.Size = all.sum(), all.n
	return nil
}

func pagesJSONL(p pageEntry) []byte {
	head, _ := json.Marshal(map[string]string{"format": "json-pages-1.0", "id": "pages", "title": "All Pages"})
	line, _ := json.Marshal(map[string]string{"id": "1", "url": p.URL, "ts": p.TS.Format(time.RFC3339), "title": p.Title})
	return append(append(head, '\n'), append(line, '\n')...)
}

func baseName(path string) string {
	for i := len(path) - 1; i >= 0; i-- {
		if path[i] == '/' {
			return path[i+1:]
		}
	}
	return path
}
