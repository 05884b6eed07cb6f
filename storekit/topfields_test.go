package storekit

import (
	"encoding/json"
	"testing"
)

// topFields gives what json.Unmarshal into a map gives, for the fields
// asked, on any input: the fast path and the reference agree, values byte
// for byte, errors alike.
func FuzzTopFields(f *testing.F) {
	for _, s := range []string{
		`{"victim_id":12,"act_type":"killing","date":{"value":"2022-01-06"},"names":[{"value":"a\"b"}]}`,
		` { "a" : 1 , "a" : [1, {"b": "}"}] , "c":null, "d":true, "e": -1.5e3 } `,
		`{"k\u0061y": 1, "key": 2}`, `{}`, `[]`, `null`, `"x"`, `{"a":`, `{"a":1,}`, `{"a":"\\"}`,
		`{"a":{"b":{"c":[[]]}},"victim_id":"7"}`, "{\"a\":1}\n", `{"é":"ü","victim_id":3}`,
	} {
		f.Add([]byte(s))
	}
	names := []string{"a", "key", "victim_id", "act_type", "date", "c", "d", "e", "é"}
	f.Fuzz(func(t *testing.T, doc []byte) {
		got, err := topFields(doc, names)
		want := make([]json.RawMessage, len(names))
		werr := unmarshalFields(doc, names, want)
		if (err == nil) != (werr == nil) {
			t.Fatalf("%q: error %v, want %v", doc, err, werr)
		}
		if err != nil {
			return
		}
		for n := range names {
			if string(got[n]) != string(want[n]) || (got[n] == nil) != (want[n] == nil) {
				t.Fatalf("%q: field %q is %q, want %q", doc, names[n], got[n], want[n])
			}
		}
	})
}
