package site_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/mse"
)

// TestEstimateByPlace: /api/v1/estimate?by=place estimates within each
// place of death and adds the places up. Two synthetic cities with known
// overlaps between two lists: each city's figure must be the Chapman
// estimate computed here by hand, and the total their sum.
func TestEstimateByPlace(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	mk := func(rec qantar.Record) int64 {
		t.Helper()
		if err := fx.db.Create(ctx, qantar.System, rec); err != nil {
			t.Fatal(err)
		}
		return rec.GetMeta().ID
	}
	list1 := mk(&qantar.Source{SourceKind: "list", Title: qantar.Text{"en": "Synthetic list A"}})
	list2 := mk(&qantar.Source{SourceKind: "list", Title: qantar.Text{"en": "Synthetic list B"}})
	type city struct {
		name               string
		both, only1, only2 int
		byEvent            bool // the act names no place; its event does
	}
	cities := []city{{"Synthetic City North", 10, 20, 10, false}, {"Synthetic City South", 6, 9, 6, true}}
	chapman := func(c city) float64 {
		n1, n2, m := float64(c.both+c.only1), float64(c.both+c.only2), float64(c.both)
		return (n1+1)*(n2+1)/(m+1) - 1
	}
	for ci, c := range cities {
		place := mk(&qantar.Place{Name: qantar.Text{"en": c.name}, PlaceKind: "city"})
		ev := mk(&qantar.Event{Title: qantar.Text{"en": "Synthetic shooting " + c.name}, Start: qantar.MustDate("2022-01-06"), PlaceID: place})
		n := 0
		add := func(lists ...int64) {
			n++
			p := mk(&qantar.Person{Names: []qantar.Name{{Value: fmt.Sprintf("Synthetic Victim %d-%d", ci, n), Lang: "en"}}})
			act := &qantar.Act{VictimID: p, EventID: ev, ActType: "killing_crowd_control", VictimStatus: "dead", Date: qantar.MustDate("2022-01-06")}
			if !c.byEvent {
				act.PlaceID = place
			}
			mk(act)
			for _, l := range lists {
				mk(&qantar.Citation{RecordKind: qantar.KindPerson, RecordID: p, SourceID: l})
			}
		}
		for range c.both {
			add(list1, list2)
		}
		for range c.only1 {
			add(list1)
		}
		for range c.only2 {
			add(list2)
		}
	}

	status, body, _ := fx.get(t, nil, "/api/v1/estimate?by=place&method=chapman")
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	var ans struct {
		By       string   `json:"by"`
		Estimate *float64 `json:"estimate"`
		Lower    *float64 `json:"lower"`
		Upper    *float64 `json:"upper"`
		Observed int64    `json:"observed"`
		Strata   []struct {
			Place    string   `json:"place"`
			Observed int64    `json:"observed"`
			Estimate *float64 `json:"estimate"`
		} `json:"strata"`
	}
	if err := json.Unmarshal([]byte(body), &ans); err != nil {
		t.Fatal(err)
	}
	if ans.By != "place" || len(ans.Strata) != len(cities) || ans.Estimate == nil {
		t.Fatalf("answer: %s", body)
	}
	sum := 0.0
	for i, c := range cities {
		st := ans.Strata[i]
		want := chapman(c)
		sum += want
		if st.Place != c.name || st.Observed != int64(c.both+c.only1+c.only2) || st.Estimate == nil || math.Abs(*st.Estimate-want) > 1e-6 {
			t.Errorf("stratum %d: %+v, want %s with %d observed and %.4f estimated", i, st, c.name, c.both+c.only1+c.only2, want)
		}
	}
	if math.Abs(*ans.Estimate-sum) > 1e-6 || ans.Lower == nil || *ans.Lower > sum || ans.Upper != nil && *ans.Upper < sum {
		t.Errorf("total %v [%v, %v], want %.4f inside its interval", *ans.Estimate, ans.Lower, ans.Upper, sum)
	}

	// The dashboard shows the same places, and their sum, in the reader's
	// language.
	_, page, _ := fx.get(t, nil, "/stats")
	for _, want := range []string{`id="estimate-places"`, "Synthetic City North", "Synthetic City South",
		fmt.Sprintf("<td>%d</td>", int(math.Round(chapman(cities[0])))), fmt.Sprintf("<td>%d</td>", int(math.Round(chapman(cities[1])))),
		fmt.Sprintf(`<td class="big">%d</td>`, int(math.Round(sum))), "Total of the places"} {
		if !strings.Contains(page, want) {
			t.Errorf("/stats lacks %q", want)
		}
	}
	if _, page, _ := fx.get(t, nil, "/stats?lang=ru"); !strings.Contains(page, "По месту гибели") {
		t.Errorf("/stats in Russian lacks the places' heading")
	}

	// Without by, one pooled estimate, and no strata.
	_, pooled, _ := fx.get(t, nil, "/api/v1/estimate?method=chapman")
	if strings.Contains(pooled, `"strata"`) || !strings.Contains(pooled, `"estimate"`) {
		t.Errorf("pooled answer: %s", pooled)
	}
	if status, body, _ := fx.get(t, nil, "/api/v1/estimate?by=month"); status != http.StatusBadRequest || !strings.Contains(body, `"by"`) {
		t.Errorf("by=month: status %d %s", status, body)
	}
}

// TestEstimateThreeLists: with three lists the default method is the
// log-linear model search, and the API gives its estimate (the app once
// asked the search for criterion "BIC", which it refused, so three lists
// never gave a number); the answer matches mse run on the same table.
func TestEstimateThreeLists(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	mk := func(rec qantar.Record) int64 {
		t.Helper()
		if err := fx.db.Create(ctx, qantar.System, rec); err != nil {
			t.Fatal(err)
		}
		return rec.GetMeta().ID
	}
	var lists [3]int64
	for i := range lists {
		lists[i] = mk(&qantar.Source{SourceKind: "list", Title: qantar.Text{"en": fmt.Sprintf("Synthetic list %d", i+1)}})
	}
	ev := mk(&qantar.Event{Title: qantar.Text{"en": "Synthetic event"}, Start: qantar.MustDate("2022-01-06")})
	// Pattern (bit i: on list i+1) → people recorded so.
	counts := map[mse.Pattern]int64{1: 30, 2: 20, 3: 10, 4: 25, 5: 8, 6: 6, 7: 4}
	tab, err := mse.NewTable([]string{"Synthetic list 1", "Synthetic list 2", "Synthetic list 3"})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for p, c := range counts {
		if err := tab.Add(p, c); err != nil {
			t.Fatal(err)
		}
		for range c {
			n++
			person := mk(&qantar.Person{Names: []qantar.Name{{Value: fmt.Sprintf("Synthetic Dead %d", n), Lang: "en"}}})
			mk(&qantar.Act{VictimID: person, EventID: ev, ActType: "killing_crowd_control", VictimStatus: "dead", Date: qantar.MustDate("2022-01-06")})
			for i, l := range lists {
				if p&(1<<i) != 0 {
					mk(&qantar.Citation{RecordKind: qantar.KindPerson, RecordID: person, SourceID: l})
				}
			}
		}
	}
	want, err := (mse.Method{Name: "loglinear", Level: 0.95, Search: mse.SearchOptions{Criterion: mse.BIC, MaxOrder: 2}}).Run(tab)
	if err != nil {
		t.Fatal(err)
	}
	_, body, _ := fx.get(t, nil, "/api/v1/estimate")
	var ans struct {
		Method     string   `json:"method"`
		Estimate   *float64 `json:"estimate"`
		Model      string   `json:"model"`
		NoEstimate string   `json:"no_estimate"`
	}
	if err := json.Unmarshal([]byte(body), &ans); err != nil {
		t.Fatal(err)
	}
	if ans.Method != "loglinear" || ans.Estimate == nil || math.Abs(*ans.Estimate-want.Estimate.Estimate) > 1e-6 || ans.Model != want.Search.Best.ModelName {
		t.Fatalf("answer %s, want loglinear %.3f (%s)", body, want.Estimate.Estimate, want.Search.Best.ModelName)
	}
}
