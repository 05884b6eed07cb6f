package site_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/media/mediatest"
)

// The source page's files section on a 390 px phone with scripts off, as
// an anonymous reader, a viewer (the origin shown) and an editor (the
// upload form), in kk, ru and en: no wider than the screen, the previews
// drawn no wider than their cap.
func TestFileMediaBrowser390(t *testing.T) {
	fx := newFilesFixture(t)
	other := &qantar.Source{SourceKind: "photo", Title: qantar.Text{"en": "Synthetic second source"}}
	if err := fx.db.Create(context.Background(), qantar.System, other); err != nil {
		t.Fatal(err)
	}
	fx.addPublic(t, fx.source, "IMG_20220105_143000_a_rather_long_name.jpg", mediatest.JPEG(t, mediatest.Picture(1600, 1200, 51, 0), 85, true))
	fx.addPublic(t, other.ID, "near.jpg", mediatest.JPEG(t, mediatest.Picture(800, 600, 51, 3), 60, false))
	root := browser(t)
	for _, role := range []string{"", qantar.RoleViewer, qantar.RoleEditor} {
		ctx := session(t, root)
		headers := network.Headers{}
		if role != "" {
			headers["Authorization"] = "Bearer " + fx.tokens[role]
		}
		err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			if _, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{}); err != nil {
				return err
			}
			_, err := cdp.Call(ctx, tg, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: headers})
			return err
		}), chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
		if err != nil {
			t.Fatal(err)
		}
		for _, lang := range []string{"kk", "ru", "en"} {
			h := page(t, ctx, fx.srv.URL+"/sources/"+itoa(fx.source)+"?lang="+lang)
			if !strings.Contains(h, `class="file-preview"`) || (role != "") != strings.Contains(h, "geo:") || (role == qantar.RoleEditor) != strings.Contains(h, "multipart/form-data") {
				t.Errorf("%q, %s: the page is not the reader's", role, lang)
			}
			if o := overflow(t, ctx); o > 0 {
				t.Errorf("%q, %s: the source page is %.0f px wider than a 390 px screen", role, lang, o)
			}
			if role != qantar.RoleEditor {
				screenshot(t, ctx, fx.srv.URL+"/sources/"+itoa(fx.source)+"?lang="+lang, "source-files-"+lang+"-390-"+map[string]string{"": "public", qantar.RoleViewer: "viewer"}[role]+".png")
			}
		}
	}
}
