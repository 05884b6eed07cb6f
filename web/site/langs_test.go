package site_test

import (
	"context"
	stdhtml "html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/locale"
)

// englishLines returns the lines of a page's main part that are a text of
// the English catalogue which has a translation in lang (said alone, or, for
// texts of several words, followed by more): what a Kazakh or Russian
// reader should never see.
func englishLines(lang, body string) []string {
	cat := locale.Default()
	tag := regexp.MustCompile(`(?s)<[^>]*>`)
	i := strings.Index(body, "<main")
	if i < 0 {
		i = 0
	}
	text := stdhtml.UnescapeString(tag.ReplaceAllString(body[i:], "\n"))
	var out []string
	for _, key := range cat.Keys() {
		e, _ := cat.Entry(lang, key)
		if len(key) < 5 || strings.Contains(key, "%") || e.Plural() || e.Texts(lang)[0] == key {
			continue
		}
		for _, line := range strings.Split(text, "\n") {
			// A one-word text counts only alone: a record's own title
			// ("Official figures on …", a source's words) may begin with it.
			l := strings.TrimSpace(line)
			if l == key || strings.Contains(key, " ") && strings.HasPrefix(l, key+" ") {
				out = append(out, key)
			}
		}
	}
	return out
}

// TestEveryPageSaysNoEnglish walks every page a reader and an editor can
// open over the fixture (each kind's list, a record of each kind, its
// history and its form, the workspace, import, linkage, lists, statistics,
// search, map, command, the admin pages, sign-in and the error pages) in
// Kazakh and Russian, and fails on any text of the English catalogue that
// has a translation.
func TestEveryPageSaysNoEnglish(t *testing.T) {
	fx := newFixture(t)
	admin := fx.signedIn(t, "synthetic-langs-admin", qantar.RoleAdmin)
	paths := []string{"/", "/search?q=Almaty", "/victims", "/stats", "/map", "/command?place=1&date=2022-01-06",
		"/lists/compare", "/login", "/nonexistent", "/persons/999999", "/edit", "/import", "/linkage",
		"/admin/users", "/admin/audit", "/edit/death"}
	for _, k := range qantar.Kinds {
		paths = append(paths, "/"+string(k), "/edit/"+string(k)+"/new")
		recs, _, err := fx.db.List(context.Background(), k, qantar.Filter{Reader: qantar.System, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) == 1 {
			id := itoa(recs[0].GetMeta().ID)
			paths = append(paths, "/"+string(k)+"/"+id, "/"+string(k)+"/"+id+"/history", "/edit/"+string(k)+"/"+id)
		}
	}
	for _, lang := range []string{"kk", "ru"} {
		for _, path := range paths {
			for _, c := range []*http.Client{nil, admin} {
				status, body, _ := fx.get(t, c, path+sep(path)+"lang="+lang)
				if status >= 500 {
					t.Errorf("%s in %s: status %d", path, lang, status)
				}
				for _, key := range englishLines(lang, body) {
					t.Errorf("%s in %s (signed in %v): says %q in English", path, lang, c != nil, key)
				}
			}
		}
	}
}

// A source's address and archived copy are links on its page.
func TestSourceURLsAreLinks(t *testing.T) {
	fx := newFixture(t)
	src := &qantar.Source{SourceKind: "news", Title: qantar.Text{"en": "Synthetic article"},
		URL: "https://example.org/synthetic?a=1&b=2", ArchiveURL: "https://web.archive.org/web/2022/https://example.org/synthetic"}
	if err := fx.db.Create(context.Background(), qantar.System, src); err != nil {
		t.Fatal(err)
	}
	_, body, _ := fx.get(t, nil, "/sources/"+itoa(src.ID)+"?lang=ru")
	for _, want := range []string{`href="https://example.org/synthetic?a=1&amp;b=2"`, `href="https://web.archive.org/web/2022/https://example.org/synthetic"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the source page lacks the link %s", want)
		}
	}
}
