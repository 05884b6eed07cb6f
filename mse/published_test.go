package mse

import (
	"errors"
	"testing"
)

// The published figures are in testdata/README.md.

func TestPublishedLogLinear(t *testing.T) {
	for _, c := range []struct {
		name, file, model string
		want              float64
	}{
		{"KosovoBall2002", "kosovo1999_4list.csv", "EXH:ABA,EXH:OSCE,EXH:HRW,ABA:OSCE,OSCE:HRW,EXH:ABA:OSCE", 10356.5},
		{"KosovoOrder2Best", "kosovo1999_4list.csv", "1:2,1:3,1:4,2:3,3:4", 14342},
		{"KoreaMainEffects", "korea_palembang_3list.csv", "main", 141.99},
		{"KoreaBIC", "korea_palembang_3list.csv", "1:2,2:3", 157.17},
		{"NewOrleans8DE", "neworleans_8list.csv", "D:E", 1184},
		{"NewOrleans8Main", "neworleans_8list.csv", "main", 997},
		{"NewOrleans5Main", "neworleans_5list.csv", "main", 1034},
		{"KampalaIndependence", "kampala_pwid2017_2list.csv", "main", 467.0 * 450 / 54},
	} {
		t.Run(c.name, func(t *testing.T) {
			tab := readShared(t, c.file)
			m, err := ParseModel(c.model, tab.Lists())
			if err != nil {
				t.Fatal(err)
			}
			f, err := FitLogLinear(tab, m, FitOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if !near(f.Estimate.Estimate, c.want, 0.001) {
				t.Errorf("estimate %.2f, published %.2f", f.Estimate.Estimate, c.want)
			}
			if !(f.Lower <= f.Estimate.Estimate && f.Estimate.Estimate <= f.Upper) {
				t.Errorf("interval [%.1f, %.1f] misses the estimate %.1f", f.Lower, f.Upper, f.Estimate.Estimate)
			}
		})
	}
}

func TestPublishedSearch(t *testing.T) {
	for _, c := range []struct {
		name, file string
		order      int
		model      string
		want       float64
	}{
		{"KosovoOrder3", "kosovo1999_4list.csv", 3, "1:2:3,1:4,3:4", 10357},
		{"KosovoOrder2", "kosovo1999_4list.csv", 2, "1:2,1:3,1:4,2:3,3:4", 14342},
		{"Korea", "korea_palembang_3list.csv", 2, "1:2,2:3", 157.17},
	} {
		t.Run(c.name, func(t *testing.T) {
			tab := readShared(t, c.file)
			r, err := Search(tab, SearchOptions{Criterion: BIC, MaxOrder: c.order, FitOptions: FitOptions{Interval: IntervalNone}})
			if err != nil {
				t.Fatal(err)
			}
			want, _ := ParseModel(c.model, tab.Lists())
			if r.Best.ModelName != want.Name(tab.Lists()) {
				t.Errorf("BIC chose %s, published %s", r.Best.ModelName, want.Name(tab.Lists()))
			}
			if !near(r.Best.Estimate.Estimate, c.want, 0.001) {
				t.Errorf("estimate %.2f, published %.2f", r.Best.Estimate.Estimate, c.want)
			}
		})
	}
}

func TestPublishedExistence(t *testing.T) {
	for _, c := range []struct {
		name, file, model string
		want              error
	}{
		{"ArtificialAllPairsNotIdentifiable", "artificial3_sparse.csv", "1:2,1:3,2:3", ErrNotIdentifiable},
		{"ArtificialAB3NoMLE", "artificial3_sparse.csv", "1:2", ErrNoMLE},
		{"ArtificialACBCFine", "artificial3_sparse.csv", "1:3,2:3", nil},
		{"KoreaAllPairs", "korea_palembang_3list.csv", "1:2,1:3,2:3", ErrNoMLE},
	} {
		t.Run(c.name, func(t *testing.T) {
			tab := readShared(t, c.file)
			m, _ := ParseModel(c.model, tab.Lists())
			_, err := FitLogLinear(tab, m, FitOptions{})
			if !errors.Is(err, c.want) && !(c.want == nil && err == nil) {
				t.Errorf("got %v, want %v", err, c.want)
			}
		})
	}
}

func TestPublishedTwoList(t *testing.T) {
	tab := readShared(t, "kampala_pwid2017_2list.csv")
	e, err := LincolnPetersen(tab, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !near(e.Estimate, 3892, 0.001) {
		t.Errorf("Lincoln–Petersen %.1f, published 3,892", e.Estimate)
	}
}

// TestPublishedLCMCR runs the sampler long enough that Monte Carlo error is
// well inside the 3% tolerance (about a second: it runs with -short too).
func TestPublishedLCMCR(t *testing.T) {
	tab := readShared(t, "ph_manila_police.csv")
	p, err := LCMCR(tab, LCMCROptions{Seed: 2016, Iterations: 100000})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		what      string
		got, want float64
	}{{"mean", p.Mean, 575}, {"2.5%", p.Lower, 534}, {"97.5%", p.Upper, 639}} {
		if !near(c.got, c.want, 0.03) {
			t.Errorf("posterior %s %.1f, HRDAG published %.0f", c.what, c.got, c.want)
		}
	}
	if !p.Diagnostics.Converged {
		t.Errorf("not converged: %+v", p.Diagnostics)
	}
}
