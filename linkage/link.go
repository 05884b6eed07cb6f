package linkage

import (
	"context"
	"fmt"
	"math"
	"math/bits"
	"runtime"

	"github.com/qantar-project/qantar/names"
)

// Options configure a linkage run. The zero value of every field means its
// default (see the constants below).
type Options struct {
	// Key is the match key of names; names.Key when nil.
	Key KeyFunc
	// Rules are the blocking rules (at most 32); by default one per name
	// field, another on pairs of its words when names have several, one per
	// date field, and one per text, exact or number field that splits
	// records finely.
	Rules []Rule
	// MaxBlock is the size above which a block is compared within a sliding
	// window of Window records, in the order of their names and free text.
	MaxBlock, Window int
	// LinkOnly links records across sources without deduplicating within
	// one: pairs from one source are never compared, and a person holds at
	// most one record of each source.
	LinkOnly bool
	// Threshold is the posterior match probability from which a pair links.
	Threshold float64
	// ReviewLow and ReviewHigh bound the uncertain band [low, high) of pairs
	// set aside for review.
	ReviewLow, ReviewHigh float64
	// MaxCluster is the most records one person may hold.
	MaxCluster int
	// ChainMin guards against chains in which A is like B, B like C, and A
	// nothing like C: a link joins two groups only if no record of one is,
	// with a match probability under ChainMin, almost certainly not the
	// same person as a record of the other. A negative value turns the
	// guard off.
	ChainMin float64
	// NoTermFrequencies turns off the adjustment for common names.
	NoTermFrequencies bool
	// Labels refine the model after EM; LabelStrength is how many labelled
	// pairs the EM estimate is worth (default 50).
	Labels        []LabeledPair
	LabelStrength float64
	// Workers compare pairs in parallel (default GOMAXPROCS).
	Workers int
	// Progress, if set, is told of each stage and of progress within it;
	// it may be called from several goroutines, but never at once.
	Progress func(stage string, done, total int64)
}

// randomPairs is how many random pairs estimate u: enough to see an
// agreement on a full birth date (about 1 in 25,000) a dozen times.
const randomPairs = 400_000

// Defaults.
const (
	DefaultMaxBlock   = 50
	DefaultWindow     = 10
	DefaultThreshold  = 0.5
	DefaultReviewLow  = 0.2
	DefaultReviewHigh = 0.8
	DefaultMaxCluster = 20
	DefaultChainMin   = 0.01
)

func (o *Options) defaults() error {
	if o.Key == nil {
		o.Key = names.Key
	}
	set := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	set(&o.MaxBlock, DefaultMaxBlock)
	set(&o.Window, DefaultWindow)
	set(&o.MaxCluster, DefaultMaxCluster)
	set(&o.Workers, runtime.GOMAXPROCS(0))
	if o.Threshold == 0 {
		o.Threshold = DefaultThreshold
	}
	if o.ReviewLow == 0 && o.ReviewHigh == 0 {
		o.ReviewLow, o.ReviewHigh = DefaultReviewLow, DefaultReviewHigh
	}
	if o.ChainMin == 0 {
		o.ChainMin = DefaultChainMin
	}
	if o.LabelStrength == 0 {
		o.LabelStrength = 50
	}
	switch {
	case o.Threshold <= 0 || o.Threshold >= 1:
		return fmt.Errorf("threshold %g is not a probability strictly between 0 and 1", o.Threshold)
	case o.ReviewLow < 0 || o.ReviewHigh > 1 || o.ReviewLow > o.ReviewHigh:
		return fmt.Errorf("review band [%g, %g) is not within [0, 1]", o.ReviewLow, o.ReviewHigh)
	case o.MaxBlock < 2 || o.Window < 1 || o.MaxCluster < 2:
		return fmt.Errorf("block size, window and cluster size must be positive")
	}
	return nil
}

func (o *Options) progress(stage string, done, total int64) {
	if o.Progress != nil {
		o.Progress(stage, done, total)
	}
}

// Pair is a scored pair of records.
type Pair struct {
	A, B   int32   // record numbers, A < B
	P      float64 // posterior probability that they are the same person
	Weight float64 // match weight, log2 of the Bayes factor
	Levels []int   // agreement level per field, -1 where a value is missing
	Linked bool    // whether they ended in the same cluster
	// Refused says why a pair over the threshold was not used to join its
	// records' clusters ("" if it was, or was under the threshold).
	Refused string
}

// Result is the outcome of a linkage run.
type Result struct {
	Rules      []RuleReport
	Candidates int   // distinct pairs compared
	Unreadable []int // per field, values that could not be read (dates, numbers) and count as missing
	Model      *Model
	// Cluster gives each record its person, numbered from 0 in the order of
	// each person's first record.
	Cluster  []int32
	Clusters int
	// Pairs holds every compared pair with P ≥ ReviewLow, most likely first.
	Pairs []Pair
	// Review holds the pairs in the uncertain band, and pairs over the
	// threshold that a guard refused.
	Review []Pair
}

// Link links the records of d.
func Link(ctx context.Context, d *Dataset, o Options) (*Result, error) {
	if err := o.defaults(); err != nil {
		return nil, err
	}
	for _, lp := range o.Labels {
		if lp.A < 0 || lp.B < 0 || lp.A >= d.Len() || lp.B >= d.Len() || lp.A == lp.B {
			return nil, fmt.Errorf("labelled pair (%d, %d) does not name two records", lp.A, lp.B)
		}
	}
	res := &Result{}
	o.progress("preparing fields", 0, int64(len(d.Fields)))
	cmps := make([]comparator, len(d.Fields))
	res.Unreadable = make([]int, len(d.Fields))
	for f, fd := range d.Fields {
		cmps[f] = newComparator(fd.Type, o.Key)
		res.Unreadable[f] = cmps[f].prepare(d.values[f])
		if nc, ok := cmps[f].(*nameCmp); ok && o.NoTermFrequencies {
			nc.tf = nil
		}
	}
	pt, err := newPatterns(cmps)
	if err != nil {
		return nil, err
	}
	rules := o.Rules
	if rules == nil {
		rules = defaultRules(d, cmps, o.MaxBlock)
	}
	if len(rules) > maxRules {
		return nil, fmt.Errorf("%d blocking rules; at most %d are allowed", len(rules), maxRules)
	}
	for _, r := range rules {
		if len(r.Fields) == 0 {
			return nil, fmt.Errorf("a blocking rule names no field")
		}
		for _, f := range r.Fields {
			if f < 0 || f >= len(d.Fields) {
				return nil, fmt.Errorf("a blocking rule names field %d of %d", f, len(d.Fields))
			}
		}
	}
	cand, reports, err := block(ctx, d, cmps, rules, &o)
	if err != nil {
		return nil, err
	}
	res.Rules, res.Candidates = reports, int(cand.len())

	pats, counts, byRule, err := compareAll(ctx, cand, len(rules), cmps, pt, &o)
	if err != nil {
		return nil, err
	}
	o.progress("estimating weights (EM)", 0, 1)
	u0 := estimateU(d, cmps, o.LinkOnly, randomPairs, o.Workers)
	total := totalPairs(d, o.LinkOnly)
	res.Model = estimate(d, cmps, pt, rules, counts, byRule, u0, total)
	if len(o.Labels) > 0 {
		refine(res.Model, cmps, o.Labels, o.LabelStrength)
		res.Model.fitPrior(pt, counts, total)
	}
	res.Pairs = scoreAll(ctx, cand, pats, res.Model, cmps, pt, &o)
	cand, pats = nil, nil
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	cluster(ctx, d, res, newScorer(res.Model, cmps, pt), &o)
	return res, nil
}

// compareAll compares every candidate pair in parallel and counts the
// agreement patterns, in all and by the rules that named the pair.
func compareAll(ctx context.Context, cand *candidates, nrules int, cmps []comparator, pt patterns, o *Options) ([]uint32, patternCounts, []patternCounts, error) {
	total := cand.len()
	pats := make([]uint32, total)
	type state struct {
		all    patternCounts
		byRule []patternCounts
		levels []int
	}
	var done int64
	states := parallel(ctx, cand, o.Workers, func() *state {
		s := &state{all: patternCounts{}, byRule: make([]patternCounts, nrules), levels: make([]int, len(cmps))}
		for r := range s.byRule {
			s.byRule[r] = patternCounts{}
		}
		return s
	}, func(s *state, _ int, lo, hi int32) {
		cand.forRange(lo, hi, func(i int64, a, b int32, mask uint32) {
			for f, c := range cmps {
				s.levels[f] = c.compare(a, b)
			}
			p := pt.encode(s.levels)
			pats[i] = p
			k := uint64(p)<<16 | uint64(tfBucket(tfWeight(cmps, s.levels, a)))
			s.all[k]++
			for ; mask != 0; mask &= mask - 1 {
				s.byRule[bits.TrailingZeros32(mask)][k]++
			}
		})
	}, func(n int64) {
		done += n
		o.progress("comparing pairs", done, total)
	})
	if err := ctx.Err(); err != nil {
		return nil, nil, nil, err
	}
	counts := patternCounts{}
	byRule := make([]patternCounts, nrules)
	for r := range byRule {
		byRule[r] = patternCounts{}
	}
	for _, s := range states {
		for k, v := range s.all {
			counts[k] += v
		}
		for r := range s.byRule {
			for k, v := range s.byRule[r] {
				byRule[r][k] += v
			}
		}
	}
	return pats, counts, byRule, nil
}

// scoreAll weighs every compared pair and keeps those with a probability
// from ReviewLow (or the threshold, if lower) up, in no particular order.
func scoreAll(ctx context.Context, cand *candidates, pats []uint32, m *Model, cmps []comparator, pt patterns, o *Options) []Pair {
	type state struct {
		s      *scorer
		levels []int
	}
	kept := make([][]Pair, len(cand.chunks))
	var done int64
	total := cand.len()
	o.progress("scoring pairs", 0, total)
	parallel(ctx, cand, o.Workers, func() *state {
		return &state{s: newScorer(m, cmps, pt), levels: make([]int, len(cmps))}
	}, func(st *state, chunk int, lo, hi int32) {
		var out []Pair
		var slab []int
		cand.forRange(lo, hi, func(i int64, a, b int32, _ uint32) {
			w := st.s.weight(pats[i], a, b, st.levels)
			if prob := st.s.prob(w); prob >= o.ReviewLow || prob >= o.Threshold {
				if len(slab) < len(st.levels) {
					slab = make([]int, 256*len(st.levels))
				}
				lv := slab[:len(st.levels):len(st.levels)]
				slab = slab[len(st.levels):]
				copy(lv, st.levels)
				out = append(out, Pair{A: a, B: b, P: prob, Weight: w, Levels: lv})
			}
		})
		kept[chunk] = out
	}, func(n int64) {
		done += n
		o.progress("scoring pairs", done, total)
	})
	n := 0
	for _, k := range kept {
		n += len(k)
	}
	out := make([]Pair, 0, n)
	for _, k := range kept {
		out = append(out, k...)
	}
	return out
}

// scorer turns agreement patterns into weights and probabilities.
type scorer struct {
	model *Model
	cmps  []comparator
	pt    patterns
	cache map[uint32]float64 // not safe for concurrent use
	logit float64            // log2 of the prior odds
}

func newScorer(m *Model, cmps []comparator, pt patterns) *scorer {
	return &scorer{model: m, cmps: cmps, pt: pt, cache: map[uint32]float64{}, logit: math.Log2(m.Lambda / (1 - m.Lambda))}
}

// weight returns the match weight of a pair with pattern p, adjusted for
// the frequency of a name the two records share exactly; it fills levels.
func (s *scorer) weight(p uint32, a, b int32, levels []int) float64 {
	s.pt.decode(p, levels)
	w, ok := s.cache[p]
	if !ok {
		for f, l := range levels {
			if l >= 0 {
				w += s.model.Weight(f, l)
			}
		}
		s.cache[p] = w
	}
	return w + tfWeight(s.cmps, levels, a)
}

// tfWeight is the term-frequency adjustment, in bits, of a pair whose first
// record is a: for each name field on which the pair agrees exactly, how
// much rarer or commoner than average the shared name is.
func tfWeight(cmps []comparator, levels []int, a int32) float64 {
	var w float64
	for f, l := range levels {
		if nc, ok := cmps[f].(*nameCmp); ok && nc.tf != nil && l == len(nameLevelNames)-1 {
			w += math.Log2(float64(nc.tf[a]))
		}
	}
	return w
}

// EM sees the term-frequency adjustment of each pair rounded to a quarter
// of a bit, so that it still runs over a few thousand distinct patterns.
const tfOffset = 1 << 15

func tfBucket(w float64) uint16 {
	return uint16(math.Max(0, math.Min(1<<16-1, math.Round(w*4)+tfOffset)))
}

func tfFactor(b uint16) float64 { return math.Exp2((float64(b) - tfOffset) / 4) }

// pairWeight compares and weighs any pair, blocked or not.
func (s *scorer) pairWeight(a, b int32, levels []int) float64 {
	for f, c := range s.cmps {
		levels[f] = c.compare(a, b)
	}
	return s.weight(s.pt.encode(levels), a, b, levels)
}

func (s *scorer) prob(w float64) float64 {
	return 1 / (1 + math.Exp2(-(w + s.logit)))
}
