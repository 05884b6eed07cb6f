package csvio_test

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/csvio"
)

func f64(v float64) *float64 { return &v }

// seed fills st with records of every kind, with the awkward parts: texts
// in several languages, lists, a protected person, a formula-looking
// cell, negative coordinates, and a deleted record that leaves a gap in
// the ids so that ids in the new database differ.
func seed(t *testing.T, st qantar.Store) {
	t.Helper()
	c := func(r qantar.Record) qantar.Record {
		t.Helper()
		if err := st.Create(ctx(), editor, r); err != nil {
			t.Fatalf("create %s: %v", r.Kind(), err)
		}
		return r
	}
	id := func(r qantar.Record) int64 { return r.GetMeta().ID }
	gone := c(&qantar.Person{Names: []qantar.Name{{Value: "Deleted Person"}}})
	if err := st.Delete(ctx(), editor, qantar.KindPerson, id(gone), 1, "duplicate"); err != nil {
		t.Fatal(err)
	}
	src := c(&qantar.Source{SourceKind: "news", Title: qantar.Text{"ru": "Статья", "en": "Article"}, URL: "https://example.org/a",
		Notes: qantar.Text{"und": "=cmd|' /C calc'!A0"}, Date: qantar.MustDate("2022-01-06"), Reliability: "high"})
	region := c(&qantar.Place{Name: qantar.Text{"kk": "Алматы облысы", "ru": "Алматинская область", "kk-Latn": "Almaty oblysy"}, PlaceKind: "region"})
	city := c(&qantar.Place{Name: qantar.Text{"en": "Almaty"}, PlaceKind: "city", RegionThenID: id(region), Lat: f64(43.25), Lon: f64(-76.9)})
	jan := c(&qantar.Event{Title: qantar.Text{"en": "January events"}, Start: qantar.MustDate("2022-01"), End: qantar.MustDate("2022-01-20")})
	sq := c(&qantar.Event{Title: qantar.Text{"en": "Republic Square", "ru": "Площадь Республики"}, ParentID: id(jan), PlaceID: id(city),
		Start: qantar.MustDate("2022-01-05T14:30"), Description: qantar.Text{"en": "line one\nline two, \"quoted\""}})
	victim := c(&qantar.Person{Meta: qantar.Meta{ExternalKey: "list-7"}, Names: []qantar.Name{
		{Value: "Сериков Айдос", Lang: "kk", Script: "Cyrl", Kind: "primary"}, {Value: "Serikov Aidos", Script: "Latn", Kind: "transliteration"}},
		Sex: "male", BirthDate: qantar.MustDate("~1994"), BirthPlace: id(city), Consent: "given"})
	witness := c(&qantar.Person{Names: []qantar.Name{{Value: "Секретный Свидетель"}}, Protection: qantar.Restricted, Sex: "female",
		Description: qantar.Text{"ru": "живёт в Алматы"}})
	officer := c(&qantar.Person{Names: []qantar.Name{{Value: "-Officer +X"}}})
	ministry := c(&qantar.Unit{Name: qantar.Text{"en": "Ministry of Internal Affairs"}, UnitKind: "ministry", Aliases: []string{"МВД", "=IIM"}})
	police := c(&qantar.Unit{Name: qantar.Text{"en": "Almaty police"}, UnitKind: "police",
		Parents: []qantar.UnitParent{{ParentID: id(ministry), From: qantar.MustDate("2020")}}})
	c(&qantar.Post{PersonID: id(officer), UnitID: id(police), Role: "commander", Rank: "colonel", FirstCited: qantar.MustDate("2022-01-05")})
	act := c(&qantar.Act{VictimID: id(victim), EventID: id(sq), ActType: "killing_crowd_control", Date: qantar.MustDate("2022-01-05"), VictimStatus: "dead"})
	c(&qantar.Involvement{ActID: id(act), UnitID: id(police), Degree: "carried_out", Confidence: "medium"})
	cs := c(&qantar.Case{Number: "227500031000123", Jurisdiction: "kz", AuthorityID: id(police), Articles: []string{"99", "146-2"},
		OpenedOn: qantar.MustDate("2022-01-10"), ActIDs: []int64{id(act)},
		Participants: []qantar.Participant{{PersonID: id(victim), Role: "victim"}, {PersonID: id(witness), Role: "witness"}},
		Steps: []qantar.CaseEvent{{Step: "registered", Date: qantar.MustDate("2022-01-10")},
			{Step: "terminated", Date: qantar.MustDate("2022-09-01"), Ground: "35-1-2", SourceID: id(src)}}})
	first := c(&qantar.Complaint{ComplaintKind: "cpc-106", FiledOn: qantar.MustDate("2022-09-10"), FilerID: id(witness), FilerRole: "relative",
		AddresseeID: id(ministry), CaseID: id(cs), Subject: qantar.Text{"ru": "обжалование прекращения"},
		Responses: []qantar.Response{{ReceivedOn: qantar.MustDate("2022-10-01"), Outcome: "refused", SourceID: id(src)}}})
	c(&qantar.Complaint{ComplaintKind: "cpc-106", FiledOn: qantar.MustDate("2022-10-15"), EscalatesID: id(first)})
	c(&qantar.Citation{RecordKind: qantar.KindAct, RecordID: id(act), SourceID: id(src), Page: "2", Confidence: "high", Quote: "@everyone"})
	c(&qantar.Figure{Measure: "deaths", Value: 238, ClaimedBy: qantar.Text{"en": "Prosecutor General"}, Official: true,
		AsOf: qantar.MustDate("2022-08"), SourceID: id(src), EventID: id(jan)})
	c(&qantar.File{SourceID: id(src), SHA256: strings.Repeat("5e", 32), Size: 1234, MediaType: "application/pdf", Name: "ruling.pdf",
		Protection: qantar.Public, DerivedFrom: strings.Repeat("6f", 32), Derivation: "redacted", CapturedAt: qantar.MustDate("2022-01-05T14:30"),
		Metadata: map[string]string{"pages": "3"}, DeletionRequested: &qantar.DeletionRequest{Reason: "a duplicate", By: "token:1"}})
	// A second version, so that versions differ between the databases.
	victim.(*qantar.Person).Description = qantar.Text{"en": "killed on Republic Square"}
	if err := st.Update(ctx(), editor, victim); err != nil {
		t.Fatal(err)
	}
}

// translated returns every record of every kind as canonical JSON with
// ids replaced by the record's position in its kind, so that two databases
// whose ids differ compare equal when they hold the same records.
func translated(t *testing.T, st qantar.Store) map[qantar.Kind][]string {
	t.Helper()
	return translatedAs(t, st, "")
}

// asExported is translated with what an export adds: the global identity
// (qantar.GlobalKey in the store's log origin) as the external key of every
// record that has none, which the records imported from it keep.
func asExported(t *testing.T, st qantar.Store) map[qantar.Kind][]string {
	t.Helper()
	cp, err := st.(csvio.Checkpointer).Checkpoint(ctx())
	if err != nil {
		t.Fatal(err)
	}
	return translatedAs(t, st, qantar.OriginOf(cp))
}

func translatedAs(t *testing.T, st qantar.Store, origin string) map[qantar.Kind][]string {
	t.Helper()
	pos := map[qantar.Kind]map[int64]int64{}
	all := map[qantar.Kind][]qantar.Record{}
	for _, k := range qantar.Kinds {
		pos[k] = map[int64]int64{}
		for off := 0; ; {
			recs, total, err := st.List(ctx(), k, qantar.Filter{Sort: "id", Offset: off, Reader: qantar.System})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range recs {
				all[k] = append(all[k], r)
				pos[k][r.GetMeta().ID] = int64(len(all[k]))
			}
			off += len(recs)
			if len(recs) == 0 || off >= total {
				break
			}
		}
	}
	out := map[qantar.Kind][]string{}
	for _, k := range qantar.Kinds {
		for _, r := range all[k] {
			for _, p := range csvio.RefPtrs(r) {
				if *p.P != 0 {
					*p.P = pos[p.Kind][*p.P]
				}
			}
			m := r.GetMeta()
			if m.ExternalKey == "" && origin != "" {
				m.ExternalKey = qantar.GlobalKey(origin, k, m.ID)
			}
			m.ID, m.Version = pos[k][m.ID], 0
			b, err := qantar.Canonical(r)
			if err != nil {
				t.Fatal(err)
			}
			out[k] = append(out[k], string(b))
		}
	}
	return out
}

// TestExportImportRoundTrip: export then import into an empty database
// gives the same records, for every kind, through CSV in each header
// language and through XLSX.
func TestExportImportRoundTrip(t *testing.T) {
	src := openDB(t)
	seed(t, src)
	want := asExported(t, src)
	for _, k := range qantar.Kinds {
		if len(want[k]) == 0 {
			t.Fatalf("the seed has no %s", k)
		}
	}
	for _, tc := range []struct{ format, lang string }{{"csv", "en"}, {"csv", "ru"}, {"csv", "kk"}, {"xlsx", "en"}} {
		t.Run(tc.format+"_"+tc.lang, func(t *testing.T) {
			dir := t.TempDir()
			rep, err := csvio.Export(ctx(), src, dir, csvio.ExportOptions{Format: tc.format, Lang: tc.lang})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Files) < len(qantar.Kinds) {
				t.Fatalf("exported %d files", len(rep.Files))
			}
			dst := openDB(t)
			irep, err := csvio.ImportDir(ctx(), dst, dir, csvio.Options{Actor: editor})
			if err != nil {
				t.Fatal(err)
			}
			if !irep.OK() {
				t.Fatalf("import problems:\n%s", problems(irep))
			}
			got := translated(t, dst)
			for _, k := range qantar.Kinds {
				if strings.Join(got[k], "\n") != strings.Join(want[k], "\n") {
					t.Errorf("%s differ:\n got %s\nwant %s", k, strings.Join(got[k], "\n     "), strings.Join(want[k], "\n     "))
				}
			}
		})
	}
}

// TestExportNeutralisesFormulas: no string cell of a CSV export starts
// with = + - @, so opening it in a spreadsheet runs nothing.
func TestExportNeutralisesFormulas(t *testing.T) {
	db := openDB(t)
	seed(t, db)
	dir := t.TempDir()
	if _, err := csvio.Export(ctx(), db, dir, csvio.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, k := range qantar.Kinds {
		f, err := os.Open(filepath.Join(dir, string(k)+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows[1:] {
			for _, c := range r {
				if c == "" {
					continue
				}
				if strings.HasPrefix(c, "'") {
					found++
				}
				if strings.ContainsRune("=+-@", rune(c[0])) {
					if _, err := strconv.ParseFloat(c, 64); err != nil {
						t.Errorf("%s: cell %q starts a formula", k, c)
					}
				}
			}
		}
	}
	if found < 2 {
		t.Errorf("only %d neutralised cells; the seed has 2 string cells that start a formula", found)
	}
}

// TestExportPublicHidesProtected: --public shows a protected person only as
// a placeholder, as the public site does, and the name appears in no file.
func TestExportPublicHidesProtected(t *testing.T) {
	db := openDB(t)
	seed(t, db)
	for _, format := range []string{"csv", "json"} {
		dir := t.TempDir()
		rep, err := csvio.Export(ctx(), db, dir, csvio.ExportOptions{Public: true, Format: format})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range rep.Files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, secret := range []string{"Секретный", "живёт в Алматы"} {
				if strings.Contains(string(b), secret) {
					t.Errorf("%s (%s) shows %q", filepath.Base(f), format, secret)
				}
			}
		}
		b, _ := os.ReadFile(filepath.Join(dir, "persons."+format))
		if !strings.Contains(string(b), qantar.ProtectedName) || !strings.Contains(string(b), "Сериков Айдос") {
			t.Errorf("persons.%s lacks the placeholder or the public person:\n%s", format, b)
		}
		if rep.Counts[qantar.KindPerson] != 3 {
			t.Errorf("%d persons exported, want 3 (the deleted one is not)", rep.Counts[qantar.KindPerson])
		}
	}
}
