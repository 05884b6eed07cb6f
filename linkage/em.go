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
// prior probability that two records are the same person (see estimate).
type Model struct {
	Fields []FieldModel
	// Lambda is the prior: the probability that two records drawn at random
	// are the same person; ExpectedMatches is the number of matching pairs
	// it implies.
	Lambda          float64
	ExpectedMatches float64
	Sessions        []Session
	Iterations      int // of the final EM over all blocked pairs
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

// patternCounts counts the blocked pairs by agreement pattern and by
// term-frequency adjustment (key: pattern<<16 | tfBucket).
type patternCounts map[uint64]int64

// emFit is one EM fit over pattern counts: which fields it uses, whether it
// refits u, and what it found.
type emFit struct {
	active     []bool // fields in the likelihood
	fixU       bool
	lambda     float64
	m, u       [][]float64
	iterations int
	converged  bool
	pairs      float64
}

// run fits λ, m and (unless fixU) u by expectation-maximisation (Winkler
// 1988), each pair's posterior including its term-frequency adjustment.
func (e *emFit) run(pt patterns, counts patternCounts, maxIter int, tol float64) {
	keys := make([]uint64, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	// Sorted keys make the sums, and so the fit, the same on every run.
	slices.Sort(keys)
	nf := len(e.m)
	cs := make([]float64, len(keys))
	tf := make([]float64, len(keys))
	lv := make([][]int, len(keys))
	for i, k := range keys {
		cs[i] = float64(counts[k])
		tf[i] = tfFactor(uint16(k))
		lv[i] = make([]int, nf)
		pt.decode(uint32(k>>16), lv[i])
		e.pairs += cs[i]
	}
	if e.pairs == 0 {
		return
	}
	mAcc, uAcc := make([][]float64, nf), make([][]float64, nf)
	for f := range mAcc {
		mAcc[f], uAcc[f] = make([]float64, len(e.m[f])), make([]float64, len(e.u[f]))
	}
	prevLL := math.Inf(-1)
	for it := 1; it <= maxIter; it++ {
		e.iterations = it
		for f := range mAcc {
			clear(mAcc[f])
			clear(uAcc[f])
		}
		var matches, ll float64
		for i, c := range cs {
			pm, pu := e.lambda*tf[i], 1-e.lambda
			for f, l := range lv[i] {
				if l >= 0 && e.active[f] {
					pm *= e.m[f][l]
					pu *= e.u[f][l]
				}
			}
			g := pm / (pm + pu)
			ll += c * math.Log(pm+pu)
			matches += c * g
			for f, l := range lv[i] {
				if l >= 0 && e.active[f] {
					mAcc[f][l] += c * g
					uAcc[f][l] += c * (1 - g)
				}
			}
		}
		e.lambda = math.Min(math.Max(matches/e.pairs, 1e-9), 1-1e-9)
		for f := range mAcc {
			if !e.active[f] {
				continue
			}
			copy(e.m[f], mAcc[f])
			normalize(e.m[f], 0.5) // half a pair: no level is impossible among matches
			if !e.fixU {
				copy(e.u[f], uAcc[f])
				normalize(e.u[f], 1e-3)
			}
		}
		if math.Abs(ll-prevLL) < tol*math.Abs(ll) {
			e.converged = true
			break
		}
		prevLL = ll
	}
}

func newFit(cmps []comparator, u0 [][]float64, active []bool, fixU bool) *emFit {
	e := &emFit{active: active, fixU: fixU, lambda: 0.1}
	for f, c := range cmps {
		m := make([]float64, len(c.levelNames()))
		for l := range m {
			m[l] = math.Pow(4, float64(l)) // geometric: exact agreement most likely
		}
		normalize(m, 0)
		e.m = append(e.m, m)
		e.u = append(e.u, append([]float64(nil), u0[f]...))
	}
	return e
}

// estimate builds the model.
//
// Within the pairs a blocking rule found, the fields of the rule agree by
// construction, but every other field of a non-matching pair agrees only by
// chance, as in random pairs. So, as Splink does, each rule gets its own EM
// session over its own pairs, with u fixed at its random-pair estimate and
// the rule's fields left out; a field's m is the average over the sessions
// that could see it, weighted by the matches each found. This keeps EM from
// taking a cluster of non-matches that share a birth date (frequent in a
// long list) for matches. A field that every rule blocks on gets m from one
// EM over all the pairs with u fixed too (with u free, a short list whose
// candidate pairs are all one person each gives EM nothing to tell matches
// from non-matches by, and it linked nothing); the refit below then weighs
// those pairs among all possible pairs. Rules limited to lacking records
// run no session (see Rule.Lacking).
//
// The prior λ is then the share of matches among all possible pairs, found
// by EM over the blocked pairs with m and u fixed, the pairs never compared
// counting as non-matches. A pair's probability thus does not depend on
// which rule found it, and any pair can be scored, blocked or not.
func estimate(d *Dataset, cmps []comparator, pt patterns, rules []Rule, all patternCounts, byRule []patternCounts, u0 [][]float64, total float64) *Model {
	nf := len(cmps)
	model := &Model{}
	mSum := make([][]float64, nf)
	wSum := make([]float64, nf)
	for f := range mSum {
		mSum[f] = make([]float64, len(u0[f]))
	}
	for r, rule := range rules {
		active := make([]bool, nf)
		for f := range active {
			active[f] = true
		}
		for _, f := range rule.Fields {
			active[f] = false
		}
		if rule.Lacking || !slices.Contains(active, true) || len(byRule[r]) == 0 {
			continue
		}
		e := newFit(cmps, u0, active, true)
		e.run(pt, byRule[r], 200, 1e-9)
		w := e.lambda * e.pairs
		model.Sessions = append(model.Sessions, Session{Rule: rule.describe(d), Pairs: int64(e.pairs), Lambda: e.lambda, Iterations: e.iterations})
		for f := range active {
			if active[f] {
				for l := range mSum[f] {
					mSum[f][l] += w * e.m[f][l]
				}
				wSum[f] += w
			}
		}
	}
	var global *emFit
	for f := range cmps {
		if wSum[f] == 0 && global == nil {
			active := make([]bool, nf)
			for f := range active {
				active[f] = true
			}
			global = newFit(cmps, u0, active, true)
			global.run(pt, all, 200, 1e-9)
		}
	}
	for f, c := range cmps {
		fm := FieldModel{Column: d.Fields[f].Column, Type: d.Fields[f].Type, Levels: c.levelNames(), U: u0[f]}
		if wSum[f] > 0 {
			fm.M = mSum[f]
			for l := range fm.M {
				fm.M[l] /= wSum[f]
			}
		} else {
			fm.M = global.m[f]
		}
		model.Fields = append(model.Fields, fm)
	}
	model.fitPrior(pt, all, total)
	model.refit(pt, all, total, 100)
	return model
}

// refit runs EM over all the blocked pairs in the frame of all possible
// pairs: u stays at its random-pair estimate, λ is the share of matches
// among all pairs (those never compared counting as non-matches), and m is
// refitted. With a prior this small, a field that merely correlates with
// the blocking key (sex with a given name) moves a non-matching pair's
// probability by a factor of two or so, not across the threshold; in a
// session, where λ is free, the same correlation can pass for matches.
func (m *Model) refit(pt patterns, all patternCounts, total float64, maxIter int) {
	keys := make([]uint64, 0, len(all))
	for k := range all {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	nf := len(m.Fields)
	lv := make([][]int, len(keys))
	for i, k := range keys {
		lv[i] = make([]int, nf)
		pt.decode(uint32(k>>16), lv[i])
	}
	acc := make([][]float64, nf)
	for f := range acc {
		acc[f] = make([]float64, len(m.Fields[f].M))
	}
	for it := 0; it < maxIter; it++ {
		for f := range acc {
			clear(acc[f])
		}
		var matches float64
		for i, k := range keys {
			bf := tfFactor(uint16(k))
			for f, l := range lv[i] {
				if l >= 0 {
					bf *= m.Fields[f].M[l] / m.Fields[f].U[l]
				}
			}
			c := float64(all[k])
			g := c * m.Lambda * bf / (m.Lambda*bf + 1 - m.Lambda)
			matches += g
			for f, l := range lv[i] {
				if l >= 0 {
					acc[f][l] += g
				}
			}
		}
		var change float64
		for f := range acc {
			normalize(acc[f], 0.5)
			for l := range acc[f] {
				change = math.Max(change, math.Abs(acc[f][l]-m.Fields[f].M[l]))
			}
			copy(m.Fields[f].M, acc[f])
		}
		m.Lambda = math.Min(math.Max(matches/total, 1e-15), 0.5)
		m.ExpectedMatches = m.Lambda * total
		m.Iterations = it + 1
		if change < 1e-6 {
			break
		}
	}
}

// Session is one blocking rule's EM session.
type Session struct {
	Rule       string
	Pairs      int64
	Lambda     float64 // share of matches among the rule's pairs
	Iterations int
}

// fitPrior finds λ over all possible pairs with m and u fixed.
func (m *Model) fitPrior(pt patterns, all patternCounts, total float64) {
	type row struct{ bf, c float64 }
	keys := make([]uint64, 0, len(all))
	for k := range all {
		keys = append(keys, k)
	}
	// Sorted, so that the sums and the prior are the same on every run.
	slices.Sort(keys)
	rows := make([]row, 0, len(all))
	lv := make([]int, len(m.Fields))
	var compared float64
	for _, k := range keys {
		pt.decode(uint32(k>>16), lv)
		bf := tfFactor(uint16(k))
		for f, l := range lv {
			if l >= 0 {
				bf *= m.Fields[f].M[l] / m.Fields[f].U[l]
			}
		}
		rows = append(rows, row{bf, float64(all[k])})
		compared += float64(all[k])
	}
	if total < compared {
		total = compared
	}
	lambda := 1 / math.Max(total, 2)
	for it := 0; it < 500; it++ {
		var matches float64
		for _, r := range rows {
			matches += r.c * lambda * r.bf / (lambda*r.bf + 1 - lambda)
		}
		next := math.Min(math.Max(matches/total, 1e-15), 0.5)
		done := math.Abs(next-lambda) <= 1e-9*lambda
		lambda = next
		if done {
			break
		}
	}
	m.Lambda = lambda
	m.ExpectedMatches = lambda * total
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
