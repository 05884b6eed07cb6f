package site_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The public pages a relative or a journalist reads first, in kk, ru and en,
// on a desktop and on a 390 px phone, in Chromium with JavaScript off: each
// in the reader's language and no wider than the screen (tables scroll
// inside their box). Screenshots of the home page, the statistics and the
// complaints list go to QANTAR_TEST_SCREENSHOTS (docs/screenshots holds them).
func TestBrowserPagesFitInEveryLanguage(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	ctx := browser(t)
	fx := newFixture(t)
	pages := []struct{ name, path string }{
		{"home", "/"}, {"stats", "/stats"}, {"complaints", "/complaints"}, {"victims", "/victims"},
		{"case", "/cases/" + itoa(fx.ids["case"])}, {"complaint", "/complaints/" + itoa(fx.ids["complaint"])},
		{"unit", "/units/" + itoa(fx.ids["unit"])}, {"map", "/map"}, {"events", "/events"},
		{"figures", "/figures"}, {"sources", "/sources"}, {"persons", "/persons"},
	}
	shots := map[string]bool{"home": true, "stats": true, "complaints": true}
	langs := map[string]string{"kk": `lang="kk"`, "ru": `lang="ru"`, "en": `lang="en"`}
	for _, w := range []int64{1280, 390} {
		opts := []chromedp.EmulateViewportOption{}
		if w < 500 {
			opts = append(opts, chromedp.EmulateMobile)
		}
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 844, opts...)); err != nil {
			t.Fatal(err)
		}
		for lang, mark := range langs {
			for _, pg := range pages {
				url := fx.srv.URL + pg.path + sep(pg.path) + "lang=" + lang
				html := page(t, ctx, url)
				if !strings.Contains(html, mark) {
					t.Errorf("%s in %s: the page is not in %s", pg.name, lang, lang)
				}
				if o := overflow(t, ctx); o > 0 {
					t.Errorf("%s in %s is %.0f px wider than a %d px screen", pg.name, lang, o, w)
				}
				if shots[pg.name] {
					screenshot(t, ctx, url, pg.name+"-"+lang+"-"+itoa(w)+".png")
				}
			}
		}
	}
}

func sep(path string) string {
	if strings.Contains(path, "?") {
		return "&"
	}
	return "?"
}
