package publish

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"

	"github.com/qantar-project/qantar"
)

// VersionsFile lists every version an anonymous reader sees whole, as the
// site's history API shows it to them, with its log salt: with the version's
// data and reason, the salt recomputes its leaf's commitment (tlog/LEAF.md,
// qantar-leaf/v2). A version the public may not see whole (a protected
// person, or anything about one) is not in it, so its salt is never
// published and nobody can test a guess against its leaf.
const VersionsFile = "data/versions.json"

// writeVersions writes VersionsFile from the site's own history answers to
// an anonymous reader, for every record the public lists.
func (m *mirror) writeVersions(ctx context.Context, st qantar.Store) error {
	var out []qantar.Version
	for _, k := range qantar.Kinds {
		var ids []int64
		if err := eachID(ctx, st, k, func(id int64) { ids = append(ids, id) }); err != nil {
			return fmt.Errorf("publish: list %s: %w", k, err)
		}
		for _, id := range ids {
			path := fmt.Sprintf("/api/v1/%s/%d/history", k, id)
			rec := m.get(ctx, path, "")
			if rec.Code != http.StatusOK {
				return fmt.Errorf("publish: %s: %d %s", path, rec.Code, clip(rec.Body.String()))
			}
			var h struct{ Versions []qantar.Version }
			if err := json.Unmarshal(rec.Body.Bytes(), &h); err != nil {
				return fmt.Errorf("publish: %s: %w", path, err)
			}
			for _, v := range h.Versions {
				if v.Salt != "" {
					out = append(out, v)
				}
			}
		}
	}
	if out == nil {
		out = []qantar.Version{}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return err
	}
	return m.w.write(VersionsFile, b)
}

// readVersions reads a mirror's VersionsFile; a mirror made before it
// existed has none, and then no version can be checked with a salt.
func readVersions(ctx context.Context, mr mirrorReader) ([]qantar.Version, error) {
	b, err := mr.read(ctx, VersionsFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	var vs []qantar.Version
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&vs); err != nil {
		return nil, fmt.Errorf("%s: %w", VersionsFile, err)
	}
	return vs, nil
}
