package site_test

import (
	"strings"
	"testing"

	"github.com/qantar-project/qantar/law"
)

// TestComplaintPageSaysTheRulesInTheReadersLanguage: the fixture's cpc-105
// complaint, read in Russian and in Kazakh, shows the rules' legal basis,
// the edition of the law and the kind of complaint in that language (the
// citation in its own style), and none of their English.
func TestComplaintPageSaysTheRulesInTheReadersLanguage(t *testing.T) {
	fx := newFixture(t)
	path := "/complaints/" + itoa(fx.ids["complaint"])
	k, ok := law.Default().Kind("cpc-105")
	if !ok {
		t.Fatal("no cpc-105 in the built-in rules")
	}
	for lang, basis := range map[string]string{"ru": "ч. 2 ст. 105 УПК РК", "kk": "ҚР ҚПК 105-бабының 2-бөлігі", "en": "CPC art. 105 p.2"} {
		_, body, _ := fx.get(t, nil, path+"?lang="+lang)
		for _, want := range []string{basis, k.Limit.Edition.Text.In(lang), k.Labels.In(lang)} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: the complaint page does not say %q", lang, want)
			}
		}
		if lang == "en" {
			continue
		}
		for _, english := range []string{"CPC art.", k.Limit.Edition.Text.EN, "is not recorded: the rules carry", "the time limit is not verified", "[V]"} {
			if strings.Contains(body, english) {
				t.Errorf("%s: the complaint page shows the English %q", lang, english)
			}
		}
	}
}

// TestCasePageSaysTheRulesInTheReadersLanguage: the fixture's case, in
// Russian, cites its termination ground's basis in Russian, and shows
// neither the rules' English nor a bare jurisdiction code.
func TestCasePageSaysTheRulesInTheReadersLanguage(t *testing.T) {
	fx := newFixture(t)
	_, body, _ := fx.get(t, nil, "/cases/"+itoa(fx.ids["case"])+"?lang=ru")
	for _, want := range []string{"п. 1 ч. 1 ст. 35 УПК РК"} {
		if !strings.Contains(body, want) {
			t.Errorf("the ru case page does not say %q", want)
		}
	}
	for _, english := range []string{"CPC art.", "Republic of Kazakhstan", "<dd>kz</dd>"} {
		if strings.Contains(body, english) {
			t.Errorf("the ru case page shows %q", english)
		}
	}
}
