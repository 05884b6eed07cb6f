package publish

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/qantar-project/qantar/web"
)

// evidenceDir is where a mirror keeps the evidence files anonymous readers
// may fetch, each under its SHA-256, as the site serves /files/{sha256}.
const evidenceDir = "files"

// writeEvidence copies the public evidence files into the mirror (streamed,
// never read whole) and lists them in SHA256SUMS; a file hidden from the
// public is never read.
func (m *mirror) writeEvidence(ctx context.Context, site web.Config) error {
	if site.Files == nil {
		return nil
	}
	n, err := site.Files.CopyPublic(ctx, site.Store, filepath.Join(m.w.root, evidenceDir))
	if err != nil {
		return fmt.Errorf("publish: files: %w", err)
	}
	if n == 0 {
		return nil
	}
	return m.w.adopt(evidenceDir)
}
