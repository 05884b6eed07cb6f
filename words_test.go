package qantar

import (
	"testing"
	"time"

	"github.com/qantar-project/qantar/locale"
)

// TestWordsInCatalogue holds the words the root package's messages take as
// arguments (months, JSON types) to being in the catalogue, so that a page
// in kk or ru says them in its language.
func TestWordsInCatalogue(t *testing.T) {
	c := locale.Default()
	var words []string
	for m := time.January; m <= time.December; m++ {
		words = append(words, m.String())
	}
	for _, ty := range []string{"int64", "float64", "string", "bool", "[]string", "map[string]string"} {
		words = append(words, jsonTypeName(ty))
	}
	for _, v := range []string{"number -5", "string", "bool", "array", "object"} {
		words = append(words, jsonValueName(v))
	}
	for _, w := range words {
		if !c.Has(w) {
			t.Errorf("%q is not in the catalogue (locale/translations)", w)
		}
	}
}
