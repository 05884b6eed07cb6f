package site_test

import (
	"testing"

	"github.com/qantar-project/qantar/web/htmltest"
)

// On a phone a list's rows are stacked (CSS only): each cell but the
// record's own link carries its column's name, in the reader's language, to
// be shown before it.
func TestListCellsNameTheirColumn(t *testing.T) {
	fx := mapSite(t)
	for _, lang := range []string{"kk", "ru", "en"} {
		_, body, _ := fx.get(t, nil, "/places", "Accept-Language", lang)
		doc := htmltest.Parse(t, body)
		heads := htmltest.Texts(t, doc, "table.list thead th")
		rows := htmltest.All(t, doc, "table.list tbody tr")
		if len(rows) == 0 || len(heads) < 2 {
			t.Fatalf("%s: %d rows, %d columns", lang, len(rows), len(heads))
		}
		for _, tr := range rows {
			for i, td := range htmltest.All(t, tr, "td")[1:] {
				if got := htmltest.Attr(td, "data-label"); got != heads[i+1] {
					t.Errorf("%s: cell %d is labelled %q, want its column's %q", lang, i+1, got, heads[i+1])
				}
			}
		}
	}
}

// A record's history is stacked on a phone too: each cell names its column.
func TestHistoryCellsNameTheirColumn(t *testing.T) {
	fx := mapSite(t)
	for _, lang := range []string{"kk", "ru", "en"} {
		_, body, _ := fx.get(t, nil, "/places/"+itoa(fx.ids["square"])+"/history", "Accept-Language", lang)
		doc := htmltest.Parse(t, body)
		heads := htmltest.Texts(t, doc, "table.stack thead th")
		rows := htmltest.All(t, doc, "table.stack tbody tr")
		if len(rows) == 0 || len(heads) < 5 {
			t.Fatalf("%s: %d stacked rows, %d columns", lang, len(rows), len(heads))
		}
		for _, tr := range rows {
			for i, td := range htmltest.All(t, tr, "td")[:5] {
				if got := htmltest.Attr(td, "data-label"); got != heads[i] {
					t.Errorf("%s: cell %d is labelled %q, want its column's %q", lang, i, got, heads[i])
				}
			}
		}
	}
}
