package main

import (
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/postgres"
	"github.com/qantar-project/qantar/publish"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/tlog"
	"github.com/qantar-project/qantar/web"
)

// propStore is what the property test needs of a store.
type propStore interface {
	qantar.Store
	qantar.TokenService
	qantar.Searcher
	web.Log
}

// secrets is random synthetic text, each word placed in one record field, by
// the protection level of the person it is about ("public" for the words a
// reader must find: they prove the crawl reads what it should).
type secrets struct {
	rng   *rand.Rand
	level map[string]string // word -> level
	where map[string]string // word -> the field it is in, for messages
}

func (s *secrets) word(level, where string) string {
	const letters = "bcdfghjklmnpqrstvwxz"
	b := []byte("zq")
	for range 10 {
		b = append(b, letters[s.rng.IntN(len(letters))])
	}
	w := string(b)
	s.level[w], s.where[w] = level, where
	return w
}

// stricter returns the more protected of two levels.
func stricter(a, b string) string {
	rank := map[string]int{qantar.Public: 0, qantar.Restricted: 1, qantar.Confidential: 2}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

// hiddenFrom lists the words reader may not see.
func (s *secrets) hiddenFrom(reader qantar.Actor) []string {
	var out []string
	for w, l := range s.level {
		if !reader.CanSee(l) {
			out = append(out, w)
		}
	}
	return out
}

// buildPropWorld writes random records about public, restricted and
// confidential persons, each carrying secret words in every field that
// describes them.
func buildPropWorld(t *testing.T, st propStore, rng *rand.Rand) *secrets {
	ctx := context.Background()
	sec := &secrets{rng: rng, level: map[string]string{}, where: map[string]string{}}
	mk := func(r qantar.Record) qantar.Record {
		t.Helper()
		if err := st.Create(ctx, qantar.System, r); err != nil {
			t.Fatalf("create %s: %v", r.Kind(), err)
		}
		return r
	}
	src := mk(&qantar.Source{SourceKind: "news", Title: qantar.Text{"en": "Synthetic source"}}).(*qantar.Source)
	unit := mk(&qantar.Unit{Name: qantar.Text{"en": "Synthetic unit"}, UnitKind: "police"}).(*qantar.Unit)
	levels := []string{qantar.Public, qantar.Restricted, qantar.Confidential, ""}
	var acts []*qantar.Act
	var actLevels []string
	for i := range 9 {
		set := levels[i%len(levels)]
		level := set
		if level == "" {
			level = qantar.Restricted // nobody decided
		}
		at := func(level string) func(string) string {
			return func(where string) string { return sec.word(level, where) }
		}
		w := at(level)
		p := mk(&qantar.Person{Meta: qantar.Meta{ExternalKey: w("person.external_key")}, Names: []qantar.Name{{Value: "Synthetic " + w("person.name"), Lang: "en"}},
			Protection: set, Description: qantar.Text{"ru": w("person.description")}}).(*qantar.Person)
		act := mk(&qantar.Act{VictimID: p.ID, ActType: "torture", Date: qantar.MustDate("2022-01-06"),
			Description: qantar.Text{"en": "Synthetic " + w("act.description")}, Minnesota: []qantar.ChecklistAnswer{{Item: "autopsy", Answer: "unknown", Note: w("act.minnesota.note")}}}).(*qantar.Act)
		acts, actLevels = append(acts, act), append(actLevels, level)
		post := mk(&qantar.Post{PersonID: p.ID, UnitID: unit.ID, Role: "commander", Rank: w("post.rank"), Title: qantar.Text{"en": w("post.title")}})
		// An involvement is about its person and its act's victim: it is
		// as protected as the more protected of them.
		j := rng.IntN(len(acts))
		invLevel := stricter(level, actLevels[j])
		inv := mk(&qantar.Involvement{ActID: acts[j].ID, PersonID: p.ID, UnitID: unit.ID, Degree: "assisted", Notes: qantar.Text{"en": at(invLevel)("involvement.notes")}})
		cmp := mk(&qantar.Complaint{ComplaintKind: "appc-76", FiledOn: qantar.MustDate("2024-02-01"), FilerID: p.ID, Subject: qantar.Text{"en": w("complaint.subject")},
			Responses: []qantar.Response{{ReceivedOn: qantar.MustDate("2024-02-20"), Outcome: "refused", Note: qantar.Text{"en": w("complaint.response.note")}}}})
		for _, about := range []qantar.Record{p, act, post, inv, cmp} {
			cw := w
			if about == qantar.Record(inv) {
				cw = at(invLevel)
			}
			mk(&qantar.Citation{RecordKind: about.Kind(), RecordID: about.GetMeta().ID, SourceID: src.ID, Field: "description",
				Quote: cw("citation.quote"), Page: cw("citation.page"), ArchiveURL: "https://archive.example/" + cw("citation.archive_url"),
				Note: qantar.Text{"en": cw("citation.note")}})
		}
	}
	return sec
}

// TestProtectionProperty: for anonymous readers and viewers, no word of a
// record about a person they may not see appears in any answer: lists with
// every filter and ?q=, search, pages in kk, ru and en, downloads, history,
// proofs, entry bundles, the mirror and export --public; and a query for such
// a word is answered exactly as a query for a word that is nowhere. Words of
// what they may see are found (so the test can fail).
func TestProtectionProperty(t *testing.T) {
	seed := uint64(rand.Int64())
	t.Logf("seed %d", seed)
	dir := t.TempDir()
	path := filepath.Join(dir, "q.db")
	db, err := sqlite.Open(context.Background(), path, sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sec := buildPropWorld(t, db, rand.New(rand.NewPCG(seed, 1)))
	checkProperty(t, db, sec)
	t.Run("Mirror", func(t *testing.T) { checkMirror(t, db, sec) })
	t.Run("ExportPublic", func(t *testing.T) {
		out := filepath.Join(dir, "export")
		if code, o, e := runQantar(t, "export", "--db", path, "--format", "csv", "--public", "--out", out); code != 0 {
			t.Fatalf("export: %d %s %s", code, o, e)
		}
		checkTree(t, out, sec, qantar.Anonymous, true)
	})
}

// TestProtectionPropertyPostgres is the same on PostgreSQL.
func TestProtectionPropertyPostgres(t *testing.T) {
	pg := pgTestURL(t)
	keyFile := filepath.Join(t.TempDir(), "log.key")
	db, err := postgres.Open(context.Background(), pg, postgres.Options{LogKeyPath: keyFile})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	seed := uint64(rand.Int64())
	t.Logf("seed %d", seed)
	sec := buildPropWorld(t, db, rand.New(rand.NewPCG(seed, 1)))
	checkProperty(t, db, sec)
	t.Run("Mirror", func(t *testing.T) { checkMirror(t, db, sec) })
}

// crawler reads a site as one reader and checks every answer.
type crawler struct {
	t      *testing.T
	base   string
	bearer string
	reader qantar.Actor
	hidden []string
	seen   map[string]bool // every word of sec found in some answer
}

func (c *crawler) get(path string) (int, string) {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.base+path, nil)
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	body := strings.ToLower(string(b))
	for _, w := range c.hidden {
		// A word the reader typed into the request may be echoed back.
		if strings.Contains(body, w) && !strings.Contains(path, w) {
			c.t.Errorf("as %q, %s shows a hidden word (%s)", c.reader.Role, path, w)
		}
	}
	for w := range c.seen {
		if strings.Contains(body, w) {
			c.seen[w] = true
		}
	}
	return resp.StatusCode, string(b)
}

// same checks that two paths get the same status and body: a query for a
// hidden word is answered as one for a word that is nowhere.
func (c *crawler) same(a, b string) {
	c.t.Helper()
	sa, ba := c.get(a)
	sb, bb := c.get(b)
	strip := func(s, path string) string {
		u, _ := url.Parse(path)
		for _, vs := range u.Query() {
			for _, v := range vs {
				if strings.HasPrefix(v, "zq") { // the word asked for, echoed
					s = strings.ReplaceAll(s, v, "")
				}
			}
		}
		return s
	}
	if sa != sb || strip(ba, a) != strip(bb, b) {
		c.t.Errorf("as %q, %s answers otherwise (%d) than %s (%d)", c.reader.Role, a, sa, b, sb)
	}
}

func checkProperty(t *testing.T, st propStore, sec *secrets) {
	ctx := context.Background()
	_, viewerSecret, err := st.CreateToken(ctx, "property viewer", qantar.RoleViewer)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(web.New(web.Config{Store: st, Tokens: st, Log: st, Search: st}).Handler())
	defer srv.Close()
	for _, c := range []*crawler{
		{t: t, base: srv.URL, reader: qantar.Anonymous},
		{t: t, base: srv.URL, bearer: viewerSecret, reader: qantar.Actor{Role: qantar.RoleViewer}},
	} {
		c.hidden = sec.hiddenFrom(c.reader)
		c.seen = map[string]bool{}
		for w, l := range sec.level {
			if c.reader.CanSee(l) {
				c.seen[w] = false
			}
		}
		crawlAPI(c, st)
		crawlPages(c, st)
		crawlLog(c)
		for w, found := range c.seen {
			if !found {
				t.Errorf("as %q, the visible word %s (%s, %s) was found nowhere: the crawl misses something", c.reader.Role, w, sec.level[w], sec.where[w])
			}
		}
	}
}

// everyRecord lists every live record as an editor sees it.
func everyRecord(t *testing.T, st qantar.Store) []qantar.Record {
	var out []qantar.Record
	for _, k := range qantar.Kinds {
		recs, _, err := st.List(context.Background(), k, qantar.Filter{Reader: qantar.System, Limit: qantar.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, recs...)
	}
	return out
}

func crawlAPI(c *crawler, st propStore) {
	const absent = "zqabsentword"
	for _, k := range qantar.Kinds {
		c.get("/api/v1/" + string(k) + "?limit=1000")
		for _, w := range c.hidden {
			c.same("/api/v1/"+string(k)+"?q="+w, "/api/v1/"+string(k)+"?q="+absent)
		}
	}
	for _, w := range c.hidden {
		c.same("/api/v1/search?q="+w, "/api/v1/search?q="+absent)
	}
	for _, p := range []string{"/api/v1/stats", "/api/v1/estimate", "/api/v1/vocabularies"} {
		c.get(p)
	}
	for _, rec := range everyRecord(c.t, st) {
		checkFilters(c, rec)
		base := "/api/v1/" + string(rec.Kind()) + "/" + strconv.FormatInt(rec.GetMeta().ID, 10)
		c.get(base)
		c.get(base + "/history")
		for v := 1; v <= rec.GetMeta().Version; v++ {
			c.get(base + "/proof?version=" + strconv.Itoa(v))
		}
	}
}

// checkFilters filters the record's kind on each of its field values that
// hold a hidden word (or are a hidden record's), as the reader: the answer is
// the one for a value that is nowhere.
func checkFilters(c *crawler, rec qantar.Record) {
	var obj map[string]any
	b, _ := json.Marshal(rec)
	_ = json.Unmarshal(b, &obj)
	for _, f := range qantar.FilterFields[rec.Kind()] {
		v, ok := obj[f].(string)
		if !ok || !c.isHidden(v) {
			continue
		}
		list := "/api/v1/" + string(rec.Kind()) + "?" + f + "="
		c.same(list+url.QueryEscape(v), list+"zqabsentword")
		c.same("/"+string(rec.Kind())+"?"+f+"="+url.QueryEscape(v), "/"+string(rec.Kind())+"?"+f+"=zqabsentword")
	}
}

func (c *crawler) isHidden(v string) bool {
	for _, w := range c.hidden {
		if strings.Contains(strings.ToLower(v), w) {
			return true
		}
	}
	return false
}

func crawlPages(c *crawler, st propStore) {
	recs := everyRecord(c.t, st)
	for _, lang := range qantar.UILangs {
		q := "?lang=" + lang
		for _, p := range []string{"/", "/victims", "/stats", "/search?q=synthetic&lang=" + lang} {
			c.get(p + strings.Replace(q, "?", "&", strings.Count(p, "?")))
		}
		for _, k := range qantar.Kinds {
			c.get("/" + string(k) + q)
			c.get("/" + string(k) + q + "&format=csv")
			c.get("/" + string(k) + q + "&format=json")
			for _, w := range c.hidden {
				c.same("/"+string(k)+q+"&q="+w, "/"+string(k)+q+"&q=zqabsentword")
			}
		}
		for _, w := range c.hidden {
			c.same("/search"+q+"&q="+w, "/search"+q+"&q=zqabsentword")
		}
		for _, rec := range recs {
			page := "/" + string(rec.Kind()) + "/" + strconv.FormatInt(rec.GetMeta().ID, 10)
			c.get(page + q)
			c.get(page + "/history" + q)
		}
	}
}

// crawlLog reads the checkpoint and every entry bundle.
func crawlLog(c *crawler) {
	_, cp := c.get("/log/checkpoint")
	lines := strings.Split(cp, "\n")
	if len(lines) < 2 {
		c.t.Fatalf("checkpoint: %q", cp)
	}
	size, err := strconv.ParseUint(lines[1], 10, 64)
	if err != nil {
		c.t.Fatal(err)
	}
	for n := uint64(0); n*tlog.TileWidth < size; n++ {
		id := tlog.TileID{Entries: true, Index: n, Width: int(min(size-n*tlog.TileWidth, tlog.TileWidth))}
		if status, _ := c.get("/log/" + id.Path()); status != http.StatusOK {
			c.t.Errorf("entry bundle %s: status %d", id.Path(), status)
		}
	}
}

func checkMirror(t *testing.T, st propStore, sec *secrets) {
	out := filepath.Join(t.TempDir(), "mirror")
	if _, err := publish.Publish(context.Background(), out, publish.Options{Site: web.Config{Store: st, Tokens: st, Log: st, Search: st}}); err != nil {
		t.Fatal(err)
	}
	checkTree(t, out, sec, qantar.Anonymous, false)
}

// checkTree checks every file under dir for the words reader may not see,
// and that some file has each word they may.
func checkTree(t *testing.T, dir string, sec *secrets, reader qantar.Actor, exportOnly bool) {
	hidden := sec.hiddenFrom(reader)
	var all strings.Builder
	files := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files++
		body := strings.ToLower(string(b))
		for _, w := range hidden {
			if strings.Contains(body, w) {
				t.Errorf("%s shows a hidden word (%s, %s, %s)", p, w, sec.level[w], sec.where[w])
			}
		}
		all.WriteString(body)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	text := all.String()
	for w, l := range sec.level {
		if l == qantar.Public && !strings.Contains(text, w) && !(exportOnly && sec.where[w] == "act.minnesota.note") {
			t.Errorf("the public word %s (%s) is in none of the %d files", w, sec.where[w], files)
		}
	}
	t.Logf("%d files checked", files)
}
