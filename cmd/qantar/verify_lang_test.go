package main

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/sqlite"
)

// englishWords is three English words in a row: a sentence left untranslated
// (record names, table names and "qantar copy" are at most two).
var englishWords = regexp.MustCompile(`[A-Za-z]{2,}[ ,]+[A-Za-z]{2,}[ ,]+[A-Za-z]{2,}`)

// tamperedDB is a closed database of a public and a confidential person
// whose content, projections, list index and search keys were edited
// behind the store's back.
func tamperedDB(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "q.db")
	db, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	must(t, db.Create(ctx, qantar.System, &qantar.Person{Names: []qantar.Name{{Value: "Публичный Человек"}}}))
	must(t, db.Create(ctx, qantar.System, &qantar.Person{Names: []qantar.Name{{Value: "Тайный Свидетель"}}, Protection: qantar.Confidential}))
	must(t, db.Close())
	for _, q := range []string{
		`UPDATE versions SET data = replace(data, 'Публичный', 'Подменённый') WHERE kind = 'persons' AND id = 1`,
		`UPDATE versions SET actor = 'user:9' WHERE kind = 'persons' AND id = 2`,
		`UPDATE records SET protection = 'public', pub_data = NULL WHERE kind = 'persons' AND id = 2`,
		`INSERT INTO record_fields (kind, field, value, seen, id) VALUES ('persons', 'sex', '''female', 1, 2)`,
		`INSERT INTO search_terms (protection, term, records) VALUES ('public', 'podmena', 1)`,
		`UPDATE search_terms SET records = 0 WHERE protection = 'confidential'`,
	} {
		sqlExec(t, path, q)
	}
	return path
}

// TestVerifyProblemsInReadersLanguage: verify --db says a tampered
// database's problems in Russian and Kazakh, no sentence in English, and
// never a confidential person's name; in English it says them as before.
func TestVerifyProblemsInReadersLanguage(t *testing.T) {
	path := tamperedDB(t)
	code, out, errOut := runQantar(t, "verify", "--db", path, "--lang", "en")
	for _, want := range []string{"persons/1 version 1 (leaf 0): its stored content", "persons/2: its protection column says",
		"what anonymous readers are shown", "index of persons (record_fields) holds 1 rows", "keys of the public level (search_terms)", "keys with a count of 0 or less"} {
		if code != exitProblem || !strings.Contains(out, want) {
			t.Fatalf("en: exit %d, no %q in\n%s%s", code, want, out, errOut)
		}
	}
	if !englishWords.MatchString(out) {
		t.Fatal("the test's English detector misses English")
	}
	lines := strings.Count(out, "\n")
	for lang, fail := range map[string]string{"ru": "ОШИБКА: ", "kk": "ҚАТЕ: "} {
		code, out, errOut := runQantar(t, "verify", "--db", path, "--lang", lang)
		if code != exitProblem || strings.Count(out, "\n") != lines || englishWords.MatchString(errOut) {
			t.Fatalf("%s: exit %d, %d lines (English %d)\n%s%s", lang, code, strings.Count(out, "\n"), lines, out, errOut)
		}
		for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
			if !strings.HasPrefix(line, fail) || englishWords.MatchString(line) {
				t.Errorf("%s: not said in %s: %q", lang, lang, line)
			}
		}
		if strings.Contains(out, "Тайный") || strings.Contains(out, "Свидетель") {
			t.Errorf("%s: a confidential name is printed:\n%s", lang, out)
		}
		t.Logf("%s:\n%s%s", lang, out, errOut)
	}
}
