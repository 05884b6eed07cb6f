package qantar_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// maxFuncLines is the longest a function outside tests may be, counted from
// its func keyword to its closing brace (issue 20: none over 100 lines).
const maxFuncLines = 100

// longFunc is a function over the limit: where it starts and how long it is.
type longFunc struct {
	pos   token.Position
	name  string
	lines int
}

// TestNoFunctionOver100Lines walks every Go file of the module outside tests
// (no _test.go, testdata, vendor, hidden or underscore directories, nested
// modules) and fails naming each function, method or function literal longer
// than maxFuncLines.
func TestNoFunctionOver100Lines(t *testing.T) {
	files, err := moduleGoFiles(".")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 50 {
		t.Fatalf("found %d Go files: the walk is not reading the module", len(files))
	}
	var long []longFunc
	for _, path := range files {
		found, err := longFuncs(path, maxFuncLines)
		if err != nil {
			t.Fatal(err)
		}
		long = append(long, found...)
	}
	for _, f := range long {
		t.Errorf("%s: %s is %d lines (at most %d)", f.pos, f.name, f.lines, maxFuncLines)
	}
}

// TestLongFuncsFindsLongOnes holds the checker itself to finding a function,
// a method and a package-level function literal one line over the limit, and
// passing one exactly at it.
func TestLongFuncsFindsLongOnes(t *testing.T) {
	// Each piece is a declaration spanning lines lines; line tracks where
	// the next one starts.
	src, line := "package p\n\ntype T struct{}\n\n", 5
	var want []string
	add := func(head, name string, lines int) {
		src += head + " {\n" + strings.Repeat("\t_ = 0\n", lines-2) + "}\n\n"
		if lines > maxFuncLines {
			want = append(want, fmt.Sprintf("%s:%d:%d", name, line, lines))
		}
		line += lines + 1
	}
	add("func atLimit()", "atLimit", maxFuncLines)
	add("func over()", "over", maxFuncLines+1)
	add("func (*T) method()", "T.method", maxFuncLines+1)
	add("var lit = func()", "func literal", maxFuncLines+1)
	add("func short()", "short", 3)
	dir := t.TempDir()
	path := filepath.Join(dir, "p.go")
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	// A test file and a testdata directory with long functions are skipped.
	if err := os.WriteFile(filepath.Join(dir, "p_test.go"), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "testdata"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "testdata", "q.go"), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	files, err := moduleGoFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || files[0] != path {
		t.Fatalf("files = %v, want only %s", files, path)
	}
	found, err := longFuncs(path, maxFuncLines)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range found {
		got = append(got, fmt.Sprintf("%s:%d:%d", f.name, f.pos.Line, f.lines))
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("found %v, want %v", got, want)
	}
}

// moduleGoFiles lists the .go files under root that are not tests, skipping
// testdata, vendor, hidden and underscore directories and nested modules.
func moduleGoFiles(root string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path == root {
				return nil
			}
			if name == "testdata" || name == "vendor" || name == "node_modules" ||
				strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go") {
			files = append(files, path)
		}
		return nil
	})
	return files, err
}

// longFuncs parses one file and returns its functions longer than limit
// lines: declared functions and methods, and function literals that are not
// inside a declared function (those count in their function's length).
func longFuncs(path string, limit int) ([]longFunc, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	var long []longFunc
	check := func(n ast.Node, name string) {
		start, end := fset.Position(n.Pos()), fset.Position(n.End())
		if lines := end.Line - start.Line + 1; lines > limit {
			long = append(long, longFunc{pos: start, name: name, lines: lines})
		}
	}
	ast.Inspect(file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			check(n, funcName(n))
			return false
		case *ast.FuncLit:
			check(n, "func literal")
			return false
		}
		return true
	})
	return long, nil
}

// funcName is a declared function's name, Type.Method for a method.
func funcName(f *ast.FuncDecl) string {
	if f.Recv == nil || len(f.Recv.List) == 0 {
		return f.Name.Name
	}
	typ := f.Recv.List[0].Type
	for {
		switch x := typ.(type) {
		case *ast.StarExpr:
			typ = x.X
			continue
		case *ast.IndexExpr:
			typ = x.X
			continue
		case *ast.IndexListExpr:
			typ = x.X
			continue
		case *ast.Ident:
			return x.Name + "." + f.Name.Name
		}
		return f.Name.Name
	}
}
