package mse

import (
	"fmt"
	"math/bits"
	"sort"
	"strings"
)

// MaxLists is the most lists a Table holds: a pattern is a 64-bit mask.
const MaxLists = 64

// Pattern is a set of lists, list j (0-based) being bit j: the lists that
// recorded a person. The zero Pattern is the cell nobody can count.
type Pattern uint64

// Has reports whether list j is in the pattern.
func (p Pattern) Has(j int) bool { return p>>uint(j)&1 == 1 }

// Size is the number of lists in the pattern.
func (p Pattern) Size() int { return bits.OnesCount64(uint64(p)) }

// Cell is one observed pattern and the number of people recorded by exactly
// those lists.
type Cell struct {
	Pattern Pattern
	Count   int64
}

// Table is an overlap table: the count of people for each pattern of lists.
// Patterns never added count zero.
type Table struct {
	lists  []string
	counts map[Pattern]int64
}

// NewTable returns an empty table over the named lists. Names must be
// distinct and non-empty; they are how models and reports refer to lists.
func NewTable(lists []string) (*Table, error) {
	if len(lists) > MaxLists {
		return nil, errorf("%d lists: at most %d are supported", len(lists), MaxLists)
	}
	seen := make(map[string]bool, len(lists))
	for i, name := range lists {
		if strings.TrimSpace(name) == "" {
			return nil, errorf("list %d has no name", i+1)
		}
		if seen[name] {
			return nil, errorf("list name %q is used twice", name)
		}
		seen[name] = true
	}
	return &Table{lists: append([]string(nil), lists...), counts: make(map[Pattern]int64)}, nil
}

// Add adds n people recorded by exactly the lists of p.
func (t *Table) Add(p Pattern, n int64) error {
	if n < 0 {
		return errorf("count %d for pattern %s is negative", n, t.PatternString(p))
	}
	if len(t.lists) < 64 && p>>uint(len(t.lists)) != 0 {
		return errorf("pattern %#x names a list beyond the %d lists", uint64(p), len(t.lists))
	}
	if p == 0 {
		if n > 0 {
			return errorf("%d people recorded by no list: the unrecorded cannot be counted", n)
		}
		return nil
	}
	t.counts[p] += n
	return nil
}

// Lists returns the list names, in order.
func (t *Table) Lists() []string { return append([]string(nil), t.lists...) }

// K is the number of lists.
func (t *Table) K() int { return len(t.lists) }

// Count returns the number of people recorded by exactly the lists of p.
func (t *Table) Count(p Pattern) int64 { return t.counts[p] }

// Observed is the number of people recorded by at least one list.
func (t *Table) Observed() int64 {
	var n int64
	for _, c := range t.counts {
		n += c
	}
	return n
}

// ListTotal is the number of people on list j.
func (t *Table) ListTotal(j int) int64 {
	var n int64
	for p, c := range t.counts {
		if p.Has(j) {
			n += c
		}
	}
	return n
}

// Cells returns the patterns with a positive count, largest pattern first
// (the order of the published tables), so that results do not depend on map
// order.
func (t *Table) Cells() []Cell {
	cells := make([]Cell, 0, len(t.counts))
	for p, c := range t.counts {
		if c > 0 {
			cells = append(cells, Cell{p, c})
		}
	}
	sort.Slice(cells, func(a, b int) bool {
		return reversed(cells[a].Pattern, len(t.lists)) > reversed(cells[b].Pattern, len(t.lists))
	})
	return cells
}

// reversed maps a pattern to the number its 0/1 columns spell left to right,
// list 1 being the most significant digit, so that sorting by it gives the
// usual order of overlap tables.
func reversed(p Pattern, k int) uint64 {
	return bits.Reverse64(uint64(p)) >> uint(64-k)
}

// PatternString writes a pattern as its 0/1 columns: "1,0,1".
func (t *Table) PatternString(p Pattern) string {
	var b strings.Builder
	for j := range t.lists {
		if j > 0 {
			b.WriteByte(',')
		}
		if p.Has(j) {
			b.WriteByte('1')
		} else {
			b.WriteByte('0')
		}
	}
	return b.String()
}

// check reports why the table cannot support any estimate: fewer than two
// lists, nobody recorded, or a list that recorded nobody (an empty list says
// nothing about the others, and makes every model degenerate).
func (t *Table) check() error {
	if len(t.lists) < 2 {
		return errorf("%d list: multiple systems estimation needs at least two lists", len(t.lists))
	}
	if t.Observed() == 0 {
		return errorf("the table records nobody")
	}
	var empty []string
	for j, name := range t.lists {
		if t.ListTotal(j) == 0 {
			empty = append(empty, name)
		}
	}
	if len(empty) > 0 {
		return errorf("list %s records nobody: every record is on the other lists, so the table holds no overlap to estimate from (drop the empty list)", strings.Join(empty, ", "))
	}
	return nil
}

// String writes the table as its CSV form.
func (t *Table) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s,count\n", strings.Join(t.lists, ","))
	for _, c := range t.Cells() {
		fmt.Fprintf(&b, "%s,%d\n", t.PatternString(c.Pattern), c.Count)
	}
	return b.String()
}
