package csvio_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/csvio"
	"github.com/qantar-project/qantar/locale"
)

// TestProblemsSaidInReadersLanguage holds every problem of an import with
// bad cells, bad records, bad references and a bad JSON file to a catalogue
// key that kk and ru say without English words: the words an editor at a
// Kazakh NGO reads on the import page.
func TestProblemsSaidInReadersLanguage(t *testing.T) {
	db := openDB(t)
	table := csvText(t, ';', [][]string{
		{"Ключ", "ФИО", "Дата рождения", "Пол", "Защита", "Рост"},
		{"k1", "Ахметов Серик", "12.05.1980", "М", "", ""},
		{"k2", "Бекова Сая", "31.02.1990", "Ж", "", ""},
		{"k3", "", "1970", "Ж", "", ""},
		{"k4", "Оспанов Ерлан", "1975", "робот", "секретно", ""},
		{"k1", "Дубль", "", "", "", ""},
	})
	rep := importBytes(t, db, qantar.KindPerson, "list.csv", []byte(table), csvio.Options{})
	json := `[{"names": [{"value": "A"}], "birth_date": "1990-02-31"}, {"names": [{"value": ""}]}, "x", {"id": "x"}, {"external_key": 5}]`
	rep2 := importBytes(t, db, qantar.KindPerson, "persons.json", []byte(json), csvio.Options{})
	all := append(rep.Problems, rep2.Problems...)
	if len(all) < 9 {
		t.Fatalf("%d problems, want at least 9:\n%s", len(all), problems(rep)+problems(rep2))
	}
	// English words of three letters or more; codes, quoted values and
	// field names aside.
	english := regexp.MustCompile(`\b[a-z]{3,}\b`)
	quoted := regexp.MustCompile(`"[^"]*"|\(one of [^)]*\)|\b[a-z]+_[a-z_]+\b|\bnames\[\d\]\.value\b|--[a-z]+`)
	for _, p := range all {
		if p.Format == "" || p.Format == "%s" {
			t.Errorf("%q has no catalogue key", p.Message)
			continue
		}
		if got := locale.For("en").S(p.Format, p.Args...); got != p.Message {
			t.Errorf("en %q, the report says %q", got, p.Message)
		}
		for _, lang := range []string{"kk", "ru"} {
			said := locale.For(lang).S(p.Format, p.Args...)
			rest := quoted.ReplaceAllString(said, "")
			// The codes a vocabulary takes are listed as they are typed.
			if i := strings.Index(rest, "(допустимы"); i >= 0 {
				rest = rest[:i]
			}
			if i := strings.Index(rest, "(мыналардың"); i >= 0 {
				rest = rest[:i]
			}
			if w := english.FindString(rest); w != "" {
				t.Errorf("%s: %q says %q in English (%q)", lang, p.Message, w, said)
			}
		}
	}
}
