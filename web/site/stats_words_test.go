package site

import (
	"strings"
	"testing"
)

// TestEstimateWordsInReadersLanguage: the estimate's method and the code
// version are said in words on kk/ru pages, not as the API's codes.
func TestEstimateWordsInReadersLanguage(t *testing.T) {
	trs := newTranslators(newCatalog())
	for _, lang := range []string{"kk", "ru"} {
		tr := trs[lang]
		for _, code := range []string{"lp", "chapman", "loglinear", "lcmcr"} {
			if got := tr.methodLabel(code); got == code || got == trs["en"].methodLabel(code) {
				t.Errorf("%s: method %q is said %q", lang, code, got)
			}
		}
		if got := tr.codeVersion("(devel) 0123abc"); strings.Contains(got, "devel") || !strings.HasSuffix(got, " 0123abc") {
			t.Errorf("%s: code version %q", lang, got)
		}
	}
}
