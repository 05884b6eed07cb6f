package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runEstimateCmd runs qantar estimate in-process.
func runEstimateCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = (&Main{Stdout: &out, Stderr: &errb, Stdin: strings.NewReader("")}).Run(context.Background(), append([]string{"estimate"}, args...))
	return code, out.String(), errb.String()
}

// writeFile writes a synthetic fixture into a temporary directory.
func writeEstimateFixture(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// testdataMSE is the path of a published overlap table in testdata/
// (testdata/README.md names its source).
func testdataMSE(t *testing.T, file string) string {
	t.Helper()
	p := filepath.Join("testdata", file)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("reference data: %v", err)
	}
	return p
}

type estimateJSON struct {
	Method   string   `json:"method"`
	Lists    []string `json:"lists"`
	Observed int64    `json:"observed"`
	Estimate float64  `json:"estimate"`
	Lower    *float64 `json:"lower"`
	Upper    *float64 `json:"upper"`
	Mean     *float64 `json:"mean"`
	Median   *float64 `json:"median"`
	Model    string   `json:"model"`
	Ranking  []struct {
		Model string  `json:"model"`
		BIC   float64 `json:"bic"`
	} `json:"ranking"`
	Strata []estimateJSON `json:"strata"`
}

func decodeEstimate(t *testing.T, s string) estimateJSON {
	t.Helper()
	var e estimateJSON
	if err := json.Unmarshal([]byte(s), &e); err != nil {
		t.Fatalf("bad JSON %v:\n%s", err, s)
	}
	return e
}

const estimateTwoLists = "A,B,count\n1,1,20\n1,0,80\n0,1,60\n"

func TestEstimateTwoListsJSON(t *testing.T) {
	f := writeEstimateFixture(t, "two.csv", estimateTwoLists)
	for _, c := range []struct {
		method string
		want   float64
	}{{"lp", 400}, {"chapman", 101.0*81/21 - 1}, {"loglinear", 400}} {
		t.Run(c.method, func(t *testing.T) {
			// The file first, the flags after it.
			code, out, errs := runEstimateCmd(t, f, "--method", c.method, "--format", "json")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			e := decodeEstimate(t, out)
			if e.Method != c.method || math.Abs(e.Estimate-c.want) > 1e-6 || e.Observed != 160 || len(e.Lists) != 2 {
				t.Errorf("got %+v, want estimate %v", e, c.want)
			}
			if e.Lower == nil || e.Upper == nil || !(*e.Lower < e.Estimate && e.Estimate < *e.Upper) {
				t.Errorf("interval %v %v", e.Lower, e.Upper)
			}
		})
	}
}

func TestEstimatePublishedKosovo(t *testing.T) {
	f := testdataMSE(t, "kosovo1999_4list.csv")
	code, out, errs := runEstimateCmd(t, "--method", "loglinear", "--select", "bic", "--max-order", "3", "--format", "json", f)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	e := decodeEstimate(t, out)
	if e.Model != "EXH:HRW,OSCE:HRW,EXH:ABA:OSCE" || math.Abs(e.Estimate-10357)/10357 > 0.001 {
		t.Errorf("model %s estimate %.1f, published EXH:ABA:OSCE + EXH:HRW + OSCE:HRW, 10,357", e.Model, e.Estimate)
	}
	if len(e.Ranking) == 0 || e.Ranking[0].Model != e.Model {
		t.Errorf("ranking %+v", e.Ranking)
	}
	code, out, errs = runEstimateCmd(t, f, "--model", "EXH:ABA,EXH:OSCE,EXH:HRW,ABA:OSCE,OSCE:HRW,EXH:ABA:OSCE")
	if code != 0 || !strings.Contains(out, "Estimate:  10357") {
		t.Errorf("exit %d, output:\n%s%s", code, out, errs)
	}
}

func TestEstimatePublishedLCMCR(t *testing.T) {
	f := testdataMSE(t, "ph_manila_police.csv")
	code, out, errs := runEstimateCmd(t, f, "--method", "lcmcr", "--seed", "4", "--iterations", "20000", "--burnin", "5000", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	e := decodeEstimate(t, out)
	if e.Mean == nil || e.Median == nil || math.Abs(*e.Mean-575)/575 > 0.03 || *e.Lower > *e.Median || *e.Median > *e.Upper {
		t.Errorf("got %+v", e)
	}
	code2, out2, _ := runEstimateCmd(t, f, "--method", "lcmcr", "--seed", "4", "--iterations", "20000", "--burnin", "5000", "--format", "json")
	if code2 != 0 || out2 != out {
		t.Error("the same seed gave a different result")
	}
}

func TestEstimateStrata(t *testing.T) {
	var b strings.Builder
	b.WriteString("id_city,A,B\n")
	add := func(city, row string, n int) {
		for i := 0; i < n; i++ {
			b.WriteString(city + "," + row + "\n")
		}
	}
	add("Almaty", "1,1", 20)
	add("Almaty", "1,0", 80)
	add("Almaty", "0,1", 60)
	add("Taraz", "1,1", 10)
	add("Taraz", "1,0", 30)
	add("Taraz", "0,1", 50)
	f := writeEstimateFixture(t, "people.csv", b.String())
	code, out, errs := runEstimateCmd(t, f, "--method", "chapman", "--strata", "id_city", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	e := decodeEstimate(t, out)
	if len(e.Strata) != 2 || e.Observed != 250 {
		t.Fatalf("got %+v", e)
	}
	if sum := e.Strata[0].Estimate + e.Strata[1].Estimate; math.Abs(sum-e.Estimate) > 1e-9 {
		t.Errorf("total %v, strata add to %v", e.Estimate, sum)
	}
	code, out, _ = runEstimateCmd(t, f, "--method", "chapman", "--strata", "id_city")
	if code != 0 || !strings.Contains(out, "== stratum Taraz") || !strings.Contains(out, "== total of 2 strata") {
		t.Errorf("text output:\n%s", out)
	}
}

// TestEstimateStrataRefitChosen: with three lists by city, a stratified
// log-linear search with --refit-chosen gives each city the same model and
// estimate as without it, with intervals that say how they were made.
func TestEstimateStrataRefitChosen(t *testing.T) {
	var b strings.Builder
	b.WriteString("city,A,B,C,count\n")
	for _, city := range []string{"Synthetic North", "Synthetic South"} {
		for p, c := range map[string]int{"1,0,0": 30, "0,1,0": 20, "1,1,0": 10, "0,0,1": 25, "1,0,1": 8, "0,1,1": 6, "1,1,1": 4} {
			fmt.Fprintf(&b, "%s,%s,%d\n", city, p, c)
		}
	}
	f := writeEstimateFixture(t, "overlaps.csv", b.String())
	code, out, errs := runEstimateCmd(t, f, "--strata", "city", "--refit-chosen", "--bootstrap", "200", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	refit := decodeEstimate(t, out)
	if !strings.Contains(out, "refitting the chosen model") {
		t.Errorf("the strata's intervals do not say they refit the chosen model:\n%s", out)
	}
	code, out, errs = runEstimateCmd(t, f, "--strata", "city", "--format", "json", "--bootstrap", "200")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	search := decodeEstimate(t, out)
	if len(refit.Strata) != 2 || len(search.Strata) != 2 {
		t.Fatalf("strata: %+v / %+v", refit, search)
	}
	for i := range refit.Strata {
		if math.Abs(refit.Strata[i].Estimate-search.Strata[i].Estimate) > 1e-9 {
			t.Errorf("stratum %d: %v with --refit-chosen, %v without", i, refit.Strata[i].Estimate, search.Strata[i].Estimate)
		}
	}
	if strings.Contains(out, "refitting the chosen model") || math.Abs(refit.Estimate-search.Estimate) > 1e-9 {
		t.Errorf("totals %v and %v, or the re-selecting run says it refits", refit.Estimate, search.Estimate)
	}
}

func TestEstimateSearchText(t *testing.T) {
	f := writeEstimateFixture(t, "three.csv", "A,B,C,count\n1,1,1,7\n1,1,0,21\n1,0,1,13\n0,1,1,9\n1,0,0,55\n0,1,0,40\n0,0,1,33\n")
	code, out, errs := runEstimateCmd(t, f, "--select", "aic")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"Search:    8 hierarchical models up to order 2 by AIC", "rank", "profile likelihood"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// Infeasible inputs: a clear message and exit 1.
func TestEstimateInfeasible(t *testing.T) {
	for _, c := range []struct {
		name, csv string
		args      []string
		want      string
	}{
		{"OneList", "A,count\n1,10\n", nil, "needs at least two lists"},
		{"AllInOneList", "A,B,count\n1,0,10\n0,1,0\n", nil, "list B records nobody"},
		{"AllInOneListLCMCR", "A,B,C,count\n1,0,0,10\n", []string{"--method", "lcmcr"}, "records nobody"},
		{"NegativeCount", "A,B,count\n1,1,-2\n1,0,3\n", nil, `line 2, column "count": "-2" is not a whole number`},
		{"FractionalCount", "A,B,count\n1,1,2.5\n1,0,3\n", nil, `"2.5" is not a whole number`},
		{"ModelListMissing", "A,B,C,count\n1,1,0,5\n1,0,0,3\n0,0,1,4\n0,1,0,2\n", []string{"--model", "1:4"}, "there is no list 4; the table has 3 lists"},
		{"ModelNameMissing", "A,B,C,count\n1,1,0,5\n1,0,0,3\n0,0,1,4\n0,1,0,2\n", []string{"--model", "A:Z"}, `no list is named "Z"`},
		{"NotIdentifiable", "A,B,C,count\n1,1,0,6\n1,0,0,40\n0,1,0,30\n0,0,1,20\n", []string{"--model", "1:2,1:3,2:3"}, "not identifiable"},
		{"NoMLE", "A,B,C,count\n1,1,0,6\n1,0,0,40\n0,1,0,30\n0,0,1,20\n", []string{"--model", "1:2"}, "does not exist"},
		{"NoOverlapLP", "A,B,count\n1,0,6\n0,1,4\n", []string{"--method", "lp"}, "never overlap"},
		{"ThreeListsChapman", "A,B,C,count\n1,1,0,6\n1,0,0,40\n0,1,0,30\n0,0,1,20\n", []string{"--method", "chapman"}, "exactly two lists"},
		{"NotBinary", "A,B,count\n1,7,2\n", nil, `column "B": "7" is not 0 or 1`},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := writeEstimateFixture(t, "in.csv", c.csv)
			code, out, errs := runEstimateCmd(t, append([]string{f}, c.args...)...)
			if code != 1 || !strings.Contains(errs, c.want) {
				t.Errorf("exit %d, stderr %q, want exit 1 and %q", code, errs, c.want)
			}
			if out != "" {
				t.Errorf("printed %q on a failure", out)
			}
		})
	}
	code, _, errs := runEstimateCmd(t, filepath.Join(t.TempDir(), "missing.csv"))
	if code != 1 || !strings.Contains(errs, "cannot read") {
		t.Errorf("missing file: exit %d, %s", code, errs)
	}
}

func TestEstimateUsage(t *testing.T) {
	f := writeEstimateFixture(t, "two.csv", estimateTwoLists)
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"NoFile", nil, "want one FILE.csv"},
		{"TwoFiles", []string{f, f}, "want one FILE.csv"},
		{"BadMethod", []string{f, "--method", "magic"}, `--method "magic"`},
		{"BadFormat", []string{f, "--format", "xml"}, `--format "xml"`},
		{"ModelAndSelect", []string{f, "--model", "main", "--select", "bic"}, "give one of them"},
		{"ModelWithLCMCR", []string{f, "--method", "lcmcr", "--model", "1:2"}, "--model applies to --method loglinear"},
		{"IterationsWithLP", []string{f, "--method", "lp", "--iterations", "5"}, "--iterations applies to --method lcmcr"},
		{"BadSelect", []string{f, "--select", "cp"}, `--select "cp"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, errs := runEstimateCmd(t, c.args...)
			if code != 2 || !strings.Contains(errs, c.want) {
				t.Errorf("exit %d, stderr %q, want exit 2 and %q", code, errs, c.want)
			}
		})
	}
	code, out, _ := runEstimateCmd(t, "--help")
	if code != 0 || !strings.Contains(out, "--method") && !strings.Contains(out, "-method") {
		t.Errorf("--help: exit %d\n%s", code, out)
	}
}
