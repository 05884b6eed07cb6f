package site_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/locale"
	"github.com/qantar-project/qantar/web/htmltest"
)

// TestCaseTermInReadersLanguage: a conviction's term is said in the
// reader's language on the case's timeline ("3 жыл", "3 года"), never as
// the English the data was once typed in.
func TestCaseTermInReadersLanguage(t *testing.T) {
	fx := newFixture(t)
	recs, _, err := fx.db.List(context.Background(), qantar.KindCase, qantar.Filter{Where: map[string]string{"external_key": "qantar2022:case:karasai-torture-2025"}, Reader: qantar.System})
	if err != nil || len(recs) != 1 {
		t.Fatalf("the bundled Karasai case: %v, %v", recs, err)
	}
	id := itoa(recs[0].GetMeta().ID)
	for _, lang := range []string{"kk", "ru", "en"} {
		p := locale.Default().Printer(lang)
		_, body, _ := fx.get(t, nil, "/cases/"+id+"?lang="+lang)
		steps := strings.Join(htmltest.Texts(t, htmltest.Parse(t, body), "ol li"), " | ")
		if want := p.S("%d years", 3); !strings.Contains(steps, want) {
			t.Errorf("%s: the timeline %q lacks the term %q", lang, steps, want)
		}
		if lang != "en" && strings.Contains(steps, "years") {
			t.Errorf("%s: the timeline says %q", lang, steps)
		}
	}
}

// TestCaseTermForm: an editor gives a conviction's term in two number
// inputs of the step's row, without JavaScript; the form holds it back,
// and a term on an acquittal is refused in the reader's language, next to
// its input, changing nothing.
func TestCaseTermForm(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	ed := fx.editor(t, "synthetic-term-editor", time.Now())
	path := "/edit/cases/" + itoa(fx.ids["case"])
	_, body, _ := fx.get(t, ed, path)
	form := formOf(t, body, path)
	if _, ok := form["steps[2].term_years"]; !ok {
		t.Fatalf("no term input in the step rows: %v", form)
	}
	form.Set("steps[2].step", "verdict")
	form.Set("steps[2].date", "2023-06-01")
	form.Set("steps[2].verdict", "acquitted")
	form.Set("steps[2].term_years", "4")
	form.Set("steps[2].term_months", "6")
	form.Set("lang", "ru")
	status, body, _ := fx.post(t, ed, path+"?lang=ru", form)
	ru := locale.Default().Printer("ru")
	if msg, _ := errorNextTo(t, body, "steps[2].term_years"); status == http.StatusSeeOther || msg != ru.S("only a conviction has a term") {
		t.Fatalf("a term on an acquittal: status %d, error %q", status, msg)
	}
	if got, _ := fx.db.Get(ctx, qantar.KindCase, fx.ids["case"]); got.GetMeta().Version != 1 {
		t.Fatalf("a refused form wrote version %d", got.GetMeta().Version)
	}
	form.Set("steps[2].verdict", "convicted")
	if status, body, _ := fx.post(t, ed, path, form); status != http.StatusSeeOther {
		t.Fatalf("a conviction's term: status %d\n%s", status, body)
	}
	got, _ := fx.db.Get(ctx, qantar.KindCase, fx.ids["case"])
	if s := got.(*qantar.Case).Steps[2]; s.TermYears != 4 || s.TermMonths != 6 {
		t.Fatalf("stored step %+v", s)
	}
	_, body, _ = fx.get(t, ed, path)
	if f := formOf(t, body, path); f.Get("steps[2].term_years") != "4" || f.Get("steps[2].term_months") != "6" {
		t.Errorf("the form holds the term as %q and %q", f.Get("steps[2].term_years"), f.Get("steps[2].term_months"))
	}
}
