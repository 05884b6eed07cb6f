package site_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/seed"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/web"
)

// Names in the synthetic fixture. The protected ones must never reach an
// anonymous reader.
const (
	publicName       = "Synthetic Public Victim"
	confidentialName = "Synthetic Confidential Zhanar"
	confidentialRu   = "Синтетическая Конфиденциальная"
	restrictedName   = "Synthetic Restricted Witness"
)

// fixture is a server over a fresh SQLite database holding the bundled
// Qantar 2022 dataset and a small synthetic set of persons, acts, a case and
// a complaint.
type fixture struct {
	db   *sqlite.DB
	srv  *httptest.Server
	ids  map[string]int64
	now  time.Time
	site *web.Server
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "web.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f, err := seed.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Load(ctx, db, f); err != nil {
		t.Fatal(err)
	}
	fx := &fixture{db: db, ids: map[string]int64{}, now: time.Now()}
	mk := func(key string, rec qantar.Record) {
		t.Helper()
		if err := db.Create(ctx, qantar.System, rec); err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		fx.ids[key] = rec.GetMeta().ID
	}
	events, _, err := db.List(ctx, qantar.KindEvent, qantar.Filter{Limit: 1, Reader: qantar.System})
	if err != nil || len(events) == 0 {
		t.Fatalf("no bundled event: %v", err)
	}
	ev := events[0].GetMeta().ID
	srcs, _, _ := db.List(ctx, qantar.KindSource, qantar.Filter{Limit: 1, Reader: qantar.System})
	src := srcs[0].GetMeta().ID
	mk("public", &qantar.Person{Protection: qantar.Public, Names: []qantar.Name{{Value: publicName, Lang: "en"}, {Value: "Синтетическая Публичная Жертва", Lang: "ru"}}, Sex: "male"})
	mk("confidential", &qantar.Person{Names: []qantar.Name{{Value: confidentialName, Lang: "en"}, {Value: confidentialRu, Lang: "ru"}},
		Protection: qantar.Confidential, Description: qantar.Text{"en": confidentialName + " was a witness"}})
	mk("restricted", &qantar.Person{Names: []qantar.Name{{Value: restrictedName}}, Protection: qantar.Restricted})
	mk("unit", &qantar.Unit{Name: qantar.Text{"en": "Synthetic Police Department", "ru": "Синтетический ДП"}, UnitKind: "police"})
	mk("post", &qantar.Post{PersonID: fx.ids["public"], UnitID: fx.ids["unit"], Role: "commander", FirstCited: qantar.MustDate("2022-01-05")})
	mk("act1", &qantar.Act{VictimID: fx.ids["public"], EventID: ev, ActType: "killing_crowd_control", Date: qantar.MustDate("2022-01-06"), VictimStatus: "dead"})
	mk("act2", &qantar.Act{VictimID: fx.ids["confidential"], EventID: ev, ActType: "death_in_custody", Date: qantar.MustDate("2022-01-07"), VictimStatus: "dead"})
	mk("act3", &qantar.Act{VictimID: fx.ids["restricted"], EventID: ev, ActType: "torture", Date: qantar.MustDate("2022-01-08")})
	mk("case", &qantar.Case{Number: "SYN-225500031000017", AuthorityID: fx.ids["unit"], OpenedOn: qantar.MustDate("2022-01-10"),
		ActIDs:       []int64{fx.ids["act1"], fx.ids["act2"]},
		Participants: []qantar.Participant{{PersonID: fx.ids["confidential"], Role: "victim"}, {PersonID: fx.ids["public"], Role: "victim"}},
		Steps: []qantar.CaseEvent{{Step: "registered", Date: qantar.MustDate("2022-01-10")},
			{Step: "terminated", Date: qantar.MustDate("2023-03-01"), Ground: "cpc-35-1-1", SourceID: src}}})
	mk("complaint", &qantar.Complaint{ComplaintKind: "cpc-105", FiledOn: qantar.MustDate("2023-03-15"), FilerID: fx.ids["confidential"],
		FilerRole: "relative", AddresseeID: fx.ids["unit"], CaseID: fx.ids["case"], Subject: qantar.Text{"en": "Synthetic complaint against the termination"},
		Responses: []qantar.Response{{ReceivedOn: qantar.MustDate("2023-04-20"), Outcome: "refused"}}})
	mk("cite-person", &qantar.Citation{RecordKind: qantar.KindPerson, RecordID: fx.ids["confidential"], SourceID: src, Quote: "about " + confidentialName})
	mk("cite-public", &qantar.Citation{RecordKind: qantar.KindPerson, RecordID: fx.ids["public"], Field: "names", SourceID: src, Page: "p. 2"})
	// A second version, so that history has something to hide.
	c, _ := db.Get(ctx, qantar.KindPerson, fx.ids["confidential"])
	c.(*qantar.Person).Sex = "female"
	if err := db.Update(ctx, qantar.System, c); err != nil {
		t.Fatal(err)
	}
	fx.site = web.New(web.Config{Store: db, Tokens: db, Log: db, Logger: slog.New(slog.NewTextHandler(testLog{t}, nil))})
	fx.srv = httptest.NewServer(fx.site.Handler())
	t.Cleanup(fx.srv.Close)
	return fx
}

// create writes a record as the system and returns its id.
func (fx *fixture) create(t *testing.T, rec qantar.Record) int64 {
	t.Helper()
	if err := fx.db.Create(context.Background(), qantar.System, rec); err != nil {
		t.Fatal(err)
	}
	return rec.GetMeta().ID
}

// get fetches a path with the client (nil: anonymous) and returns the body.
func (fx *fixture) get(t *testing.T, c *http.Client, path string, header ...string) (int, string, http.Header) {
	t.Helper()
	if c == nil {
		c = noRedirect()
	}
	req, _ := http.NewRequest("GET", fx.srv.URL+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func noRedirect() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func TestPages(t *testing.T) {
	fx := newFixture(t)
	id := func(k string) string { return itoa(fx.ids[k]) }
	tests := []struct {
		name, path string
		status     int
		want       []string
	}{
		{"Home", "/", 200, []string{"238", "deaths documented in Qantar", "Deaths by city"}},
		{"HomeRussian", "/?lang=ru", 200, []string{"238", "Последние изменения"}},
		{"PersonPublic", "/persons/" + id("public"), 200, []string{publicName, "Synthetic Police Department", "p. 2"}},
		{"UnsourcedIsDraft", "/acts/" + id("act1"), 200, []string{"it is a draft, not a fact"}},
		{"PersonProtected", "/persons/" + id("confidential"), 200, []string{"Protected person", "Death in custody"}},
		{"PersonInRussian", "/persons/" + id("public") + "?lang=ru", 200, []string{"Синтетическая Публичная Жертва"}},
		{"Case", "/cases/" + id("case"), 200, []string{"SYN-225500031000017", "Procedural timeline", "Protected person", publicName}},
		{"Complaint", "/complaints/" + id("complaint"), 200, []string{"Deadline and status", "deadline"}},
		{"Unit", "/units/" + id("unit"), 200, []string{"Posts over time", publicName}},
		{"Victims", "/victims", 200, []string{publicName, "Protected person"}},
		{"ListPersons", "/persons?sex=male", 200, []string{publicName}},
		{"ListFigures", "/figures?measure=deaths&sort=-as_of", 200, []string{"238"}},
		{"Search", "/search?q=synthetic+public", 200, []string{publicName}},
		{"History", "/persons/" + id("public") + "/history", 200, []string{"create"}},
		{"ErrNotFound", "/persons/999999", 404, []string{"does not exist"}},
		{"ErrBadFilter", "/persons?nope=1", 400, []string{"cannot filter"}},
		{"ErrBadID", "/events/abc", 404, nil},
		{"Login", "/login", 200, []string{"authenticator"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body, h := fx.get(t, nil, tc.path)
			if status != tc.status {
				t.Fatalf("status %d, want %d\n%s", status, tc.status, body)
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, hidden := range []string{confidentialName, confidentialRu, restrictedName, "Synthetic complaint"} {
				if strings.Contains(body, hidden) {
					t.Errorf("an anonymous reader's page shows %q", hidden)
				}
			}
			if strings.Contains(body, "<script") {
				t.Errorf("page carries a script")
			}
			if h.Get("Content-Security-Policy") == "" {
				t.Errorf("no CSP")
			}
		})
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// testLog sends the server's log to the test's.
type testLog struct{ t *testing.T }

func (l testLog) Write(b []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

func TestSourcedIsNoDraft(t *testing.T) {
	fx := newFixture(t)
	if _, body, _ := fx.get(t, nil, "/persons/"+itoa(fx.ids["public"])); strings.Contains(body, "draft") {
		t.Errorf("a person with a source cited for their name is called a draft")
	}
}
