package mse

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestErrorIn: every *Error the package returns keeps its format and
// arguments, so that a page can say it in the reader's language; said in
// English (fmt.Sprintf) it is the message, at every depth of nesting.
func TestErrorIn(t *testing.T) {
	apart := tableOf(t, "A,B,C", "100 5", "010 4", "001 3")
	indep, err := ParseModel("main", apart.Lists())
	if err != nil {
		t.Fatal(err)
	}
	ab, err := ParseModel("1:2", apart.Lists())
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		run    func() error
		format string
		depth  int // how many *Errors are said, the outer one included
	}{
		{"two lists apart", func() error { _, err := Chapman(tableOf(t, "A,B", "10 5", "01 4"), 0.95); return err },
			"lists %s and %s never overlap: with no one on both, two lists give no estimate", 1},
		// The search's first model is main effects, a name in words.
		{"no model", func() error {
			_, err := Search(apart, SearchOptions{Criterion: BIC, MaxOrder: 2})
			return err
		}, "none of the %d models searched gives an estimate on this table (the first: %s)", 4},
		{"main effects", func() error { _, err := FitLogLinear(apart, indep, FitOptions{}); return err },
			"model %s: the maximum likelihood estimate does not exist (the estimate is not finite): %s; no number can be given for this model", 3},
		{"a model of list names", func() error { _, err := FitLogLinear(apart, ab, FitOptions{}); return err },
			"model %s: the maximum likelihood estimate does not exist (the estimate is not finite): %s; no number can be given for this model", 2},
		{"a stratum", func() error {
			_, err := Stratified([]Stratum{{Key: "north", Table: tableOf(t, "A,B", "10 5", "01 4")}}, Method{Name: "chapman", Level: 0.95})
			return err
		}, "stratum %q: %s", 2},
		{"an option", func() error { _, err := (Method{Name: "guess"}).Run(apart); return err },
			"method %q: want lp, chapman, loglinear or lcmcr", 1},
	}
	for _, c := range cases {
		err := c.run()
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%s: %v is not an *Error", c.name, err)
			continue
		}
		if e.Format != c.format {
			t.Errorf("%s: format %q, want %q", c.name, e.Format, c.format)
		}
		if got := e.In(fmt.Sprintf); got != e.Message || got != err.Error() && !strings.HasSuffix(err.Error(), got) {
			t.Errorf("%s: said in English %q, message %q, error %q", c.name, got, e.Message, err)
		}
		said := 0
		marked := e.In(func(f string, a ...any) string { said++; return "<" + fmt.Sprintf(f, a...) + ">" })
		if said != c.depth || !strings.HasPrefix(marked, "<") {
			t.Errorf("%s: %d of %d errors said through the catalogue: %s", c.name, said, c.depth, marked)
		}
	}
	if got := (&Error{Message: "as it is"}).In(fmt.Sprintf); got != "as it is" {
		t.Errorf("an Error without a format says %q", got)
	}
}
