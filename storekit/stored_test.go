package storekit_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/storekit"
)

// Every kind's stored JSON gives back its canonical JSON byte for byte,
// whatever its text holds: the versions view relies on it for every
// current version.
func TestCanonicalFromStored(t *testing.T) {
	now := time.Date(2026, 12, 3, 18, 0, 0, 123456000, time.UTC)
	tricky := []string{"plain", `a ,"created_at":"x","updated_at":"y" b`, "<&> \u2028 Қаза \"quoted\"", `{"id":1}`}
	for _, k := range qantar.Kinds {
		for i, s := range tricky {
			rec, err := qantar.New(k)
			if err != nil {
				t.Fatal(err)
			}
			m := rec.GetMeta()
			m.ID, m.Version, m.CreatedAt, m.UpdatedAt, m.ExternalKey = int64(i+1), i+1, now, now.Add(time.Duration(i)*time.Second), s
			if p, ok := rec.(*qantar.Person); ok {
				p.Names = []qantar.Name{{Value: s}}
			}
			data, err := json.Marshal(rec)
			if err != nil {
				t.Fatal(err)
			}
			canonical, err := qantar.Canonical(rec)
			if err != nil {
				t.Fatal(err)
			}
			if got := storekit.CanonicalFromStored(data); string(got) != string(canonical) || !storekit.StoredOnce(data, canonical) {
				t.Errorf("%s %q:\n stored    %s\n derived   %s\n canonical %s", k, s, data, got, canonical)
			}
			other := append([]byte{}, canonical...)
			other[len(other)-2]++
			if storekit.StoredOnce(data, other) || storekit.StoredOnce(data, canonical[:len(canonical)-1]) {
				t.Errorf("%s %q: stored once against other canonical JSON", k, s)
			}
		}
	}
	for _, data := range []string{`{"id":1,"version":1}`, `{"id":1,"version":1,"created_at":"2026-01-01T00:00:00Z"}`, `{"id":1,"created_at":"x","updated_at":"y`} {
		if got := storekit.CanonicalFromStored([]byte(data)); got != nil {
			t.Errorf("%s: derived %s, want none", data, got)
		}
		if storekit.StoredOnce([]byte(data), []byte(data)) {
			t.Errorf("%s: stored once without its times", data)
		}
	}
}
