package linkage

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
)

// FieldModel holds, for one field, the probability of each agreement level
// among pairs that are the same person (M) and pairs that are not (U).
type FieldModel struct {
	Column string
	Type   FieldType
	Levels []string
	M, U   []float64
}

// Model is a Fellegi-Sunter model: per-field m and u probabilities and the
// prior probability that two records are the same person.
//
// EM runs over the blocked pairs, where it finds the matches and so m; but
// there u is distorted by the blocking itself (every pair blocked on a name
// agrees on it, so agreeing on it looks like no evidence). So, as Splink
// does, the model keeps m from EM and takes u from random pairs, and its
// prior is the number of matches EM found over all possible pairs. A pair's
// probability then does not depend on which rule found it, and any pair can
// be scored, blocked or not.
type Model struct {
	Fields []FieldModel
	// Lambda is the prior: the probability that two records drawn at random
	// are the same person.
	Lambda float64
	// BlockedLambda is the share of matches among the compared pairs, and
	// ExpectedMatches their number, as EM estimated them.
	BlockedLambda   float64
	ExpectedMatches float64
	Iterations      int
	Converged       bool
}

// globalize replaces the u learned on blocked pairs by u from random pairs
// and the blocked prior by the prior over all pairs.
func (m *Model) globalize(u [][]float64, candidates int, total float64) {
	m.BlockedLambda = m.Lambda
	m.ExpectedMatches = m.Lambda * float64(candidates)
	if total > 0 {
		m.Lambda = math.Min(math.Max(m.ExpectedMatches/total, 1e-12), 0.5)
	}
	for f := range m.Fields {
		copy(m.Fields[f].U, u[f])
	}
}

// totalPairs is the number of pairs that could be compared.
func totalPairs(d *Dataset, linkOnly bool) float64 {
	n := float64(d.Len())
	all := n * (n - 1) / 2
	if !linkOnly {
		return all
	}
	per := make([]float64, len(d.Sources))
	for _, s := range d.src {
		per[s]++
	}
	for _, k := range per {
		all -= k * (k - 1) / 2
	}
	return all
}

// Weight returns the match weight, log2(m/u), of level l of field f.
func (m *Model) Weight(f, l int) float64 {
	return math.Log2(m.Fields[f].M[l] / m.Fields[f].U[l])
}

// patterns encodes one agreement level per field (or missing) as one number,
// so that EM runs over the few distinct patterns, not the millions of pairs.
type patterns struct{ radix []uint32 }

func newPatterns(cmps []comparator) (patterns, error) {
	p := patterns{radix: make([]uint32, len(cmps))}
	total := uint64(1)
	for i, c := range cmps {
		p.radix[i] = uint32(len(c.levelNames()) + 1)
		total *= uint64(p.radix[i])
		if total > math.MaxUint32 {
			return p, fmt.Errorf("too many fields to compare (%d)", len(cmps))
		}
	}
	return p, nil
}

func (p patterns) encode(levels []int) uint32 {
	var v uint32
	for i := len(levels) - 1; i >= 0; i-- {
		v = v*p.radix[i] + uint32(levels[i]+1)
	}
	return v
}

// decode writes the level of each field (-1 for missing) into levels.
func (p patterns) decode(v uint32, levels []int) {
	for i := range levels {
		levels[i] = int(v%p.radix[i]) - 1
		v /= p.radix[i]
	}
}

// estimateU estimates u from random pairs of records: nearly all of them
// are different people, so how often they agree by chance is u. It is the
// starting point of EM, and it keeps EM from mistaking a coarse field for
// evidence.
func estimateU(d *Dataset, cmps []comparator, linkOnly bool, samples, workers int) [][]float64 {
	n := d.Len()
	var pairs []uint64
	if n*(n-1)/2 <= samples {
		// Few enough records to compare every pair.
		for a := int32(0); a < int32(n); a++ {
			for b := a + 1; b < int32(n); b++ {
				pairs = append(pairs, pairKey(a, b))
			}
		}
	} else {
		rng := rand.New(rand.NewPCG(1, 2))
		for s := 0; s < samples; s++ {
			if a, b := int32(rng.IntN(n)), int32(rng.IntN(n)); a != b {
				pairs = append(pairs, pairKey(a, b))
			}
		}
	}
	counts := make([][][]float64, workers)
	var wg sync.WaitGroup
	for w := range workers {
		u := make([][]float64, len(cmps))
		for f, c := range cmps {
			u[f] = make([]float64, len(c.levelNames()))
		}
		counts[w] = u
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := w; k < len(pairs); k += workers {
				a, b := unpair(pairs[k])
				if linkOnly && d.src[a] == d.src[b] {
					continue
				}
				for f, c := range cmps {
					if l := c.compare(a, b); l >= 0 {
						u[f][l]++
					}
				}
			}
		}()
	}
	wg.Wait()
	u := counts[0]
	for _, c := range counts[1:] {
		for f := range c {
			for l := range c[f] {
				u[f][l] += c[f][l]
			}
		}
	}
	return smoothU(u)
}

func smoothU(u [][]float64) [][]float64 {
	for f := range u {
		normalize(u[f], 0.5)
	}
	return u
}

// normalize turns counts into probabilities, adding a pseudo-count to each
// so that no level is impossible.
func normalize(p []float64, pseudo float64) {
	var s float64
	for i := range p {
		p[i] += pseudo
		s += p[i]
	}
	for i := range p {
		p[i] /= s
	}
}

// emOptions tune the EM fit.
type emOptions struct {
	maxIter int
	tol     float64
	fixU    bool
}

// fitEM fits λ, m and u to the pattern counts by expectation-maximisation
// (Winkler 1988), starting from u estimated on random pairs and an m that
// favours agreement.
func fitEM(pt patterns, counts map[uint64]int64, cmps []comparator, d *Dataset, u0 [][]float64, eo emOptions) *Model {
	model := &Model{Lambda: 0.1}
	for f, c := range cmps {
		names := c.levelNames()
		m := make([]float64, len(names))
		for l := range m {
			m[l] = math.Pow(4, float64(l)) // geometric: exact agreement most likely
		}
		normalize(m, 0)
		model.Fields = append(model.Fields, FieldModel{
			Column: d.Fields[f].Column, Type: d.Fields[f].Type, Levels: names,
			M: m, U: append([]float64(nil), u0[f]...),
		})
	}
	// Sorted keys make the sums, and so the fit, the same on every run.
	keys := make([]uint64, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	cs := make([]float64, len(keys))
	tf := make([]float64, len(keys))
	nf := len(cmps)
	lv := make([][]int, len(keys))
	for i, k := range keys {
		cs[i] = float64(counts[k])
		tf[i] = tfFactor(uint16(k))
		lv[i] = make([]int, nf)
		pt.decode(uint32(k>>16), lv[i])
	}
	var total float64
	for _, c := range cs {
		total += c
	}
	if total == 0 {
		return model
	}
	mAcc := make([][]float64, nf)
	uAcc := make([][]float64, nf)
	for f := range mAcc {
		mAcc[f] = make([]float64, len(model.Fields[f].M))
		uAcc[f] = make([]float64, len(model.Fields[f].U))
	}
	prevLL := math.Inf(-1)
	for it := 1; it <= eo.maxIter; it++ {
		model.Iterations = it
		for f := range mAcc {
			clear(mAcc[f])
			clear(uAcc[f])
		}
		var matches, ll float64
		for i, c := range cs {
			pm, pu := model.Lambda, 1-model.Lambda
			for f, l := range lv[i] {
				if l >= 0 {
					pm *= model.Fields[f].M[l]
					pu *= model.Fields[f].U[l]
				}
			}
			pm *= tf[i]
			g := pm / (pm + pu)
			ll += c * math.Log(pm+pu)
			matches += c * g
			for f, l := range lv[i] {
				if l >= 0 {
					mAcc[f][l] += c * g
					uAcc[f][l] += c * (1 - g)
				}
			}
		}
		model.Lambda = math.Min(math.Max(matches/total, 1e-9), 1-1e-9)
		for f := range mAcc {
			copy(model.Fields[f].M, mAcc[f])
			normalize(model.Fields[f].M, 0.5) // half a pair: no level is impossible among matches
			if !eo.fixU {
				copy(model.Fields[f].U, uAcc[f])
				normalize(model.Fields[f].U, 1e-3)
			}
		}
		if math.Abs(ll-prevLL) < eo.tol*math.Abs(ll) {
			model.Converged = true
			break
		}
		prevLL = ll
	}
	return model
}

// LabeledPair is a pair of records a person has judged: the same person
// or not.
type LabeledPair struct {
	A, B  int // record numbers in the Dataset
	Match bool
}

// refine blends the EM estimates with the levels seen in labelled pairs: the
// EM estimate counts as strength labelled pairs, so a handful of labels
// nudges the model and hundreds dominate it.
func refine(model *Model, cmps []comparator, labels []LabeledPair, strength float64) {
	nf := len(cmps)
	mc, uc := make([][]float64, nf), make([][]float64, nf)
	for f := range cmps {
		mc[f] = make([]float64, len(model.Fields[f].M))
		uc[f] = make([]float64, len(model.Fields[f].U))
	}
	for _, lp := range labels {
		for f, c := range cmps {
			l := c.compare(int32(lp.A), int32(lp.B))
			if l < 0 {
				continue
			}
			if lp.Match {
				mc[f][l]++
			} else {
				uc[f][l]++
			}
		}
	}
	blend := func(p, c []float64) {
		var n float64
		for _, v := range c {
			n += v
		}
		if n == 0 {
			return
		}
		for l := range p {
			p[l] = (strength*p[l] + c[l]) / (strength + n)
		}
		normalize(p, 1e-6)
	}
	for f := range cmps {
		blend(model.Fields[f].M, mc[f])
		blend(model.Fields[f].U, uc[f])
	}
}
