package site_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/web/htmltest"
)

// Two editors open the same record; the first saves, the second's save is
// stale (409). All data here is synthetic.

// twoEditors signs in two editors with accounts of their own; their TOTP
// codes are taken 30 s apart (a code is good once).
func (fx *fixture) twoEditors(t *testing.T, a, b string) (*http.Client, *http.Client) {
	t.Helper()
	now := time.Now()
	return fx.editor(t, a, now), fx.editor(t, b, now.Add(30*time.Second))
}

// cellText is the text of the cell sel of the merge table's row of field.
func cellText(t *testing.T, body, field, sel string) string {
	t.Helper()
	doc := htmltest.Parse(t, body)
	return strings.TrimSpace(htmltest.Text(htmltest.One(t, doc, "#merge tr#field-"+field+" "+sel)))
}

// historyBy are the "By" cells of a record's history, oldest first.
func historyBy(t *testing.T, fx *fixture, c *http.Client, path, lang string) []string {
	t.Helper()
	_, body, _ := fx.get(t, c, path+"/history?lang="+lang)
	return htmltest.Texts(t, htmltest.Parse(t, body), "table.list td.by")
}

// TestConflictDifferentFields: the second editor changed another field than
// the first. The 409 page shows the act as it is now beside their input,
// the first editor's field marked as changed by someone else; the form
// holds both changes at version 2, and one more post saves them.
func TestConflictDifferentFields(t *testing.T) {
	fx := newFixture(t)
	a, b := fx.twoEditors(t, "synthetic-aigerim", "synthetic-daniyar")
	act := fx.create(t, &qantar.Act{VictimID: fx.ids["public"], ActType: "torture", Date: qantar.MustDate("2022-01-06")})
	path := "/edit/acts/" + itoa(act)
	_, bodyA, _ := fx.get(t, a, path)
	_, bodyB, _ := fx.get(t, b, path)
	fa, fb := formOf(t, bodyA, path), formOf(t, bodyB, path)
	fa.Set("method", "synthetic baton")
	if status, body, _ := fx.post(t, a, path, fa); status != http.StatusSeeOther {
		t.Fatalf("first save: %d\n%s", status, body)
	}
	fb.Set("description.ru", "Синтетическое описание второго редактора")
	status, body, _ := fx.post(t, b, path, fb)
	if status != http.StatusConflict {
		t.Fatalf("stale save: status %d", status)
	}
	doc := htmltest.Parse(t, body)
	htmltest.One(t, doc, "#conflict")
	if got := cellText(t, body, "method", "td.current"); got != "synthetic baton" {
		t.Errorf("the current method is %q", got)
	}
	if got := cellText(t, body, "method", "td.input"); got != "—" {
		t.Errorf("the input's method is %q, want none", got)
	}
	htmltest.One(t, doc, "#merge tr#field-method.differs.theirs")
	htmltest.One(t, doc, "#merge tr#field-description.differs")
	htmltest.None(t, doc, "#merge tr#field-description.theirs")
	htmltest.None(t, doc, "#merge tr#field-type.differs")
	if got := cellText(t, body, "description", "td.input"); !strings.Contains(got, "Синтетическое описание второго редактора") {
		t.Errorf("the input's description is %q", got)
	}
	htmltest.None(t, doc, "#merge input[type=radio]")
	form := formOf(t, body, path)
	if form.Get("version") != "2" || form.Get("method") != "synthetic baton" || form.Get("description.ru") != "Синтетическое описание второго редактора" {
		t.Fatalf("the form does not hold both changes at version 2: version %q, method %q, description %q",
			form.Get("version"), form.Get("method"), form.Get("description.ru"))
	}
	if d := htmltest.One(t, doc, "#merge a#discard"); htmltest.Attr(d, "href") != path {
		t.Errorf("discard leads to %q", htmltest.Attr(d, "href"))
	}
	if status, body, _ := fx.post(t, b, path, form); status != http.StatusSeeOther {
		t.Fatalf("confirming post: %d\n%s", status, body)
	}
	got, _ := fx.db.Get(context.Background(), qantar.KindAct, act)
	if g := got.(*qantar.Act); g.Version != 3 || g.Method != "synthetic baton" || g.Description["ru"] != "Синтетическое описание второго редактора" {
		t.Fatalf("after the confirming post: version %d, method %q, description %v", g.Version, g.Method, g.Description)
	}
	checkHistoryNames(t, fx, a, "/acts/"+itoa(act), "synthetic-aigerim", "synthetic-daniyar")
}

// checkHistoryNames: versions 2 and 3 are by the two editors, named to an
// editor and called "editor" (in the reader's language) to the public.
func checkHistoryNames(t *testing.T, fx *fixture, ed *http.Client, path, first, second string) {
	t.Helper()
	by := historyBy(t, fx, ed, path, "en")
	if len(by) != 3 || by[1] != first || by[2] != second {
		t.Errorf("history to an editor names %q, want the system, %s, %s", by, first, second)
	}
	for lang, word := range map[string]string{"en": "editor", "ru": "редактор", "kk": "редактор"} {
		by := historyBy(t, fx, nil, path, lang)
		if len(by) != 3 || by[1] != word || by[2] != word {
			t.Errorf("history to the public in %s says %q, want %q for both editors", lang, by, word)
		}
		_, body, _ := fx.get(t, nil, path+"/history?lang="+lang)
		if strings.Contains(body, first) || strings.Contains(body, second) || strings.Contains(body, "user:") {
			t.Errorf("history in %s names an editor to the public", lang)
		}
	}
}

// conflictEnglish are English words of the 409 page: none may be on its kk
// or ru page.
var conflictEnglish = []string{"Someone else saved", "Your input", "Now (version", "What changed", "Changed by both",
	"my input", "the current version's value", "Save my input", "Discard my input", "Field", "Birth date", "Sex"}

// TestConflictSameField: both editors changed a person's birth date and sex.
// The 409 page asks, in the reader's language, which to keep; a post
// without a choice is refused and saves nothing; the confirming post keeps
// the current birth date (theirs) and the second editor's sex (mine).
func TestConflictSameField(t *testing.T) {
	fx := newFixture(t)
	a, b := fx.twoEditors(t, "synthetic-aliya", "synthetic-ruslan")
	person := fx.create(t, &qantar.Person{Names: []qantar.Name{{Value: "Synthetic Conflict Person", Lang: "en"}},
		BirthDate: qantar.MustDate("1990")})
	path := "/edit/persons/" + itoa(person)
	_, bodyA, _ := fx.get(t, a, path)
	_, bodyB, _ := fx.get(t, b, path)
	fa, fb := formOf(t, bodyA, path), formOf(t, bodyB, path)
	fa.Set("birth_date", "1991")
	fa.Set("sex", "male")
	fa.Set("protection", qantar.Public) // a decision the person's page names
	if status, body, _ := fx.post(t, a, path, fa); status != http.StatusSeeOther {
		t.Fatalf("first save: %d\n%s", status, body)
	}
	fb.Set("birth_date", "1992")
	fb.Set("sex", "female")
	fb.Set("description.ru", "Синтетическое описание")
	var body string
	for _, lang := range []string{"en", "ru", "kk"} {
		var status int
		status, body, _ = fx.post(t, b, path, fb, "Accept-Language", lang)
		if status != http.StatusConflict {
			t.Fatalf("%s: stale save: status %d", lang, status)
		}
		doc := htmltest.Parse(t, body)
		htmltest.One(t, doc, "#merge tr#field-birth_date.both")
		if cur, in := cellText(t, body, "birth_date", "td.current"), cellText(t, body, "birth_date", "td.input"); cur != "1991" || in != "1992" {
			t.Errorf("%s: birth date now %q beside the input %q", lang, cur, in)
		}
		if n := len(htmltest.All(t, doc, "#merge tr#field-birth_date input[type=radio][name=keep.birth_date]")); n != 2 {
			t.Errorf("%s: %d choices for the birth date", lang, n)
		}
		htmltest.One(t, doc, "#merge tr#field-description.differs")
		htmltest.None(t, doc, "#merge tr#field-names.differs")
		text := htmltest.Text(htmltest.One(t, doc, "#conflict")) + " " + htmltest.Text(htmltest.One(t, doc, "#merge"))
		for _, en := range conflictEnglish {
			if has := strings.Contains(text, en); has != (lang == "en") {
				t.Errorf("%s: the page says %q: %v", lang, en, has)
			}
		}
	}
	form := formOf(t, body, path)
	form.Del("keep.birth_date")
	form.Del("keep.sex")
	status, again, _ := fx.post(t, b, path, form, "Accept-Language", "ru")
	if status != http.StatusUnprocessableEntity || !strings.Contains(cellText(t, again, "birth_date", "td.what"), "выберите") {
		t.Fatalf("a post without a choice: status %d", status)
	}
	if got, _ := fx.db.Get(context.Background(), qantar.KindPerson, person); got.GetMeta().Version != 2 {
		t.Fatalf("a post without a choice saved version %d", got.GetMeta().Version)
	}
	form.Set("keep.birth_date", "theirs")
	form.Set("keep.sex", "mine")
	if status, body, _ := fx.post(t, b, path, form); status != http.StatusSeeOther {
		t.Fatalf("confirming post: %d\n%s", status, body)
	}
	got, _ := fx.db.Get(context.Background(), qantar.KindPerson, person)
	if g := got.(*qantar.Person); g.Version != 3 || g.BirthDate != qantar.MustDate("1991") || g.Sex != "female" || g.Description["ru"] != "Синтетическое описание" {
		t.Fatalf("after the confirming post: version %d, born %v, sex %q, description %v", g.Version, g.BirthDate, g.Sex, g.Description)
	}
	checkHistoryNames(t, fx, b, "/persons/"+itoa(person), "synthetic-aliya", "synthetic-ruslan")
	if _, page, _ := fx.get(t, b, "/persons/"+itoa(person)); !strings.Contains(page, "decided by synthetic-aliya on") {
		t.Errorf("the person's page does not name to an editor who published them")
	}
}

// TestConflictJSONForm: a record edited as JSON compares its members; the
// member the other editor changed is kept and the editor's own change put
// onto it.
func TestConflictJSONForm(t *testing.T) {
	fx := newFixture(t)
	a, b := fx.twoEditors(t, "synthetic-json-a", "synthetic-json-b")
	ev := fx.create(t, &qantar.Event{Title: qantar.Text{"en": "Synthetic conflict event"}, Start: qantar.MustDate("2022-01-05")})
	path := "/edit/events/" + itoa(ev)
	_, bodyA, _ := fx.get(t, a, path)
	fa := formOf(t, bodyA, path)
	fa.Set("end", "2022-01-07")
	if status, body, _ := fx.post(t, a, path, fa); status != http.StatusSeeOther {
		t.Fatalf("first save: %d\n%s", status, body)
	}
	stale := url.Values{"as": {"json"}, "version": {"1"},
		"json": {`{"title": {"en": "Synthetic conflict event", "ru": "Синтетическое событие"}, "start": "2022-01-05"}`}}
	status, body, _ := fx.post(t, b, path, stale)
	if status != http.StatusConflict {
		t.Fatalf("stale save: %d", status)
	}
	doc := htmltest.Parse(t, body)
	htmltest.One(t, doc, "#merge tr#field-end.differs.theirs")
	htmltest.One(t, doc, "#merge tr#field-title.differs")
	htmltest.None(t, doc, "#merge tr#field-title.theirs")
	form := formOf(t, body, path)
	if form.Get("as") != "json" || form.Get("version") != "2" {
		t.Fatalf("the form is not the JSON form at version 2: %v", form)
	}
	if status, body, _ := fx.post(t, b, path, form); status != http.StatusSeeOther {
		t.Fatalf("confirming post: %d\n%s", status, body)
	}
	got, _ := fx.db.Get(context.Background(), qantar.KindEvent, ev)
	if g := got.(*qantar.Event); g.Version != 3 || g.End != qantar.MustDate("2022-01-07") || g.Title["ru"] != "Синтетическое событие" {
		t.Fatalf("after the confirming post: version %d, end %v, title %v", g.Version, g.End, g.Title)
	}
}

// TestHistoryNamesTokens: a version written through an API token is named
// by the token's name to an admin, and by its role to a viewer and to the
// public.
func TestHistoryNamesTokens(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	tok, _, err := fx.db.CreateToken(ctx, "Synthetic laptop", qantar.RoleEditor)
	if err != nil {
		t.Fatal(err)
	}
	ev := fx.create(t, &qantar.Event{Title: qantar.Text{"en": "Synthetic token event"}, Start: qantar.MustDate("2022-01-05")})
	rec, _ := fx.db.Get(ctx, qantar.KindEvent, ev)
	rec.(*qantar.Event).End = qantar.MustDate("2022-01-06")
	if err := fx.db.Update(ctx, qantar.Actor{ID: "token:" + itoa(tok.ID), Role: tok.Role}, rec); err != nil {
		t.Fatal(err)
	}
	path := "/events/" + itoa(ev)
	admin := fx.signedIn(t, "synthetic-admin", qantar.RoleAdmin)
	viewer := fx.signedIn(t, "synthetic-viewer", qantar.RoleViewer)
	for _, c := range []struct {
		who    string
		client *http.Client
		lang   string
		want   []string
	}{
		{"admin", admin, "en", []string{"the system", "Synthetic laptop"}},
		{"viewer", viewer, "kk", []string{"жүйе", "редактор"}},
		{"public", nil, "ru", []string{"система", "редактор"}},
	} {
		if got := historyBy(t, fx, c.client, path, c.lang); strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("%s: history says %q, want %q", c.who, got, c.want)
		}
	}
}

// TestConflictUnitForm: the unit form's fields (names by language, lists of
// aliases and parents) are compared and merged as any other form's.
func TestConflictUnitForm(t *testing.T) {
	fx := newFixture(t)
	a, b := fx.twoEditors(t, "synthetic-unit-a", "synthetic-unit-b")
	path := "/edit/units/" + itoa(fx.ids["unit"])
	_, bodyA, _ := fx.get(t, a, path)
	_, bodyB, _ := fx.get(t, b, path)
	fa, fb := formOf(t, bodyA, path), formOf(t, bodyB, path)
	if _, ok := fa["json"]; ok {
		t.Fatalf("the unit form is its JSON, not fields")
	}
	fa.Set("aliases[0]", "Synthetic alias")
	if status, body, _ := fx.post(t, a, path, fa); status != http.StatusSeeOther {
		t.Fatalf("first save: %d\n%s", status, body)
	}
	fb.Set("name.kk", "Синтетикалық бөлім")
	status, body, _ := fx.post(t, b, path, fb, "Accept-Language", "kk")
	if status != http.StatusConflict {
		t.Fatalf("stale save: %d", status)
	}
	doc := htmltest.Parse(t, body)
	htmltest.One(t, doc, "#merge tr#field-aliases.differs.theirs")
	htmltest.One(t, doc, "#merge tr#field-name.differs")
	htmltest.None(t, doc, "#merge tr#field-name.theirs")
	if got := cellText(t, body, "aliases", "td.current"); got != "Synthetic alias" {
		t.Errorf("the current aliases are %q", got)
	}
	if status, body, _ := fx.post(t, b, path, formOf(t, body, path)); status != http.StatusSeeOther {
		t.Fatalf("confirming post: %d\n%s", status, body)
	}
	got, _ := fx.db.Get(context.Background(), qantar.KindUnit, fx.ids["unit"])
	if u := got.(*qantar.Unit); u.Version != 3 || len(u.Aliases) != 1 || u.Name["kk"] != "Синтетикалық бөлім" {
		t.Fatalf("after the confirming post: version %d, aliases %v, name %v", u.Version, u.Aliases, u.Name)
	}
}

// TestConflictKeptFields: what a field form carries without an input (an
// act's Istanbul Protocol answers) is merged as a field of its own: the
// other editor's answers, saved as JSON, are kept when this editor's stale
// save of the fields form changed only the method.
func TestConflictKeptFields(t *testing.T) {
	fx := newFixture(t)
	a, b := fx.twoEditors(t, "synthetic-kept-a", "synthetic-kept-b")
	src := fx.anySource(t)
	act := fx.create(t, &qantar.Act{VictimID: fx.ids["public"], ActType: "torture", Date: qantar.MustDate("2022-01-06"),
		Istanbul: []qantar.ChecklistAnswer{{Item: "exam_requested", Answer: "unknown"}}})
	path := "/edit/acts/" + itoa(act)
	_, bodyB, _ := fx.get(t, b, path)
	fb := formOf(t, bodyB, path)
	_, bodyA, _ := fx.get(t, a, path+"?as=json")
	fa := formOf(t, bodyA, path)
	fa.Set("json", strings.Replace(fa.Get("json"), `"answer": "unknown"`, `"answer": "yes", "source_id": `+itoa(src), 1))
	if status, body, _ := fx.post(t, a, path, fa); status != http.StatusSeeOther {
		t.Fatalf("first save, as JSON: %d\n%s", status, body)
	}
	fb.Set("method", "synthetic baton")
	status, body, _ := fx.post(t, b, path, fb)
	if status != http.StatusConflict {
		t.Fatalf("stale save: %d", status)
	}
	doc := htmltest.Parse(t, body)
	if th := htmltest.Text(htmltest.One(t, doc, "#merge tr.differs.theirs th")); th != "Other fields (JSON)" {
		t.Errorf("the row of the fields without an input is labelled %q", th)
	}
	htmltest.None(t, doc, "#merge input[type=radio]")
	if status, body, _ := fx.post(t, b, path, formOf(t, body, path)); status != http.StatusSeeOther {
		t.Fatalf("confirming post: %d\n%s", status, body)
	}
	got, _ := fx.db.Get(context.Background(), qantar.KindAct, act)
	if g := got.(*qantar.Act); g.Version != 3 || g.Method != "synthetic baton" || len(g.Istanbul) != 1 || g.Istanbul[0].Answer != "yes" {
		t.Fatalf("after the confirming post: version %d, method %q, Istanbul %v", g.Version, g.Method, g.Istanbul)
	}
}

// TestConflictPlaceForm: both editors set a place's coordinates (the second
// with a decimal comma); the second keeps their latitude, takes the first's
// longitude, and adds a Russian name.
func TestConflictPlaceForm(t *testing.T) {
	fx := newFixture(t)
	a, b := fx.twoEditors(t, "synthetic-place-a", "synthetic-place-b")
	place := fx.create(t, &qantar.Place{Name: qantar.Text{"kk": "Синтетикалық алаң"}, PlaceKind: "site"})
	path := "/edit/places/" + itoa(place)
	_, bodyA, _ := fx.get(t, a, path)
	_, bodyB, _ := fx.get(t, b, path)
	fa, fb := formOf(t, bodyA, path), formOf(t, bodyB, path)
	fa.Set("lat", "43.25")
	fa.Set("lon", "76.95")
	if status, body, _ := fx.post(t, a, path, fa); status != http.StatusSeeOther {
		t.Fatalf("first save: %d\n%s", status, body)
	}
	fb.Set("lat", "43,3")
	fb.Set("lon", "76,9")
	fb.Set("name.ru", "Синтетическая площадь")
	status, body, _ := fx.post(t, b, path, fb, "Accept-Language", "ru")
	if status != http.StatusConflict {
		t.Fatalf("stale save: %d", status)
	}
	if cur, in := cellText(t, body, "lat", "td.current"), cellText(t, body, "lat", "td.input"); cur != "43.25" || in != "43.3" {
		t.Errorf("latitude now %q beside the input %q", cur, in)
	}
	doc := htmltest.Parse(t, body)
	htmltest.One(t, doc, "#merge tr#field-lat.both")
	htmltest.One(t, doc, "#merge tr#field-name.differs")
	form := formOf(t, body, path)
	form.Set("keep.lat", "mine")
	form.Set("keep.lon", "theirs")
	if status, body, _ := fx.post(t, b, path, form); status != http.StatusSeeOther {
		t.Fatalf("confirming post: %d\n%s", status, body)
	}
	got, _ := fx.db.Get(context.Background(), qantar.KindPlace, place)
	if p := got.(*qantar.Place); p.Version != 3 || p.Lat == nil || *p.Lat != 43.3 || p.Lon == nil || *p.Lon != 76.95 || p.Name["ru"] != "Синтетическая площадь" || p.Name["kk"] != "Синтетикалық алаң" {
		t.Fatalf("after the confirming post: version %d, lat %v, name %v", p.Version, p.Lat, p.Name)
	}
}

// TestConflictKeepsPlaceToCreate: a place typed by name and to be created
// in the save is not created by a stale save; the 409 page's form keeps the
// name and the box, and the confirming post creates it with the act.
func TestConflictKeepsPlaceToCreate(t *testing.T) {
	fx := newFixture(t)
	a, b := fx.twoEditors(t, "synthetic-create-a", "synthetic-create-b")
	act := fx.create(t, &qantar.Act{VictimID: fx.ids["public"], ActType: "torture", Date: qantar.MustDate("2022-01-06")})
	path := "/edit/acts/" + itoa(act)
	_, bodyA, _ := fx.get(t, a, path)
	_, bodyB, _ := fx.get(t, b, path)
	fa, fb := formOf(t, bodyA, path), formOf(t, bodyB, path)
	fa.Set("method", "synthetic baton")
	if status, body, _ := fx.post(t, a, path, fa); status != http.StatusSeeOther {
		t.Fatalf("first save: %d\n%s", status, body)
	}
	const name = "Синтетическое место конфликта"
	fb.Set("place_id", name)
	fb.Set("create.place_id", name)
	places := fx.count(t, qantar.KindPlace)
	status, body, _ := fx.post(t, b, path, fb)
	if status != http.StatusConflict {
		t.Fatalf("stale save: %d", status)
	}
	if fx.count(t, qantar.KindPlace) != places {
		t.Fatalf("the stale save created the place")
	}
	if got := cellText(t, body, "place_id", "td.input"); got != name {
		t.Errorf("the input's place is %q", got)
	}
	form := formOf(t, body, path)
	if form.Get("place_id") != name || form.Get("create.place_id") != name || form.Get("method") != "synthetic baton" {
		t.Fatalf("the form lost the place to create or the other's method: %v", form)
	}
	if status, body, _ := fx.post(t, b, path, form); status != http.StatusSeeOther {
		t.Fatalf("confirming post: %d\n%s", status, body)
	}
	got, _ := fx.db.Get(context.Background(), qantar.KindAct, act)
	g := got.(*qantar.Act)
	if fx.count(t, qantar.KindPlace) != places+1 || g.PlaceID == 0 || g.Method != "synthetic baton" || g.Version != 3 {
		t.Fatalf("after the confirming post: version %d, place %d, method %q", g.Version, g.PlaceID, g.Method)
	}
}
