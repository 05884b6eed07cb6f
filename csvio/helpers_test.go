package csvio_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/csvio"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

var editor = qantar.Actor{ID: "token:1", Name: "test editor", Role: qantar.RoleEditor}

func ctx() context.Context { return context.Background() }

// openDB opens a new, empty SQLite store in the test's temporary directory.
func openDB(t testing.TB) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(ctx(), filepath.Join(t.TempDir(), "test.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// contents returns every live record of kind k as canonical JSON without
// id and version, sorted by id.
func contents(t *testing.T, st qantar.Store, k qantar.Kind) []string {
	t.Helper()
	var out []string
	for off := 0; ; {
		recs, total, err := st.List(ctx(), k, qantar.Filter{Sort: "id", Offset: off, Reader: qantar.System})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			m := r.GetMeta()
			m.ID, m.Version = 0, 0
			b, err := qantar.Canonical(r)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, string(b))
		}
		off += len(recs)
		if len(recs) == 0 || off >= total {
			return out
		}
	}
}

func count(t *testing.T, st qantar.Store, k qantar.Kind) int {
	t.Helper()
	c, err := st.Count(ctx())
	if err != nil {
		t.Fatal(err)
	}
	return c[k]
}

// csvText joins rows with a delimiter, quoting as encoding/csv does.
func csvText(t *testing.T, delim rune, rows [][]string) string {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Comma = delim
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	return b.String()
}

func cp1251(t *testing.T, s string) []byte {
	t.Helper()
	b, err := charmap.Windows1251.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func utf16le(t *testing.T, s string) []byte {
	t.Helper()
	b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func xlsxBytes(t testing.TB, rows [][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		vals := make([]any, len(r))
		for j, c := range r {
			vals[j] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &vals); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func importBytes(t *testing.T, st qantar.Store, k qantar.Kind, name string, data []byte, o csvio.Options) *csvio.Report {
	t.Helper()
	if o.Actor.ID == "" {
		o.Actor = editor
	}
	rep, err := csvio.Import(ctx(), st, k, bytes.NewReader(data), name, o)
	if err != nil {
		t.Fatalf("import %s: %v", name, err)
	}
	return rep
}

func problems(rep *csvio.Report) string {
	var b strings.Builder
	rep.WriteText(&b, 0)
	return b.String()
}
