package publish

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// Manifest is the name of the file that lists the SHA-256 of every other
// file of a mirror, as sha256sum writes it (sha256sum -c checks it).
const Manifest = "SHA256SUMS"

// files writes the mirror's files under its (temporary) root and keeps the
// SHA-256 of each for the manifest. Pages are handed to a few writers
// (queue), so that rendering goes on while a file is being created.
type files struct {
	root  string
	mu    sync.Mutex
	dirs  map[string]bool
	sums  map[string]string // relative path → hex SHA-256
	bytes int64

	q    chan pending
	wg   sync.WaitGroup
	qerr error
}

type pending struct {
	rel  string
	data []byte
}

// start starts n writers for queue.
func (w *files) start(n int) {
	w.q = make(chan pending, 4*n)
	for range n {
		w.wg.Go(func() {
			for p := range w.q {
				if err := w.write(p.rel, p.data); err != nil {
					w.mu.Lock()
					if w.qerr == nil {
						w.qerr = err
					}
					w.mu.Unlock()
				}
			}
		})
	}
}

// queue writes a file on a writer; the data must not change afterwards.
func (w *files) queue(rel string, data []byte) error {
	w.mu.Lock()
	err := w.qerr
	w.mu.Unlock()
	if err != nil {
		return err
	}
	w.q <- pending{rel, data}
	return nil
}

// stop waits for the writers and returns their first error.
func (w *files) stop() error {
	if w.q == nil {
		return nil
	}
	close(w.q)
	w.wg.Wait()
	w.q = nil
	return w.qerr
}

func newFiles(root string) *files {
	return &files{root: root, dirs: map[string]bool{".": true}, sums: map[string]string{}}
}

// write writes one file, rel being a slash-separated path under the root.
func (w *files) write(rel string, data []byte) error {
	if !fs.ValidPath(rel) || rel == "." {
		return fmt.Errorf("publish: bad file name %q", rel)
	}
	dir := path.Dir(rel)
	w.mu.Lock()
	if _, ok := w.sums[rel]; ok {
		w.mu.Unlock()
		return fmt.Errorf("publish: %s written twice", rel)
	}
	w.sums[rel] = "" // claimed
	made := w.dirs[dir]
	w.mu.Unlock()
	if !made {
		if err := os.MkdirAll(filepath.Join(w.root, filepath.FromSlash(dir)), 0o755); err != nil {
			return err
		}
		w.mu.Lock()
		w.dirs[dir] = true
		w.mu.Unlock()
	}
	if err := os.WriteFile(filepath.Join(w.root, filepath.FromSlash(rel)), data, 0o644); err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	w.mu.Lock()
	w.sums[rel] = hex.EncodeToString(sum[:])
	w.bytes += int64(len(data))
	w.mu.Unlock()
	return nil
}

// adopt adds to the manifest the files that something else wrote under
// dir (the open data, written by csvio).
func (w *files) adopt(dir string) error {
	return filepath.WalkDir(filepath.Join(w.root, filepath.FromSlash(dir)), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(w.root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		sum, n, err := hashFile(p)
		if err != nil {
			return err
		}
		w.mu.Lock()
		w.sums[rel] = sum
		w.bytes += n
		w.mu.Unlock()
		return nil
	})
}

func hashFile(p string) (string, int64, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// writeManifest writes SHA256SUMS: every file but itself, in byte order of
// their paths.
func (w *files) writeManifest() error {
	w.mu.Lock()
	names := make([]string, 0, len(w.sums))
	for n := range w.sums {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		b.WriteString(w.sums[n])
		b.WriteString("  ")
		b.WriteString(n)
		b.WriteByte('\n')
	}
	w.mu.Unlock()
	return w.write(Manifest, []byte(b.String()))
}

// parseManifest reads SHA256SUMS: each line a hex SHA-256, two spaces (or
// a space and '*'), and a slash-separated path inside the mirror.
func parseManifest(r io.Reader) (map[string]string, []string, error) {
	sums := map[string]string{}
	var order []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		s := sc.Text()
		if s == "" {
			continue
		}
		if len(s) < 66 || (s[64:66] != "  " && s[64:66] != " *") {
			return nil, nil, fmt.Errorf("%s line %d: want \"<sha256>  <path>\"", Manifest, line)
		}
		sum, name := strings.ToLower(s[:64]), s[66:]
		if _, err := hex.DecodeString(sum); err != nil {
			return nil, nil, fmt.Errorf("%s line %d: %q is not a SHA-256", Manifest, line, s[:64])
		}
		if !fs.ValidPath(name) || name == "." || name == Manifest {
			return nil, nil, fmt.Errorf("%s line %d: %q is not a file inside the mirror", Manifest, line, name)
		}
		if _, dup := sums[name]; dup {
			return nil, nil, fmt.Errorf("%s line %d: %s is listed twice", Manifest, line, name)
		}
		sums[name] = sum
		order = append(order, name)
	}
	return sums, order, sc.Err()
}
