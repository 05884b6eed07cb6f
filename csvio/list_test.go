package csvio_test

import (
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/csvio"
	"golang.org/x/text/encoding/charmap"
)

// importList imports text (UTF-8, or Windows-1251 when cp1251) as a list.
func importList(t *testing.T, st qantar.Store, l csvio.List, name, text string, cp1251 bool) *csvio.Report {
	t.Helper()
	if cp1251 {
		b, err := charmap.Windows1251.NewEncoder().String(text)
		if err != nil {
			t.Fatal(err)
		}
		text = b
	}
	rep, err := csvio.ImportList(ctx(), st, csvio.Input{Name: name, R: strings.NewReader(text)}, l, csvio.Options{Actor: editor})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func mustOK(t *testing.T, rep *csvio.Report) {
	t.Helper()
	if !rep.OK() || !rep.Written {
		var b strings.Builder
		rep.WriteText(&b, 20)
		t.Fatalf("import failed:\n%s", b.String())
	}
}

func byKey(t *testing.T, st qantar.Store, k qantar.Kind, key string) qantar.Record {
	t.Helper()
	rec, err := st.GetByExternalKey(ctx(), k, key)
	if err != nil {
		t.Fatalf("%s %q: %v", k, key, err)
	}
	return rec
}

const azattyq = "№;ФИО;Дата гибели;Место гибели;Возраст\n" +
	"1;Иванов Иван Иванович;06.01.2022;Алматы;34\n" +
	"2;Сериков А.Б.;05.01.2022;Талдыкорган;\n" +
	"3;Петрова Анна;;;\n"

func TestImportListMakesPersonsActsAndCitations(t *testing.T) {
	db := openDB(t)
	almaty := &qantar.Place{Name: qantar.Text{"kk": "Алматы", "kk-Latn": "Almaty", "en": "Almaty"}}
	if err := db.Create(ctx(), editor, almaty); err != nil {
		t.Fatal(err)
	}
	mustOK(t, importList(t, db, csvio.List{Name: "Азаттык"}, "azattyq.csv", azattyq, true))
	if got := count(t, db, qantar.KindPerson); got != 3 {
		t.Fatalf("persons: %d, want 3", got)
	}
	if got := count(t, db, qantar.KindAct); got != 2 {
		t.Fatalf("acts: %d, want 2 (row 3 gives no death)", got)
	}
	if got := count(t, db, qantar.KindCitation); got != 3 {
		t.Fatalf("citations: %d, want 3 (one a row: of the act, or of the person when the row gives no death)", got)
	}
	if got := count(t, db, qantar.KindPlace); got != 2 {
		t.Fatalf("places: %d, want 2 (Almaty found, Taldykorgan created)", got)
	}
	src := byKey(t, db, qantar.KindSource, csvio.ListKey("Азаттык")).(*qantar.Source)
	if src.SourceKind != "list" || src.Title["und"] != "Азаттык" {
		t.Fatalf("list source: %+v", src)
	}
	p := byKey(t, db, qantar.KindPerson, src.ExternalKey+"#1").(*qantar.Person)
	if p.PrimaryName() != "Иванов Иван Иванович" || p.ProtectionLevel() != qantar.Restricted {
		t.Fatalf("person 1: %+v (level %s)", p, p.ProtectionLevel())
	}
	act := byKey(t, db, qantar.KindAct, src.ExternalKey+"#1/death").(*qantar.Act)
	if act.VictimID != p.ID || act.PlaceID != almaty.ID || act.Date.String() != "2022-01-06" || act.ActType != "killing" || act.VictimStatus != "dead" {
		t.Fatalf("act 1: %+v", act)
	}
	c := byKey(t, db, qantar.KindCitation, src.ExternalKey+"#1/death/cite").(*qantar.Citation)
	if c.SourceID != src.ID || c.RecordKind != qantar.KindAct || c.RecordID != act.ID || c.Page != "№ 1" || !strings.Contains(c.Quote, "Возраст: 34") {
		t.Fatalf("citation 1: %+v", c)
	}
	p3 := byKey(t, db, qantar.KindPerson, src.ExternalKey+"#3").(*qantar.Person)
	c3 := byKey(t, db, qantar.KindCitation, src.ExternalKey+"#3/cite").(*qantar.Citation)
	if c3.RecordKind != qantar.KindPerson || c3.RecordID != p3.ID || c3.Page != "№ 3" {
		t.Fatalf("citation 3 (a row without a death cites its person): %+v", c3)
	}
}

func TestImportListAgainChangesNothingAnEditorDid(t *testing.T) {
	db := openDB(t)
	l := csvio.List{Name: "Азаттык"}
	mustOK(t, importList(t, db, l, "a.csv", azattyq, false))
	key := csvio.ListKey("Азаттык")
	// An editor publishes person 1 and merges person 2 into person 1.
	p1 := byKey(t, db, qantar.KindPerson, key+"#1").(*qantar.Person)
	p2 := byKey(t, db, qantar.KindPerson, key+"#2").(*qantar.Person)
	p1.Protection = qantar.Public
	p2.SameAsID = p1.ID
	for _, p := range []*qantar.Person{p1, p2} {
		if err := db.Update(ctx(), editor, p); err != nil {
			t.Fatal(err)
		}
	}
	before := contents(t, db, qantar.KindPerson)
	rep := importList(t, db, l, "a.csv", azattyq, false)
	mustOK(t, rep)
	if rep.Created+rep.Updated != 0 {
		t.Fatalf("the same list again: %d created, %d updated, want none", rep.Created, rep.Updated)
	}
	if after := contents(t, db, qantar.KindPerson); strings.Join(after, "\n") != strings.Join(before, "\n") {
		t.Fatalf("persons changed:\n%v\n%v", before, after)
	}
	// An edited row is a new version of its act; the editor's decisions stay.
	edited := strings.Replace(azattyq, "06.01.2022", "07.01.2022", 1)
	rep = importList(t, db, l, "a.csv", edited, false)
	mustOK(t, rep)
	if rep.Updated != 2 || rep.Created != 0 {
		t.Fatalf("edited row: %d updated (want the act and the citation quoting the row), %d created", rep.Updated, rep.Created)
	}
	p1 = byKey(t, db, qantar.KindPerson, key+"#1").(*qantar.Person)
	p2 = byKey(t, db, qantar.KindPerson, key+"#2").(*qantar.Person)
	if p1.Protection != qantar.Public || p2.SameAsID != p1.ID {
		t.Fatalf("the editor's decisions were undone: %+v %+v", p1, p2)
	}
	// Another list's row 1 is another person.
	mustOK(t, importList(t, db, csvio.List{Name: "Другой список"}, "b.csv", "№;ФИО\n1;Иванов Иван Иванович\n", false))
	if got := count(t, db, qantar.KindPerson); got != 4 {
		t.Fatalf("persons after a second list: %d, want 4", got)
	}
}

func TestImportListProblemsWriteNothing(t *testing.T) {
	db := openDB(t)
	for _, p := range []*qantar.Place{
		{Name: qantar.Text{"ru": "Октябрьский"}},
		{Name: qantar.Text{"ru": "Октябрьский", "en": "Oktyabrsky"}, Notes: qantar.Text{"en": "another village"}},
	} {
		if err := db.Create(ctx(), editor, p); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct{ name, text, want string }{
		{"number twice", "№;ФИО\n1;А\n1;Б\n", "already on line 2"},
		{"bad date", "№;ФИО;Дата гибели\n1;А;31.02.2022\n", "Дата гибели"},
		{"place of several", "№;ФИО;Место гибели\n1;А;Октябрьский\n", "several places"},
		{"unknown column", "№;ФИО;Цвет\n1;А;red\n", `"Цвет" is not a column of a list`},
		{"no names", "№;Дата гибели\n1;06.01.2022\n", "needs a column of names"},
		{"no number", "№;ФИО\n;А\n", "has no number"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep := importList(t, db, csvio.List{Name: "L"}, "l.csv", c.text, false)
			var b strings.Builder
			rep.WriteText(&b, 20)
			if rep.Written || !strings.Contains(b.String(), c.want) {
				t.Fatalf("want a problem with %q and nothing written; got written=%v:\n%s", c.want, rep.Written, b.String())
			}
			if n := count(t, db, qantar.KindPerson) + count(t, db, qantar.KindSource); n != 0 {
				t.Fatalf("%d records written", n)
			}
		})
	}
}

func TestImportListSplitNamesAndMapping(t *testing.T) {
	db := openDB(t)
	text := "Тегі;Аты;Әкесінің аты;Жынысы;Қаза болған күні;Ескі баған\nӘбілова;Жанна;Серікқызы;ә;2022-01-07;x\n"
	m, err := csvio.ParseMapping(strings.NewReader("columns:\n  Ескі баған: \"-\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := csvio.ImportList(ctx(), db, csvio.Input{Name: "kk.csv", R: strings.NewReader(text)}, csvio.List{Name: "Тізім"}, csvio.Options{Actor: editor, Mapping: m})
	if err != nil {
		t.Fatal(err)
	}
	mustOK(t, rep)
	recs, _, err := db.List(ctx(), qantar.KindPerson, qantar.Filter{Reader: qantar.System})
	if err != nil || len(recs) != 1 {
		t.Fatalf("%v %d", err, len(recs))
	}
	p := recs[0].(*qantar.Person)
	if p.PrimaryName() != "Әбілова Жанна Серікқызы" || p.Sex != "female" {
		t.Fatalf("person: %+v", p)
	}
}

// A № column in a plain import is not taken for an external key: another
// list numbered from 1 would otherwise update this one's persons.
func TestPlainImportRefusesRowNumbers(t *testing.T) {
	db := openDB(t)
	rep, err := csvio.Import(ctx(), db, qantar.KindPerson, strings.NewReader("№;ФИО\n1;Иванов Иван\n"), "p.csv", csvio.Options{Actor: editor})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	rep.WriteText(&b, 5)
	if rep.Written || !strings.Contains(b.String(), "--list") {
		t.Fatalf("want the № column refused with a word on --list:\n%s", b.String())
	}
}
