package site_test

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// The map in Chromium with JavaScript off, on a desktop and a 390 px phone:
// the regions and the three kinds of marker are drawn and the page is no
// wider than the screen. Screenshots go to QANTAR_TEST_SCREENSHOTS.
func TestBrowserMap(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	ctx := browser(t)
	fx := mapSite(t)
	for _, w := range []int64{1280, 390} {
		opts := []chromedp.EmulateViewportOption{}
		if w < 500 {
			opts = append(opts, chromedp.EmulateMobile)
		}
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 844, opts...)); err != nil {
			t.Fatal(err)
		}
		for _, url := range []string{fx.srv.URL + "/map?lang=ru", fx.srv.URL + "/map?date=2022-01-05&lang=kk"} {
			mustContain(t, "map", page(t, ctx, url), `class="region"`, `class="marker unit"`)
			if o := overflow(t, ctx); o > 0 {
				t.Errorf("%s is %.0f px wider than a %d px screen", url, o, w)
			}
		}
		screenshot(t, ctx, fx.srv.URL+"/map?lang=ru", "map-ru-"+itoa(w)+".png")
	}
}
