package csvio_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/csvio"
)

// syntheticPersonsJSON is a synthetic list of persons as JSON, with a
// problem on most lines; line numbers in the test refer to it.
const syntheticPersonsJSON = `[
{"external_key":"s1","names":[{"value":"Synthetic Person One"}],"birth_date":"1990-05-12"},
{"external_key":"s2","names":[{"value":"Synthetic Person Two"}],"birth_date":"1990-02-31"},
{"external_key":"s3","names":[{"value":""}]},
{"external_key":"s4","names":[{"value":"Synthetic Four"}],"sex":"robot","nickname":"x"},
"Synthetic Five",
{"external_key":"s1","names":[{"value":"Synthetic Duplicate"}]},
{"external_key":7,"names":[{"value":"Synthetic Bad Key"}]},
{"id":"x","names":[{"value":"Synthetic Bad Id"}]},
{
  "external_key": "s9",
  "names": [{"value": "Synthetic Pretty"}],
  "version": "ignored", "created_at": "not a time", "updated_at": null
},
{"external_key":"s10","names":[{"value":"Synthetic Ten"}],"sex":"female","SEX":"male"},
{"external_key":"s11","names":[{"value":"Synthetic Eleven"}],"steps":[]},
{"external_key":"s12","names":[{"value":"Synthetic Twelve"}],"description":{"zz":"x"}}
]
`

// TestJSONImportReportsEveryProblemAndWritesNothing: each element with a
// problem is reported with its line and the field as the API names it,
// and nothing is written.
func TestJSONImportReportsEveryProblemAndWritesNothing(t *testing.T) {
	db := openDB(t)
	rep := importBytes(t, db, qantar.KindPerson, "persons.json", []byte(syntheticPersonsJSON), csvio.Options{})
	text := problems(rep)
	wants := []string{
		`line 3, column "birth_date": invalid value: "1990-02-31" is not a date: February has no day 31`,
		`line 4, column "names[0].value": is required`,
		`line 5, column "nickname": unknown field`,
		`line 6: the element is a string, not a record: each element of the array must be a JSON object, {…}`,
		`line 7, column "external_key": external key "s1" is already on line 2`,
		`line 8, column "external_key": must be a string, not a number`,
		`line 9, column "id": "x" is not a record id (a positive whole number)`,
		`line 15, column "SEX": the field is given twice (also as "sex")`,
		`line 16, column "steps": unknown field`,
		`line 17, column "description.zz": unknown language "zz"`,
	}
	for _, want := range wants {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks\n  %s\ngot:\n%s", want, text)
		}
	}
	if len(rep.Problems) != len(wants) {
		t.Errorf("%d problems, want %d:\n%s", len(rep.Problems), len(wants), text)
	}
	// In the order of the lines.
	for i := 1; i < len(rep.Problems); i++ {
		if rep.Problems[i].Line < rep.Problems[i-1].Line {
			t.Errorf("problem %d (line %d) after line %d", i, rep.Problems[i].Line, rep.Problems[i-1].Line)
		}
	}
	if rep.Written || count(t, db, qantar.KindPerson) != 0 {
		t.Errorf("written %v, %d persons stored; want nothing", rep.Written, count(t, db, qantar.KindPerson))
	}
	if tr := rep.Tables[0]; tr.Format != csvio.FormatJSON || tr.Encoding != csvio.EncUTF8 || tr.Rows != 12 || tr.Rejected != 10 {
		t.Errorf("table report %+v; want json, utf-8, 12 rows, 10 rejected", tr)
	}
	// The valid lines alone import, the times and version left out.
	valid := "[\n" + strings.Join([]string{lineOf(syntheticPersonsJSON, 2), strings.Join(strings.Split(syntheticPersonsJSON, "\n")[9:14], "\n")}, "\n") + "\n]"
	rep = importBytes(t, db, qantar.KindPerson, "persons.json", []byte(strings.ReplaceAll(valid, "},\n]", "}\n]")), csvio.Options{})
	if !rep.OK() || rep.Created != 2 {
		t.Fatalf("valid elements: created %d\n%s", rep.Created, problems(rep))
	}
	p, err := db.GetByExternalKey(ctx(), qantar.KindPerson, "s9")
	if err != nil {
		t.Fatal(err)
	}
	if m := p.GetMeta(); m.Version != 1 || m.CreatedAt.IsZero() {
		t.Errorf("s9 is version %d created %v; want version 1 with the store's time", m.Version, m.CreatedAt)
	}
}

// lineOf returns line n (from 1) of s.
func lineOf(s string, n int) string { return strings.Split(s, "\n")[n-1] }

// TestJSONFileProblems: a file that is not one JSON array of records is a
// problem with the file, with its line, and nothing is written, even with
// --skip-invalid.
func TestJSONFileProblems(t *testing.T) {
	rec := `{"names":[{"value":"Synthetic A"}]}`
	tests := []struct {
		name, data, want string
		line             int
	}{
		{"Malformed", "[" + rec + ",\n" + `{"names":[{"value":"Synthetic B"}]]` + "\n]", "malformed JSON: invalid character ']' after object key:value pair", 2},
		{"MissingComma", "[\n" + rec + "\n" + rec + "\n]", "malformed JSON: expected comma after array element", 3},
		{"TrailingComma", "[\n" + rec + ",\n]", "malformed JSON: invalid character ']' looking for beginning of value", 3},
		{"TrailingData", "[" + rec + "]\n\n" + rec, "the array of records ends on line 1, yet the file goes on", 3},
		{"SecondArray", "[" + rec + "]\n[]", "the array of records ends on line 1, yet the file goes on", 2},
		{"Object", "\n" + rec, "the file holds one JSON object; a JSON array of records, [{…}, {…}], is expected", 2},
		{"String", `"Synthetic"`, "the file holds a JSON string", 1},
		{"Number", `17`, "the file holds a JSON number", 1},
		{"Empty", "", "the file is empty", 0},
		{"OnlySpace", " \n\t", "the file is empty", 0},
		{"ArrayNotClosed", "[\n" + rec + ",\n" + rec + "\n", "the file ends before the array of records is closed with ]", 3},
		{"RecordNotClosed", "[\n" + rec + ",\n" + `{"names":[{"value":"Synth`, "the file ends inside the record that begins on this line", 3},
		{"CSV", "name,sex\nSynthetic,male\n", "malformed JSON", 1},
		{"UTF16", "\xFF\xFE[\x00]\x00", "the file is in UTF-16; a JSON file must be in UTF-8", 0},
		{"Garbage", "[\n\x00]", "malformed JSON: invalid character '\\x00'", 2},
	}
	for _, tt := range tests {
		for _, skip := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/skip=%v", tt.name, skip), func(t *testing.T) {
				db := openDB(t)
				rep := importBytes(t, db, qantar.KindPerson, "persons.json", []byte(tt.data), csvio.Options{SkipInvalid: skip})
				if len(rep.Problems) == 0 {
					t.Fatalf("no problem")
				}
				last := rep.Problems[len(rep.Problems)-1]
				if !strings.Contains(last.Message, tt.want) || last.Line != tt.line || last.Column != "" {
					t.Errorf("problem %q; want %q on line %d\n%s", last, tt.want, tt.line, problems(rep))
				}
				if rep.Written || count(t, db, qantar.KindPerson) != 0 {
					t.Errorf("written %v, %d persons stored; want nothing", rep.Written, count(t, db, qantar.KindPerson))
				}
			})
		}
	}
}

// TestJSONOptionsThatDoNotApply: a mapping or a non-UTF-8 encoding with a
// JSON file is a problem, not silently ignored.
func TestJSONOptionsThatDoNotApply(t *testing.T) {
	db := openDB(t)
	data := []byte(`[{"names":[{"value":"Synthetic A"}]}]`)
	rep := importBytes(t, db, qantar.KindPerson, "p.json", data, csvio.Options{Mapping: mapping(t, "ФИО: name\n")})
	if rep.OK() || !strings.Contains(problems(rep), "takes no mapping") {
		t.Errorf("with a mapping:\n%s", problems(rep))
	}
	rep = importBytes(t, db, qantar.KindPerson, "p.json", data, csvio.Options{Read: csvio.ReadOptions{Encoding: "cp1251"}})
	if rep.OK() || !strings.Contains(problems(rep), `encoding "cp1251" does not apply`) {
		t.Errorf("with cp1251:\n%s", problems(rep))
	}
	rep = importBytes(t, db, qantar.KindPerson, "p.json", data, csvio.Options{Read: csvio.ReadOptions{Encoding: "utf-8", Delimiter: ';'}})
	if !rep.OK() || rep.Created != 1 {
		t.Errorf("with utf-8 and a delimiter (which JSON has no use for): created %d\n%s", rep.Created, problems(rep))
	}
}

// TestJSONDetected: JSON is known by its name, or, when the name says
// nothing, by its first character; a table is still read as a table.
func TestJSONDetected(t *testing.T) {
	js := "\xEF\xBB\xBF \r\n[\n" + `{"external_key":"d1","names":[{"value":"Synthetic Detected"}]}` + "\n]\n"
	csv := "external_key,name\nd2,Synthetic Table\n"
	for _, tt := range []struct {
		name, file, data, format, enc string
	}{
		{"NoExtension", "upload", js, csvio.FormatJSON, csvio.EncUTF8BOM},
		{"Txt", "list.txt", js, csvio.FormatJSON, csvio.EncUTF8BOM},
		{"JSONName", "list.JSON", js[3:], csvio.FormatJSON, csvio.EncUTF8},
		{"TableNoExtension", "upload", csv, csvio.FormatCSV, csvio.EncUTF8},
		{"TableTxt", "list.txt", csv, csvio.FormatCSV, csvio.EncUTF8},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := openDB(t)
			rep := importBytes(t, db, qantar.KindPerson, tt.file, []byte(tt.data), csvio.Options{})
			if !rep.OK() || rep.Created != 1 {
				t.Fatalf("created %d\n%s", rep.Created, problems(rep))
			}
			if tr := rep.Tables[0]; tr.Format != tt.format || tr.Encoding != tt.enc {
				t.Errorf("read as %s %s; want %s %s", tr.Format, tr.Encoding, tt.format, tt.enc)
			}
		})
	}
	// A .csv name is a table whatever it holds.
	rep := importBytes(t, openDB(t), qantar.KindPerson, "list.csv", []byte(js), csvio.Options{})
	if rep.OK() || rep.Tables[0].Format != csvio.FormatCSV {
		t.Errorf("a .csv file holding JSON read as %s:\n%s", rep.Tables[0].Format, problems(rep))
	}
}

// TestJSONSkipInvalid: the valid elements are in; the rejected ones are
// written back as a JSON array, each exactly as the file had it, and that
// file, fixed, imports.
func TestJSONSkipInvalid(t *testing.T) {
	db := openDB(t)
	elems := []string{
		`{"external_key":"r1","names":[{"value":"Synthetic Aliya"}]}`,
		`{"external_key":"r2", "names":[{"value":"Synthetic Bolat"}], "birth_date":"1990-02-31"}`,
		`{"external_key":"r3","names":[{"value":"Synthetic Dana"}]}`,
		"{\n    \"external_key\": \"r4\",\n    \"names\": [{\"value\": \"Synthetic Erlan\"}],\n    \"sex\": \"robot\"\n  }",
		`"r5"`,
	}
	data := "[\n" + strings.Join(elems, ",\n  ") + "\n]\n"
	rep := importBytes(t, db, qantar.KindPerson, "list.json", []byte(data), csvio.Options{SkipInvalid: true})
	if rep.Created != 2 || rep.Rejected != 3 || !rep.Written {
		t.Fatalf("created %d rejected %d written %v; want 2, 3, true\n%s", rep.Created, rep.Rejected, rep.Written, problems(rep))
	}
	if n := count(t, db, qantar.KindPerson); n != 2 {
		t.Errorf("%d persons stored, want 2", n)
	}
	var rej bytes.Buffer
	if err := rep.WriteRejected(&rej, 0); err != nil {
		t.Fatal(err)
	}
	want := "[\n" + elems[1] + ",\n" + elems[3] + ",\n" + elems[4] + "\n]\n"
	if rej.String() != want {
		t.Errorf("rejected file:\n%s\nwant\n%s", rej.String(), want)
	}
	// Fixed, the rejected file imports.
	fixed := strings.NewReplacer("1990-02-31", "1990-02-28", `"robot"`, `"male"`, `,
"r5"`, "").Replace(rej.String())
	rep = importBytes(t, db, qantar.KindPerson, "list.rejected.json", []byte(fixed), csvio.Options{})
	if !rep.OK() || rep.Created != 2 {
		t.Fatalf("fixed file: created %d\n%s\n%s", rep.Created, problems(rep), fixed)
	}
	// Nothing rejected: an empty array.
	rej.Reset()
	if err := rep.WriteRejected(&rej, 0); err != nil || rej.String() != "[\n]\n" {
		t.Errorf("no rejected rows: %v %q", err, rej.String())
	}
}

// TestJSONIdempotentAndDryRun: the same file twice changes nothing the
// second time; an edited element becomes a new version; a dry run says
// what would change and writes nothing.
func TestJSONIdempotentAndDryRun(t *testing.T) {
	db := openDB(t)
	file := func(birth string) []byte {
		return []byte(`[{"external_key":"x1","names":[{"value":"Synthetic Aliya"}],"birth_date":"1990"},
{"external_key":"x2","names":[{"value":"Synthetic Bolat"}],"birth_date":"` + birth + `"}]`)
	}
	rep := importBytes(t, db, qantar.KindPerson, "a.json", file("1980"), csvio.Options{DryRun: true})
	if !rep.OK() || rep.Written || rep.Created != 2 || count(t, db, qantar.KindPerson) != 0 {
		t.Fatalf("dry run: written %v created %d, %d stored\n%s", rep.Written, rep.Created, count(t, db, qantar.KindPerson), problems(rep))
	}
	rep = importBytes(t, db, qantar.KindPerson, "a.json", file("1980"), csvio.Options{})
	if rep.Created != 2 || !rep.Written {
		t.Fatalf("first import created %d\n%s", rep.Created, problems(rep))
	}
	rep = importBytes(t, db, qantar.KindPerson, "a.json", file("1980"), csvio.Options{})
	if rep.Created != 0 || rep.Unchanged != 2 || rep.Updated != 0 {
		t.Fatalf("second import: created %d updated %d unchanged %d; want 0 0 2", rep.Created, rep.Updated, rep.Unchanged)
	}
	rep = importBytes(t, db, qantar.KindPerson, "a.json", file("1981"), csvio.Options{DryRun: true})
	if rep.Updated != 1 || rep.Written {
		t.Fatalf("dry run of an edit: updated %d written %v", rep.Updated, rep.Written)
	}
	rep = importBytes(t, db, qantar.KindPerson, "a.json", file("1981"), csvio.Options{})
	if rep.Created != 0 || rep.Unchanged != 1 || rep.Updated != 1 {
		t.Fatalf("edited import: created %d updated %d unchanged %d; want 0 1 1", rep.Created, rep.Updated, rep.Unchanged)
	}
	p, err := db.GetByExternalKey(ctx(), qantar.KindPerson, "x2")
	if err != nil {
		t.Fatal(err)
	}
	if p.GetMeta().Version != 2 || p.(*qantar.Person).BirthDate.String() != "1981" {
		t.Errorf("x2 is version %d born %s; want version 2 born 1981", p.GetMeta().Version, p.(*qantar.Person).BirthDate)
	}
}

func writeJSONDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestJSONReferencesByID: in an export directory, ids tie the files
// together: a reference to an id another element of the import carries
// names that element's new record, whatever its id becomes; an id found
// nowhere, or that of a rejected element, is a problem.
func TestJSONReferencesByID(t *testing.T) {
	db := openDB(t)
	// Records already in the store take the low ids, so the new ids differ
	// from the file's.
	for i := range 5 {
		if err := db.Create(ctx(), editor, &qantar.Place{Name: qantar.Text{"en": "Synthetic place " + string(rune('A'+i))}, PlaceKind: "city"}); err != nil {
			t.Fatal(err)
		}
	}
	places := `[
{"id":2,"name":{"en":"Synthetic Region"},"kind":"region"},
{"id":3,"name":{"en":"Synthetic City"},"kind":"city","region_then_id":2}
]`
	persons := `[
{"id":2,"names":[{"value":"Synthetic Victim"}],"birth_place_id":3}
]`
	acts := `[
{"id":1,"victim_id":2,"type":"killing_crowd_control","place_id":3},
{"id":2,"victim_id":2,"type":"torture","place_id":1}
]`
	dir := writeJSONDir(t, map[string]string{"places.json": places, "persons.json": persons, "acts.json": acts, "acts.txt": "ignored"})
	rep, err := csvio.ImportDir(ctx(), db, dir, csvio.Options{Actor: editor})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.Created != 5 {
		t.Fatalf("created %d\n%s", rep.Created, problems(rep))
	}
	var names []string
	for _, tr := range rep.Tables {
		names = append(names, tr.Name)
	}
	if got := strings.Join(names, " "); got != "places.json persons.json acts.json" {
		t.Errorf("tables read: %s; want the kinds' order", got)
	}
	city := findPlace(t, db, "Synthetic City")
	region := findPlace(t, db, "Synthetic Region")
	if city.RegionThenID != region.ID || city.ID == 3 {
		t.Errorf("city %d's region is %d, want the new region %d", city.ID, city.RegionThenID, region.ID)
	}
	recs, _, err := db.List(ctx(), qantar.KindAct, qantar.Filter{Sort: "id", Reader: qantar.System})
	if err != nil || len(recs) != 2 {
		t.Fatalf("%d acts, %v", len(recs), err)
	}
	victims, _, _ := db.List(ctx(), qantar.KindPerson, qantar.Filter{Reader: qantar.System})
	if a := recs[0].(*qantar.Act); a.VictimID != victims[0].GetMeta().ID || a.PlaceID != city.ID {
		t.Errorf("act 1 names victim %d place %d; want %d %d", a.VictimID, a.PlaceID, victims[0].GetMeta().ID, city.ID)
	}
	// Place 1 is in no file: it is the store's place 1.
	if a := recs[1].(*qantar.Act); a.PlaceID != 1 {
		t.Errorf("act 2 names place %d; want the store's place 1", a.PlaceID)
	}

	// Problems: an id found nowhere; a reference to a rejected element.
	dir = writeJSONDir(t, map[string]string{
		"persons.json": `[
{"id":2,"names":[{"value":""}]}
]`,
		"acts.json": `[
{"id":1,"victim_id":2,"type":"torture"},
{"id":2,"victim_id":9999,"type":"torture"}
]`,
	})
	before := count(t, db, qantar.KindAct)
	rep, err = csvio.ImportDir(ctx(), db, dir, csvio.Options{Actor: editor})
	if err != nil {
		t.Fatal(err)
	}
	text := problems(rep)
	for _, want := range []string{
		`persons.json: line 2, column "names[0].value": is required`,
		`acts.json: line 2, column "victim_id": refers to person 2 on line 2, which has problems`,
		`acts.json: line 3, column "victim_id": person 9999 does not exist`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %s\ngot:\n%s", want, text)
		}
	}
	if rep.Written || count(t, db, qantar.KindAct) != before {
		t.Error("written despite problems")
	}
}

func findPlace(t *testing.T, st qantar.Store, en string) struct{ ID, RegionThenID int64 } {
	t.Helper()
	recs, _, err := st.List(ctx(), qantar.KindPlace, qantar.Filter{Reader: qantar.System, Limit: qantar.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if p := r.(*qantar.Place); p.Name["en"] == en {
			return struct{ ID, RegionThenID int64 }{p.ID, p.RegionThenID}
		}
	}
	t.Fatalf("no place %q", en)
	return struct{ ID, RegionThenID int64 }{}
}

// endless is a reader that gives head, then body again and again, for ever.
type endless struct {
	head, body []byte
	n          int64
}

func (e *endless) Read(p []byte) (int, error) {
	i := 0
	for i < len(p) {
		if e.n < int64(len(e.head)) {
			i += copy(p[i:], e.head[e.n:])
			e.n += int64(i)
			continue
		}
		off := (e.n - int64(len(e.head))) % int64(len(e.body))
		c := copy(p[i:], e.body[off:])
		i += c
		e.n += int64(c)
	}
	return i, nil
}

// TestJSONLimits: an enormous record, string, run of space, nesting or
// file is a problem, found without reading the rest (the inputs here never
// end).
func TestJSONLimits(t *testing.T) {
	tests := []struct {
		name      string
		r         io.Reader
		max       int64
		want      string
		line      int
		fileLevel bool
	}{
		{"EndlessRecord", &endless{head: []byte("[\n{\"names\":[{\"value\":\"Synthetic\"}],\"description\":{\"en\":\""), body: []byte("x")},
			0, "the record that begins on this line is longer than 16 MiB", 2, true},
		{"EndlessSpace", &endless{head: []byte("[\n{}"), body: []byte(" \n")}, 0, "more than 16 MiB of space without a record", 2, true},
		{"EndlessNesting", &endless{head: []byte("[\n"), body: []byte("[")}, 0, "exceeded max depth", 2, true},
		{"EndlessArray", &endless{head: []byte("[\n"), body: []byte(`{"names":[{"value":"Synthetic"}]},` + "\n")}, 1 << 20, "the file is larger than 1 MiB", 0, true},
		{"LongString", strings.NewReader("[\n" + `{"names":[{"value":"Synthetic"}],"description":{"en":"` + strings.Repeat("x", csvio.MaxCellBytes+1) + `"}}]`),
			0, "holds a string longer than 1024 KiB", 2, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openDB(t)
			rep, err := csvio.Import(ctx(), db, qantar.KindPerson, tt.r, "p.json", csvio.Options{Actor: editor, Read: csvio.ReadOptions{MaxBytes: tt.max}})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Problems) == 0 {
				t.Fatal("no problem")
			}
			p := rep.Problems[len(rep.Problems)-1]
			if !strings.Contains(p.Message, tt.want) || p.Line != tt.line || (p.Column == "") != tt.fileLevel {
				t.Errorf("problem %+v; want %q on line %d", p, tt.want, tt.line)
			}
			if rep.Written || count(t, db, qantar.KindPerson) != 0 {
				t.Error("written despite problems")
			}
		})
	}
}

// keyAll gives every record of the store an external key, so that an
// export of it imports idempotently.
func keyAll(t *testing.T, st qantar.Store) {
	t.Helper()
	for _, k := range qantar.Kinds {
		recs, _, err := st.List(ctx(), k, qantar.Filter{Sort: "id", Limit: qantar.MaxLimit, Reader: qantar.System})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			m := r.GetMeta()
			if m.ExternalKey != "" {
				continue
			}
			m.ExternalKey = fmt.Sprintf("synthetic-%s-%d", k.Singular(), m.ID)
			if err := st.Update(ctx(), editor, r); err != nil {
				t.Fatalf("key %s %d: %v", k, m.ID, err)
			}
		}
	}
}

// TestJSONExportImportRoundTrip: `export --format json` then import into an
// empty database gives the same records, every kind, with the references
// between them remapped; importing the same export again changes nothing
// when every record has an external key.
func TestJSONExportImportRoundTrip(t *testing.T) {
	src := openDB(t)
	seed(t, src)
	check := func(t *testing.T, src qantar.Store) (string, qantar.Store) {
		t.Helper()
		want := asExported(t, src)
		dir := t.TempDir()
		if _, err := csvio.Export(ctx(), src, dir, csvio.ExportOptions{Format: "json"}); err != nil {
			t.Fatal(err)
		}
		dst := openDB(t)
		rep, err := csvio.ImportDir(ctx(), dst, dir, csvio.Options{Actor: editor})
		if err != nil {
			t.Fatal(err)
		}
		if !rep.OK() || len(rep.Tables) != len(qantar.Kinds) {
			t.Fatalf("%d tables; import problems:\n%s", len(rep.Tables), problems(rep))
		}
		for _, tr := range rep.Tables {
			if tr.Format != csvio.FormatJSON {
				t.Errorf("%s read as %s", tr.Name, tr.Format)
			}
		}
		got := translated(t, dst)
		for _, k := range qantar.Kinds {
			if len(want[k]) == 0 {
				t.Fatalf("the seed has no %s", k)
			}
			if strings.Join(got[k], "\n") != strings.Join(want[k], "\n") {
				t.Errorf("%s differ:\n got %s\nwant %s", k, strings.Join(got[k], "\n     "), strings.Join(want[k], "\n     "))
			}
		}
		return dir, dst
	}
	check(t, src)

	keyAll(t, src)
	dir, dst := check(t, src)
	before := translated(t, dst)
	rep, err := csvio.ImportDir(ctx(), dst, dir, csvio.Options{Actor: editor})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, r := range before {
		total += len(r)
	}
	if !rep.OK() || rep.Created != 0 || rep.Updated != 0 || rep.Unchanged != total {
		t.Fatalf("second import: created %d updated %d unchanged %d (of %d)\n%s", rep.Created, rep.Updated, rep.Unchanged, total, problems(rep))
	}
	after := translated(t, dst)
	for _, k := range qantar.Kinds {
		if strings.Join(after[k], "\n") != strings.Join(before[k], "\n") {
			t.Errorf("%s changed on the second import", k)
		}
	}
}

// TestJSONRejectedIsValidJSON: whatever the elements, the rejected file is
// a JSON array of exactly the rejected ones.
func TestJSONRejectedIsValidJSON(t *testing.T) {
	db := openDB(t)
	data := "[1, \"two\", null, [3], {\"names\": 4}, {\"names\":[{\"value\":\"Synthetic\"}]}, true]"
	rep := importBytes(t, db, qantar.KindPerson, "odd.json", []byte(data), csvio.Options{SkipInvalid: true})
	if rep.Created != 1 || rep.Rejected != 6 {
		t.Fatalf("created %d rejected %d\n%s", rep.Created, rep.Rejected, problems(rep))
	}
	var rej bytes.Buffer
	if err := rep.WriteRejected(&rej, 0); err != nil {
		t.Fatal(err)
	}
	var got []json.RawMessage
	if err := json.Unmarshal(rej.Bytes(), &got); err != nil {
		t.Fatalf("rejected file is not JSON: %v\n%s", err, rej.String())
	}
	var all []json.RawMessage
	json.Unmarshal([]byte(data), &all)
	want := append(append([]json.RawMessage{}, all[:5]...), all[6])
	if len(got) != len(want) {
		t.Fatalf("rejected %d elements, want %d", len(got), len(want))
	}
	for i := range got {
		if !bytes.Equal(got[i], want[i]) {
			t.Errorf("rejected element %d is %s, want %s", i, got[i], want[i])
		}
	}
}

// TestJSONFieldGivenTwiceOnce: a field given twice is one problem of its
// element, however many times it repeats (both ways of looking: few
// members, many members).
func TestJSONFieldGivenTwiceOnce(t *testing.T) {
	db := openDB(t)
	many := `{"names":[{"value":"Synthetic Many"}]` + strings.Repeat(`,"sex":"male"`, 40) + "}"
	few := `{"names":[{"value":"Synthetic Few"}],"Sex":"male","sex":"female","SEX":"male"}`
	rep := importBytes(t, db, qantar.KindPerson, "p.json", []byte("[\n"+many+",\n"+few+"\n]"), csvio.Options{})
	want := "line 2, column \"sex\": the field is given twice\n" +
		"line 3, column \"sex\": the field is given twice (also as \"Sex\")\n"
	if got := problems(rep); got != want {
		t.Errorf("problems:\n%s\nwant\n%s", got, want)
	}
}

// BenchmarkImportPersonsJSON reads and validates the same synthetic persons
// from CSV and from JSON (as the export writes them), to compare the two
// readers: the write that follows is the same for both.
func BenchmarkImportPersonsJSON(b *testing.B) {
	const n = 20000
	var c, j bytes.Buffer
	c.WriteString("external_key,name_ru,sex,birth_date,description_ru\n")
	j.WriteString("[")
	sexes := []string{"male", "female", "unknown"}
	for i := range n {
		fmt.Fprintf(&c, "SYN-%07d,Синтетический Человек %d,%s,%d-%02d-%02d,запись %d синтетического списка\n",
			i, i, sexes[i%3], 1940+i%70, 1+i%12, 1+i%28, i)
		if i > 0 {
			j.WriteString(",")
		}
		fmt.Fprintf(&j, "\n{\"id\":%d,\"version\":1,\"created_at\":\"2024-01-02T03:04:05Z\",\"updated_at\":\"2024-01-02T03:04:05Z\",\"external_key\":\"SYN-%07d\","+
			"\"names\":[{\"value\":\"Синтетический Человек %d\",\"lang\":\"ru\",\"script\":\"Cyrl\"}],\"sex\":%q,\"birth_date\":\"%d-%02d-%02d\","+
			"\"description\":{\"ru\":\"запись %d синтетического списка\"},\"protection\":\"public\"}", i+1, i, i, sexes[i%3], 1940+i%70, 1+i%12, 1+i%28, i)
	}
	j.WriteString("\n]\n")
	db := openDB(b)
	for _, in := range []struct {
		name string
		data []byte
	}{{"persons.csv", c.Bytes()}, {"persons.json", j.Bytes()}} {
		b.Run(in.name, func(b *testing.B) {
			var validate time.Duration
			for range b.N {
				start := time.Now()
				var end time.Time
				progress := func(p csvio.Progress) {
					if p.Phase == "write" && end.IsZero() {
						end = time.Now()
					}
				}
				// A dry run: read, validate, then a write that is rolled back.
				rep, err := csvio.Import(ctx(), db, qantar.KindPerson, bytes.NewReader(in.data), in.name, csvio.Options{Actor: editor, DryRun: true, Progress: progress})
				if err != nil || !rep.OK() || rep.Created != n {
					b.Fatalf("created %d: %v %v", rep.Created, err, rep.Problems[:min(3, len(rep.Problems))])
				}
				validate += end.Sub(start)
			}
			b.ReportMetric(float64(n*b.N)/validate.Seconds(), "validate_rows/s")
			b.ReportMetric(float64(len(in.data)), "bytes")
		})
	}
}
