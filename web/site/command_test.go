package site_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/web"
)

// commandSite is a site over synthetic data (no real unit or person): a
// ministry over a regiment over a battalion, and a police department under
// the ministry. The regiment's commander changes mid-January 2022 (Alpha
// last cited on the 5th, Beta first cited on the 6th); the battalion, whose
// commander is protected, operates on the square on the 5th and 6th; on the
// 7th the regiment is there with its sub-units, and a killing there is
// attributed to the police department.
func commandSite(t *testing.T) (*fixture, map[string]int64) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "command.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	fx := &fixture{db: db, ids: map[string]int64{}}
	ids := fx.ids
	mk := func(key string, rec qantar.Record) {
		t.Helper()
		ids[key] = fx.create(t, rec)
	}
	d := qantar.MustDate
	name := func(s string) qantar.Text { return qantar.Text{"en": s} }
	person := func(n, protection string) *qantar.Person {
		return &qantar.Person{Names: []qantar.Name{{Value: n, Lang: "en"}}, Protection: protection}
	}
	mk("alpha", person("Synthetic Alpha", qantar.Public))
	mk("beta", person("Synthetic Beta", qantar.Public))
	mk("gamma", person("Synthetic Gamma Protected", qantar.Confidential))
	mk("delta", person("Synthetic Delta", qantar.Public))
	mk("victim", person("Synthetic Victim", qantar.Public))
	mk("daily", &qantar.Source{SourceKind: "news", Title: name("Synthetic Daily report"), Publisher: "Synthetic Daily"})
	mk("weekly", &qantar.Source{SourceKind: "news", Title: name("Synthetic Weekly report"), Publisher: "Synthetic Weekly"})
	mk("official", &qantar.Source{SourceKind: "official_statement", Title: name("Synthetic Ministry statement")})
	mk("square", &qantar.Place{Name: qantar.Text{"en": "Synthetic Square", "ru": "Синтетическая площадь"}})
	mk("ministry", &qantar.Unit{Name: name("Synthetic Ministry")})
	mk("regiment", &qantar.Unit{Name: name("Synthetic Regiment"), Parents: []qantar.UnitParent{{ParentID: ids["ministry"], From: d("2020")}},
		Positions: []qantar.UnitPosition{{PositionKind: "operation", PlaceID: ids["square"], From: d("2022-01-07"), To: d("2022-01-07"), AppliesToSubunits: true}}})
	mk("battalion", &qantar.Unit{Name: name("Synthetic Battalion"), Parents: []qantar.UnitParent{{ParentID: ids["regiment"], From: d("2021")}},
		Positions: []qantar.UnitPosition{{PositionKind: "operation", PlaceID: ids["square"], From: d("2022-01-05"), To: d("2022-01-06")}},
		Equipment: []qantar.UnitEquipment{{Text: name("Synthetic armoured vehicle"), From: d("2022-01-05")}}})
	mk("police", &qantar.Unit{Name: name("Synthetic Police Department"), Parents: []qantar.UnitParent{{ParentID: ids["ministry"]}}})
	mk("post-alpha", &qantar.Post{PersonID: ids["alpha"], UnitID: ids["regiment"], Role: "commander", FirstCited: d("2021-03"), LastCited: d("2022-01-05")})
	mk("post-beta", &qantar.Post{PersonID: ids["beta"], UnitID: ids["regiment"], Role: "commander", FirstCited: d("2022-01-06")})
	mk("post-gamma", &qantar.Post{PersonID: ids["gamma"], UnitID: ids["battalion"], Role: "commander", FirstCited: d("2021")})
	mk("post-delta", &qantar.Post{PersonID: ids["delta"], UnitID: ids["ministry"], Role: "head"})
	mk("act", &qantar.Act{VictimID: ids["victim"], ActType: "killing", Date: d("2022-01-07"), PlaceID: ids["square"]})
	mk("inv", &qantar.Involvement{ActID: ids["act"], UnitID: ids["police"], Degree: "carried_out"})
	for _, c := range []*qantar.Citation{
		{RecordKind: qantar.KindPost, RecordID: ids["post-alpha"], SourceID: ids["daily"]},
		{RecordKind: qantar.KindPost, RecordID: ids["post-beta"], SourceID: ids["daily"]},
		{RecordKind: qantar.KindPost, RecordID: ids["post-beta"], SourceID: ids["weekly"]},
		{RecordKind: qantar.KindPost, RecordID: ids["post-gamma"], SourceID: ids["weekly"]},
		{RecordKind: qantar.KindUnit, RecordID: ids["battalion"], Field: "positions.0", SourceID: ids["official"]},
		{RecordKind: qantar.KindInvolvement, RecordID: ids["inv"], SourceID: ids["weekly"]},
	} {
		fx.create(t, c)
	}
	fx.site = web.New(web.Config{Store: db, Tokens: db, Log: db, Logger: slog.New(slog.NewTextHandler(testLog{t}, nil))})
	fx.srv = httptest.NewServer(fx.site.Handler())
	t.Cleanup(fx.srv.Close)
	return fx, ids
}

// The pages answer who was on the square and who commanded, on 5, 6 and 7
// January, with sources; the protected commander is never named.
func TestCommandPages(t *testing.T) {
	fx, ids := commandSite(t)
	en := []string{"Accept-Language", "en"}
	q := "/command?place=" + url.QueryEscape("Synthetic Square") + "&date="
	for _, tc := range []struct {
		path      string
		want, not []string
	}{
		{q + "2022-01-05", []string{"Synthetic Battalion", "Synthetic Regiment", "Synthetic Alpha", "Synthetic Delta", "official confirmation", "Synthetic Ministry statement"},
			[]string{"Synthetic Beta", "Synthetic Police Department"}},
		{q + "2022-01-06", []string{"Synthetic Battalion", "Synthetic Beta", "two independent sources", "Synthetic Weekly report"},
			[]string{"Synthetic Alpha", "Synthetic Police Department"}},
		{q + "2022-01-07", []string{"Synthetic Regiment", "Synthetic Battalion", "Synthetic Police Department", "Synthetic Beta",
			"sourced as applying to sub-units", "attributed to it"}, []string{"Synthetic Alpha"}},
		{q + "2022-01-08", []string{"No unit is documented at this place on this date."}, []string{"Synthetic Battalion"}},
		{"/command?place=Nowhere&date=2022-01-06", []string{"No place is named"}, nil},
		{"/command?place=Synthetic+Square&date=6+January", []string{"YYYY-MM-DD"}, nil},
		{"/command", []string{`name="place"`, `name="date"`}, nil},
		// The act's page: the units at its place on its day.
		{"/acts/" + itoa(ids["act"]), []string{"Units here on this day", "Synthetic Police Department", "Synthetic Regiment"}, nil},
		// The unit's page: its organisation on a date as SVG, commanders over time, sub-units, positions and equipment.
		{"/units/" + itoa(ids["regiment"]) + "?date=2022-01-05", []string{"<svg", "Synthetic Ministry", "Commander: Synthetic Alpha",
			"Commanders over time", "Synthetic Beta", "Sub-units", "Synthetic Battalion", "with its sub-units"}, nil},
		{"/units/" + itoa(ids["regiment"]) + "?date=2022-01-06", []string{"Commander: Synthetic Beta"}, []string{"Commander: Synthetic Alpha"}},
		{"/units/" + itoa(ids["battalion"]) + "?date=2022-01-06", []string{"Synthetic armoured vehicle", "official confirmation", "Equipment seen"}, nil},
		{"/units/" + itoa(ids["police"]), []string{"Synthetic Police Department", `href="/acts/` + itoa(ids["act"]) + `"`}, nil},
		// A person's page: their posts across units over time.
		{"/persons/" + itoa(ids["beta"]), []string{"Posts over time", "Synthetic Regiment"}, nil},
	} {
		t.Run(tc.path, func(t *testing.T) {
			code, body, _ := fx.get(t, nil, tc.path, en...)
			if code != 200 {
				t.Fatalf("%d %s", code, body)
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("no %q", w)
				}
			}
			for _, w := range append(tc.not, "Synthetic Gamma Protected") {
				if strings.Contains(body, w) {
					t.Errorf("%q shown", w)
				}
			}
		})
	}
}
