package site_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/dom"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// overflow returns how many CSS pixels the current page is wider than its
// viewport (0 when it fits).
func overflow(t *testing.T, ctx context.Context) float64 {
	t.Helper()
	var over float64
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		m, err := cdp.Call(ctx, tg, cdppage.GetLayoutMetrics, cdp.Empty{})
		if err != nil {
			return err
		}
		if m.CSSContentSize != nil && m.CSSLayoutViewport != nil {
			over = max(0, m.CSSContentSize.Width-float64(m.CSSLayoutViewport.ClientWidth))
		}
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	return over
}

// cellsRight returns the right edge, in CSS pixels from the left of the
// viewport, of the farthest cell the selector finds (a table that scrolls
// inside itself puts its last columns past the screen).
func cellsRight(t *testing.T, ctx context.Context, sel string) float64 {
	t.Helper()
	right, err := chromedp.Run(ctx, chromedp.QueryAfter(chromedp.CSSAll(sel), func(ctx context.Context, tg *chromedp.Target, nodes []*chromedp.Node) (float64, error) {
		var r float64
		for _, n := range nodes {
			res, err := cdp.Call(ctx, tg, dom.GetBoxModel, dom.GetBoxModelParams{NodeID: n.NodeID})
			if err != nil {
				return 0, err
			}
			for i := 0; i < len(res.Model.Border); i += 2 {
				r = max(r, res.Model.Border[i])
			}
		}
		return r, nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	return right
}

// The unit page's organisation chart and the /command page in Chromium with
// JavaScript off, on a desktop and on a 390 px phone: drawn, readable, and
// no wider than the screen. Screenshots go to QANTAR_TEST_SCREENSHOTS.
func TestBrowserCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	ctx := browser(t)
	fx, ids := commandSite(t)
	unit := fx.srv.URL + "/units/" + itoa(ids["regiment"]) + "?date=2022-01-06&lang=en"
	cmd := fx.srv.URL + "/command?place=" + url.QueryEscape("Synthetic Square") + "&date=2022-01-07&lang=en"
	for _, w := range []int64{1280, 390} {
		opts := []chromedp.EmulateViewportOption{}
		if w < 500 {
			opts = append(opts, chromedp.EmulateMobile)
		}
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 844, opts...)); err != nil {
			t.Fatal(err)
		}
		mustContain(t, "unit page", page(t, ctx, unit), "<svg", "Commander: Synthetic Beta", "Synthetic Ministry", "Synthetic Battalion")
		if o := overflow(t, ctx); o > 0 {
			t.Errorf("the unit page is %.0f px wider than a %d px screen", o, w)
		}
		screenshot(t, ctx, unit, "unit-org-"+itoa(w)+".png")
		mustContain(t, "command page", page(t, ctx, cmd), "Synthetic Police Department", "Synthetic Regiment", "sourced as applying to sub-units")
		if o := overflow(t, ctx); o > 0 {
			t.Errorf("the command page is %.0f px wider than a %d px screen", o, w)
		}
		screenshot(t, ctx, cmd, "command-"+itoa(w)+".png")
	}
	phoneCommand(t, ctx, fx, ids)
}

// phoneCommand looks at the unit page and /command on a 390 px phone in
// each language: every cell of the unit's tables (commanders over time,
// positions) on the screen, not in a table that scrolls inside itself.
func phoneCommand(t *testing.T, ctx context.Context, fx *fixture, ids map[string]int64) {
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"kk", "ru", "en"} {
		unit := fx.srv.URL + "/units/" + itoa(ids["regiment"]) + "?date=2022-01-06&lang=" + lang
		page(t, ctx, unit)
		if o := overflow(t, ctx); o > 0 {
			t.Errorf("%s: the unit page is %.0f px wider than a 390 px screen", lang, o)
		}
		if r := cellsRight(t, ctx, "main table td:not(:empty)"); r > 390 {
			t.Errorf("%s: a cell of the unit's tables reaches %.0f px on a 390 px screen", lang, r)
		}
		screenshot(t, ctx, unit, "unit-390-"+lang+".png")
		cmd := fx.srv.URL + "/command?place=" + itoa(ids["square"]) + "&date=2022-01-07&lang=" + lang
		page(t, ctx, cmd)
		if o := overflow(t, ctx); o > 0 {
			t.Errorf("%s: the command page is %.0f px wider than a 390 px screen", lang, o)
		}
		screenshot(t, ctx, cmd, "command-390-"+lang+".png")
	}
}
