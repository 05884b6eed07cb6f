package site_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
)

// Units and places have real forms (form_fields.go), with "edit as JSON"
// kept; the fields a form has no input for are carried through a save. All
// names are synthetic.

// TestUnitForm: a unit with names, kind, an alias and a parent typed by
// name with its dates, through the fields.
func TestUnitForm(t *testing.T) {
	fx := newFixture(t)
	ed := fx.editor(t, "synthetic-unit-form", time.Now())
	_, body, _ := fx.get(t, ed, "/edit/units/new?lang=ru")
	needsNoScript(t, "the unit form", body)
	f := formOf(t, body, "/edit/units/new")
	for _, name := range []string{"name.ru", "name.kk", "name.en", "kind", "aliases[0]", "parents[0].parent_id", "parents[0].from", "parents[0].to"} {
		if _, ok := f[name]; !ok {
			t.Errorf("the unit form has no input %s", name)
		}
	}
	if _, ok := f["json"]; ok || !strings.Contains(body, `href="?as=json"`) {
		t.Errorf("the unit form is JSON, or has no JSON option")
	}
	f.Set("name.ru", "Синтетический взвод")
	f.Set("kind", "police")
	f.Set("aliases[0]", "СВ-1")
	f.Set("parents[0].parent_id", "Синтетический ДП")
	f.Set("parents[0].from", "2021-03")
	status, body, resp := fx.post(t, ed, "/edit/units/new", f, "Accept-Language", "ru")
	if status != http.StatusSeeOther {
		t.Fatalf("status %d\n%s", status, body)
	}
	got, err := fx.db.Get(context.Background(), qantar.KindUnit, idOf(t, resp.Header.Get("Location"), "/units/"))
	if err != nil {
		t.Fatal(err)
	}
	u := got.(*qantar.Unit)
	if u.Name["ru"] != "Синтетический взвод" || u.UnitKind != "police" || len(u.Aliases) != 1 || u.Aliases[0] != "СВ-1" ||
		len(u.Parents) != 1 || u.Parents[0].ParentID != fx.ids["unit"] || u.Parents[0].From != qantar.MustDate("2021-03") {
		t.Errorf("the unit: %+v", u)
	}
	// Its form shows what was saved, the parent named beside its id.
	_, body, _ = fx.get(t, ed, "/edit/units/"+itoa(u.ID)+"?lang=ru")
	f = formOf(t, body, "/edit/units/"+itoa(u.ID))
	if f.Get("parents[0].parent_id") != itoa(fx.ids["unit"]) || f.Get("aliases[0]") != "СВ-1" || !strings.Contains(body, "Синтетический ДП") {
		t.Errorf("the unit's form: %v", f)
	}
	// Its page names the parent unit and its period, never the JSON.
	_, body, _ = fx.get(t, ed, "/units/"+itoa(u.ID)+"?lang=ru")
	if strings.Contains(body, "parent_id") || !strings.Contains(body, "Синтетический ДП (") {
		t.Errorf("the unit's page shows its parents as code, or not at all:\n%s", body)
	}
}

// TestPlaceForm: a place's names in kk, ru, en and the Kazakh Latin
// alphabet, a former name with its period, coordinates with a decimal
// comma; a bad coordinate is refused beside its input, with what was typed
// kept.
func TestPlaceForm(t *testing.T) {
	fx := newFixture(t)
	ed := fx.editor(t, "synthetic-place-form", time.Now())
	_, body, _ := fx.get(t, ed, "/edit/places/new?lang=ru")
	f := formOf(t, body, "/edit/places/new")
	for _, name := range []string{"name.kk", "name.ru", "name.en", "name.kk-Latn", "names[0].name.ru", "names[0].to", "region_then_id",
		"region_now_id", "lat", "lon", "coord_precision", "kind"} {
		if _, ok := f[name]; !ok {
			t.Errorf("the place form has no input %s", name)
		}
	}
	f.Set("name.ru", "Синтетград")
	f.Set("name.kk-Latn", "Sintetgrad")
	f.Set("kind", "city")
	f.Set("names[0].name.ru", "Старосинтетск")
	f.Set("names[0].to", "1993")
	f.Set("lat", "север")
	f.Set("lon", "76.95")
	status, body, _ := fx.post(t, ed, "/edit/places/new", f, "Accept-Language", "ru")
	if status != http.StatusBadRequest {
		t.Fatalf("a bad latitude: status %d", status)
	}
	again := formOf(t, body, "/edit/places/new")
	if again.Get("lat") != "север" || again.Get("name.kk-Latn") != "Sintetgrad" || again.Get("names[0].name.ru") != "Старосинтетск" {
		t.Errorf("the refused form lost input: %v", again)
	}
	if msg, _ := errorNextTo(t, body, "lat"); !strings.Contains(msg, "числом") {
		t.Errorf("the error beside the latitude: %q", msg)
	}
	again.Set("lat", "43,25")
	status, body, resp := fx.post(t, ed, "/edit/places/new", again, "Accept-Language", "ru")
	if status != http.StatusSeeOther {
		t.Fatalf("status %d\n%s", status, body)
	}
	got, err := fx.db.Get(context.Background(), qantar.KindPlace, idOf(t, resp.Header.Get("Location"), "/places/"))
	if err != nil {
		t.Fatal(err)
	}
	p := got.(*qantar.Place)
	if p.Name["kk-Latn"] != "Sintetgrad" || p.Lat == nil || *p.Lat != 43.25 || p.Lon == nil || *p.Lon != 76.95 ||
		len(p.Names) != 1 || p.Names[0].Name["ru"] != "Старосинтетск" || p.Names[0].To != qantar.MustDate("1993") {
		t.Errorf("the place: %+v", p)
	}
}

// TestFormKeepsUnlistedFields: an act's checklist answers have no input in
// its form; saving the form keeps them.
func TestFormKeepsUnlistedFields(t *testing.T) {
	fx := newFixture(t)
	ed := fx.editor(t, "synthetic-kept-fields", time.Now())
	a := &qantar.Act{VictimID: fx.ids["public"], ActType: "torture", Istanbul: []qantar.ChecklistAnswer{{Item: "synthetic_item", Answer: "yes"}}}
	id := fx.create(t, a)
	path := "/edit/acts/" + itoa(id)
	_, body, _ := fx.get(t, ed, path)
	f := formOf(t, body, path)
	if !strings.Contains(f.Get("kept_json"), "synthetic_item") {
		t.Fatalf("the form does not carry the checklist: %v", f)
	}
	f.Set("method", "синтетический")
	if status, body, _ := fx.post(t, ed, path, f); status != http.StatusSeeOther {
		t.Fatalf("status %d\n%s", status, body)
	}
	got, _ := fx.db.Get(context.Background(), qantar.KindAct, id)
	if g := got.(*qantar.Act); g.Method != "синтетический" || len(g.Istanbul) != 1 || g.Istanbul[0].Item != "synthetic_item" || g.Version != 2 {
		t.Errorf("after the save: %+v", g)
	}
	// What the inputs say wins over what is carried, and the carried
	// fields cannot set what the server sets.
	f.Set("kept_json", `{"type":"injury","id":999,"version":7}`)
	f.Set("version", "2")
	if status, body, _ := fx.post(t, ed, path, f); status != http.StatusSeeOther {
		t.Fatalf("status %d\n%s", status, body)
	}
	got, _ = fx.db.Get(context.Background(), qantar.KindAct, id)
	if g := got.(*qantar.Act); g.ActType != "torture" || g.ID != id || g.Version != 3 {
		t.Errorf("the carried fields overrode the form: %+v", g)
	}
}
