package csvio_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/csvio"
)

// victims is a small synthetic victim list as a Kazakh NGO might keep it.
var victims = [][]string{
	{"№ записи", "ФИО погибшего", "Дата рождения", "Пол", "Примечание"},
	{"A-1", "Иванов Иван Иванович", "05.03.1990", "М", "погиб 5 января"},
	{"A-2", "Серікова Айгүл", "1985", "ж", ""},
	{"A-3", "Petrov Petr", "~07.1971", "мужской", "свидетель; \"=SUM(A1)\""},
}

const victimsMap = `# mapping of the synthetic test list
columns:
  № записи: external_key
  ФИО погибшего: name
`

func mapping(t *testing.T, s string) *csvio.Mapping {
	t.Helper()
	m, err := csvio.ParseMapping(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestImportSameRecordsFromEveryEncoding: the same rows in Windows-1251
// with semicolons, UTF-8 with BOM, UTF-16 with BOM, tab-separated and
// XLSX give the same records.
func TestImportSameRecordsFromEveryEncoding(t *testing.T) {
	// Windows-1251 has no Kazakh letters: the 1251 file carries a Russian spelling.
	rows1251 := [][]string{victims[0], victims[1], {"A-2", "Серикова Айгуль", "1985", "ж", ""}, victims[3]}
	rowsKK := [][]string{victims[0], victims[1], {"A-2", "Серикова Айгуль", "1985", "ж", ""}, victims[3]}
	inputs := []struct {
		name string
		file string
		data []byte
	}{
		{"Windows1251Semicolon", "list.csv", cp1251(t, csvText(t, ';', rows1251))},
		{"UTF8BOMComma", "list.csv", append([]byte{0xEF, 0xBB, 0xBF}, csvText(t, ',', rowsKK)...)},
		{"UTF16LEBOMTab", "list.txt", utf16le(t, csvText(t, '\t', rowsKK))},
		{"TSV", "list.tsv", []byte(csvText(t, '\t', rowsKK))},
		{"XLSX", "list.xlsx", xlsxBytes(t, rowsKK)},
	}
	var want []string
	for _, in := range inputs {
		t.Run(in.name, func(t *testing.T) {
			db := openDB(t)
			rep := importBytes(t, db, qantar.KindPerson, in.file, in.data, csvio.Options{Mapping: mapping(t, victimsMap)})
			if !rep.OK() {
				t.Fatalf("problems:\n%s", problems(rep))
			}
			if rep.Created != 3 || !rep.Written {
				t.Fatalf("created %d, written %v; want 3, true", rep.Created, rep.Written)
			}
			got := contents(t, db, qantar.KindPerson)
			if want == nil {
				want = got
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("records differ from the first input's:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
	// The content itself, once: dates converted, sex from М/ж/мужской,
	// the formula-looking note kept as text.
	all := strings.Join(want, "\n")
	for _, s := range []string{`"birth_date":"1990-03-05"`, `"birth_date":"1985"`, `"birth_date":"~1971-07"`,
		`"sex":"male"`, `"sex":"female"`, `"external_key":"A-3"`, `"value":"Иванов Иван Иванович","script":"Cyrl"`,
		`\"=SUM(A1)\"`} {
		if !strings.Contains(all, s) {
			t.Errorf("records lack %s:\n%s", s, all)
		}
	}
}

// TestImportReportsEveryProblemAndWritesNothing: errors on several lines
// are all reported with line and column, and the store is unchanged.
func TestImportReportsEveryProblemAndWritesNothing(t *testing.T) {
	db := openDB(t)
	data := csvText(t, ';', [][]string{
		{"Ключ", "ФИО", "Дата рождения", "Пол", "Защита"},
		{"k1", "Ахметов Серик", "12.05.1980", "М", ""},
		{"k2", "Бекова Сая", "31.02.1990", "Ж", ""},
		{"k3", "", "1970", "Ж", ""},
		{"k4", "Оспанов Ерлан", "1975", "робот", "секретно"},
		{"k1", "Дубль", "", "", ""},
		{"k6", "Ким Елена", "", "", ""},
	})
	rep := importBytes(t, db, qantar.KindPerson, "list.csv", []byte(data), csvio.Options{})
	text := problems(rep)
	for _, want := range []string{
		`line 3, column "Дата рождения": "31.02.1990" is not a date: February has no day 31`,
		`line 4, column "ФИО": at least one name is required`,
		`line 5, column "Пол": "робот" is not a known sex (one of female, male, unknown)`,
		`line 5, column "Защита": "секретно" is not a known protection`,
		`line 6, column "Ключ": external key "k1" is already on line 2`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks\n  %s\ngot:\n%s", want, text)
		}
	}
	if len(rep.Problems) != 5 {
		t.Errorf("%d problems, want 5:\n%s", len(rep.Problems), text)
	}
	if rep.Written || count(t, db, qantar.KindPerson) != 0 {
		t.Errorf("written %v, %d persons in the store; want nothing", rep.Written, count(t, db, qantar.KindPerson))
	}
	var csvRep bytes.Buffer
	if err := rep.WriteCSV(&csvRep); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(csvRep.String(), `list.csv,3,Дата рождения,31.02.1990,"""31.02.1990"" is not a date`) {
		t.Errorf("CSV report:\n%s", csvRep.String())
	}
}

// TestImportSkipInvalid: the valid rows are in, and the rejected file holds
// exactly the others, unchanged, in the input's own encoding.
func TestImportSkipInvalid(t *testing.T) {
	db := openDB(t)
	rows := [][]string{
		{"ID записи", "ФИО", "Дата рождения"},
		{"r1", "Ахметов Серик", "12.05.1980"},
		{"r2", "Бекова Сая", "31.02.1990"},
		{"r3", "Ким Елена", ""},
		{"r4", "Ли Анна", "послезавтра"},
	}
	m := mapping(t, `{"ID записи": "external_key"}`)
	rep := importBytes(t, db, qantar.KindPerson, "list.csv", cp1251(t, csvText(t, ';', rows)), csvio.Options{Mapping: m, SkipInvalid: true})
	if rep.Created != 2 || rep.Rejected != 2 || !rep.Written {
		t.Fatalf("created %d rejected %d written %v; want 2, 2, true\n%s", rep.Created, rep.Rejected, rep.Written, problems(rep))
	}
	if n := count(t, db, qantar.KindPerson); n != 2 {
		t.Errorf("%d persons stored, want 2", n)
	}
	var rej bytes.Buffer
	if err := rep.WriteRejected(&rej, 0); err != nil {
		t.Fatal(err)
	}
	want := cp1251(t, csvText(t, ';', [][]string{rows[0], rows[2], rows[4]}))
	if !bytes.Equal(rej.Bytes(), want) {
		t.Errorf("rejected file:\n%q\nwant\n%q", rej.Bytes(), want)
	}
	// Fixed, the rejected file imports and the first rows are unchanged.
	fixed := bytes.Replace(bytes.Replace(rej.Bytes(), []byte("31.02"), []byte("28.02"), 1), cp1251(t, "послезавтра"), nil, 1)
	rep = importBytes(t, db, qantar.KindPerson, "list.rejected.csv", fixed, csvio.Options{Mapping: m})
	if !rep.OK() || rep.Created != 2 {
		t.Fatalf("fixed file: created %d\n%s", rep.Created, problems(rep))
	}
}

// TestImportIdempotent: the same file twice changes nothing the second
// time; an edited row becomes a new version of the same record.
func TestImportIdempotent(t *testing.T) {
	db := openDB(t)
	file := func(birth string) []byte {
		return []byte(csvText(t, ',', [][]string{
			{"external_key", "name", "birth_date"},
			{"x1", "Aliya N.", "1990"},
			{"x2", "Bolat K.", birth},
		}))
	}
	rep := importBytes(t, db, qantar.KindPerson, "a.csv", file("1980"), csvio.Options{})
	if rep.Created != 2 {
		t.Fatalf("first import created %d\n%s", rep.Created, problems(rep))
	}
	rep = importBytes(t, db, qantar.KindPerson, "a.csv", file("1980"), csvio.Options{})
	if rep.Created != 0 || rep.Unchanged != 2 || rep.Updated != 0 {
		t.Fatalf("second import: created %d updated %d unchanged %d; want 0 0 2", rep.Created, rep.Updated, rep.Unchanged)
	}
	rep = importBytes(t, db, qantar.KindPerson, "a.csv", file("1981"), csvio.Options{})
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
	if n := count(t, db, qantar.KindPerson); n != 2 {
		t.Errorf("%d persons, want 2", n)
	}
}

// TestImportReferencesByKey: acts name their victims by the person list's
// keys, found in the store; events name their parent by a key on an
// earlier line of the same file.
func TestImportReferencesByKey(t *testing.T) {
	db := openDB(t)
	rep := importBytes(t, db, qantar.KindPerson, "p.csv", []byte("external_key,name\np1,Aliya\np2,Bolat\n"), csvio.Options{})
	if !rep.OK() {
		t.Fatal(problems(rep))
	}
	rep = importBytes(t, db, qantar.KindEvent, "e.csv", []byte("external_key,title_en,parent_key,start\nJAN,January events,,2022-01\nALA,\"Almaty, 5 January\",JAN,05.01.2022\n"), csvio.Options{})
	if !rep.OK() || rep.Created != 2 {
		t.Fatalf("events: created %d\n%s", rep.Created, problems(rep))
	}
	ala, err := db.GetByExternalKey(ctx(), qantar.KindEvent, "ALA")
	if err != nil {
		t.Fatal(err)
	}
	jan, _ := db.GetByExternalKey(ctx(), qantar.KindEvent, "JAN")
	if ala.(*qantar.Event).ParentID != jan.GetMeta().ID {
		t.Errorf("ALA's parent is %d, want JAN's id %d", ala.(*qantar.Event).ParentID, jan.GetMeta().ID)
	}
	acts := "victim_key,event_key,type,date\np1,ALA,killing_crowd_control,2022-01-05\np9,ALA,torture,2022-01-06\np2,ALA,убийство,\n"
	rep = importBytes(t, db, qantar.KindAct, "acts.csv", []byte(acts), csvio.Options{})
	text := problems(rep)
	for _, want := range []string{
		`line 3, column "victim_key": no person has external key "p9", in the database or on an earlier line`,
		`line 4, column "type": "убийство" is not a known act type`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %s\ngot:\n%s", want, text)
		}
	}
	if count(t, db, qantar.KindAct) != 0 {
		t.Error("acts were written despite problems")
	}
}
