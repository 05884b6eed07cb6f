package site_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
)

// TestFormErrorsInReadersLanguage: a refused form says why in the reader's
// language, next to the field and at the top, with the field's label and
// not its API name; a missing record's page says so in that language too.
func TestFormErrorsInReadersLanguage(t *testing.T) {
	fx := newFixture(t)
	ed := fx.editor(t, "synthetic-lang-editor", time.Now())
	cases := []struct {
		lang, date, dateMsg, english string
	}{
		{"ru", "2022-02-30", "в месяце «февраль» нет 30-го числа", "February has no day"},
		{"kk", "2022-02-30", "«ақпан» айында 30-күн жоқ", "February has no day"},
	}
	for _, c := range cases {
		status, body, _ := fx.post(t, ed, "/edit/acts/new", url.Values{"victim_id": {itoa(fx.ids["public"])}, "type": {"torture"},
			"date": {c.date}}, "Accept-Language", c.lang)
		if status != http.StatusBadRequest {
			t.Fatalf("%s: status %d", c.lang, status)
		}
		if msg, _ := errorNextTo(t, body, "date"); !strings.Contains(msg, c.dateMsg) {
			t.Errorf("%s: the message next to date is %q, want %q", c.lang, msg, c.dateMsg)
		}
		if strings.Contains(body, c.english) || strings.Contains(body, "is not a date") {
			t.Errorf("%s: the page says the error in English", c.lang)
		}
	}
	n := fx.count(t, qantar.KindPerson)
	status, body, _ := fx.post(t, ed, "/edit/persons/new", url.Values{"sex": {"male"}}, "Accept-Language", "ru")
	if status != http.StatusBadRequest || !strings.Contains(body, "нужно хотя бы одно имя") || strings.Contains(body, "at least one name") {
		t.Errorf("a person without a name: status %d, the page does not say it in Russian", status)
	}
	if fx.count(t, qantar.KindPerson) != n {
		t.Errorf("a person was created")
	}
	_, page, _ := fx.get(t, nil, "/persons/999999?lang=kk")
	if !strings.Contains(page, "жазбасы жоқ") || strings.Contains(page, "does not exist") {
		t.Errorf("a missing person's page in Kazakh does not say it in Kazakh")
	}
}
