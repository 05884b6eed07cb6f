package publish

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/tlog"
	"github.com/qantar-project/qantar/web"
)

// failingLog is the store's log, but a tile cannot be read.
type failingLog struct{ web.Log }

func (l failingLog) Tile(ctx context.Context, t tlog.TileID) ([]byte, error) {
	if t.Entries {
		return nil, errors.New("synthetic: disk error reading an entry bundle")
	}
	return l.Log.Tile(ctx, t)
}

// hookStore is the store, with something done from the n-th Get on:
// midway through the pages. The hook's error is returned from then on.
type hookStore struct {
	qantar.Store
	n    int64
	gets atomic.Int64
	hook func(ctx context.Context) error
	err  atomic.Value
}

func (s *hookStore) Get(ctx context.Context, k qantar.Kind, id int64) (qantar.Record, error) {
	if s.gets.Add(1) == s.n {
		if err := s.hook(ctx); err != nil {
			s.err.Store(err)
		}
	}
	if err, ok := s.err.Load().(error); ok {
		return nil, err
	}
	return s.Store.Get(ctx, k, id)
}

// leftovers lists what publishing left beside the output directory.
func leftovers(t *testing.T, parent string) []string {
	t.Helper()
	entries, err := os.ReadDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.Contains(e.Name(), ".publishing-") {
			out = append(out, e.Name())
		}
	}
	return out
}

// (e) A failure at any point leaves no output directory, or the previous
// mirror as it was, and nothing half-written beside it.
func TestPublishFailureLeavesNothing(t *testing.T) {
	fx, shared, _ := publishedMirror(t)
	ctx := context.Background()
	failStore := func() *hookStore {
		return &hookStore{Store: fx.db, n: 500, hook: func(context.Context) error {
			return errors.New("synthetic: the database went away")
		}}
	}
	cases := []struct {
		name string
		cfg  func() (web.Config, context.Context)
		want string
	}{
		{"log", func() (web.Config, context.Context) {
			cfg := fx.site()
			cfg.Log = failingLog{fx.db}
			return cfg, ctx
		}, "entry bundle"},
		{"pages", func() (web.Config, context.Context) {
			cfg := fx.site()
			cfg.Store = failStore()
			return cfg, ctx
		}, "status 500"},
		{"interrupted", func() (web.Config, context.Context) {
			c, cancel := context.WithCancel(ctx)
			cfg := fx.site()
			cfg.Store = &hookStore{Store: fx.db, n: 500, hook: func(context.Context) error { cancel(); return nil }}
			return cfg, c
		}, "context canceled"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			parent := t.TempDir()
			out := filepath.Join(parent, "mirror")
			cfg, c := tc.cfg()
			_, err := Publish(c, out, Options{Site: cfg})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Publish: %v, want an error saying %q", err, tc.want)
			}
			if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a failed publish left %s (%v)", out, err)
			}
			if l := leftovers(t, parent); len(l) > 0 {
				t.Errorf("a failed publish left %v", l)
			}

			// Over a previous mirror, with --force: it stays as it was.
			if err := os.CopyFS(out, os.DirFS(shared)); err != nil {
				t.Fatal(err)
			}
			before, _ := os.ReadFile(filepath.Join(out, Manifest))
			cfg, c = tc.cfg()
			if _, err := Publish(c, out, Options{Site: cfg, Force: true}); err == nil {
				t.Fatal("Publish over a mirror did not fail")
			}
			after, _ := os.ReadFile(filepath.Join(out, Manifest))
			if string(before) != string(after) {
				t.Error("a failed publish changed the previous mirror")
			}
			if _, err := Check(ctx, out, CheckOptions{VerifierKey: fx.db.LogKey()}); err != nil {
				t.Errorf("the previous mirror no longer checks out: %v", err)
			}
			if l := leftovers(t, parent); len(l) > 0 {
				t.Errorf("a failed publish left %v", l)
			}
		})
	}
}

// The database written to while publishing: the mirror would match no one
// state of the log, so it is refused.
func TestPublishRefusesAChangingDatabase(t *testing.T) {
	fx := newFixture(t, 0)
	parent := t.TempDir()
	out := filepath.Join(parent, "mirror")
	cfg := fx.site()
	cfg.Store = &hookStore{Store: fx.db, n: 300, hook: func(ctx context.Context) error {
		return fx.db.Create(ctx, qantar.System, &qantar.Person{Names: []qantar.Name{{Value: "Synthetic Late Arrival"}}})
	}}
	_, err := Publish(context.Background(), out, Options{Site: cfg})
	if qantar.ErrorCode(err) != qantar.ECONFLICT || !strings.Contains(err.Error(), "publish again") {
		t.Fatalf("Publish while the database changes: %v, want a conflict saying to publish again", err)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused publish left %s", out)
	}
	if l := leftovers(t, parent); len(l) > 0 {
		t.Errorf("a refused publish left %v", l)
	}
}

// What is at the output decides: nothing or an empty directory is fine; a
// directory with something in it needs --force, and even then only a
// previous mirror is replaced; a file never is.
func TestPublishOutput(t *testing.T) {
	fx, shared, _ := publishedMirror(t)
	ctx := context.Background()
	parent := t.TempDir()

	notMirror := filepath.Join(parent, "documents")
	if err := os.MkdirAll(notMirror, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(notMirror, "notes.txt"), []byte("synthetic notes"), 0o644); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(parent, "file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		out   string
		force bool
		want  string
	}{
		{notMirror, false, "--force"},
		{notMirror, true, "holds no mirror"},
		{file, true, "not a directory"},
		{parent + "/..", true, "own directory"},
	} {
		_, err := Publish(ctx, tc.out, Options{Site: fx.site(), Force: tc.force})
		if qantar.ErrorCode(err) != qantar.EINVALID || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "out") {
			t.Errorf("Publish to %s (force %v): %v, want an invalid out saying %q", tc.out, tc.force, err, tc.want)
		}
	}
	if b, err := os.ReadFile(filepath.Join(notMirror, "notes.txt")); err != nil || string(b) != "synthetic notes" {
		t.Errorf("a refused publish touched %s", notMirror)
	}

	// An empty directory is filled; a previous mirror is replaced with
	// --force, and nothing is left beside it.
	empty := filepath.Join(parent, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Publish(ctx, empty, Options{Site: fx.site(), Lang: "ru"}); err != nil {
		t.Fatalf("Publish into an empty directory: %v", err)
	}
	old := filepath.Join(parent, "old")
	if err := os.CopyFS(old, os.DirFS(shared)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(old, "stale.html"), []byte("stale"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Publish(ctx, old, Options{Site: fx.site(), Force: true, Lang: "ru"}); err != nil {
		t.Fatalf("Publish over a mirror with force: %v", err)
	}
	if _, err := os.Stat(filepath.Join(old, "stale.html")); !errors.Is(err, os.ErrNotExist) {
		t.Error("the previous mirror's files are still there")
	}
	// Russian at the root this time, English under en/.
	for _, f := range []string{"en/index.html", "kk/index.html", "index.html"} {
		if _, err := os.Stat(filepath.Join(old, f)); err != nil {
			t.Errorf("Lang ru: %v", err)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(old, "index.html")); !strings.Contains(string(b), `<html lang="ru">`) {
		t.Error("Lang ru: the root's pages are not in Russian")
	}
	if _, err := os.Stat(filepath.Join(old, "ru")); !errors.Is(err, os.ErrNotExist) {
		t.Error("Lang ru: the root's language is also under ru/")
	}
	entries, _ := os.ReadDir(parent)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "documents empty file old" {
		t.Errorf("beside the mirrors: %v", names)
	}
}
