package site_test

import (
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/web/htmltest"
)

// A link whose title is record content in another language than the page's
// (a place named only in English and Russian, on a Kazakh page) says which
// language it is in, so that a screen reader reads it in that language; in
// the reader's own language it carries no mark. So does the heading of the
// record's own page.
func TestLinkTitleLanguage(t *testing.T) {
	fx := mapSite(t)
	path := "/acts/" + itoa(fx.ids["act"])
	for lang, want := range map[string]struct{ title, mark string }{
		"kk": {"Synthetic Square", "en"}, "ru": {"Синтетическая площадь", ""}, "en": {"Synthetic Square", ""},
	} {
		status, body, _ := fx.get(t, nil, path, "Accept-Language", lang)
		if status != 200 {
			t.Fatalf("%s in %s: %d", path, lang, status)
		}
		doc := htmltest.Parse(t, body)
		found := false
		for _, a := range htmltest.All(t, doc, "main a") {
			if htmltest.Attr(a, "href") != "/places/"+itoa(fx.ids["square"]) {
				continue
			}
			found = true
			if got := strings.TrimSpace(htmltest.Text(a)); got != want.title {
				t.Errorf("%s: the place's link reads %q, want %q", lang, got, want.title)
			}
			if got := htmltest.Attr(a, "lang"); got != want.mark {
				t.Errorf("%s: the place's link has lang=%q, want %q", lang, got, want.mark)
			}
		}
		if !found {
			t.Errorf("%s: %s has no link to the place", lang, path)
		}
		_, body, _ = fx.get(t, nil, "/places/"+itoa(fx.ids["square"]), "Accept-Language", lang)
		if got := htmltest.Attr(htmltest.One(t, htmltest.Parse(t, body), "main h1"), "lang"); got != want.mark {
			t.Errorf("%s: the place page's heading has lang=%q, want %q", lang, got, want.mark)
		}
	}
}

// A source's page lists what cites it, naming the field cited in the
// reader's words, never the field's code (region_now_id).
func TestCitedFieldInReadersWords(t *testing.T) {
	fx := mapSite(t)
	src := fx.create(t, &qantar.Source{SourceKind: "news", Title: qantar.Text{"en": "Synthetic report"}})
	fx.create(t, &qantar.Citation{RecordKind: qantar.KindPlace, RecordID: fx.ids["square"], SourceID: src, Field: "region_now_id"})
	fx.create(t, &qantar.Citation{RecordKind: qantar.KindPlace, RecordID: fx.ids["square"], SourceID: src})
	for lang, want := range map[string]string{"ru": "Регион сейчас", "kk": "Қазіргі өңір", "en": "Region now"} {
		_, body, _ := fx.get(t, nil, "/sources/"+itoa(src), "Accept-Language", lang)
		if strings.Contains(body, "region_now_id") {
			t.Errorf("%s: the source page names the field by its code region_now_id", lang)
		}
		if !strings.Contains(body, "("+want+")") {
			t.Errorf("%s: the source page does not name the field cited as %q", lang, want)
		}
		// The place's page cites the source by its English title.
		_, body, _ = fx.get(t, nil, "/places/"+itoa(fx.ids["square"]), "Accept-Language", lang)
		cite := htmltest.One(t, htmltest.Parse(t, body), "a.cite")
		if got, mark := htmltest.Attr(cite, "lang"), map[bool]string{true: "en"}[lang != "en"]; got != mark {
			t.Errorf("%s: the citation of an English title has lang=%q, want %q", lang, got, mark)
		}
	}
}

// A quote on a source's page is in the source's language and says so.
func TestQuoteInSourceLanguage(t *testing.T) {
	fx := mapSite(t)
	src := fx.create(t, &qantar.Source{SourceKind: "news", Title: qantar.Text{"ru": "Синтетический репортаж"}, Language: "ru"})
	fx.create(t, &qantar.Citation{RecordKind: qantar.KindPlace, RecordID: fx.ids["square"], SourceID: src, Quote: "Синтетическая цитата"})
	for _, lang := range []string{"kk", "ru", "en"} {
		_, body, _ := fx.get(t, nil, "/sources/"+itoa(src), "Accept-Language", lang)
		q := htmltest.One(t, htmltest.Parse(t, body), "main blockquote")
		if got := htmltest.Attr(q, "lang"); got != "ru" {
			t.Errorf("%s: the quote has lang=%q, want ru", lang, got)
		}
	}
}

// A history page's heading marks the record's title with its language when
// it is in another than the page's, and escapes it.
func TestHistoryHeadingLanguage(t *testing.T) {
	fx := mapSite(t)
	src := fx.create(t, &qantar.Source{SourceKind: "news", Title: qantar.Text{"en": "Synthetic <report>"}})
	for lang, mark := range map[string]string{"kk": "en", "ru": "en", "en": ""} {
		_, body, _ := fx.get(t, nil, "/sources/"+itoa(src)+"/history", "Accept-Language", lang)
		h1 := htmltest.One(t, htmltest.Parse(t, body), "main h1")
		if !strings.Contains(htmltest.Text(h1), "Synthetic <report>") {
			t.Errorf("%s: the heading reads %q", lang, htmltest.Text(h1))
		}
		spans := htmltest.All(t, h1, "span[lang]")
		if mark == "" && len(spans) != 0 || mark != "" && (len(spans) != 1 || htmltest.Attr(spans[0], "lang") != mark) {
			t.Errorf("%s: the heading's title marks: %d spans, want lang=%q", lang, len(spans), mark)
		}
	}
}
