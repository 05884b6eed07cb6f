package site_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/qantar-project/qantar/law"
	"github.com/qantar-project/qantar/web"
)

// TestPagesUseConfiguredRules: the pages read the jurisdiction rules the
// server was given (qantar serve --rules), as the API does, not the
// built-in ones: a relabelled ground shows on the case page.
func TestPagesUseConfiguredRules(t *testing.T) {
	fx := newFixture(t)
	path := "/cases/" + itoa(fx.ids["case"])
	if _, body, _ := fx.get(t, nil, path); strings.Contains(body, "Synthetic relabelled ground") {
		t.Fatal("the built-in rules already hold the synthetic label")
	}
	custom := *law.Default()
	custom.TerminationGrounds = append([]law.Entry(nil), custom.TerminationGrounds...)
	found := false
	for i := range custom.TerminationGrounds {
		if custom.TerminationGrounds[i].Code == "cpc-35-1-1" {
			custom.TerminationGrounds[i].Labels = law.Labels{EN: "Synthetic relabelled ground", RU: "Synthetic relabelled ground", KK: "Synthetic relabelled ground"}
			found = true
		}
	}
	if !found {
		t.Fatal("the fixture's ground cpc-35-1-1 is not in the built-in rules")
	}
	b, err := json.Marshal(&custom)
	if err != nil {
		t.Fatal(err)
	}
	rules, err := law.Load(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	site := web.New(web.Config{Store: fx.db, Tokens: fx.db, Log: fx.db, Rules: law.NewRegistry(rules)})
	srv := httptest.NewServer(site.Handler())
	defer srv.Close()
	resp, err := noRedirect().Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	page, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), "Synthetic relabelled ground") {
		t.Errorf("the case page does not use the configured rules")
	}
}

// TestComplaintPageNamesEdition: the complaint page says which edition of
// the law its deadline was counted with, and, in the reader's language,
// that the text in force on the filing day is not recorded (the fixture is a
// cpc-105 complaint of 2023; the rules carry the 2025 text of art. 105).
func TestComplaintPageNamesEdition(t *testing.T) {
	fx := newFixture(t)
	path := "/complaints/" + itoa(fx.ids["complaint"])
	for lang, want := range map[string][]string{
		"en": {"Edition of the law used", "not known to be in force on 2023-03-15", "Law 210-VIII of 16.07.2025"},
		"ru": {"Использованная редакция закона", "неизвестно, действовала ли она на 2023-03-15", "Закона № 210-VIII от 16.07.2025"},
		"kk": {"Қолданылған заң редакциясы", "2023-03-15 күні күшінде болғаны белгісіз", "16.07.2025 № 210-VIII Заң"},
	} {
		_, body, _ := fx.get(t, nil, path+"?lang="+lang)
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: the complaint page does not say %q", lang, w)
			}
		}
	}
}
