package site_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/internal/testworld"
	"github.com/qantar-project/qantar/web"
	"github.com/qantar-project/qantar/web/htmltest"
)

// pageStore is a store a site runs on, with its log.
type pageStore interface {
	qantar.Store
	qantar.TokenService
	web.Log
}

// TestPersonPageActs holds a person's and an event's page to listing
// exactly the acts done to that person (in that event), oldest first, as
// the reader sees them, on both stores: read through the store's filter of
// acts by victim and event, not a copy of every act, so also after writes
// that add an act, move one to another victim and delete one. A protected
// person's acts are on their own page (counted, naming nobody) and never on
// another's.
func TestPersonPageActs(t *testing.T) {
	for name, st := range pageStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			srv := httptest.NewServer(web.New(web.Config{Store: st, Tokens: st, Log: st, Logger: slog.New(slog.NewTextHandler(testLog{t}, nil))}).Handler())
			defer srv.Close()
			_, viewer, err := st.CreateToken(ctx, "viewer", qantar.RoleViewer)
			if err != nil {
				t.Fatal(err)
			}
			mk := func(rec qantar.Record) int64 {
				t.Helper()
				if err := st.Create(ctx, qantar.System, rec); err != nil {
					t.Fatal(err)
				}
				return rec.GetMeta().ID
			}
			pub := mk(&qantar.Person{Protection: qantar.Public, Names: []qantar.Name{{Value: "Synthetic Listed Victim"}}})
			hidden := mk(&qantar.Person{Protection: qantar.Restricted, Names: []qantar.Name{{Value: "Synthetic Hidden Victim"}}})
			ev := mk(&qantar.Event{Title: qantar.Text{"en": "Synthetic event"}, Start: qantar.MustDate("2022-01-04")})
			act := func(victim int64, date string) int64 {
				return mk(&qantar.Act{VictimID: victim, EventID: ev, ActType: "torture", Date: qantar.MustDate(date)})
			}
			// Out of date order, with an estimate and a year alone.
			dates := []string{"2022-01-09", "2022-01-05", "~2022-01", "2022", "2022-01-07", "2022-01-05", "2022-02"}
			var mine []int64
			for _, d := range dates {
				mine = append(mine, act(pub, d))
			}
			var theirs []int64
			for _, d := range []string{"2022-01-06", "2022-01-08", "2022-01"} {
				theirs = append(theirs, act(hidden, d))
			}
			byDate := func(ids []int64) []string {
				type a struct {
					id int64
					t  time.Time
				}
				var as []a
				for _, id := range ids {
					rec, err := st.Get(ctx, qantar.KindAct, id)
					if err != nil {
						t.Fatal(err)
					}
					as = append(as, a{id, rec.(*qantar.Act).Date.Time()})
				}
				slices.SortStableFunc(as, func(x, y a) int { return x.t.Compare(y.t) })
				out := make([]string, len(as))
				for i, x := range as {
					out[i] = "/acts/" + itoa(x.id)
				}
				return out
			}
			check := func(step string) {
				t.Helper()
				for _, who := range []string{"", viewer} {
					p := pageActs(t, srv.URL, "/persons/"+itoa(pub), who)
					if want := byDate(mine); !slices.Equal(p.acts, want) {
						t.Errorf("%s, signed in %v: the person's page lists %v, want %v", step, who != "", p.acts, want)
					}
					h := pageActs(t, srv.URL, "/persons/"+itoa(hidden), who)
					if want := byDate(theirs); !slices.Equal(h.acts, want) {
						t.Errorf("%s, signed in %v: the protected person's page lists %v, want %v", step, who != "", h.acts, want)
					}
					if who == "" && strings.Contains(h.body, "Synthetic Hidden Victim") {
						t.Errorf("%s: the protected person's page names them", step)
					}
					e := pageActs(t, srv.URL, "/events/"+itoa(ev), who)
					all := byDate(append(append([]int64{}, mine...), theirs...))
					slices.Sort(all)
					got := slices.Sorted(slices.Values(e.acts))
					if !slices.Equal(got, all) {
						t.Errorf("%s, signed in %v: the event's page lists %v, want %v", step, who != "", got, all)
					}
					if who == "" && strings.Contains(e.body, "Synthetic Hidden Victim") {
						t.Errorf("%s: the event's page names the protected person", step)
					}
				}
			}
			check("created")
			// A write: one more act, one act moved to the protected person,
			// one deleted.
			mine = append(mine, act(pub, "2022-01-03"))
			moved, err := st.Get(ctx, qantar.KindAct, mine[0])
			if err != nil {
				t.Fatal(err)
			}
			moved.(*qantar.Act).VictimID = hidden
			if err := st.Update(ctx, qantar.System, moved); err != nil {
				t.Fatal(err)
			}
			theirs, mine = append(theirs, mine[0]), mine[1:]
			if err := st.Delete(ctx, qantar.System, qantar.KindAct, mine[1], 1, "synthetic: entered twice"); err != nil {
				t.Fatal(err)
			}
			mine = slices.Delete(mine, 1, 2)
			time.Sleep(300 * time.Millisecond) // an anonymous reader's state key is read every 250 ms
			check("after writes")
		})
	}
}

// actsPage is a page's body and the acts it lists, in order.
type actsPage struct {
	body string
	acts []string
}

func pageActs(t *testing.T, base, path, token string) actsPage {
	t.Helper()
	req, _ := http.NewRequest("GET", base+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d\n%s", path, resp.StatusCode, b)
	}
	out := actsPage{body: string(b)}
	for _, a := range htmltest.All(t, htmltest.Parse(t, out.body), "section.group li a") {
		if href := htmltest.Attr(a, "href"); strings.HasPrefix(href, "/acts/") {
			out.acts = append(out.acts, href)
		}
	}
	return out
}

// pageStores are a fresh SQLite database and, when QANTAR_TEST_POSTGRES
// names a server (CI sets it, and fails without it), a fresh schema there.
func pageStores(t *testing.T) map[string]pageStore {
	t.Helper()
	out := map[string]pageStore{}
	for _, s := range testworld.Stores[pageStore](t, testworld.Options{}) {
		out[s.Name] = s.Store
	}
	return out
}

// TestReferrersSeeProjection holds the stores' reference lookup to the
// reader's projection: a post of a person the public may not see loses its
// unit, so the unit's referring posts, as the public sees them, leave it
// out, while an editor's include it; the acts at a place are the same for
// every reader (an act keeps its place), and a deleted one is gone.
func TestReferrersSeeProjection(t *testing.T) {
	type referrers interface {
		Referrers(ctx context.Context, to qantar.Kind, id int64, from qantar.Kind, reader qantar.Actor) ([]qantar.Record, error)
	}
	editor := qantar.Actor{ID: "token:1", Role: qantar.RoleEditor}
	for name, st := range pageStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			mk := func(rec qantar.Record) int64 {
				t.Helper()
				if err := st.Create(ctx, qantar.System, rec); err != nil {
					t.Fatal(err)
				}
				return rec.GetMeta().ID
			}
			pub := mk(&qantar.Person{Protection: qantar.Public, Names: []qantar.Name{{Value: "Synthetic Officer"}}})
			hidden := mk(&qantar.Person{Protection: qantar.Confidential, Names: []qantar.Name{{Value: "Synthetic Hidden Officer"}}})
			unit := mk(&qantar.Unit{Name: qantar.Text{"en": "Synthetic Unit"}})
			place := mk(&qantar.Place{Name: qantar.Text{"en": "Synthetic Place"}})
			open := mk(&qantar.Post{PersonID: pub, UnitID: unit, Role: "commander"})
			secret := mk(&qantar.Post{PersonID: hidden, UnitID: unit, Role: "commander"})
			a1 := mk(&qantar.Act{VictimID: hidden, ActType: "torture", PlaceID: place})
			a2 := mk(&qantar.Act{VictimID: pub, ActType: "torture", PlaceID: place})
			a3 := mk(&qantar.Act{VictimID: pub, ActType: "torture", PlaceID: place})
			if err := st.Delete(ctx, qantar.System, qantar.KindAct, a3, 1, "synthetic: entered twice"); err != nil {
				t.Fatal(err)
			}
			r := st.(referrers)
			ids := func(to qantar.Kind, id int64, from qantar.Kind, reader qantar.Actor) []int64 {
				t.Helper()
				recs, err := r.Referrers(ctx, to, id, from, reader)
				if err != nil {
					t.Fatal(err)
				}
				var out []int64
				for _, rec := range recs {
					out = append(out, rec.GetMeta().ID)
				}
				return out
			}
			if got := ids(qantar.KindUnit, unit, qantar.KindPost, qantar.Anonymous); !slices.Equal(got, []int64{open}) {
				t.Errorf("the public's posts of the unit: %v, want [%d] (not the hidden officer's %d)", got, open, secret)
			}
			if got := ids(qantar.KindUnit, unit, qantar.KindPost, editor); !slices.Equal(got, []int64{open, secret}) {
				t.Errorf("an editor's posts of the unit: %v, want [%d %d]", got, open, secret)
			}
			for _, reader := range []qantar.Actor{qantar.Anonymous, editor} {
				if got := ids(qantar.KindPlace, place, qantar.KindAct, reader); !slices.Equal(got, []int64{a1, a2}) {
					t.Errorf("%q: the acts at the place: %v, want [%d %d]", reader.Role, got, a1, a2)
				}
			}
		})
	}
}
