package site_test

import (
	"strings"
	"testing"

	"github.com/qantar-project/qantar/locale"
	"github.com/qantar-project/qantar/web/htmltest"
)

// TestComplaintsListStatus: the complaints list shows each complaint's
// deadline and status in words, in the reader's language, as its page does.
func TestComplaintsListStatus(t *testing.T) {
	fx := newFixture(t)
	id := itoa(fx.ids["complaint"])
	_, page, _ := fx.get(t, nil, "/complaints/"+id+"?lang=ru")
	_, list, _ := fx.get(t, nil, "/complaints?lang=ru")
	ru := locale.Default().Printer("ru")
	doc := htmltest.Parse(t, list)
	cols := htmltest.Texts(t, doc, "table thead th[scope=col]")
	at := map[string]int{}
	for i, c := range cols {
		at[c] = i
	}
	deadline, okD := at[ru.S("Deadline")]
	status, okS := at[ru.S("Status")]
	if !okD || !okS || ru.S("Status") == "Status" {
		t.Fatalf("the complaints list's columns %q lack %q and %q", cols, ru.S("Deadline"), ru.S("Status"))
	}
	// The complaint's row: its deadline and its status as its page says them.
	var row []string
	for _, tr := range htmltest.All(t, doc, "table tbody tr") {
		if len(htmltest.All(t, tr, `td a[href="/complaints/`+id+`"]`)) == 1 {
			row = htmltest.Texts(t, tr, "td")
		}
	}
	if len(row) != len(cols) {
		t.Fatalf("the complaint's row %q for columns %q", row, cols)
	}
	rec := htmltest.Parse(t, page)
	said := htmltest.Text(htmltest.One(t, rec, "section.status p strong"))
	if said == "" || !strings.HasPrefix(row[status], said) {
		t.Errorf("status in the list %q, on the page %q", row[status], said)
	}
	if want := htmltest.Text(htmltest.One(t, rec, "section.status p time")); row[deadline] != want {
		t.Errorf("deadline in the list %q, on the page %q", row[deadline], want)
	}
}
