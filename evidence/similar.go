package evidence

import (
	"context"
	"sort"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/media"
)

// DefaultDistance is how many bits of 64 two perceptual hashes may differ
// in for two images to be called near duplicates: the same picture
// resized, recompressed or lightly edited differs in up to about 10,
// unrelated pictures in about 32 (media.Distance).
const DefaultDistance = 10

// Near is a file near another: the file as the reader sees it and how
// many bits of their perceptual hashes differ.
type Near struct {
	File     *qantar.File `json:"file"`
	Distance int          `json:"distance"`
}

// imageTypes are the types whose files have a perceptual hash.
var imageTypes = []string{"image/jpeg", "image/png", "image/gif", "image/webp"}

// Similar returns the other files whose perceptual hash is within
// maxDistance of file's, nearest first, among the files the reader may see,
// across sources. Both the file's hash and the others' are read from the
// reader's own projection: a file hidden from them has no hash there, so it
// is never matched, counted or used to match; a file they may not see
// finds nothing. A file whose deletion was asked is left out.
func Similar(ctx context.Context, st qantar.Store, reader qantar.Actor, file *qantar.File, maxDistance int) ([]Near, error) {
	m, err := SimilarAll(ctx, st, reader, []int64{file.ID}, maxDistance)
	if err != nil {
		return nil, err
	}
	return m[file.ID], nil
}

// SimilarAll is Similar for several files at once (a source's images),
// reading the reader's images once.
func SimilarAll(ctx context.Context, st qantar.Store, reader qantar.Actor, ids []int64, maxDistance int) (map[int64][]Near, error) {
	var images []*qantar.File
	for _, t := range imageTypes {
		recs, err := qantar.ListAll(ctx, st, qantar.KindFile, qantar.Filter{Reader: reader, Where: map[string]string{"media_type": t}})
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			if f := r.(*qantar.File); f.Metadata["phash"] != "" && f.DeletionRequested == nil {
				images = append(images, f)
			}
		}
	}
	byID := make(map[int64]*qantar.File, len(images))
	for _, f := range images {
		byID[f.ID] = f
	}
	out := map[int64][]Near{}
	for _, id := range ids {
		f := byID[id]
		if f == nil {
			continue
		}
		var near []Near
		for _, g := range images {
			if g.ID == f.ID {
				continue
			}
			d, err := media.Distance(f.Metadata["phash"], g.Metadata["phash"])
			if err == nil && d <= maxDistance {
				near = append(near, Near{File: g, Distance: d})
			}
		}
		sort.SliceStable(near, func(i, j int) bool {
			if near[i].Distance != near[j].Distance {
				return near[i].Distance < near[j].Distance
			}
			return near[i].File.ID < near[j].File.ID
		})
		out[id] = near
	}
	return out, nil
}
