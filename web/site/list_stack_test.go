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
	cellsNameTheirColumn(t, fx, "/places", "table.list", 1, 0, 2)
}

// A record's history is stacked on a phone too: each cell names its column.
func TestHistoryCellsNameTheirColumn(t *testing.T) {
	fx := mapSite(t)
	cellsNameTheirColumn(t, fx, "/places/"+itoa(fx.ids["square"])+"/history", "table.stack", 0, 5, 5)
}

// cellsNameTheirColumn holds, in kk, ru and en, every row of table on path
// to cells from..to (to 0: the last) each labelled (data-label) with its
// column's heading; the table must have at least columns columns and a
// row.
func cellsNameTheirColumn(t *testing.T, fx *fixture, path, table string, from, to, columns int) {
	t.Helper()
	for _, lang := range []string{"kk", "ru", "en"} {
		_, body, _ := fx.get(t, nil, path, "Accept-Language", lang)
		doc := htmltest.Parse(t, body)
		heads := htmltest.Texts(t, doc, table+" thead th")
		rows := htmltest.All(t, doc, table+" tbody tr")
		if len(rows) == 0 || len(heads) < columns {
			t.Fatalf("%s %s: %d rows, %d columns", lang, path, len(rows), len(heads))
		}
		for _, tr := range rows {
			cells := htmltest.All(t, tr, "td")
			end := to
			if end == 0 {
				end = len(cells)
			}
			for i := from; i < end; i++ {
				if got := htmltest.Attr(cells[i], "data-label"); got != heads[i] {
					t.Errorf("%s %s: cell %d is labelled %q, want its column's %q", lang, path, i, got, heads[i])
				}
			}
		}
	}
}
