package csvio

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/xuri/excelize/v2"
)

// smallXLSX is a valid workbook for the seeds, to be truncated and bent.
func smallXLSX(t testing.TB) []byte {
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetRow("Sheet1", "A1", &[]any{"external_key", "name", "birth_date"})
	f.SetSheetRow("Sheet1", "A2", &[]any{"k1", "=HYPERLINK(\"http://x\")", 33000})
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func readSeeds(f *testing.F) {
	x := smallXLSX(f)
	for _, s := range [][]byte{
		[]byte("name,sex\nA,male\n"),
		[]byte("\xEF\xBB\xBFname;sex\r\n\"A;B\";M\r\n"),
		[]byte("\xFF\xFEn\x00a\x00m\x00e\x00\n\x00"),
		[]byte("\xd4\xc8\xce;\xcf\xee\xeb\n\xc8\xe2\xe0\xed;\xcc\n"),
		[]byte("name\n\"unclosed\n"),
		[]byte("name\na\"b\n"),
		[]byte("a\tb\tc\n1\t2\n"),
		[]byte("=cmd|' /C calc'!A0,+1,-1,@SUM(A1)\n"),
		[]byte(strings.Repeat("x", 1<<16)),
		x, x[:len(x)/2], x[:30], append([]byte("PK\x03\x04"), make([]byte, 100)...),
	} {
		f.Add(s, "f.csv")
		f.Add(s, "f.xlsx")
	}
}

// FuzzOpenTable: malformed CSV, truncated XLSX, wrong encodings, enormous
// fields: the reader returns rows or an error, never panics or loops.
func FuzzOpenTable(f *testing.F) {
	readSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		tab, err := OpenTable(bytes.NewReader(data), name, ReadOptions{MaxBytes: 1 << 20})
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("error is not a FileError: %v", err)
			}
			return
		}
		defer tab.Close()
		last := 0
		for n := 0; ; n++ {
			r, err := tab.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				var fe *FileError
				if !errors.As(err, &fe) {
					t.Fatalf("row error is not a FileError: %v", err)
				}
				return
			}
			if r.Line < last {
				t.Fatalf("line %d after line %d", r.Line, last)
			}
			last = r.Line
			if n > len(data)+1 {
				t.Fatalf("more rows (%d) than bytes (%d)", n, len(data))
			}
			if tab.Format != FormatXLSX {
				for _, c := range r.Cells {
					if !utf8.ValidString(c) && tab.Encoding != EncUTF8 && tab.Encoding != EncUTF8BOM {
						t.Fatalf("decoded %s cell is not UTF-8: %q", tab.Encoding, c)
					}
				}
			}
		}
	})
}

var fuzzDB struct {
	db  *sqlite.DB
	err error
}

func fuzzStore(t *testing.T) *sqlite.DB {
	if fuzzDB.db == nil && fuzzDB.err == nil {
		// One database for the whole run: opening one per input would make
		// the fuzzer measure SQLite's start-up.
		dir, err := osMkdirTemp()
		if err == nil {
			fuzzDB.db, fuzzDB.err = sqlite.Open(context.Background(), filepath.Join(dir, "fuzz.db"), sqlite.Options{Synchronous: "NORMAL"})
		} else {
			fuzzDB.err = err
		}
	}
	if fuzzDB.err != nil {
		t.Fatal(fuzzDB.err)
	}
	return fuzzDB.db
}

// FuzzImport: whatever the file, the import either writes every row or
// none (all or nothing), reports problems with a line, and never panics.
func FuzzImport(f *testing.F) {
	readSeeds(f)
	f.Add([]byte("external_key,name,birth_date,sex,names\nk,A,31.02.1990,robot,[{\"value\":1}]\nk,B,,,\n"), "f.csv")
	f.Add([]byte("name,parent_key,title\nA,zz,\n"), "f.csv")
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		db := fuzzStore(t)
		before, err := db.Count(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		actor := qantar.Actor{ID: "fuzz", Role: qantar.RoleEditor}
		rep, err := Import(context.Background(), db, qantar.KindPerson, bytes.NewReader(data), name,
			Options{Actor: actor, Read: ReadOptions{MaxBytes: 1 << 20}})
		if err != nil {
			t.Fatalf("import failed (not a problem report): %v", err)
		}
		after, err := db.Count(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		grew := after[qantar.KindPerson] - before[qantar.KindPerson]
		if !rep.OK() && (rep.Written || grew != 0) {
			t.Fatalf("problems, yet %d persons written:\n%v", grew, rep.Problems)
		}
		if rep.OK() && rep.Written && grew != rep.Created {
			t.Fatalf("%d persons written, report says %d created", grew, rep.Created)
		}
		for _, p := range rep.Problems {
			if p.Message == "" {
				t.Fatalf("a problem without a message: %+v", p)
			}
		}
	})
}

// FuzzParseMapping: any mapping file parses or is refused with an error.
func FuzzParseMapping(f *testing.F) {
	for _, s := range []string{"columns:\n  ФИО: name\nvalues:\n  sex:\n    М: male\n", `{"a":"b"}`, "a: 'x''y' # c\n", "a:\n\tb: c\n", "a: \"\\u00\"\n", "- x\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMapping(strings.NewReader(s))
		if err == nil && m.Columns == nil {
			t.Fatal("a mapping without a columns map")
		}
	})
}

// FuzzNeutralize: a neutralised cell never starts a formula, and
// Unneutralize gives back exactly the original.
func FuzzNeutralize(f *testing.F) {
	for _, s := range []string{"=1+1", "'=x", "''", "'", "-", "+7 701", "@a", "plain", "\t=x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Neutralize(s)
		if n != "" && strings.IndexByte(formulaStart, n[0]) >= 0 {
			t.Fatalf("Neutralize(%q) = %q starts a formula", s, n)
		}
		if back := Unneutralize(n); back != s {
			t.Fatalf("Unneutralize(Neutralize(%q)) = %q", s, back)
		}
	})
}

// FuzzCellDate: a date cell is refused or becomes a date qantar accepts.
func FuzzCellDate(f *testing.F) {
	for _, s := range []string{"31.02.1990", "05.01.2022", "~07.1971", "1990 г.", "44566", "44566.5", "2022-01-05T14:30", "1.1.1"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, xlsx bool) {
		iso, err := parseCellDate(s, xlsx)
		if err != nil {
			return
		}
		if _, err := qantar.ParseDate(iso); err != nil {
			t.Fatalf("parseCellDate(%q) = %q, which qantar refuses: %v", s, iso, err)
		}
	})
}
