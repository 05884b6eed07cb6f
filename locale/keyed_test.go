package locale_test

import (
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/locale"
)

// TestKeyedArgs holds a message's arguments that are messages themselves
// (a word, an error with its key) to being said in the reader's language.
func TestKeyedArgs(t *testing.T) {
	_, err := qantar.ParseDate("2022-02-30")
	e, ok := err.(*qantar.Error)
	if !ok {
		t.Fatalf("ParseDate: %T %v, want *qantar.Error", err, err)
	}
	key, args := e.Key()
	cases := map[string]string{
		"en": `"2022-02-30" is not a date: February has no day 30`,
		"ru": `"2022-02-30" — не дата: в месяце «февраль» нет 30-го числа`,
		"kk": `"2022-02-30" — күн емес: «ақпан» айында 30-күн жоқ`,
	}
	for lang, want := range cases {
		if got := locale.For(lang).S(key, args...); got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
	// An error given as an argument is said through its own key.
	wrapped := qantar.Errorf(qantar.EINVALID, "invalid value: %s", e)
	k2, a2 := wrapped.Key()
	if got, want := locale.For("ru").S(k2, a2...), "недопустимое значение: "+cases["ru"]; got != want {
		t.Errorf("nested: %q, want %q", got, want)
	}
	if got := wrapped.Error(); got != "invalid value: "+cases["en"] {
		t.Errorf("English: %q", got)
	}
}
