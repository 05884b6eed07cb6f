package api_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/web/api"
	"github.com/qantar-project/qantar/web/httpx"
)

// preparedWorld writes a record of every kind about a public, a restricted
// and a confidential person (and a person with no level, restricted too),
// and returns them all.
func preparedWorld(t *testing.T, st qantar.Store) []qantar.Record {
	t.Helper()
	ctx := context.Background()
	var all []qantar.Record
	mk := func(r qantar.Record) qantar.Record {
		t.Helper()
		if err := st.Create(ctx, editor, r); err != nil {
			t.Fatalf("create %s: %v", r.Kind(), err)
		}
		all = append(all, r)
		return r
	}
	src := mk(&qantar.Source{SourceKind: "news", Title: qantar.Text{"en": "Synthetic source <b>&</b>"}, URL: "https://example.org/a"}).(*qantar.Source)
	place := mk(&qantar.Place{Name: qantar.Text{"en": "Synthetic city", "ru": "Синтетический город"}, PlaceKind: "city"}).(*qantar.Place)
	ev := mk(&qantar.Event{Title: qantar.Text{"en": "Synthetic event"}, Start: qantar.MustDate("2022-01-05"), PlaceID: place.ID}).(*qantar.Event)
	unit := mk(&qantar.Unit{Name: qantar.Text{"en": "Synthetic unit"}, UnitKind: "police"}).(*qantar.Unit)
	mk(&qantar.Figure{Measure: "deaths", Value: 10, ClaimedBy: qantar.Text{"en": "Synthetic claimant"}, AsOf: qantar.MustDate("2022-03"), SourceID: src.ID})
	for i, level := range []string{qantar.Public, qantar.Restricted, qantar.Confidential, ""} {
		p := mk(&qantar.Person{Names: []qantar.Name{{Value: fmt.Sprintf("Синтетический Человек %d", i), Lang: "ru"}}, Protection: level}).(*qantar.Person)
		act := mk(&qantar.Act{VictimID: p.ID, EventID: ev.ID, ActType: "killing_crowd_control", VictimStatus: "dead",
			Date: qantar.MustDate("2022-01-05"), Description: qantar.Text{"ru": "описание-секрет"}}).(*qantar.Act)
		post := mk(&qantar.Post{PersonID: p.ID, UnitID: unit.ID, Role: "commander", Rank: "полковник"}).(*qantar.Post)
		inv := mk(&qantar.Involvement{ActID: act.ID, UnitID: unit.ID, Degree: "carried_out", Notes: qantar.Text{"ru": "заметка"}}).(*qantar.Involvement)
		cs := mk(&qantar.Case{Number: fmt.Sprintf("SYN-%d", i), ActIDs: []int64{act.ID}, OpenedOn: qantar.MustDate("2022-01-10"),
			Participants: []qantar.Participant{{PersonID: p.ID, Role: "victim", Since: qantar.MustDate("2022-01-11")}}}).(*qantar.Case)
		cmp := mk(&qantar.Complaint{ComplaintKind: "appc-76", FiledOn: qantar.MustDate("2024-02-01"), CaseID: cs.ID, FilerID: p.ID,
			Subject: qantar.Text{"ru": "жалоба"}})
		for _, cited := range []qantar.Record{p, act, post, inv, cmp} {
			mk(&qantar.Citation{RecordKind: cited.Kind(), RecordID: cited.GetMeta().ID, SourceID: src.ID, Quote: "цитата", Page: "3"})
		}
		mk(&qantar.File{SourceID: src.ID, SHA256: strings.Repeat(fmt.Sprintf("%02x", i+10), 32), Size: 3, MediaType: "text/plain; charset=utf-8",
			Name: fmt.Sprintf("f%d.txt", i), Protection: level})
	}
	return all
}

// plainStore hides the store's GetPrepared: the API answers as it did
// before prepared answers.
type plainStore struct{ qantar.Store }

func get(h http.Handler, actor qantar.Actor, path, inm string) *httptest.ResponseRecorder {
	r := httptest.NewRequest("GET", path, nil)
	if inm != "" {
		r.Header.Set("If-None-Match", inm)
	}
	r = r.WithContext(httpx.WithActor(r.Context(), actor))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// A record's answer from prepared bytes is byte for byte the answer the
// API encoded before them, for every kind, to anonymous readers, viewers and
// editors, and for persons of every level (placeholders included); the
// prepared path was taken (an ETag) for every answer it may give.
func TestPreparedRecordAnswers(t *testing.T) {
	fx := newFixture(t, nil)
	all := preparedWorld(t, fx.db)
	mux := mux0(fx)
	kinds, tagged := map[qantar.Kind]bool{}, 0
	for _, rec := range all {
		kinds[rec.Kind()] = true
		path := fmt.Sprintf("/api/v1/%s/%d", rec.Kind(), rec.GetMeta().ID)
		for _, actor := range []qantar.Actor{anonymous, viewer, editor} {
			got, want := get(fx.api, actor, path, ""), get(mux, actor, path, "")
			if got.Code != want.Code || got.Body.String() != want.Body.String() ||
				got.Header().Get("Content-Type") != want.Header().Get("Content-Type") {
				t.Errorf("%s as %q: %d %s\nwant %d %s", path, actor.Role, got.Code, got.Body, want.Code, want.Body)
			}
			etag := got.Header().Get("ETag")
			if etag != "" {
				tagged++
			}
			_, all := qantar.ClassOf(actor)
			wantTag := !all && rec.Kind() != qantar.KindComplaint
			if p, ok := rec.(*qantar.Person); ok && actor.CanSee(p.ProtectionLevel()) && p.ProtectionLevel() != qantar.Public {
				wantTag = false // shown whole: audited by the path that reads the record
			}
			if f, ok := rec.(*qantar.File); ok && f.ProtectionLevel() != qantar.Public {
				wantTag = false
			}
			if (etag != "") != wantTag {
				t.Errorf("%s as %q: ETag %q, want one: %v", path, actor.Role, etag, wantTag)
			}
		}
	}
	if len(kinds) != len(qantar.Kinds) || tagged == 0 {
		t.Fatalf("the world has %d kinds of %d, %d answers tagged", len(kinds), len(qantar.Kinds), tagged)
	}
}

// Conditional requests: 304 with no body for the ETag just given; the ETag
// changes when the record changes, when its projection changes without a
// version of its own (the person it is about is protected), and between an
// anonymous reader and a viewer; a protected person answers anonymous
// readers the placeholder.
func TestPreparedConditional(t *testing.T) {
	fx := newFixture(t, nil)
	ctx := context.Background()
	p := &qantar.Person{Names: []qantar.Name{{Value: "Synthetic Etag Person", Lang: "en"}}, Protection: qantar.Public}
	if err := fx.db.Create(ctx, editor, p); err != nil {
		t.Fatal(err)
	}
	act := &qantar.Act{VictimID: p.ID, ActType: "torture", Description: qantar.Text{"en": "synthetic-secret-description"}}
	if err := fx.db.Create(ctx, editor, act); err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/api/v1/persons/%d", p.ID)
	first := get(fx.api, anonymous, path, "")
	etag := first.Header().Get("ETag")
	if first.Code != 200 || etag == "" || first.Header().Get("Cache-Control") != "no-cache" {
		t.Fatalf("first answer: %d ETag %q Cache-Control %q", first.Code, etag, first.Header().Get("Cache-Control"))
	}
	if w := get(fx.api, anonymous, path, etag); w.Code != http.StatusNotModified || w.Body.Len() != 0 {
		t.Fatalf("If-None-Match of the same ETag: %d %q", w.Code, w.Body)
	}
	if w := get(fx.api, anonymous, path, `"x", W/`+etag); w.Code != http.StatusNotModified {
		t.Fatalf("a list of tags naming it, weakly: %d", w.Code)
	}
	v := get(fx.api, viewer, path, "")
	if vt := v.Header().Get("ETag"); vt == "" || vt == etag || v.Body.String() != first.Body.String() {
		t.Fatalf("a viewer's ETag %q (public %q), same bytes: %v", vt, etag, v.Body.String() == first.Body.String())
	}
	if w := get(fx.api, viewer, path, etag); w.Code != 200 {
		t.Fatalf("a viewer sending the public ETag: %d", w.Code)
	}
	actPath := fmt.Sprintf("/api/v1/acts/%d", act.ID)
	actTag := get(fx.api, anonymous, actPath, "").Header().Get("ETag")
	// Protect the person: a new version of the person, none of the act.
	p.Protection = qantar.Confidential
	if err := fx.db.Update(ctx, editor, p); err != nil {
		t.Fatal(err)
	}
	w := get(fx.api, anonymous, path, etag)
	if w.Code != 200 || w.Header().Get("ETag") == etag || !strings.Contains(w.Body.String(), qantar.ProtectedName) ||
		strings.Contains(w.Body.String(), "Synthetic Etag Person") {
		t.Fatalf("after protecting: %d ETag %q %s", w.Code, w.Header().Get("ETag"), w.Body)
	}
	if old := get(mux0(fx), anonymous, path, ""); old.Body.String() != w.Body.String() {
		t.Fatalf("placeholder bytes %s, before prepared answers %s", w.Body, old.Body)
	}
	a := get(fx.api, anonymous, actPath, actTag)
	if a.Code != 200 || a.Header().Get("ETag") == actTag || strings.Contains(a.Body.String(), "synthetic-secret") {
		t.Fatalf("the act after its victim was protected: %d %q %s", a.Code, a.Header().Get("ETag"), a.Body)
	}
}

// mux0 is the API over fx's database without prepared answers.
func mux0(fx *fixture) http.Handler {
	mux := http.NewServeMux()
	api.New(api.Config{Store: plainStore{fx.db}, Log: fx.db, Search: fx.db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}).Routes(mux)
	return mux
}
