package locale

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// users are the packages that take their words from the catalogue, and the
// calls through which they do: t.S("…") and p.S("…") (web, report), msg(lang,
// "…") (publish), labels("…") (report), an import's keyed problems
// (fileProblemf, rowProblemf, badLine: the first non-empty literal), the
// estimate's reasons for giving no number (reasonf in web, errorf in mse,
// whose *Error a page says through the catalogue), {{.T.S "…"}} in web's
// templates.
var (
	users = []string{"../web", "../report", "../publish", "../chart", "../law", "../csvio"}
	// rootCalls are the root package's errors and words, which pages and
	// import reports say in the reader's language (qantar.Error.Key).
	rootCalls = regexp.MustCompile(`(?:\bFieldErrorf\([^,]+,\s*|\bfieldError\(E[A-Z]+,\s*(?:"[^"]*"|[^,"]+),\s*|\bErrorf\((?:qantar\.)?E[A-Z]+,\s*|\bWord\()("(?:[^"\\]|\\.)+")`)
	goCalls   = regexp.MustCompile(`(?:\.S\(|\bmsg\([a-z.]+,\s*|\blabels\(|\breasonf\(|(?:Problemf|\bbadLine|\bcellErrorf|\bwordsf|\bfileErrorf)\((?:[^"\n]|"")*)("(?:[^"\\]|\\.)+")`)
	tmplKey   = regexp.MustCompile(`\.T\.S ("(?:[^"\\]|\\.)*")`)
	// mseCalls are mse's errors, every one of which can reach the
	// estimate on the stats page but those of csv.go, which reads a file
	// only the command line takes.
	mseCalls   = regexp.MustCompile(`\berrorf\(("(?:[^"\\]|\\.)+")`)
	mseCLIOnly = map[string]bool{"csv.go": true}
)

// TestKeysUsedExist holds every literal key that code and templates ask the
// catalogue for to being in it (and so, by Load, in kk, ru and en). Keys
// passed in variables (field labels, kinds, roles) are checked by the tests
// of the packages that hold them.
func TestKeysUsedExist(t *testing.T) {
	c := Default()
	n := 0
	check := func(file string, re *regexp.Regexp) {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			key, err := strconv.Unquote(m[1])
			if err != nil {
				t.Errorf("%s: %s: %v", file, m[1], err)
				continue
			}
			n++
			if key == "%s" || key == "%v" {
				continue // the words of another error, said as they are
			}
			if !c.Has(key) {
				t.Errorf("%s: %q is not in the catalogue (locale/translations)", file, key)
			}
		}
	}
	for _, dir := range users {
		filepath.WalkDir(dir, func(f string, d fs.DirEntry, err error) error {
			if err == nil && filepath.Ext(f) == ".go" && !isTest(f) {
				check(f, goCalls)
			}
			return nil
		})
	}
	root, _ := filepath.Glob("../*.go")
	// The packages whose errors reach a page: their qantar.Errorf and
	// FieldErrorf are said through the catalogue (site's tr.Err).
	for _, dir := range []string{"../csvio", "../storekit", "../sqlite", "../postgres", "../web", "../tlog", "../evidence"} {
		filepath.WalkDir(dir, func(f string, d fs.DirEntry, err error) error {
			if err == nil && filepath.Ext(f) == ".go" && !isTest(f) && !strings.Contains(f, "/mock/") {
				root = append(root, f)
			}
			return nil
		})
	}
	for _, f := range root {
		if !isTest(f) {
			check(f, rootCalls)
		}
	}
	mse, _ := filepath.Glob("../mse/*.go")
	for _, f := range mse {
		if !isTest(f) && !mseCLIOnly[filepath.Base(f)] {
			check(f, mseCalls)
		}
	}
	filepath.WalkDir("../web", func(f string, d fs.DirEntry, err error) error {
		if err == nil && filepath.Ext(f) == ".html" {
			check(f, tmplKey)
		}
		return nil
	})
	if n < 300 {
		t.Errorf("only %d uses found: has the code moved?", n)
	}
}

func isTest(f string) bool { return len(f) > 8 && f[len(f)-8:] == "_test.go" }
