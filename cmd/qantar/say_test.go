package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/qantar-project/qantar/locale"
)

// TestImportSpeaksKazakhAndRussian: the same small import, said with
// --lang ru and --lang kk, counts its rows and records with the language's
// plural form (1 строка, 2 строки, 5 строк) and prints no English word;
// without --lang, QANTAR_LANG and then LANG choose.
func TestImportSpeaksKazakhAndRussian(t *testing.T) {
	dir := t.TempDir()
	rows := func(n int) string {
		var b strings.Builder
		b.WriteString("external_key,name\n")
		for i := 0; i < n; i++ {
			b.WriteString("k" + strconv.Itoa(i) + ",Synthetic Person " + strconv.Itoa(i) + "\n")
		}
		return b.String()
	}
	for _, tc := range []struct {
		args []string
		env  map[string]string
		n    int
		want []string
	}{
		{[]string{"--lang", "ru"}, nil, 1, []string{"прочитана 1 строка", "создана 1 запись", "обновлено 0 записей", "1 человек защищён"}},
		{[]string{"--lang", "ru"}, nil, 2, []string{"прочитано 2 строки", "создано 2 записи", "2 человека защищены"}},
		{[]string{"--lang", "ru"}, nil, 5, []string{"прочитано 5 строк", "создано 5 записей", "отклонено 0 строк", "5 человек защищены"}},
		{[]string{"--lang", "kk"}, nil, 2, []string{"2 жол оқылды", "2 жазба құрылды", "0 жазба жаңартылды", "2 адам редактор жарияламайынша қорғалған"}},
		{nil, map[string]string{"QANTAR_LANG": "kk", "LANG": "ru_RU.UTF-8"}, 1, []string{"1 жол оқылды"}},
		{nil, map[string]string{"LANG": "ru_KZ.UTF-8"}, 21, []string{"прочитана 21 строка"}},
		{[]string{"--lang", "en"}, map[string]string{"LANG": "ru_RU.UTF-8"}, 1, []string{"1 row read (csv, utf-8, comma); 1 created, 0 updated"}},
	} {
		name := strings.Join(tc.args, "") + strconv.Itoa(tc.n) + tc.env["LANG"] + tc.env["QANTAR_LANG"]
		file := filepath.Join(dir, name+".csv")
		if err := os.WriteFile(file, []byte(rows(tc.n)), 0o644); err != nil {
			t.Fatal(err)
		}
		args := append([]string{"import", "--db", filepath.Join(dir, name+".db"), "--kind", "person"}, tc.args...)
		var out, errb bytes.Buffer
		m := &Main{Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return tc.env[k] }}
		if code := m.Run(context.Background(), append(args, file)); code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, errb.String())
		}
		for _, w := range tc.want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("%s: the output does not say %q:\n%s", name, w, out.String())
			}
		}
		if tc.args == nil || tc.args[1] != "en" {
			if w := englishWord.FindString(out.String()); w != "" {
				t.Errorf("%s: the output shows the English %q:\n%s", name, w, out.String())
			}
		}
	}
	var errb bytes.Buffer
	if code := (&Main{Stdout: &bytes.Buffer{}, Stderr: &errb}).Run(context.Background(), []string{"import", "--lang", "de", "x.csv"}); code != exitUsage || !strings.Contains(errb.String(), "want kk, ru or en") {
		t.Errorf("--lang de: exit %d: %s", code, errb.String())
	}
}

// englishWord finds a word of English in a line said in kk or ru; the
// file's name and the table's format (csv, utf-8) are data, not words.
var englishWord = regexp.MustCompile(`\b(?:rows?|read|created|updated|unchanged|rejected|persons?|protected|records?|comma|until|editor|problems?)\b`)

// TestSaidKeysAreInTheCatalogue: every literal a command says through
// m.say or m.sayln is a key of the catalogue, so kk and ru have it.
func TestSaidKeysAreInTheCatalogue(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	call := regexp.MustCompile(`\bm\.(?:say|sayln)\((?:[^"\n]*?,\s*)?("(?:[^"\\]|\\.)+")`)
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, mt := range call.FindAllStringSubmatch(string(b), -1) {
			key, err := strconv.Unquote(mt[1])
			if err != nil {
				t.Fatal(err)
			}
			n++
			if key != "%s" && !locale.Default().Has(key) {
				t.Errorf("%s: %q is not in the catalogue (locale/translations)", f, key)
			}
		}
	}
	if n < 10 {
		t.Errorf("only %d said lines found", n)
	}
}

// TestImportProblemsInRussian: a refused import says its problem, the
// count of problems and the command's error in Russian.
func TestImportProblemsInRussian(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(file, []byte("external_key,name,birth_date\nk1,Synthetic A,31.02.1990\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	code := m.Run(context.Background(), []string{"import", "--db", filepath.Join(dir, "q.db"), "--kind", "person", "--lang", "ru", file})
	if code != exitProblem {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"строка 2, столбец \"birth_date\"", "1 проблема, список в", "ничего не импортировано"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("stderr does not say %q:\n%s", want, errb.String())
		}
	}
	words := regexp.MustCompile(`/\S+`).ReplaceAllString(errb.String(), "FILE") // a path is data
	if w := regexp.MustCompile(`\b(?:line|column|problems?|nothing|imported|is not a date)\b`).FindString(words); w != "" {
		t.Errorf("stderr shows the English %q:\n%s", w, errb.String())
	}
}
