package site_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/locale"
	"github.com/qantar-project/qantar/web/htmltest"
)

// The comparison of two lists counts a confidential person on a list and
// never names them to an anonymous reader.
func TestListsCompareCountsProtectedNamesNone(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	mk := func(rec qantar.Record) int64 { return fx.create(t, rec) }
	a := mk(&qantar.Source{SourceKind: "list", Title: qantar.Text{"en": "Synthetic list A"}})
	b := mk(&qantar.Source{SourceKind: "list", Title: qantar.Text{"en": "Synthetic list B"}})
	mk(&qantar.Citation{RecordKind: qantar.KindPerson, RecordID: fx.ids["public"], SourceID: a})
	mk(&qantar.Citation{RecordKind: qantar.KindAct, RecordID: fx.ids["act2"], SourceID: a})
	mk(&qantar.Citation{RecordKind: qantar.KindPerson, RecordID: fx.ids["restricted"], SourceID: b})
	code, body, _ := fx.get(t, nil, "/api/v1/lists/compare?a="+itoa(a)+"&b="+itoa(b))
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	for _, secret := range []string{confidentialName, confidentialRu, restrictedName} {
		if strings.Contains(body, secret) {
			t.Fatalf("a protected name in the answer: %s", body)
		}
	}
	var c struct {
		OnA   int `json:"on_a"`
		OnlyA struct {
			Count, Protected int
			Named            []struct{ Name string }
		} `json:"only_on_a"`
		OnlyB struct{ Count, Protected int } `json:"only_on_b"`
	}
	if err := json.Unmarshal([]byte(body), &c); err != nil {
		t.Fatal(err)
	}
	if c.OnA != 2 || c.OnlyA.Count != 2 || c.OnlyA.Protected != 1 || len(c.OnlyA.Named) != 1 || c.OnlyA.Named[0].Name != publicName {
		t.Fatalf("only on A: %s", body)
	}
	if c.OnlyB.Count != 1 || c.OnlyB.Protected != 1 {
		t.Fatalf("only on B: %s", body)
	}
	srcs, _, _ := fx.db.List(ctx, qantar.KindSource, qantar.Filter{Where: map[string]string{"kind": "news"}, Limit: 1, Reader: qantar.System})
	for _, q := range []string{"a=" + itoa(a), "a=" + itoa(a) + "&b=x", "a=" + itoa(a) + "&b=" + itoa(srcs[0].GetMeta().ID)} {
		if code, body, _ := fx.get(t, nil, "/api/v1/lists/compare?"+q); code != 400 {
			t.Fatalf("%s: %d %s, want 400", q, code, body)
		}
	}
	// The page, in Russian, without JavaScript: counts, the public name,
	// the protected counted and not named.
	code, body, _ = fx.get(t, nil, "/lists/compare?lang=ru&a="+itoa(a)+"&b="+itoa(b))
	if code != 200 {
		t.Fatalf("page: %d\n%s", code, body)
	}
	doc := htmltest.Parse(t, body)
	// Only on A: the public person named, linked to their page; the
	// confidential one counted under the table. Only on B: one protected.
	onlyA := htmltest.One(t, doc, "section#only-a")
	if got := htmltest.Texts(t, onlyA, "tbody td a"); len(got) != 1 || got[0] != publicName {
		t.Errorf("named only on A: %q, want %q", got, publicName)
	}
	htmltest.One(t, onlyA, `tbody td a[href="/persons/`+itoa(fx.ids["public"])+`"]`)
	ru := locale.Default().Printer("ru")
	if got, want := htmltest.Text(htmltest.One(t, onlyA, "p.muted")), ru.S("and %d protected people, counted here and not named", 1); got != want {
		t.Errorf("only on A, protected: %q, want %q", got, want)
	}
	onlyB := htmltest.One(t, doc, "section#only-b")
	htmltest.None(t, onlyB, "tbody td a")
	if got, want := htmltest.Text(htmltest.One(t, onlyB, "p.muted")), ru.S("and %d protected people, counted here and not named", 1); got != want {
		t.Errorf("only on B, protected: %q, want %q", got, want)
	}
	if got := htmltest.Texts(t, doc, "table#lists-counts td"); len(got) != 3 || got[0] != "2" || got[1] != "1" || got[2] != "0" {
		t.Errorf("counts on A, on B, on both: %q, want 2 1 0", got)
	}
	for _, secret := range []string{confidentialName, confidentialRu, restrictedName} {
		if strings.Contains(body, secret) {
			t.Fatalf("a protected name on the page")
		}
	}
	if code, _, _ := fx.get(t, nil, "/lists/compare?a="+itoa(a)); code != 400 {
		t.Fatalf("one list: %d, want 400", code)
	}
}
