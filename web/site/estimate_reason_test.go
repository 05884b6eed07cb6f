package site_test

import (
	"context"
	"encoding/json"
	"fmt"
	stdhtml "html"
	"regexp"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/locale"
)

// overlapPlace is a synthetic place of death, named in kk and ru, where
// both of the dead are on both lists, only1 on the first only and only2 on
// the second only.
type overlapPlace struct {
	kk, ru             string
	both, only1, only2 int
}

// recordOnLists records the dead of each place on two synthetic lists.
func recordOnLists(t *testing.T, fx *fixture, places []overlapPlace) {
	t.Helper()
	ctx := context.Background()
	mk := func(rec qantar.Record) int64 {
		t.Helper()
		if err := fx.db.Create(ctx, qantar.System, rec); err != nil {
			t.Fatal(err)
		}
		return rec.GetMeta().ID
	}
	list1 := mk(&qantar.Source{SourceKind: "list", Title: qantar.Text{"kk": "Синтетикалық тізім Бір", "ru": "Синтетический список Один"}})
	list2 := mk(&qantar.Source{SourceKind: "list", Title: qantar.Text{"kk": "Синтетикалық тізім Екі", "ru": "Синтетический список Два"}})
	ev := mk(&qantar.Event{Title: qantar.Text{"en": "Synthetic event"}, Start: qantar.MustDate("2022-01-06")})
	n := 0
	for _, pl := range places {
		place := mk(&qantar.Place{Name: qantar.Text{"kk": pl.kk, "ru": pl.ru}, PlaceKind: "city"})
		add := func(lists ...int64) {
			n++
			p := mk(&qantar.Person{Names: []qantar.Name{{Value: fmt.Sprintf("Синтетикалық Адам %d", n), Lang: "kk"}}})
			mk(&qantar.Act{VictimID: p, EventID: ev, PlaceID: place, ActType: "killing_crowd_control", VictimStatus: "dead", Date: qantar.MustDate("2022-01-06")})
			for _, l := range lists {
				mk(&qantar.Citation{RecordKind: qantar.KindPerson, RecordID: p, SourceID: l})
			}
		}
		for range pl.both {
			add(list1, list2)
		}
		for range pl.only1 {
			add(list1)
		}
		for range pl.only2 {
			add(list2)
		}
	}
}

// apiReason is what /api/v1/estimate answers (by is "" or "place"): the
// lists' names, the English reason, and each place's.
func apiReason(t *testing.T, fx *fixture, by string) (lists []string, reason string, places []string) {
	t.Helper()
	_, body, _ := fx.get(t, nil, "/api/v1/estimate?by="+by)
	var ans struct {
		Lists      []string `json:"lists"`
		NoEstimate string   `json:"no_estimate"`
		Strata     []struct {
			NoEstimate string `json:"no_estimate"`
		} `json:"strata"`
	}
	if err := json.Unmarshal([]byte(body), &ans); err != nil {
		t.Fatal(err)
	}
	for _, st := range ans.Strata {
		places = append(places, st.NoEstimate)
	}
	return ans.Lists, ans.NoEstimate, places
}

var latinWord = regexp.MustCompile(`[A-Za-z]{2,}`)

// checkSaid holds a /stats page in lang to saying want (after the markup
// at), with no Latin word in it but in English, and without the English reason anywhere on
// the page.
func checkSaid(t *testing.T, fx *fixture, lang, at, want, english string) {
	t.Helper()
	_, page, _ := fx.get(t, nil, "/stats?lang="+lang)
	page = stdhtml.UnescapeString(page)
	if !strings.Contains(page, at+want) {
		t.Errorf("/stats?lang=%s lacks the reason %q", lang, want)
	}
	if w := latinWord.FindString(want); w != "" && lang != "en" {
		t.Errorf("%s: the reason %q holds the Latin word %q", lang, want, w)
	}
	if strings.Contains(page, english) {
		t.Errorf("/stats?lang=%s shows the English reason %q", lang, english)
	}
}

// TestStatsEstimateReasonTranslated: when two lists never overlap, the
// dashboard says why there is no estimate in the reader's language (the
// estimator's words through the catalogue), while the API keeps its
// English no_estimate.
func TestStatsEstimateReasonTranslated(t *testing.T) {
	fx := newFixture(t)
	recordOnLists(t, fx, []overlapPlace{{"Синтетикалық қала", "Синтетический город", 0, 3, 2}})
	lists, english, _ := apiReason(t, fx, "")
	if len(lists) != 2 {
		t.Fatalf("lists %q", lists)
	}
	const never = "lists %s and %s never overlap: with no one on both, two lists give no estimate"
	if english != fmt.Sprintf(never, lists[0], lists[1]) {
		t.Fatalf("the API's no_estimate %q is not the estimator's English", english)
	}
	for _, lang := range []string{"kk", "ru"} {
		p := locale.For(lang)
		checkSaid(t, fx, lang, p.S("No estimate is given")+": ", p.S(never, lists[0], lists[1]), english)
	}
	checkSaid(t, fx, "en", "No estimate is given: ", english, "no such text")
}

// TestStatsPlaceReasonTranslated: a place where the lists never overlap
// says so in the reader's language, beside a place that has an estimate.
func TestStatsPlaceReasonTranslated(t *testing.T) {
	fx := newFixture(t)
	recordOnLists(t, fx, []overlapPlace{
		{"Синтетикалық Солтүстік қала", "Синтетический Северный город", 6, 9, 5},
		{"Синтетикалық Оңтүстік қала", "Синтетический Южный город", 0, 3, 2},
	})
	lists, _, places := apiReason(t, fx, "place")
	if len(places) != 2 || places[0] != "" || places[1] == "" {
		t.Fatalf("the places' reasons: %q", places)
	}
	const never = "lists %s and %s never overlap: with no one on both, two lists give no estimate"
	if places[1] != fmt.Sprintf(never, lists[0], lists[1]) {
		t.Fatalf("the API's no_estimate of the second place %q is not the estimator's English", places[1])
	}
	for _, lang := range []string{"kk", "ru"} {
		checkSaid(t, fx, lang, `<td colspan="2">`, locale.For(lang).S(never, lists[0], lists[1]), places[1])
	}
}
