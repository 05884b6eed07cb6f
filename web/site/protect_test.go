package site_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
)

// TestAnonymousNeverSeesProtected walks every public page and API endpoint
// as an anonymous reader — every list, download, record page and history of
// every record, the search for the protected names, and every link the pages
// lead to — and looks for a protected person's name in any answer.
func TestAnonymousNeverSeesProtected(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	secrets := []string{confidentialName, confidentialRu, restrictedName, "Zhanar", "Конфиденциальная", "Restricted Witness"}
	var paths []string
	add := func(p ...string) { paths = append(paths, p...) }
	add("/", "/victims", "/edit", "/login", "/api/v1/vocabularies", "/api/v1/stats", "/log/checkpoint")
	for _, q := range []string{"Zhanar", "synthetic", "Конфиденциальная", "Restricted", "witness"} {
		add("/search?q="+url.QueryEscape(q), "/api/v1/search?q="+url.QueryEscape(q), "/persons?q="+url.QueryEscape(q),
			"/persons?format=csv&q="+url.QueryEscape(q), "/api/v1/persons?q="+url.QueryEscape(q))
	}
	for _, k := range qantar.Kinds {
		base := "/" + string(k)
		add(base, base+"?format=csv", base+"?format=json", base+"?sort=-updated_at", "/api/v1/"+string(k))
		recs, _, err := fx.db.List(ctx, k, qantar.Filter{Limit: qantar.MaxLimit, Reader: qantar.System})
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range recs {
			id := itoa(rec.GetMeta().ID)
			add(base+"/"+id, base+"/"+id+"/history", base+"/"+id+"/history?from=1&to=2", base+"/"+id+"?lang=ru", base+"/"+id+"?lang=kk",
				"/api/v1/"+string(k)+"/"+id, "/api/v1/"+string(k)+"/"+id+"/history", "/api/v1/"+string(k)+"/"+id+"/proof?version=1")
		}
	}
	for _, s := range []string{"sex=female", "protection=confidential", "protection=restricted", "sort=sex", "sort=-birth_date"} {
		add("/persons?"+s, "/persons?format=json&"+s, "/api/v1/persons?"+s)
	}
	seen := map[string]bool{}
	href := regexp.MustCompile(`href="(/[^"#]*)"`)
	for i := 0; i < len(paths) && len(seen) < 3000; i++ {
		p := strings.ReplaceAll(paths[i], "&amp;", "&")
		if seen[p] || strings.HasPrefix(p, "/static/") {
			continue
		}
		seen[p] = true
		status, body, _ := fx.get(t, nil, p)
		if status >= 500 {
			t.Errorf("GET %s: status %d", p, status)
		}
		asked, _ := url.QueryUnescape(p)
		for _, s := range secrets {
			if strings.Contains(strings.ToLower(asked), strings.ToLower(s)) {
				continue // the reader's own query, echoed back
			}
			if strings.Contains(strings.ToLower(body), strings.ToLower(s)) {
				t.Errorf("GET %s shows %q to an anonymous reader", p, s)
			}
		}
		for _, m := range href.FindAllStringSubmatch(body, -1) {
			add(m[1])
		}
	}
	if len(seen) < 200 {
		t.Fatalf("walked only %d paths", len(seen))
	}
	t.Logf("walked %d paths", len(seen))
	// The placeholder is there, so that the act is still counted.
	_, body, _ := fx.get(t, nil, "/persons/"+itoa(fx.ids["confidential"]))
	if !strings.Contains(body, "Protected person") {
		t.Errorf("a protected person's page does not show the placeholder")
	}
}

// TestProtectionTakesEffectAtOnce protects a person after the home page and
// their page were cached; neither may show the name afterwards, even while
// the figures are being computed again.
func TestProtectionTakesEffectAtOnce(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	person := "/persons/" + itoa(fx.ids["public"])
	for _, p := range []string{"/", "/?lang=ru", person, "/victims"} {
		if _, body, _ := fx.get(t, nil, p); !strings.Contains(body, "Synthetic Public Victim") && !strings.Contains(body, "Синтетическая Публичная") {
			t.Fatalf("%s does not show the public person before", p)
		}
	}
	rec, err := fx.db.Get(ctx, qantar.KindPerson, fx.ids["public"])
	if err != nil {
		t.Fatal(err)
	}
	rec.(*qantar.Person).Protection = qantar.Restricted
	if err := fx.db.Update(ctx, qantar.System, rec); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // the state is read at most every 250 ms
	for _, p := range []string{"/", "/?lang=ru", person, "/victims", "/cases/" + itoa(fx.ids["case"])} {
		if _, body, _ := fx.get(t, nil, p); strings.Contains(body, "Synthetic Public Victim") || strings.Contains(body, "Синтетическая Публичная") {
			t.Errorf("%s still shows the person after they were protected", p)
		}
	}
}
