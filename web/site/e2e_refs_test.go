package site_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"
	"github.com/qantar-project/qantar"
)

// TestBrowserActByName: in Chromium with JavaScript disabled and the
// interface in Russian, an editor records an act by typing its victim's
// name in Russian (recorded in Kazakh) and a place found nowhere, ticks
// the box that creates the place, and saves: the act names both. All data
// is synthetic.
func TestBrowserActByName(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	ctx := browser(t)
	fx := newFixture(t)
	base := fx.srv.URL
	pid := fx.mkPerson(t, "Тоқаев Синтетбек", "kk", "1980", qantar.Public)
	secret := fx.account(t, "browser-ref-editor", qantar.RoleEditor)
	code, _ := totp.GenerateCode(secret, time.Now())
	page(t, ctx, base+"/login")
	mustContain(t, "after sign-in", submit(t, ctx, [][2]string{{`input[name="name"]`, "browser-ref-editor"},
		{`input[name="password"]`, testPassword}, {`input[name="code"]`, code}}, `form.form button[type="submit"]`), "Sign out")
	page(t, ctx, base+"/edit/acts/new")
	html := submit(t, ctx, nil, `button[name="lang"][value="ru"]`)
	mustContain(t, "the act form in Russian", html, `name="victim_id"`, "имя, название или #номер")
	const village = "Синтетическое Селоово"
	places, acts := fx.count(t, qantar.KindPlace), fx.count(t, qantar.KindAct)
	html = submit(t, ctx, [][2]string{{`input[name="victim_id"]`, "Токаев"}, {`input[name="place_id"]`, village},
		{`select[name="type"]`, "Пыт"}, {`input[name="date"]`, "2022-01-08"}}, `form.form button[type="submit"]`)
	mustContain(t, "the form asking about the place", html, "ничего не найдено", "создать новое место «"+village+"»", `value="`+village+`"`)
	if fx.count(t, qantar.KindPlace) != places || fx.count(t, qantar.KindAct) != acts {
		t.Fatalf("something was saved before the place was confirmed")
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`input[name="create.place_id"]`))); err != nil {
		t.Fatal(err)
	}
	html = submit(t, ctx, nil, `form.form button[type="submit"]`)
	mustContain(t, "the act saved", html, "Тоқаев Синтетбек", village)
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	rec, err := fx.db.Get(context.Background(), qantar.KindAct, idOf(t, strings.TrimPrefix(loc, base), "/acts/"))
	if err != nil {
		t.Fatal(err)
	}
	act := rec.(*qantar.Act)
	place, err := fx.db.Get(context.Background(), qantar.KindPlace, act.PlaceID)
	if act.VictimID != pid || act.ActType != "torture" || err != nil || place.(*qantar.Place).Name["ru"] != village {
		t.Errorf("stored act: victim #%d (want #%d), type %s, place #%d %v", act.VictimID, pid, act.ActType, act.PlaceID, err)
	}
}
