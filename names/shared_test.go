package names

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sharedFile finds a file under shared/ (the reference data and domain notes
// kept beside the repository, not in it) by walking up from the package
// directory, and skips the test when it is absent.
func sharedFile(t testing.TB, rel string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		p := filepath.Join(dir, "shared", rel)
		if _, err := os.Stat(p); err == nil {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skipf("shared/%s not found above the package directory", rel)
		}
		dir = parent
	}
}

// readTable reads a CSV or TSV file of the shared directory, header included.
func readTable(t testing.TB, rel string, comma rune) [][]string {
	t.Helper()
	f, err := os.Open(sharedFile(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = comma
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	if len(rows) < 2 {
		t.Fatalf("%s: no data rows", rel)
	}
	return rows
}

// TestKazakhLatin2021TSV checks every letter of the 2021 table in
// shared/domain/kazakh_latin_2021.tsv, upper and lower case.
func TestKazakhLatin2021TSV(t *testing.T) {
	rows := readTable(t, "domain/kazakh_latin_2021.tsv", '\t')
	if strings.Join(rows[0], ",") != "cyrillic,latin" {
		t.Fatalf("header %q, want cyrillic, latin", rows[0])
	}
	for i, row := range rows[1:] {
		if got := Translit(row[0], KazakhLatin2021); got != row[1] {
			t.Errorf("line %d: Translit(%q) = %q, want %q", i+2, row[0], got, row[1])
		}
		if Key(row[0]) != Key(row[1]) {
			t.Errorf("line %d: Key(%q) = %q, Key(%q) = %q", i+2, row[0], Key(row[0]), row[1], Key(row[1]))
		}
	}
}

// TestRussianSamples runs the iuliia test vectors of shared/data/translit:
// the schemes this package implements must give the vector exactly; every
// vector, of any scheme, must give the Cyrillic text's key.
func TestRussianSamples(t *testing.T) {
	rows := readTable(t, "data/translit/ru_samples.csv", ',')
	exact := map[string]Scheme{
		"icao_doc_9303": ICAO9303,
		"wikipedia":     Informal,
		"gost_779":      GOST779A,
		"gost_779_alt":  GOST779B,
	}
	// GOST 7.79 writes х as x (system B), which the key reads as ks
	// (Alexander, Maxim), and й as j, which it reads as the Kazakh ж
	// (Jomart): those vectors are checked by Translit only.
	noKey := map[string]bool{"gost_779_alt": true, "gost_779": true}
	for i, row := range rows[1:] {
		schema, cyr, lat := row[0], row[1], row[2]
		name := schema + "/" + cyr
		t.Run(name, func(t *testing.T) {
			if sc, ok := exact[schema]; ok {
				want := lat
				if sc == GOST779A {
					// The vector has Cyrillic ё (U+0451) where GOST 7.79 A has
					// Latin ë (U+00EB).
					want = strings.ReplaceAll(want, "ё", "ë")
				}
				if got := Translit(cyr, sc); got != want {
					t.Errorf("line %d: Translit(%q, %v)\n got %q\nwant %q", i+2, cyr, sc, got, want)
				}
			}
			if !noKey[schema] {
				if kc, kl := Key(cyr), Key(lat); kc != kl {
					t.Errorf("line %d: Key(%q) = %q\nKey(%q) = %q", i+2, cyr, kc, lat, kl)
				}
			}
		})
	}
}
