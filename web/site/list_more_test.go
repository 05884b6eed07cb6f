package site_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/locale"
	"github.com/qantar-project/qantar/web/htmltest"
	"github.com/qantar-project/qantar/web/httpx"
)

// TestListCountedUpToLimit: a list that matches more than httpx.CountLimit
// records says "more than 10,000" in the reader's language, on the list
// page, the victims page (of acts), the API and the JSON download (total_at_least),
// and still links to the next page; one that matches fewer says its count.
func TestListCountedUpToLimit(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	n := httpx.CountLimit + 1
	var recs []qantar.Record
	for i := range n {
		recs = append(recs, &qantar.Person{Names: []qantar.Name{{Value: fmt.Sprintf("Synthetic Many %d", i), Lang: "en"}}, Sex: "female", Protection: qantar.Public})
	}
	if err := fx.db.InTx(ctx, func(w qantar.Writer) error {
		if _, err := qantar.CreateAll(ctx, w, qantar.System, recs); err != nil {
			return err
		}
		acts := make([]qantar.Record, n)
		for i, p := range recs {
			acts[i] = &qantar.Act{VictimID: p.GetMeta().ID, ActType: "arbitrary_detention", VictimStatus: "detained", Date: qantar.MustDate("2022-01-06")}
		}
		_, err := qantar.CreateAll(ctx, w, qantar.System, acts)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"kk", "ru", "en"} {
		p := locale.Default().Printer(lang)
		_, body, _ := fx.get(t, nil, "/persons?sex=female&lang="+lang)
		doc := htmltest.Parse(t, body)
		count := htmltest.Text(htmltest.One(t, doc, "p.count"))
		if want := strings.ReplaceAll(p.S("more than %d records", httpx.CountLimit), "\u00a0", " "); !strings.Contains(count, want) {
			t.Errorf("%s: the count says %q, want %q", lang, count, want)
		}
		if len(htmltest.All(t, doc, `a[rel=next]`)) != 1 {
			t.Errorf("%s: no link to the next page", lang)
		}
		_, body, _ = fx.get(t, nil, "/victims?lang="+lang)
		victims := htmltest.Text(htmltest.One(t, htmltest.Parse(t, body), "p.count"))
		if want := strings.ReplaceAll(p.S("more than %d acts", httpx.CountLimit), "\u00a0", " "); !strings.Contains(victims, want) {
			t.Errorf("%s: the victims page says %q, want %q", lang, victims, want)
		}
		_, body, _ = fx.get(t, nil, "/persons?sex=male&lang="+lang)
		if count := htmltest.Text(htmltest.One(t, htmltest.Parse(t, body), "p.count")); strings.Contains(count, moreWord(p.S("more than %d records", 7), p.S("%d records", 7))) {
			t.Errorf("%s: a short list says %q", lang, count)
		}
	}
	for _, path := range []string{"/api/v1/persons?sex=female", "/persons?sex=female&format=json"} {
		_, body, _ := fx.get(t, nil, path)
		var page struct {
			Total   int  `json:"total"`
			AtLeast bool `json:"total_at_least"`
		}
		if err := json.Unmarshal([]byte(body), &page); err != nil || page.Total != httpx.CountLimit || !page.AtLeast {
			t.Errorf("%s: total %d, at least %v (%v); want %d and true", path, page.Total, page.AtLeast, err, httpx.CountLimit)
		}
	}
}

// moreWord is a word of the phrase "more than N records" that "N records"
// lacks.
func moreWord(more, plain string) string {
	for _, w := range strings.Fields(more) {
		if !strings.Contains(plain, w) {
			return w
		}
	}
	return more
}
