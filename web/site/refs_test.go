package site_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
)

// Records picked by name (refs.go): every reference input of the editors'
// forms and every list filter takes a name in any script or an id. All
// names here are synthetic.

// mkPerson stores a public person of a name and birth date.
func (fx *fixture) mkPerson(t *testing.T, name, lang, born string, protection string) int64 {
	t.Helper()
	p := &qantar.Person{Names: []qantar.Name{{Value: name, Lang: lang}}, Protection: protection}
	if born != "" {
		p.BirthDate = qantar.MustDate(born)
	}
	if err := fx.db.Create(context.Background(), qantar.System, p); err != nil {
		t.Fatal(err)
	}
	return p.ID
}

// actForm is a new act's form as posted, with a victim and place typed.
func (fx *fixture) actForm(t *testing.T, victim, place string) url.Values {
	t.Helper()
	evs, _, err := fx.db.List(context.Background(), qantar.KindEvent, qantar.Filter{Limit: 1, Reader: qantar.System})
	if err != nil || len(evs) == 0 {
		t.Fatalf("no event: %v", err)
	}
	return url.Values{"version": {"0"}, "victim_id": {victim}, "place_id": {place}, "type": {"killing_crowd_control"},
		"date": {"2022-01-06"}, "victim_status": {"dead"}, "event_id": {itoa(evs[0].GetMeta().ID)}}
}

func (fx *fixture) getAct(t *testing.T, resp *http.Response) *qantar.Act {
	t.Helper()
	id := idOf(t, resp.Header.Get("Location"), "/acts/")
	rec, err := fx.db.Get(context.Background(), qantar.KindAct, id)
	if err != nil {
		t.Fatal(err)
	}
	return rec.(*qantar.Act)
}

// TestRefByNameOtherScript: a person recorded in Kazakh Cyrillic is found
// by the Russian and the Latin spelling of their name, and a place by its
// Russian name; the act is saved naming them.
func TestRefByNameOtherScript(t *testing.T) {
	fx := newFixture(t)
	ed := fx.editor(t, "synthetic-ref-editor", time.Now())
	pid := fx.mkPerson(t, "Тоқаев Синтетбек", "kk", "1980", qantar.Public)
	for _, typed := range []string{"Токаев", "Tokayev Sintetbek"} {
		status, body, resp := fx.post(t, ed, "/edit/acts/new", fx.actForm(t, typed, "Алматы"), "Accept-Language", "ru")
		if status != http.StatusSeeOther {
			t.Fatalf("%q: status %d\n%s", typed, status, body)
		}
		act := fx.getAct(t, resp)
		if act.VictimID != pid {
			t.Errorf("%q: the act's victim is #%d, want #%d", typed, act.VictimID, pid)
		}
		place, err := fx.db.Get(context.Background(), qantar.KindPlace, act.PlaceID)
		if err != nil || place.(*qantar.Place).Name["ru"] != "Алматы" {
			t.Errorf("%q: the act's place is #%d (%v), want Алматы", typed, act.PlaceID, err)
		}
	}
	// The form of the act shows the victim named beside its id.
	_, body, _ := fx.get(t, ed, "/edit/acts/new?lang=ru")
	if !strings.Contains(body, `placeholder="имя, название или #номер"`) {
		t.Errorf("the reference inputs do not say they take a name")
	}
}

var reRadio = regexp.MustCompile(`<input type="radio" name="pick\.victim_id" value="(\d+)">`)

// TestRefAmbiguous: a name of two persons shows the form again with both
// as a choice (told apart by birth date), what was typed kept and nothing
// saved; picking one saves the act naming it.
func TestRefAmbiguous(t *testing.T) {
	fx := newFixture(t)
	ed := fx.editor(t, "synthetic-ref-ambiguous", time.Now())
	a := fx.mkPerson(t, "Синтетов Арманжан", "ru", "1985", qantar.Public)
	b := fx.mkPerson(t, "Синтетов Арманжан", "ru", "1990", qantar.Public)
	before := fx.count(t, qantar.KindAct)
	form := fx.actForm(t, "Синтетов Арманжан", "")
	form.Set("method", "Синтетический способ")
	status, body, _ := fx.post(t, ed, "/edit/acts/new", form, "Accept-Language", "ru")
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", status)
	}
	if fx.count(t, qantar.KindAct) != before {
		t.Fatalf("an act was saved for an ambiguous name")
	}
	msg, value := errorNextTo(t, body, "victim_id")
	if !strings.Contains(msg, "подходит несколько записей") || value != "Синтетов Арманжан" {
		t.Errorf("next to victim_id: message %q, value %q", msg, value)
	}
	if _, v := errorNextTo(t, body, "method"); v != "Синтетический способ" {
		t.Errorf("the other inputs lost what was typed: method %q", v)
	}
	got := map[string]bool{}
	for _, m := range reRadio.FindAllStringSubmatch(body, -1) {
		got[m[1]] = true
	}
	if len(got) != 2 || !got[itoa(a)] || !got[itoa(b)] {
		t.Fatalf("choices %v, want #%d and #%d", got, a, b)
	}
	if !strings.Contains(body, "род. 1985") || !strings.Contains(body, "род. 1990") {
		t.Errorf("the choices are not told apart by birth year")
	}
	needsNoScript(t, "the form with choices", body)
	form.Set("pick.victim_id", itoa(b))
	form.Set("for.victim_id", "Синтетов Арманжан")
	status, body, resp := fx.post(t, ed, "/edit/acts/new", form, "Accept-Language", "ru")
	if status != http.StatusSeeOther {
		t.Fatalf("after the choice: status %d\n%s", status, body)
	}
	if act := fx.getAct(t, resp); act.VictimID != b {
		t.Errorf("the act's victim is #%d, want the one picked, #%d", act.VictimID, b)
	}
}

// TestRefCreatePlace: a place name found nowhere is said so with a box to
// create it; ticked, the place and the act are saved together, one version
// each; refused for another reason, neither is.
func TestRefCreatePlace(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	ed := fx.editor(t, "synthetic-ref-create", time.Now())
	const village = "Синтетическое Селоово"
	places, acts := fx.count(t, qantar.KindPlace), fx.count(t, qantar.KindAct)
	form := fx.actForm(t, itoa(fx.ids["public"]), village)
	status, body, _ := fx.post(t, ed, "/edit/acts/new", form, "Accept-Language", "ru")
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", status)
	}
	if msg, v := errorNextTo(t, body, "place_id"); !strings.Contains(msg, "ничего не найдено") || v != village {
		t.Errorf("next to place_id: message %q, value %q", msg, v)
	}
	if !strings.Contains(body, `name="create.place_id" value="`+village+`"`) || !strings.Contains(body, "создать новое место «"+village+"»") {
		t.Fatalf("no offer to create the place:\n%s", body)
	}
	form.Set("create.place_id", village)
	form.Set("date", "2022-13-45") // refused: nothing at all is saved
	if status, _, _ := fx.post(t, ed, "/edit/acts/new", form, "Accept-Language", "ru"); status != http.StatusBadRequest {
		t.Fatalf("a bad date: status %d", status)
	}
	if fx.count(t, qantar.KindPlace) != places || fx.count(t, qantar.KindAct) != acts {
		t.Fatalf("a refused save left records behind")
	}
	form.Set("date", "2022-01-06")
	status, body, resp := fx.post(t, ed, "/edit/acts/new", form, "Accept-Language", "ru")
	if status != http.StatusSeeOther {
		t.Fatalf("create: status %d\n%s", status, body)
	}
	if fx.count(t, qantar.KindPlace) != places+1 || fx.count(t, qantar.KindAct) != acts+1 {
		t.Fatalf("not one place and one act created")
	}
	act := fx.getAct(t, resp)
	place, err := fx.db.Get(ctx, qantar.KindPlace, act.PlaceID)
	if err != nil || place.(*qantar.Place).Name["ru"] != village {
		t.Fatalf("the act's place #%d: %v %v", act.PlaceID, place, err)
	}
	for _, rec := range []qantar.Record{act, place} {
		h, err := fx.db.History(ctx, rec.Kind(), rec.GetMeta().ID)
		if err != nil || len(h) != 1 {
			t.Errorf("%s #%d has %d versions (%v), want 1", rec.Kind(), rec.GetMeta().ID, len(h), err)
		}
	}
}

// TestRefListFilter: list filters by name: one record filters on it,
// several are offered as links to the filtered list, none is said so.
func TestRefListFilter(t *testing.T) {
	fx := newFixture(t)
	status, body, _ := fx.get(t, nil, "/acts?lang=ru&victim="+url.QueryEscape("Синтетическая Публичная Жертва"))
	if status != http.StatusOK || !strings.Contains(body, `href="/acts/`+itoa(fx.ids["act1"])+`"`) ||
		strings.Contains(body, `href="/acts/`+itoa(fx.ids["act3"])+`"`) || !strings.Contains(body, "Отбор по") {
		t.Errorf("acts by a victim's name: status %d, act1 listed %v, act3 listed %v", status,
			strings.Contains(body, `href="/acts/`+itoa(fx.ids["act1"])+`"`), strings.Contains(body, `href="/acts/`+itoa(fx.ids["act3"])+`"`))
	}
	_, body, _ = fx.get(t, nil, "/events?lang=ru&place="+url.QueryEscape("Алматы"))
	if !strings.Contains(body, "Отбор по") || !strings.Contains(body, ">Алматы</a>") {
		t.Errorf("events by place name: not filtered on Алматы")
	}
	a := fx.mkPerson(t, "Синтетов Арманжан", "ru", "1985", qantar.Public)
	b := fx.mkPerson(t, "Синтетов Арманжан", "ru", "1990", qantar.Public)
	_, body, _ = fx.get(t, nil, "/acts?lang=ru&victim="+url.QueryEscape("Синтетов Арманжан"))
	for _, id := range []int64{a, b} {
		if !strings.Contains(body, `href="/acts?lang=ru&amp;victim_id=`+itoa(id)+`"`) {
			t.Errorf("several: no link to the acts of #%d", id)
		}
	}
	_, body, _ = fx.get(t, nil, "/cases?lang=kk&authority="+url.QueryEscape("Qzxqzx Vwvwq"))
	if !strings.Contains(body, "атауы бойынша ештеңе табылмады") {
		t.Errorf("none: not said so")
	}
	// The JSON API keeps ids: a name filters on nothing.
	_, body, _ = fx.get(t, nil, "/api/v1/acts?victim_id="+url.QueryEscape("Синтетическая Публичная Жертва"))
	if !strings.Contains(body, `"total":0`) {
		t.Errorf("the API took a name for an id: %.200s", body)
	}
}

// TestRefHiddenNeverOffered: a confidential person's names are never
// offered, nor filtered on, for an anonymous reader or a viewer, even when
// a public person shares the name; an editor is offered both.
func TestRefHiddenNeverOffered(t *testing.T) {
	fx := newFixture(t)
	twin := fx.mkPerson(t, confidentialName, "en", "1970", qantar.Public)
	secret := fx.account(t, "synthetic-ref-viewer", qantar.RoleViewer)
	viewer := client()
	fx.signIn(t, viewer, "synthetic-ref-viewer", secret, time.Now())
	hidden := itoa(fx.ids["confidential"])
	for name, c := range map[string]*http.Client{"anonymous": nil, "viewer": viewer} {
		for _, typed := range []string{confidentialRu, confidentialName, "Zhanar"} {
			_, body, _ := fx.get(t, c, "/acts?lang=ru&victim="+url.QueryEscape(typed))
			if strings.Contains(body, "/persons/"+hidden+`"`) || strings.Contains(body, "victim_id="+hidden) ||
				strings.Contains(body, "/acts/"+itoa(fx.ids["act2"])+`"`) {
				t.Errorf("%s, %q: the confidential person is offered or filtered on", name, typed)
			}
		}
		_, body, _ := fx.get(t, c, "/acts?lang=ru&victim="+url.QueryEscape(confidentialName))
		if !strings.Contains(body, "/persons/"+itoa(twin)+`"`) {
			t.Errorf("%s: the public namesake is not filtered on", name)
		}
	}
	ed := fx.editor(t, "synthetic-ref-hidden-editor", time.Now())
	status, body, _ := fx.post(t, ed, "/edit/acts/new", fx.actForm(t, confidentialName, ""))
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `value="`+hidden+`"`) || !strings.Contains(body, `value="`+itoa(twin)+`"`) {
		t.Errorf("an editor is not offered both namesakes: status %d", status)
	}
}
