package linkage

import (
	"context"
	"math/bits"
	"slices"
	"sync"
	"sync/atomic"
)

// candidates is the union of the pairs the blocking rules name, kept by
// their first record: the pairs (a, b), a ≤ b, are ent[off[a]:off[a+1]],
// each entry b<<ruleBits | the rule that named it, sorted, so that a pair
// named by several rules is several entries in a row. Pairs are numbered
// in the order of (a, b), as a sorted list of them would be: first[a] is
// the number of a's first pair. Four bytes per pair and rule, and no sort
// of tens of millions of pairs: each record's few dozen are sorted alone.
type candidates struct {
	off    []int64
	ent    []uint32
	first  []int64
	chunks []int32 // records at which runs of about chunkPairs pairs start, and n
}

const chunkPairs = 1 << 14

const ruleMask = 1<<ruleBits - 1

// newCandidates lists the pairs of every rule's blocks, by first record,
// counting them first so that the list is allocated once.
func newCandidates(n int, blocks []ruleBlocks, keeps []func(a, b int32) bool, o *Options) *candidates {
	pos := make([]int64, n+1)
	for ri, rb := range blocks {
		rb.pairs(o, keeps[ri], func(a, b int32) { pos[min(a, b)]++ })
	}
	off := make([]int64, n+1)
	var t int64
	for a := range n {
		off[a] = t
		t += pos[a]
	}
	off[n] = t
	copy(pos, off)
	ent := make([]uint32, t)
	for ri, rb := range blocks {
		r := uint32(ri)
		rb.pairs(o, keeps[ri], func(a, b int32) {
			if a > b {
				a, b = b, a
			}
			ent[pos[a]] = uint32(b)<<ruleBits | r
			pos[a]++
		})
	}
	return &candidates{off: off, ent: ent}
}

// dedupe sorts each record's entries, drops repeats (a pair one rule named
// twice), numbers the pairs and fills in each rule's Pairs and New (pairs
// no earlier rule named).
func (c *candidates) dedupe(nrules int, reports []RuleReport, workers int) {
	n := len(c.off) - 1
	lens := make([]int32, n)     // entries left
	distinct := make([]int32, n) // pairs
	var next atomic.Int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	const span = 1 << 12
	for range max(workers, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pairs, fresh := make([]int, nrules), make([]int, nrules)
			for {
				lo := int(next.Add(span)) - span
				if lo >= n {
					break
				}
				for a := lo; a < min(lo+span, n); a++ {
					e := c.ent[c.off[a]:c.off[a+1]]
					slices.Sort(e)
					e = slices.Compact(e)
					lens[a] = int32(len(e))
					for j := 0; j < len(e); {
						mask := uint32(0)
						for b := e[j] >> ruleBits; j < len(e) && e[j]>>ruleBits == b; j++ {
							mask |= 1 << (e[j] & ruleMask)
						}
						distinct[a]++
						fresh[bits.TrailingZeros32(mask)]++
						for ; mask != 0; mask &= mask - 1 {
							pairs[bits.TrailingZeros32(mask)]++
						}
					}
				}
			}
			mu.Lock()
			for r := range nrules {
				reports[r].Pairs += pairs[r]
				reports[r].New += fresh[r]
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	var w int64
	c.first = make([]int64, n+1)
	var p int64
	for a := range n {
		copy(c.ent[w:], c.ent[c.off[a]:c.off[a]+int64(lens[a])])
		c.off[a] = w
		w += int64(lens[a])
		c.first[a] = p
		if p/chunkPairs != (p+int64(distinct[a]))/chunkPairs || a == 0 {
			c.chunks = append(c.chunks, int32(a))
		}
		p += int64(distinct[a])
	}
	c.off[n], c.first[n] = w, p
	c.chunks = append(c.chunks, int32(n))
	if w < int64(len(c.ent))*7/8 {
		c.ent = append([]uint32(nil), c.ent[:w]...)
	} else {
		c.ent = c.ent[:w]
	}
}

// len returns the number of distinct pairs.
func (c *candidates) len() int64 { return c.first[len(c.first)-1] }

// forRange calls fn for each pair whose first record is in [lo, hi), in
// order, with its number and the mask of the rules that named it.
func (c *candidates) forRange(lo, hi int32, fn func(k int64, a, b int32, mask uint32)) {
	k := c.first[lo]
	for a := lo; a < hi; a++ {
		e := c.ent[c.off[a]:c.off[a+1]]
		for j := 0; j < len(e); {
			b := e[j] >> ruleBits
			mask := uint32(0)
			for ; j < len(e) && e[j]>>ruleBits == b; j++ {
				mask |= 1 << (e[j] & ruleMask)
			}
			fn(k, a, int32(b), mask)
			k++
		}
	}
}

// parallel runs fn over the chunks of pairs on workers goroutines, each
// with its own state from newState; done is told of each chunk finished.
// It stops early when ctx is done.
func parallel[S any](ctx context.Context, c *candidates, workers int, newState func() S, fn func(s S, chunk int, lo, hi int32), done func(pairs int64)) []S {
	var next atomic.Int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	states := make([]S, max(workers, 1))
	for w := range states {
		states[w] = newState()
		wg.Add(1)
		go func(s S) {
			defer wg.Done()
			for ctx.Err() == nil {
				ch := int(next.Add(1) - 1)
				if ch+1 >= len(c.chunks) {
					break
				}
				lo, hi := c.chunks[ch], c.chunks[ch+1]
				fn(s, ch, lo, hi)
				if done != nil {
					mu.Lock()
					done(c.first[hi] - c.first[lo])
					mu.Unlock()
				}
			}
		}(states[w])
	}
	wg.Wait()
	return states
}
