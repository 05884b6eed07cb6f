package figures

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"runtime/debug"
	"sync"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/law"
	"github.com/qantar-project/qantar/report"
)

// Source gives every live record of a kind, protected or not (figures
// count, they never name), in id order: the live store, or the records as a
// checkpoint committed to them.
type Source func(ctx context.Context, kind qantar.Kind) ([]qantar.Record, error)

func (f *Figures) Live() Source {
	return func(ctx context.Context, kind qantar.Kind) ([]qantar.Record, error) {
		return f.LoadAll(ctx, kind, qantar.System)
	}
}

// At is the records at a log size, as the figures read them (slim).
func At(at qantar.AtReader, size int64) Source {
	return func(ctx context.Context, kind qantar.Kind) ([]qantar.Record, error) {
		return slimAt(ctx, at, kind, size)
	}
}

// Memo reads each kind once.
func Memo(src Source) Source {
	var mu sync.Mutex
	seen := map[qantar.Kind][]qantar.Record{}
	return func(ctx context.Context, kind qantar.Kind) ([]qantar.Record, error) {
		mu.Lock()
		defer mu.Unlock()
		if recs, ok := seen[kind]; ok {
			return recs, nil
		}
		recs, err := src(ctx, kind)
		if err == nil {
			seen[kind] = recs
		}
		return recs, err
	}
}

// Typed is a source's records as their Go type.
func Typed[T qantar.Record](ctx context.Context, src Source, kind qantar.Kind) ([]T, error) {
	recs, err := src(ctx, kind)
	if err != nil {
		return nil, err
	}
	out := make([]T, 0, len(recs))
	for _, r := range recs {
		if t, ok := r.(T); ok {
			out = append(out, t)
		}
	}
	return out, nil
}

// CodeVersion names the code that computed a figure: the module version of
// the binary, and the commit it was built from when the build recorded it.
func CodeVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" {
			v += " " + s.Value
		}
	}
	return v
}

// CheckpointRef names the checkpoint a figure was computed at: the log's size
// and root (base64, as in the checkpoint note), and the time of its last
// leaf, which is the figures' "today".
type CheckpointRef struct {
	Size int64  `json:"size"`
	Root string `json:"root"`
	Time string `json:"time,omitempty"`
}

func checkpointRef(p qantar.LogPoint) CheckpointRef {
	ref := CheckpointRef{Size: p.Size, Root: base64.StdEncoding.EncodeToString(p.Root)}
	if !p.Time.IsZero() {
		ref.Time = p.Time.UTC().Format(time.RFC3339Nano)
	}
	return ref
}

// PinnedStats is the JSON of /api/v1/stats: every published figure, the
// estimate with its method, interval, seed and code version, and the
// checkpoint they were computed at.
type PinnedStats struct {
	report.Stats
	Checkpoint CheckpointRef   `json:"as_of_checkpoint"`
	Estimate   *EstimateAnswer `json:"estimate"`
	// Unanswered is every complaint past its deadline without an answer,
	// with its days overdue as of the figures' day.
	Unanswered []UnansweredComplaint `json:"unanswered_past_deadline"`
}

// StatsAt computes the figures from the records as they were at a log size
// (negative: the latest checkpoint), as of asOf, or when asOf is zero as of
// the day of the checkpoint's last leaf: never the wall clock, so that anyone
// with the records of that checkpoint gets the same numbers (qantar stats).
func StatsAt(ctx context.Context, at qantar.AtReader, rules *law.Registry, size int64, asOf time.Time) (*PinnedStats, error) {
	p, err := at.LogAt(ctx, size)
	if err != nil {
		return nil, err
	}
	return statsFrom(ctx, Memo(At(at, p.Size)), rules, p, asOf)
}

func statsFrom(ctx context.Context, src Source, rules *law.Registry, p qantar.LogPoint, asOf time.Time) (*PinnedStats, error) {
	if rules == nil {
		rules = law.DefaultRegistry()
	}
	if asOf.IsZero() {
		asOf = CheckpointDay(p)
	}
	in, _, err := reportInputFrom(ctx, src)
	if err != nil {
		return nil, err
	}
	st := &PinnedStats{Stats: report.Compute(in, asOf, rules), Checkpoint: checkpointRef(p)}
	if st.Estimate, err = EstimateFrom(ctx, src, "", ""); err != nil {
		return nil, err
	}
	if st.Unanswered, err = unanswered(ctx, src, rules, asOf); err != nil {
		return nil, err
	}
	return st, nil
}

// CheckpointDay is the day of a checkpoint's last leaf (UTC).
func CheckpointDay(p qantar.LogPoint) time.Time {
	y, m, d := p.Time.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// EncodeStats writes figures exactly as /api/v1/stats answers them.
func EncodeStats(w io.Writer, st *PinnedStats) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	return enc.Encode(st)
}
