package locale

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestDefaultLoads(t *testing.T) {
	if _, err := Load(files); err != nil {
		t.Fatal(err)
	}
	c := Default()
	if len(c.Keys()) < 100 || !c.Has("Events") {
		t.Fatalf("the embedded catalogue has %d keys", len(c.Keys()))
	}
	for lang, want := range map[string]string{"kk": "Оқиғалар", "ru": "События", "en": "Events", "xx": "Events"} {
		if got := For(lang).S("Events"); got != want {
			t.Errorf("%s: Events = %q, want %q", lang, got, want)
		}
	}
	if got := For("en").S("not a key %d", 3); got != "not a key 3" {
		t.Errorf("a key not in the catalogue = %q", got)
	}
}

// testFS is a small catalogue with one plural entry.
func testFS(en, ru, kk string) fstest.MapFS {
	return fstest.MapFS{
		"translations/en.json": {Data: []byte(en)},
		"translations/ru.json": {Data: []byte(ru)},
		"translations/kk.json": {Data: []byte(kk)},
	}
}

const (
	enOK = `{"%d records": {"one": "%d record", "other": "%d records"}, "Events": "Events"}`
	ruOK = `{"%d records": {"one": "%d запись", "few": "%d записи", "many": "%d записей", "other": "%d записи"}, "Events": "События"}`
	kkOK = `{"%d records": "%d жазба", "Events": "Оқиғалар"}`
)

func TestPlural(t *testing.T) {
	c, err := Load(testFS(enOK, ruOK, kkOK))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		lang string
		n    any
		want string
	}{
		{"en", 1, "1 record"}, {"en", 0, "0 records"}, {"en", 2, "2 records"}, {"en", int64(21), "21 records"},
		{"ru", 1, "1 запись"}, {"ru", 21, "21 запись"}, {"ru", 2, "2 записи"}, {"ru", 24, "24 записи"},
		{"ru", 5, "5 записей"}, {"ru", 11, "11 записей"}, {"ru", 12, "12 записей"}, {"ru", 0, "0 записей"},
		{"ru", 111, "111 записей"}, {"ru", 101, "101 запись"}, {"ru", int64(1002), "1 002 записи"},
		{"kk", 1, "1 жазба"}, {"kk", 7, "7 жазба"},
	}
	for _, tc := range tests {
		got := strings.ReplaceAll(c.Printer(tc.lang).S("%d records", tc.n), "\u00a0", " ")
		if got != tc.want {
			t.Errorf("%s %v: %q, want %q", tc.lang, tc.n, got, tc.want)
		}
	}
}

func TestLoadRefuses(t *testing.T) {
	tests := []struct{ name, en, ru, kk, want string }{
		{"Duplicate", `{"Events": "Events", "Events": "Events"}`, ruOK, kkOK, "given twice"},
		{"Missing", enOK, `{"Events": "События"}`, kkOK, `"%d records" is missing`},
		{"Extra", enOK, ruOK, `{"%d records": "%d жазба", "Events": "Оқиғалар", "Sources": "Дереккөздер"}`, "not a key of en.json"},
		{"FormMissing", enOK, `{"%d records": {"one": "%d запись", "other": "%d записи"}, "Events": "События"}`, kkOK, `"few" is missing`},
		{"FormForeign", enOK, ruOK, `{"%d records": {"one": "%d жазба", "few": "%d", "other": "%d жазба"}, "Events": "Оқиғалар"}`, `"few" is not one of kk's`},
		{"Args", enOK, ruOK, `{"%d records": "жазбалар", "Events": "Оқиғалар"}`, "takes []"},
		{"ArgsInForm", enOK, `{"%d records": {"one": "одна запись", "few": "%d записи", "many": "%d записей", "other": "%d записи"}, "Events": "События"}`, kkOK, "takes []"},
		{"NotText", `{"Events": 3}`, ruOK, kkOK, "neither a text"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(testFS(tc.en, tc.ru, tc.kk))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one saying %q", err, tc.want)
			}
		})
	}
}

func TestNum(t *testing.T) {
	if got := For("en").Num(12345); got != "12,345" {
		t.Errorf("en Num = %q", got)
	}
	if got := strings.ReplaceAll(For("ru").Num(12345), "\u00a0", " "); got != "12 345" {
		t.Errorf("ru Num = %q", got)
	}
}

// sameAsEnglish are the keys whose Kazakh or Russian text may be the English
// one: proper names and codes, which are not translated.
var sameAsEnglish = map[string]bool{
	"CSV": true, "JSON": true, "Qantar": true, "SHA-256": true, "%s: %s": true, "null": true,
}

// TestTranslated holds the embedded catalogue to what a reader of kk and ru
// pages needs: no empty text, and no English text left in place of a
// translation (proper names and codes apart).
func TestTranslated(t *testing.T) {
	c := Default()
	for _, k := range c.Keys() {
		en, _ := c.Entry("en", k)
		for _, lang := range Langs {
			e, _ := c.Entry(lang, k)
			for i, s := range e.Texts(lang) {
				if strings.TrimSpace(s) == "" {
					t.Errorf("%s %q: an empty text", lang, k)
				}
				if lang == "en" || sameAsEnglish[k] {
					continue
				}
				for _, es := range en.Texts("en") {
					if s == es {
						t.Errorf("%s %q: form %d is the English text", lang, k, i)
					}
				}
			}
		}
	}
}

func TestCountArg(t *testing.T) {
	for key, want := range map[string]int{"%d records": 1, "Published %s; %d entries": 2, "%[2]s: %[1]d": 1, "%s": 1, "none": 1} {
		if got := CountArg(key); got != want {
			t.Errorf("CountArg(%q) = %d, want %d", key, got, want)
		}
	}
}
