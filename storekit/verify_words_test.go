package storekit_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/qantar-project/qantar/locale"
)

// problemKeys finds the problems verify reports, as the literal keys they
// are made with: rep.Problem("…"), qantar.Errorf(EINVALID, "…"), tlog's
// problem("…") and the words versionProblem returns.
var problemKeys = regexp.MustCompile(`(?:\bProblem\(|\bproblem\(|\bErrorf\((?:qantar\.)?EINVALID,\s*|\n\t\treturn |\n\t\t\treturn )("(?:[^"\\]|\\.)+")`)

// TestVerifyProblemsAreKeys holds every problem verify can report to being
// a key of the catalogue, and so (locale.Load) said in kk, ru and en: the
// reader of `qantar verify` reads it in their language.
func TestVerifyProblemsAreKeys(t *testing.T) {
	files, _ := filepath.Glob("verify*.go")
	files = append(files, "../verify.go", "../tlog/check.go")
	c := locale.Default()
	n := 0
	for _, f := range files {
		if filepath.Ext(f) != ".go" || len(f) > 8 && f[len(f)-8:] == "_test.go" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range problemKeys.FindAllStringSubmatch(string(b), -1) {
			key, err := strconv.Unquote(m[1])
			if err != nil {
				t.Fatalf("%s: %s: %v", f, m[1], err)
			}
			if key == "" || key == "%s" {
				continue
			}
			n++
			if !c.Has(key) {
				t.Errorf("%s: %q is not in the catalogue (locale/translations)", f, key)
			}
		}
	}
	if n < 25 {
		t.Errorf("only %d problems found: has the code moved?", n)
	}
}
