package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
)

// mk creates a record through the API as an editor and returns its id.
func (fx *fixture) mk(t *testing.T, kind, body string) int64 {
	t.Helper()
	w := fx.do(t, editor, "POST", "/api/v1/"+kind, body)
	if w.Code != http.StatusCreated {
		t.Fatalf("create %s %s: %d %s", kind, body, w.Code, w.Body)
	}
	var id int64
	if _, err := fmt.Sscanf(w.Header().Get("Location"), "/api/v1/"+kind+"/%d", &id); err != nil {
		t.Fatal(err)
	}
	return id
}

// commandWorld is synthetic data (no real unit or person): a ministry over
// a regiment over a battalion, and a police department under the ministry;
// the regiment's commander changes mid-January 2022; the battalion, whose
// commander is protected, operates on the square on the 5th and 6th; on the
// 7th the regiment is there with its sub-units, and a killing there is
// attributed to the police department.
type commandWorld struct {
	square, ministry, regiment, battalion, police int64
	alpha, beta, gamma, delta                     int64
}

func newCommandWorld(t *testing.T, fx *fixture) commandWorld {
	var c commandWorld
	person := func(name, protection string) int64 {
		return fx.mk(t, "persons", `{"names":[{"value":"`+name+`","lang":"en"}],"protection":"`+protection+`"}`)
	}
	c.alpha, c.beta = person("Synthetic Alpha", "public"), person("Synthetic Beta", "public")
	c.gamma, c.delta = person("Synthetic Gamma", "confidential"), person("Synthetic Delta", "public")
	victim := person("Synthetic Victim", "public")
	daily := fx.mk(t, "sources", `{"kind":"news","title":{"en":"Synthetic Daily report"},"publisher":"Synthetic Daily"}`)
	weekly := fx.mk(t, "sources", `{"kind":"news","title":{"en":"Synthetic Weekly report"},"publisher":"Synthetic Weekly"}`)
	official := fx.mk(t, "sources", `{"kind":"official_statement","title":{"en":"Synthetic Ministry statement"}}`)
	c.square = fx.mk(t, "places", `{"name":{"en":"Synthetic Square","ru":"Синтетическая площадь"},"lat":43.238,"lon":76.945}`)
	c.ministry = fx.mk(t, "units", `{"name":{"en":"Synthetic Ministry"}}`)
	c.regiment = fx.mk(t, "units", fmt.Sprintf(`{"name":{"en":"Synthetic Regiment"},"parents":[{"parent_id":%d,"from":"2020"}],
		"positions":[{"kind":"operation","place_id":%d,"from":"2022-01-07","to":"2022-01-07","applies_to_subunits":true}]}`, c.ministry, c.square))
	c.battalion = fx.mk(t, "units", fmt.Sprintf(`{"name":{"en":"Synthetic Battalion"},"parents":[{"parent_id":%d,"from":"2021"}],
		"positions":[{"kind":"operation","place_id":%d,"from":"2022-01-05","to":"2022-01-06"}]}`, c.regiment, c.square))
	c.police = fx.mk(t, "units", fmt.Sprintf(`{"name":{"en":"Synthetic Police Department"},"parents":[{"parent_id":%d}]}`, c.ministry))
	post := func(person, unit int64, role, dates string) int64 {
		return fx.mk(t, "posts", fmt.Sprintf(`{"person_id":%d,"unit_id":%d,"role":"%s"%s}`, person, unit, role, dates))
	}
	pa := post(c.alpha, c.regiment, "commander", `,"first_cited":"2021-03","last_cited":"2022-01-05"`)
	pb := post(c.beta, c.regiment, "commander", `,"first_cited":"2022-01-06"`)
	pg := post(c.gamma, c.battalion, "commander", `,"first_cited":"2021"`)
	post(c.delta, c.ministry, "head", "")
	act := fx.mk(t, "acts", fmt.Sprintf(`{"victim_id":%d,"type":"killing","date":"2022-01-07","place_id":%d}`, victim, c.square))
	inv := fx.mk(t, "involvements", fmt.Sprintf(`{"act_id":%d,"unit_id":%d,"degree":"carried_out"}`, act, c.police))
	cite := func(kind string, id int64, field string, src int64) {
		fx.mk(t, "citations", fmt.Sprintf(`{"record_kind":"%s","record_id":%d,"field":"%s","source_id":%d}`, kind, id, field, src))
	}
	cite("posts", pa, "", daily)
	cite("posts", pb, "", daily)
	cite("posts", pb, "", weekly)
	cite("posts", pg, "", weekly)
	cite("units", c.battalion, "positions.0", official)
	cite("units", c.battalion, "parents.0.parent_id", daily)
	cite("involvements", inv, "", weekly)
	return c
}

type commandBody struct {
	Place struct{ ID int64 }
	Units []struct {
		UnitID   int64 `json:"unit_id"`
		Evidence []struct {
			Basis string
			Claim struct{ Grade string }
		}
		Chain []struct {
			UnitID     int64 `json:"unit_id"`
			Commanders []struct {
				PersonID int64 `json:"person_id"`
			}
		}
	}
	Persons map[int64]string
	Sources map[int64]struct{ Title qantar.Text }
}

func (fx *fixture) command(t *testing.T, actor qantar.Actor, place, date string) (commandBody, string) {
	t.Helper()
	w := fx.do(t, actor, "GET", "/api/v1/command?place="+url.QueryEscape(place)+"&date="+date, "")
	if w.Code != http.StatusOK {
		t.Fatalf("%s %s: %d %s", place, date, w.Code, w.Body)
	}
	var b commandBody
	if err := json.Unmarshal(w.Body.Bytes(), &b); err != nil {
		t.Fatal(err)
	}
	return b, w.Body.String()
}

// Who was on the square, and who commanded them, on 5, 6 and 7 January.
func TestCommandAtPlaceAndDate(t *testing.T) {
	fx := newFixture(t, nil)
	c := newCommandWorld(t, fx)
	type want struct {
		units      []int64
		regiment   int64 // the regiment's commander in the first unit's chain
		firstGrade string
	}
	for _, tc := range []struct {
		date string
		want want
	}{
		{"2022-01-05", want{[]int64{c.battalion}, c.alpha, "official_confirmation"}},
		{"2022-01-06", want{[]int64{c.battalion}, c.beta, "official_confirmation"}},
		{"2022-01-07", want{[]int64{c.regiment, c.battalion, c.police}, c.beta, "unsourced"}},
	} {
		t.Run(tc.date, func(t *testing.T) {
			b, raw := fx.command(t, anonymous, "Synthetic Square", tc.date)
			var got []int64
			for _, u := range b.Units {
				got = append(got, u.UnitID)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want.units) {
				t.Fatalf("units %v, want %v", got, tc.want.units)
			}
			if g := b.Units[0].Evidence[0].Claim.Grade; g != tc.want.firstGrade {
				t.Fatalf("grade %s, want %s", g, tc.want.firstGrade)
			}
			var regimentCmd int64
			for _, l := range b.Units[0].Chain {
				if l.UnitID == c.regiment && len(l.Commanders) == 1 {
					regimentCmd = l.Commanders[0].PersonID
				}
			}
			if regimentCmd != tc.want.regiment || b.Persons[regimentCmd] == "" {
				t.Fatalf("regiment commanded by %d (%q), want %d", regimentCmd, b.Persons[regimentCmd], tc.want.regiment)
			}
			// The protected commander of the battalion is never named (nor matched) for an anonymous reader.
			if strings.Contains(raw, "Synthetic Gamma") || b.Persons[c.gamma] != "" {
				t.Fatalf("protected commander shown: %s", raw)
			}
			if len(b.Sources) == 0 {
				t.Fatal("no sources")
			}
		})
	}
	// An editor sees the battalion's commander, by id too.
	b, raw := fx.command(t, editor, fmt.Sprint(c.square), "2022-01-06")
	if !strings.Contains(raw, "Synthetic Gamma") || b.Persons[c.gamma] == "" {
		t.Fatalf("editor: %s", raw)
	}
	// A write is seen by the next anonymous answer (the index is kept per checkpoint).
	before, _ := fx.command(t, anonymous, "Synthetic Square", "2022-01-06")
	fx.mk(t, "units", fmt.Sprintf(`{"name":{"en":"Synthetic Reserve"},"positions":[{"kind":"base","place_id":%d}]}`, c.square))
	if after, _ := fx.command(t, anonymous, "Synthetic Square", "2022-01-06"); len(after.Units) != len(before.Units)+1 {
		t.Fatalf("after a write: %d units, before %d", len(after.Units), len(before.Units))
	}
	for _, q := range []struct{ query, field string }{
		{"place=Nowhere&date=2022-01-06", "place"},
		{"place=Synthetic+Square&date=6+Jan", "date"},
		{"date=2022-01-06", "place"},
	} {
		w := fx.do(t, anonymous, "GET", "/api/v1/command?"+q.query, "")
		if e := errorOf(t, w); e.Error.Field != q.field {
			t.Fatalf("%s: %d %s", q.query, w.Code, w.Body)
		}
	}
}

// Writes that would break the structure are refused with a named error and
// change nothing.
func TestCommandWriteRefusals(t *testing.T) {
	fx := newFixture(t, nil)
	c := newCommandWorld(t, fx)
	for _, tc := range []struct{ name, method, path, body, field string }{
		{"ErrOwnAncestor", "PUT", fmt.Sprintf("/api/v1/units/%d", c.ministry),
			fmt.Sprintf(`{"version":1,"name":{"en":"Synthetic Ministry"},"parents":[{"parent_id":%d,"from":"2022-01"}]}`, c.battalion), "parents[0].parent_id"},
		{"ErrPostDates", "POST", "/api/v1/posts",
			fmt.Sprintf(`{"person_id":%d,"unit_id":%d,"role":"commander","first_cited":"2022-01-07","last_cited":"2022-01-05"}`, c.alpha, c.police), "last_cited"},
		{"ErrPositionOutside", "PUT", fmt.Sprintf("/api/v1/units/%d", c.police),
			`{"version":1,"name":{"en":"Synthetic Police Department"},"positions":[{"kind":"base","lat":55.75,"lon":37.62}]}`, "positions[0].lat"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := count(t, fx.db, qantar.KindPost)
			w := fx.do(t, editor, tc.method, tc.path, tc.body)
			if e := errorOf(t, w); w.Code != http.StatusBadRequest && w.Code != http.StatusUnprocessableEntity || e.Error.Field != tc.field {
				t.Fatalf("%d %s", w.Code, w.Body)
			}
			if count(t, fx.db, qantar.KindPost) != before {
				t.Fatal("a post was written")
			}
		})
	}
	// The ministry is unchanged: still at version 1, with no parent.
	w := fx.do(t, anonymous, "GET", fmt.Sprintf("/api/v1/units/%d", c.ministry), "")
	if !strings.Contains(w.Body.String(), `"version":1`) || strings.Contains(w.Body.String(), "parents") {
		t.Fatalf("ministry changed: %s", w.Body)
	}
	// A parent link in another period is no loop.
	w = fx.do(t, editor, "PUT", fmt.Sprintf("/api/v1/units/%d", c.ministry),
		fmt.Sprintf(`{"version":1,"name":{"en":"Synthetic Ministry"},"parents":[{"parent_id":%d,"to":"2019"}]}`, c.battalion))
	if w.Code != http.StatusOK {
		t.Fatalf("a link in another period: %d %s", w.Code, w.Body)
	}
}

// A unit's chain of command on a date comes from the same index as the
// command at a place: claims, bases and named commanders, a protected one
// never named to an anonymous reader.
func TestUnitChainOfCommand(t *testing.T) {
	fx := newFixture(t, nil)
	c := newCommandWorld(t, fx)
	type body struct {
		Chain []struct {
			UnitID     int64 `json:"unit_id"`
			Commanders []struct {
				PersonID int64 `json:"person_id"`
				Basis    string
				Claim    struct{ Grade string }
			}
		}
		Persons map[int64]string
		Sources map[int64]struct{ Title qantar.Text }
	}
	get := func(actor qantar.Actor, date string) (body, string) {
		w := fx.do(t, actor, "GET", fmt.Sprintf("/api/v1/units/%d/command?date=%s", c.battalion, date), "")
		if w.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", date, w.Code, w.Body)
		}
		var b body
		if err := json.Unmarshal(w.Body.Bytes(), &b); err != nil {
			t.Fatal(err)
		}
		return b, w.Body.String()
	}
	b, raw := get(anonymous, "2022-01-05")
	var units []int64
	for _, l := range b.Chain {
		units = append(units, l.UnitID)
	}
	if fmt.Sprint(units) != fmt.Sprint([]int64{c.battalion, c.regiment, c.ministry}) {
		t.Fatalf("chain %v: %s", units, raw)
	}
	if r := b.Chain[1].Commanders; len(r) != 1 || r[0].PersonID != c.alpha || r[0].Basis != "cited_span" || b.Persons[c.alpha] != "Synthetic Alpha" {
		t.Fatalf("regiment on the 5th: %+v, %v", r, b.Persons)
	}
	if strings.Contains(raw, "Synthetic Gamma") || b.Persons[c.gamma] != "" || len(b.Sources) == 0 {
		t.Fatalf("anonymous: %s", raw)
	}
	if b, _ := get(anonymous, "2022-01-06"); b.Chain[1].Commanders[0].PersonID != c.beta || b.Chain[1].Commanders[0].Claim.Grade != "independent_sources" {
		t.Fatalf("regiment on the 6th: %+v", b.Chain[1].Commanders)
	}
	if _, raw := get(editor, "2022-01-05"); !strings.Contains(raw, "Synthetic Gamma") {
		t.Fatalf("editor: %s", raw)
	}
	w := fx.do(t, anonymous, "GET", fmt.Sprintf("/api/v1/units/%d/command", c.battalion), "")
	if e := errorOf(t, w); e.Error.Field != "date" {
		t.Fatalf("no date: %d %s", w.Code, w.Body)
	}
}
