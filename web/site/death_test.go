package site_test

import (
	"context"
	stdhtml "html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/locale"
)

// The death form (/edit/death): one post records a victim, an act, its
// place, the source and citation and a unit's part, in one transaction. All
// names are synthetic.

// counts are how many records of each kind the store holds.
func (fx *fixture) counts(t *testing.T) map[qantar.Kind]int {
	t.Helper()
	out := map[qantar.Kind]int{}
	for _, k := range []qantar.Kind{qantar.KindPerson, qantar.KindAct, qantar.KindPlace, qantar.KindUnit, qantar.KindSource,
		qantar.KindCitation, qantar.KindInvolvement} {
		out[k] = fx.count(t, k)
	}
	return out
}

// deathForm is the form as the page gives it in Russian, filled in.
func (fx *fixture) deathForm(t *testing.T, ed *http.Client, set map[string]string) url.Values {
	t.Helper()
	status, body, _ := fx.get(t, ed, "/edit/death?lang=ru")
	if status != http.StatusOK {
		t.Fatalf("the death form: %d", status)
	}
	needsNoScript(t, "the death form", body)
	f := formOf(t, body, "/edit/death")
	if f.Get("type") != "killing" || f.Get("victim_status") != "dead" {
		t.Fatalf("the form's defaults: type %q, status %q", f.Get("type"), f.Get("victim_status"))
	}
	for k, v := range set {
		f.Set(k, v)
	}
	return f
}

func (fx *fixture) citationsOf(t *testing.T, kind qantar.Kind, id int64) []*qantar.Citation {
	t.Helper()
	recs, _, err := fx.db.List(context.Background(), qantar.KindCitation, qantar.Filter{Limit: 1000, Reader: qantar.System,
		Where: map[string]string{"record_kind": string(kind), "record_id": itoa(id)}})
	if err != nil {
		t.Fatal(err)
	}
	var out []*qantar.Citation
	for _, r := range recs {
		out = append(out, r.(*qantar.Citation))
	}
	return out
}

// TestDeathFormOnePost: a new victim typed by name, a place typed by name,
// a new source from its title and address, a unit by name: one post saves
// them all, each at version 1, the act, the new person and the unit's part
// cited with the page and quote, the new person not public.
func TestDeathFormOnePost(t *testing.T) {
	fx := newFixture(t)
	ed := fx.editor(t, "synthetic-death-editor", time.Now())
	before := fx.counts(t)
	f := fx.deathForm(t, ed, map[string]string{"victim": "Синтетов Ержан Болатович", "victim_new": "1", "date": "2022-01-06",
		"place_id": "Алматы", "source_title": "Синтетический репортаж о гибели", "source_url": "https://example.org/synthetic",
		"page": "с. 3", "quote": "Синтетов погиб 6 января", "unit_id": "Синтетический ДП", "description": "Синтетические обстоятельства"})
	status, body, resp := fx.post(t, ed, "/edit/death", f, "Accept-Language", "ru")
	if status != http.StatusSeeOther {
		t.Fatalf("status %d\n%s", status, body)
	}
	act := fx.getAct(t, resp)
	after := fx.counts(t)
	want := map[qantar.Kind]int{qantar.KindPerson: 1, qantar.KindAct: 1, qantar.KindPlace: 0, qantar.KindUnit: 0, qantar.KindSource: 1,
		qantar.KindCitation: 3, qantar.KindInvolvement: 1}
	for k, n := range want {
		if after[k]-before[k] != n {
			t.Errorf("%s: %d new, want %d", k, after[k]-before[k], n)
		}
	}
	if act.ActType != "killing" || act.VictimStatus != "dead" || act.Date != qantar.MustDate("2022-01-06") ||
		act.Description["ru"] != "Синтетические обстоятельства" || act.Version != 1 {
		t.Errorf("the act: %+v", act)
	}
	victim, err := fx.db.Get(context.Background(), qantar.KindPerson, act.VictimID)
	if err != nil {
		t.Fatal(err)
	}
	v := victim.(*qantar.Person)
	if len(v.Names) != 1 || v.Names[0].Value != "Синтетов Ержан Болатович" || v.Names[0].Lang != "ru" || v.Protection == qantar.Public || v.Version != 1 {
		t.Errorf("the new victim: %+v", v)
	}
	place, _ := fx.db.Get(context.Background(), qantar.KindPlace, act.PlaceID)
	if pl, ok := place.(*qantar.Place); !ok || pl.Name["ru"] != "Алматы" {
		t.Errorf("the act's place #%d is not Алматы", act.PlaceID)
	}
	cites := fx.citationsOf(t, qantar.KindAct, act.ID)
	if len(cites) != 1 || cites[0].Page != "с. 3" || cites[0].Quote != "Синтетов погиб 6 января" {
		t.Fatalf("the act's citations: %+v", cites)
	}
	src, _ := fx.db.Get(context.Background(), qantar.KindSource, cites[0].SourceID)
	if s, ok := src.(*qantar.Source); !ok || s.Title["ru"] != "Синтетический репортаж о гибели" || s.URL != "https://example.org/synthetic" || s.SourceKind != "news" {
		t.Errorf("the new source: %+v", src)
	}
	if c := fx.citationsOf(t, qantar.KindPerson, v.ID); len(c) != 1 || c[0].SourceID != cites[0].SourceID {
		t.Errorf("the new victim's citations: %+v", c)
	}
	invs, _, _ := fx.db.List(context.Background(), qantar.KindInvolvement, qantar.Filter{Limit: 10, Reader: qantar.System,
		Where: map[string]string{"act_id": itoa(act.ID)}})
	if len(invs) != 1 || invs[0].(*qantar.Involvement).UnitID != fx.ids["unit"] || invs[0].(*qantar.Involvement).Degree != "suspected" {
		t.Fatalf("the unit's part: %+v", invs)
	}
	if c := fx.citationsOf(t, qantar.KindInvolvement, invs[0].GetMeta().ID); len(c) != 1 {
		t.Errorf("the unit's part is not cited: %+v", c)
	}
}

// TestDeathFormExisting: an existing victim and source named by typing,
// no unit: the act and its citation only.
func TestDeathFormExisting(t *testing.T) {
	fx := newFixture(t)
	ed := fx.editor(t, "synthetic-death-existing", time.Now())
	pid := fx.mkPerson(t, "Синтетова Айгерим", "ru", "1990", qantar.Public)
	src := fx.anySource(t)
	before := fx.counts(t)
	f := fx.deathForm(t, ed, map[string]string{"victim": "Синтетова Айгерим", "source_id": "#" + itoa(src), "quote": "синтетическая цитата"})
	status, body, resp := fx.post(t, ed, "/edit/death", f, "Accept-Language", "ru")
	if status != http.StatusSeeOther {
		t.Fatalf("status %d\n%s", status, body)
	}
	act := fx.getAct(t, resp)
	after := fx.counts(t)
	if act.VictimID != pid || after[qantar.KindPerson] != before[qantar.KindPerson] || after[qantar.KindSource] != before[qantar.KindSource] ||
		after[qantar.KindCitation] != before[qantar.KindCitation]+1 || after[qantar.KindInvolvement] != before[qantar.KindInvolvement] {
		t.Errorf("victim #%d (want #%d); before %v, after %v", act.VictimID, pid, before, after)
	}
}

// TestDeathFormRefusedKeepsAll: a bad date, with a place to be created from
// its name: the form comes back in Russian with every input as typed, the
// error beside the date, and nothing saved, not even the place.
func TestDeathFormRefusedKeepsAll(t *testing.T) {
	fx := newFixture(t)
	ed := fx.editor(t, "synthetic-death-refused", time.Now())
	before := fx.counts(t)
	typed := map[string]string{"victim": "Синтетов Refused", "victim_new": "1", "date": "2022-02-30",
		"place_id": "Синтетическое Село", "create.place_id": "Синтетическое Село", "source_title": "Синтетический источник",
		"quote": "синтетическая цитата", "unit_id": "Синтетический ДП", "method": "синтетический способ"}
	status, body, _ := fx.post(t, ed, "/edit/death", fx.deathForm(t, ed, typed), "Accept-Language", "ru")
	if status != http.StatusBadRequest {
		t.Fatalf("status %d, want 400\n%s", status, body)
	}
	if after := fx.counts(t); len(after) != len(before) || after[qantar.KindPlace] != before[qantar.KindPlace] ||
		after[qantar.KindPerson] != before[qantar.KindPerson] || after[qantar.KindSource] != before[qantar.KindSource] {
		t.Errorf("a refused form saved records: before %v, after %v", before, after)
	}
	again := formOf(t, body, "/edit/death")
	for k, v := range typed {
		if k == "unit_id" {
			continue // resolved to the unit's id, named beside it
		}
		if again.Get(k) != v {
			t.Errorf("%s: the form again holds %q, want %q", k, again.Get(k), v)
		}
	}
	if again.Get("unit_id") != itoa(fx.ids["unit"]) || !strings.Contains(body, `href="/units/`+itoa(fx.ids["unit"])+`"`) {
		t.Errorf("the unit is not named beside its input: %q", again.Get("unit_id"))
	}
	i := strings.Index(body, `name="date"`)
	if i < 0 || !strings.Contains(body[i:i+300], `class="field-error"`) || !strings.Contains(body, "феврал") {
		t.Errorf("no Russian error beside the date")
	}
}

// TestDeathFormNames: a victim's name found nowhere asks, and offers a new
// person; a place's offers to create it; once ticked, one more post saves.
func TestDeathFormNames(t *testing.T) {
	fx := newFixture(t)
	ed := fx.editor(t, "synthetic-death-names", time.Now())
	before := fx.counts(t)
	f := fx.deathForm(t, ed, map[string]string{"victim": "Синтетбеков Никтоневедомов", "place_id": "Синтетаул",
		"source_title": "Синтетический источник", "quote": "цитата"})
	status, body, _ := fx.post(t, ed, "/edit/death", f, "Accept-Language", "ru")
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", status)
	}
	if !strings.Contains(body, `name="create.place_id" value="Синтетаул"`) || !strings.Contains(body, "«новый человек»") {
		t.Errorf("no offer to create the place or record a new person")
	}
	if after := fx.counts(t); after[qantar.KindPlace] != before[qantar.KindPlace] || after[qantar.KindAct] != before[qantar.KindAct] {
		t.Errorf("the question saved records")
	}
	again := formOf(t, body, "/edit/death")
	again.Set("create.place_id", "Синтетаул")
	again.Set("victim_new", "1")
	status, body, resp := fx.post(t, ed, "/edit/death", again, "Accept-Language", "ru")
	if status != http.StatusSeeOther {
		t.Fatalf("status %d\n%s", status, body)
	}
	act := fx.getAct(t, resp)
	place, _ := fx.db.Get(context.Background(), qantar.KindPlace, act.PlaceID)
	if pl, ok := place.(*qantar.Place); !ok || pl.Name["ru"] != "Синтетаул" {
		t.Errorf("the new place: %+v", place)
	}
}

// TestDeathFormNeedsSource: without a source nothing is saved and the
// source input says why.
func TestDeathFormNeedsSource(t *testing.T) {
	fx := newFixture(t)
	ed := fx.editor(t, "synthetic-death-nosource", time.Now())
	before := fx.counts(t)
	f := fx.deathForm(t, ed, map[string]string{"victim": "Синтетов Безисточников", "victim_new": "1"})
	status, body, _ := fx.post(t, ed, "/edit/death", f, "Accept-Language", "ru")
	if status != http.StatusBadRequest {
		t.Fatalf("status %d, want 400", status)
	}
	i := strings.Index(body, `name="source_id"`)
	if i < 0 || !strings.Contains(body[i:i+400], "обязательно") {
		t.Errorf("no Russian error beside the source")
	}
	if fx.count(t, qantar.KindPerson) != before[qantar.KindPerson] {
		t.Errorf("the victim was saved without the act")
	}
}

// TestDeathFormEditorsOnly: a reader gets no form and cannot post one.
func TestDeathFormEditorsOnly(t *testing.T) {
	fx := newFixture(t)
	c := noRedirect()
	if status, _, _ := fx.get(t, c, "/edit/death"); status == http.StatusOK {
		t.Errorf("a reader gets the death form")
	}
	before := fx.count(t, qantar.KindAct)
	fx.post(t, c, "/edit/death", url.Values{"victim": {"x"}, "victim_new": {"1"}, "source_title": {"y"}})
	if fx.count(t, qantar.KindAct) != before {
		t.Errorf("a reader recorded an act")
	}
}

// TestDeathAndFormsSayNoEnglish: the death form, refused with errors, and
// the unit and place forms, in Kazakh and in Russian, show no text of the
// English catalogue that has a translation.
func TestDeathAndFormsSayNoEnglish(t *testing.T) {
	fx := newFixture(t)
	ed := fx.editor(t, "synthetic-death-langs", time.Now())
	cat := locale.Default()
	tag := regexp.MustCompile(`(?s)<[^>]*>`)
	for _, lang := range []string{"kk", "ru"} {
		pages := map[string]string{}
		for _, path := range []string{"/edit/death", "/edit/units/new", "/edit/places/new"} {
			_, body, _ := fx.get(t, ed, path+"?lang="+lang)
			pages[path] = body
		}
		_, pages["refused"], _ = fx.post(t, ed, "/edit/death?lang="+lang, url.Values{"victim": {"Синтетбеков Никтоневедомов"},
			"date": {"2022-02-30"}, "place_id": {"Синтетаул"}, "unit_id": {"Синтетбатальон"}})
		_, pages["no source"], _ = fx.post(t, ed, "/edit/death?lang="+lang, url.Values{"victim": {"Синтетов"}, "victim_new": {"1"}})
		for what, body := range pages {
			main := body[strings.Index(body, "<main"):]
			text := stdhtml.UnescapeString(tag.ReplaceAllString(main, "\n"))
			for _, key := range cat.Keys() {
				e, _ := cat.Entry(lang, key)
				if len(key) < 5 || strings.Contains(key, "%") || e.Plural() || e.Texts(lang)[0] == key {
					continue
				}
				for _, line := range strings.Split(text, "\n") {
					if strings.TrimSpace(line) == key || strings.HasPrefix(strings.TrimSpace(line), key+" ") {
						t.Errorf("%s, %s: says %q in English", lang, what, key)
					}
				}
			}
		}
	}
}

// TestDeathFormDuplicates: a new victim of a name close to a recorded
// person's is not recorded until the editor confirms a different person.
func TestDeathFormDuplicates(t *testing.T) {
	fx := newFixture(t)
	fx.withSearch(t)
	ed := fx.editor(t, "synthetic-death-dups", time.Now())
	pid := fx.mkPerson(t, "Синтетова Жанар", "ru", "1985", qantar.Public)
	before := fx.counts(t)
	f := fx.deathForm(t, ed, map[string]string{"victim": "Синтетова Жанар", "victim_new": "1", "source_title": "Синтетический источник", "quote": "цитата"})
	status, body, _ := fx.post(t, ed, "/edit/death", f, "Accept-Language", "ru")
	if status != http.StatusOK || !strings.Contains(body, `id="duplicates"`) || !strings.Contains(body, "#"+itoa(pid)) {
		t.Fatalf("no warning of the recorded person: status %d", status)
	}
	if after := fx.counts(t); after[qantar.KindPerson] != before[qantar.KindPerson] || after[qantar.KindAct] != before[qantar.KindAct] {
		t.Fatalf("the warning saved records")
	}
	again := formOf(t, body, "/edit/death")
	again.Set("confirm_duplicate", "1")
	status, body, resp := fx.post(t, ed, "/edit/death", again, "Accept-Language", "ru")
	if status != http.StatusSeeOther {
		t.Fatalf("save anyway: status %d\n%s", status, body)
	}
	if act := fx.getAct(t, resp); act.VictimID == pid {
		t.Errorf("the act names the recorded person, not a new one")
	}
}
