package site

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
)

// FuzzPersonForm feeds arbitrary person forms: any input gives a person or
// an error naming a field, never a panic.
func FuzzPersonForm(f *testing.F) {
	f.Add("names[0].value=A&names[0].lang=kk&birth_date=2022-01&sex=male")
	f.Add("names[0].value=&birth_place_id=x")
	f.Add("names[0].value=%00&description.ru=%ff")
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest("POST", "/edit/persons/new", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if r.ParseForm() != nil {
			return
		}
		p := &Site{}
		rec, err := p.recordFromForm(qantar.KindPerson, r)
		if err == nil {
			err = rec.Validate()
		}
		if err != nil && qantar.ErrorCode(err) != qantar.EINVALID {
			t.Fatalf("error %v is not an input error", err)
		}
	})
}
