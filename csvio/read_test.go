package csvio

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

func readAll(t *testing.T, data []byte, name string, o ReadOptions) (*Table, [][]string, error) {
	t.Helper()
	tab, err := OpenTable(bytes.NewReader(data), name, o)
	if err != nil {
		return nil, nil, err
	}
	defer tab.Close()
	var rows [][]string
	for {
		r, err := tab.Next()
		if errors.Is(err, io.EOF) {
			return tab, rows, nil
		} else if err != nil {
			return tab, rows, err
		}
		rows = append(rows, r.Cells)
	}
}

func TestOpenTableDetects(t *testing.T) {
	text := "ФИО;Пол\nҚасымов Әлихан;М\n"
	ru := "ФИО;Пол\nИванов;М\n"
	b1251, _ := charmap.Windows1251.NewEncoder().Bytes([]byte(ru))
	b16le, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(text))
	b16be, _ := unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(text))
	tests := []struct {
		name  string
		data  []byte
		file  string
		o     ReadOptions
		enc   string
		delim rune
		want  string
	}{
		{"UTF8Semicolon", []byte(text), "a.csv", ReadOptions{}, EncUTF8, ';', "Қасымов Әлихан"},
		{"UTF8BOM", append([]byte{0xEF, 0xBB, 0xBF}, text...), "a.csv", ReadOptions{}, EncUTF8BOM, ';', "ФИО"},
		{"UTF16LE", b16le, "a.csv", ReadOptions{}, EncUTF16LE, ';', "Қасымов Әлихан"},
		{"UTF16BE", b16be, "a.csv", ReadOptions{}, EncUTF16BE, ';', "Қасымов Әлихан"},
		{"Windows1251", b1251, "a.csv", ReadOptions{}, EncCP1251, ';', "Иванов"},
		{"CommaWithSemicolonsInQuotes", []byte("a,b\n\"x;y;z\",1\n"), "a.csv", ReadOptions{}, EncUTF8, ',', "x;y;z"},
		{"TabByExtension", []byte("a b\tc\n1\t2\n"), "a.tsv", ReadOptions{}, EncUTF8, '\t', "a b"},
		{"DelimiterOverride", []byte("a;b,c\n1;2,3\n"), "a.csv", ReadOptions{Delimiter: ','}, EncUTF8, ',', "a;b"},
		{"EncodingOverride", b1251, "a.csv", ReadOptions{Encoding: "cp1251"}, EncCP1251, ';', "ФИО"},
		{"CRLF", []byte("a,b\r\n1,2\r\n"), "a.csv", ReadOptions{}, EncUTF8, ',', "2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab, rows, err := readAll(t, tt.data, tt.file, tt.o)
			if err != nil {
				t.Fatal(err)
			}
			if tab.Encoding != tt.enc || tab.Delimiter != tt.delim {
				t.Errorf("encoding %s delimiter %q; want %s %q", tab.Encoding, tab.Delimiter, tt.enc, tt.delim)
			}
			flat := ""
			for _, r := range rows {
				flat += strings.Join(r, "|") + "\n"
			}
			if !strings.Contains(flat, tt.want) || len(rows) != 2 {
				t.Errorf("rows %q lack %q", flat, tt.want)
			}
		})
	}
}

func TestOpenTableErrors(t *testing.T) {
	long := append([]byte("a\n"), bytes.Repeat([]byte("x"), MaxLineBytes+10)...)
	tests := []struct {
		name string
		data []byte
		file string
		o    ReadOptions
		want string
	}{
		{"UnclosedQuote", []byte("a,b\n1,\"open\n2,3\n"), "a.csv", ReadOptions{}, `line 2: a quote (") at column`},
		{"BareQuote", []byte("a,b\n1,x\"y\n"), "a.csv", ReadOptions{}, `line 2: a quote (") in an unquoted cell`},
		{"EnormousLine", long, "a.csv", ReadOptions{}, "line 2: the line is longer than 8 MiB"},
		{"TooLarge", bytes.Repeat([]byte("a,b\n"), 100), "a.csv", ReadOptions{MaxBytes: 100}, "larger than"},
		{"TruncatedXLSX", []byte("PK\x03\x04garbage"), "a.xlsx", ReadOptions{}, "not a readable XLSX file"},
		{"UnknownEncoding", []byte("a\n"), "a.csv", ReadOptions{Encoding: "koi8-r"}, `unknown encoding "koi8-r"`},
		{"UnknownFormat", []byte("a\n"), "a.csv", ReadOptions{Format: "ods"}, `unknown format "ods"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := readAll(t, tt.data, tt.file, tt.o)
			var fe *FileError
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v; want a FileError containing %q", err, tt.want)
			}
		})
	}
}

func TestXLSXTruncatedAtEveryLength(t *testing.T) {
	x := smallXLSX(t)
	for n := 0; n < len(x); n += 97 {
		_, _, err := readAll(t, x[:n], "a.xlsx", ReadOptions{})
		if err == nil && n < len(x)-22 {
			t.Errorf("truncated to %d of %d bytes, read without error", n, len(x))
		}
	}
}

func TestParseCellDate(t *testing.T) {
	tests := []struct {
		in   string
		xlsx bool
		want string
		err  string
	}{
		{"05.01.2022", false, "2022-01-05", ""},
		{"5.1.2022", false, "2022-01-05", ""},
		{"05/01/2022", false, "2022-01-05", ""},
		{"05.01.2022 14:30", false, "2022-01-05T14:30", ""},
		{"01.2022", false, "2022-01", ""},
		{"1990 г.", false, "1990", ""},
		{"1990 г.р.", false, "1990", ""},
		{"~1990", false, "~1990", ""},
		{"2022-01-05", false, "2022-01-05", ""},
		{"44566", true, "2022-01-05", ""},
		{"44566.5", true, "2022-01-05T12:00", ""},
		{"1990", true, "1990", ""},
		{"44566", false, "", `"44566" is not a date`},
		{"31.02.1990", false, "", `"31.02.1990" is not a date: February has no day 31`},
		{"завтра", false, "", `"завтра" is not a date (write`},
	}
	for _, tt := range tests {
		got, err := parseCellDate(tt.in, tt.xlsx)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("parseCellDate(%q) error %v; want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("parseCellDate(%q, %v) = %q, %v; want %q", tt.in, tt.xlsx, got, err, tt.want)
		}
	}
}

func TestParseMapping(t *testing.T) {
	yaml := `# a comment
encoding: windows-1251
delimiter: ";"
columns:
  "Ф.И.О.: полностью": name   # quoted key with a colon
  Дата смерти: "-"
values:
  sex:
    'М': male
    Ж: female
`
	m, err := ParseMapping(strings.NewReader(yaml))
	if err != nil {
		t.Fatal(err)
	}
	if m.Encoding != "windows-1251" || m.Delimiter != ";" || m.Columns["Ф.И.О.: полностью"] != "name" ||
		m.Columns["Дата смерти"] != "-" || m.Values["sex"]["М"] != "male" || m.Values["sex"]["Ж"] != "female" {
		t.Errorf("parsed %+v", m)
	}
	j, err := ParseMapping(strings.NewReader(`{"ФИО": "name"}`))
	if err != nil || j.Columns["ФИО"] != "name" {
		t.Errorf("flat JSON: %+v %v", j, err)
	}
	for _, bad := range []string{"columns: [1]\n", "a: b\na: c\n", "what\n", `{"columns": {"a": 1}}`, "colour: red\ncolumns:\n  a: b\n", "columns:\n  a: \"open\n"} {
		if _, err := ParseMapping(strings.NewReader(bad)); err == nil {
			t.Errorf("ParseMapping(%q) accepted", bad)
		}
	}
}

// TestHeadersUnique: within a kind, no two columns share a header in any
// language, so every header of an export imports back to its column.
func TestHeadersUnique(t *testing.T) {
	for _, k := range qantar.Kinds {
		seen := map[string]string{}
		for _, c := range Columns(k) {
			for _, h := range []string{c.Name, c.RU, c.KK} {
				n := normHeader(h)
				if prev, dup := seen[n]; dup && prev != c.Name {
					t.Errorf("%s: header %q is both %s and %s", k, h, prev, c.Name)
				}
				seen[n] = c.Name
			}
		}
		idx := headerIndex(k)
		for _, c := range Columns(k) {
			for _, h := range []string{c.Name, c.RU, c.KK} {
				if idx[normHeader(h)].Name != c.Name {
					t.Errorf("%s: header %q reads as %q, want %q", k, h, idx[normHeader(h)].Name, c.Name)
				}
			}
		}
	}
}

// TestRefPtrsMatchRefs keeps refPtrs in step with each kind's Refs.
func TestRefPtrsMatchRefs(t *testing.T) {
	recs := []qantar.Record{
		&qantar.Person{BirthPlace: 3},
		&qantar.Place{RegionThenID: 1, RegionNowID: 2},
		&qantar.Event{PlaceID: 1, ParentID: 2},
		&qantar.Unit{Parents: []qantar.UnitParent{{ParentID: 4}, {ParentID: 5}}},
		&qantar.Post{PersonID: 1, UnitID: 2},
		&qantar.Act{VictimID: 1, EventID: 2, PlaceID: 3},
		&qantar.Involvement{ActID: 1, PersonID: 2, UnitID: 3},
		&qantar.Case{AuthorityID: 1, ActIDs: []int64{2, 3}, Participants: []qantar.Participant{{PersonID: 4}},
			Steps: []qantar.CaseEvent{{SourceID: 5}}},
		&qantar.Complaint{FilerID: 1, AddresseeID: 2, CaseID: 3, EscalatesID: 4, Responses: []qantar.Response{{SourceID: 5}}},
		&qantar.Citation{RecordKind: qantar.KindAct, RecordID: 1, SourceID: 2},
		&qantar.Figure{ClaimantID: 1, PlaceID: 2, EventID: 3, SourceID: 4},
		&qantar.Source{},
		&qantar.File{SourceID: 6},
	}
	kinds := map[qantar.Kind]bool{}
	for _, r := range recs {
		kinds[r.Kind()] = true
		var got []qantar.Ref
		for _, p := range refPtrs(r) {
			if *p.P != 0 {
				got = append(got, qantar.Ref{Field: p.Field, Kind: p.Kind, ID: *p.P})
			}
		}
		want := r.Refs()
		if len(got) != len(want) {
			t.Errorf("%s: refPtrs %v, Refs %v", r.Kind(), got, want)
			continue
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("%s: refPtrs %v, Refs %v", r.Kind(), got, want)
			}
		}
	}
	if len(kinds) != len(qantar.Kinds) {
		t.Errorf("the test covers %d kinds of %d", len(kinds), len(qantar.Kinds))
	}
}
