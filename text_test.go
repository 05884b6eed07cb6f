package qantar_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/qantar-project/qantar"
)

// textBefore is how a Text was decoded before an object was told by its
// first byte: first as a string, then as an object.
func textBefore(b []byte) (qantar.Text, bool) {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		if s == "" {
			return nil, true
		}
		return qantar.Text{"und": s}, true
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, false
	}
	return m, true
}

// A Text decodes as it did when it was tried as a string first: the same
// value, or an error for the same inputs, in a record and alone.
func FuzzTextUnmarshal(f *testing.F) {
	for _, s := range []string{`"Алматы"`, `""`, `{"kk":"Алматы","ru":"Алматы"}`, ` {"en":"x"}`, `{}`, `null`, `5`,
		`{"en":5}`, `["en"]`, `{"en":"a","en":"b"}`, "\t\"x\"", `{"en":null}`, `true`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if !json.Valid(b) {
			return // the decoder of a record never hands a Text invalid JSON
		}
		var got qantar.Text
		err := got.UnmarshalJSON(b)
		want, ok := textBefore(b)
		if (err == nil) != ok || ok && !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: %#v, %v; before %#v, ok %v", b, got, err, want, ok)
		}
	})
}

// BenchmarkTextUnmarshal decodes a text in two languages, as most are.
func BenchmarkTextUnmarshal(b *testing.B) {
	doc := []byte(`{"kk":"Алматы қаласы, Республика алаңы","ru":"город Алматы, площадь Республики"}`)
	b.Run("now", func(b *testing.B) {
		for b.Loop() {
			var t qantar.Text
			if err := t.UnmarshalJSON(doc); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("before", func(b *testing.B) {
		for b.Loop() {
			if _, ok := textBefore(doc); !ok {
				b.Fatal("not decoded")
			}
		}
	})
}
