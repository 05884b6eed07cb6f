package linkage

import (
	"context"
	"sort"
)

// Reasons a guard refuses a link.
const (
	RefusedSize   = "cluster would exceed the size limit"
	RefusedSource = "cluster would hold two records of one list (link-only)"
	RefusedChain  = "a record of one group is almost certainly not a record of the other"
)

// cluster joins the pairs over the threshold into persons, strongest first
// (single linkage, as connected components, but guarded): a link is refused
// when the joined person would hold too many records, two records of one
// list in link-only mode, or two groups whose records, compared all against
// all, include two records that are almost certainly different people. Refused links and the
// uncertain band go to review.
func cluster(ctx context.Context, d *Dataset, res *Result, s *scorer, o *Options) {
	sort.Slice(res.Pairs, func(i, j int) bool {
		a, b := res.Pairs[i], res.Pairs[j]
		if a.P != b.P {
			return a.P > b.P
		}
		if a.A != b.A {
			return a.A < b.A
		}
		return a.B < b.B
	})
	n := d.Len()
	parent := make([]int32, n)
	members := make([][]int32, n) // only for roots of clusters of two or more
	for i := range parent {
		parent[i] = int32(i)
	}
	find := func(x int32) int32 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	of := func(r int32) []int32 {
		if members[r] == nil {
			return []int32{r}
		}
		return members[r]
	}
	levels := make([]int, len(d.Fields))
	o.progress("clustering", 0, int64(len(res.Pairs)))
	for i := range res.Pairs {
		p := &res.Pairs[i]
		if p.P < o.Threshold {
			break
		}
		if i%(1<<16) == 0 {
			if ctx.Err() != nil {
				return
			}
			o.progress("clustering", int64(i), int64(len(res.Pairs)))
		}
		ra, rb := find(p.A), find(p.B)
		if ra == rb {
			continue
		}
		ma, mb := of(ra), of(rb)
		switch {
		case len(ma)+len(mb) > o.MaxCluster:
			p.Refused = RefusedSize
		case o.LinkOnly && sharesSource(d, ma, mb):
			p.Refused = RefusedSource
		case len(ma)+len(mb) > 2 && o.ChainMin > 0 && contradicts(s, ma, mb, levels, o.ChainMin):
			p.Refused = RefusedChain
		}
		if p.Refused != "" {
			continue
		}
		if len(ma) < len(mb) {
			ra, rb, ma, mb = rb, ra, mb, ma
		}
		parent[rb] = ra
		members[ra] = append(append(make([]int32, 0, len(ma)+len(mb)), ma...), mb...)
		members[rb] = nil
	}
	res.Cluster = make([]int32, n)
	ids := make(map[int32]int32)
	for i := 0; i < n; i++ {
		r := find(int32(i))
		id, ok := ids[r]
		if !ok {
			id = int32(len(ids))
			ids[r] = id
		}
		res.Cluster[i] = id
	}
	res.Clusters = len(ids)
	for i := range res.Pairs {
		p := &res.Pairs[i]
		p.Linked = res.Cluster[p.A] == res.Cluster[p.B]
		if p.Refused != "" || p.P >= o.ReviewLow && p.P < o.ReviewHigh {
			res.Review = append(res.Review, *p)
		}
	}
}

func sharesSource(d *Dataset, a, b []int32) bool {
	for _, x := range a {
		for _, y := range b {
			if d.src[x] == d.src[y] {
				return true
			}
		}
	}
	return false
}

// contradicts compares every record of a with every record of b, and
// reports whether some pair is almost certainly two people. A minimum, not
// a mean: records that say little (a name and a year of birth) have a low
// probability with anyone, and would drag a mean down and veto sound links,
// while one pair that clearly disagrees is what a chain looks like.
func contradicts(s *scorer, a, b []int32, levels []int, min float64) bool {
	for _, x := range a {
		for _, y := range b {
			if s.prob(s.pairWeight(x, y, levels)) < min {
				return true
			}
		}
	}
	return false
}
