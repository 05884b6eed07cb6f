package csvio

import (
	"reflect"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
)

// TestEveryFieldHasAColumn: an export carries every field of every kind, so
// that a field added to a record cannot be lost by an export and import.
func TestEveryFieldHasAColumn(t *testing.T) {
	for _, k := range qantar.Kinds {
		rec, err := qantar.New(k)
		if err != nil {
			t.Fatal(err)
		}
		exported := map[string]bool{}
		for _, c := range Columns(k) {
			if c.Export {
				exported[c.Field] = true
			}
		}
		for _, f := range jsonFields(reflect.TypeOf(rec).Elem()) {
			if !exported[f] {
				t.Errorf("%s: field %q has no exported column", k, f)
			}
		}
	}
}

// jsonFields lists the JSON names of a struct's fields, those of embedded
// structs included.
func jsonFields(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			out = append(out, jsonFields(f.Type)...)
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}
