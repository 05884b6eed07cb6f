package site_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/seed"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/web"
	"github.com/qantar-project/qantar/web/htmltest"
)

// mapSite holds synthetic records with coordinates: a square in Almaty, a
// unit there on 5–6 January 2022, a killing there on the 7th of a protected
// victim, and a place without coordinates.
func mapSite(t *testing.T) *fixture {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "map.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	fx := &fixture{db: db, ids: map[string]int64{}}
	f := func(v float64) *float64 { return &v }
	d := qantar.MustDate
	fx.ids["square"] = fx.create(t, &qantar.Place{Name: qantar.Text{"en": "Synthetic Square", "ru": "Синтетическая площадь"}, Lat: f(43.238), Lon: f(76.945)})
	fx.ids["nowhere"] = fx.create(t, &qantar.Place{Name: qantar.Text{"en": "Synthetic Village"}})
	fx.ids["unit"] = fx.create(t, &qantar.Unit{Name: qantar.Text{"en": "Synthetic Battalion"},
		Positions: []qantar.UnitPosition{{PositionKind: "operation", PlaceID: fx.ids["square"], From: d("2022-01-05"), To: d("2022-01-06")}}})
	fx.ids["victim"] = fx.create(t, &qantar.Person{Names: []qantar.Name{{Value: "Zzyxmarker Protected", Lang: "en"}}, Protection: qantar.Confidential})
	fx.ids["act"] = fx.create(t, &qantar.Act{VictimID: fx.ids["victim"], ActType: "killing", Date: d("2022-01-07"), PlaceID: fx.ids["square"]})
	outline, err := seed.Regions()
	if err != nil {
		t.Fatal(err)
	}
	fx.site = web.New(web.Config{Store: db, Tokens: db, Log: db, Logger: slog.New(slog.NewTextHandler(testLog{t}, nil)), Map: outline})
	fx.srv = httptest.NewServer(fx.site.Handler())
	t.Cleanup(fx.srv.Close)
	return fx
}

func TestMapPage(t *testing.T) {
	fx := mapSite(t)
	status, body, _ := fx.get(t, nil, "/map", "Accept-Language", "ru")
	if status != 200 {
		t.Fatalf("/map: %d", status)
	}
	doc := htmltest.Parse(t, body)
	if n := len(htmltest.All(t, doc, "svg.map path.region")); n != 16 {
		t.Errorf("%d regions drawn, want the outline's 16", n)
	}
	for sel, want := range map[string]int{"svg.map g.place": 1, "svg.map g.unit": 1, "svg.map g.act": 1, "table tbody tr": 3} {
		if n := len(htmltest.All(t, doc, sel)); n != want {
			t.Errorf("%s: %d, want %d", sel, n, want)
		}
	}
	if !strings.Contains(body, "Синтетическая площадь") || strings.Contains(body, "Synthetic Village") {
		t.Error("the square is named in Russian and the place without coordinates is left out")
	}
	if strings.Contains(body, "Zzyxmarker") {
		t.Error("the protected victim is named on the map")
	}
	if !strings.Contains(body, "Natural Earth") {
		t.Error("the map does not say where its boundaries come from")
	}
	// On the 5th the battalion is there, and no act yet; places are drawn
	// only without a date.
	_, body, _ = fx.get(t, nil, "/map?date=2022-01-05", "Accept-Language", "ru")
	doc = htmltest.Parse(t, body)
	if len(htmltest.All(t, doc, "svg.map g.unit")) != 1 || len(htmltest.All(t, doc, "svg.map g.act")) != 0 || len(htmltest.All(t, doc, "svg.map g.place")) != 0 {
		t.Errorf("on 5 January: %s", body)
	}
	_, body, _ = fx.get(t, nil, "/map?date=2022-01-07", "Accept-Language", "kk")
	doc = htmltest.Parse(t, body)
	if len(htmltest.All(t, doc, "svg.map g.unit")) != 0 || len(htmltest.All(t, doc, "svg.map g.act")) != 1 {
		t.Errorf("on 7 January: %s", body)
	}
	status, body, _ = fx.get(t, nil, "/map?date=6.1.2022", "Accept-Language", "ru")
	if status != 200 || !strings.Contains(body, `class="warning"`) || strings.Contains(body, "The date is written") {
		t.Errorf("a bad date: %d, want a warning in Russian", status)
	}
}
