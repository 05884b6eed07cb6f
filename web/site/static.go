package site

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"

	"github.com/qantar-project/qantar"
)

// assets are the embedded static files, each addressed by its checksum
// (/static/<sha256 prefix>/style.css) so that it can be cached forever and a
// new build's file is a new address.
type assets struct {
	byName map[string]asset
}

type asset struct {
	url   string
	sum   string
	ctype string
	body  []byte
}

func loadAssets(fsys fs.FS) (*assets, error) {
	a := &assets{byName: map[string]asset{}}
	names, err := fs.Glob(fsys, "static/*")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		body, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(body)
		name := path.Base(n)
		h := hex.EncodeToString(sum[:6])
		ctype := mime.TypeByExtension(path.Ext(name))
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		a.byName[name] = asset{url: "/static/" + h + "/" + name, sum: h, ctype: ctype, body: body}
	}
	return a, nil
}

// path returns the checksummed URL of an asset; templates call it as asset.
func (a *assets) path(name string) (string, error) {
	x, ok := a.byName[name]
	if !ok {
		return "", qantar.Errorf(qantar.ENOTFOUND, "no asset %q", name)
	}
	return x.url, nil
}

// static serves an asset by checksum and name; a stale checksum is 404 so
// that no old URL is ever answered with new content under a forever cache.
func (p *Site) static(w http.ResponseWriter, r *http.Request) error {
	x, ok := p.assets.byName[r.PathValue("name")]
	if !ok || x.sum != r.PathValue("sum") {
		return qantar.Errorf(qantar.ENOTFOUND, "no such file")
	}
	w.Header().Set("Content-Type", x.ctype)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	_, err := w.Write(x.body)
	return err
}
