package linkage

import "github.com/qantar-project/qantar/names"

// Initials: official lists give "Иванов А.Б."; other lists "Ivanov Aleksei
// Borisovich". A pair in which one name has initials is compared in the
// order the words are written: the full words of the name with fewer of
// them (the surname) must each agree with a full word of the other, and
// what is left of each name (initials, given names, patronymics) is then
// paired in order, an initial agreeing with a word it can start in either
// script (names.InitialAgrees). A pair that passes is at the "initials"
// level; one that fails is at most "weak".

// initialsMinSim is how close, in Jaro-Winkler similarity of keys, the full
// words of the two names must be (a typo in the surname passes).
const initialsMinSim = 0.94

// prepareInitials parses the names of the column when some of them have
// initials; otherwise it keeps nothing.
func (c *nameCmp) prepareInitials(values []string) {
	c.parts, c.initialed = nil, nil
	var parts [][]names.Part
	var initialed []bool
	any := false
	for i, v := range values {
		if c.keys[i] == "" {
			continue
		}
		if parts == nil {
			parts = make([][]names.Part, len(values))
			initialed = make([]bool, len(values))
		}
		p := names.Parse(v)
		parts[i] = p
		for _, w := range p {
			if w.Initial {
				initialed[i], any = true, true
				break
			}
		}
	}
	if any {
		c.parts, c.initialed = parts, initialed
	}
}

// initialsAgree reports whether names i and j, one of them with initials,
// agree as far as their initials can tell.
func (c *nameCmp) initialsAgree(i, j int32) bool {
	a, b := c.parts[i], c.parts[j]
	if countFull(a) > countFull(b) {
		a, b = b, a
	}
	if countFull(a) == 0 || len(b) > 64 {
		return false // no surname to go by
	}
	var used uint64 // b's full words matched to a's
	for _, w := range a {
		if w.Initial {
			continue
		}
		best, at := 0.0, -1
		for k, x := range b {
			if x.Initial || used&(1<<k) != 0 {
				continue
			}
			if s := names.JaroWinkler(w.Key, x.Key); s > best {
				best, at = s, k
			}
		}
		if at < 0 || best < initialsMinSim {
			return false
		}
		used |= 1 << at
	}
	// What is left of each, in the order written, pair by pair.
	k, compared := 0, false
	for _, w := range a {
		if !w.Initial {
			continue
		}
		for k < len(b) && used&(1<<k) != 0 {
			k++
		}
		if k == len(b) {
			break
		}
		x := b[k]
		k++
		if !names.InitialAgrees(w, x) {
			return false
		}
		compared = true
	}
	return compared
}

func countFull(p []names.Part) int {
	n := 0
	for _, w := range p {
		if !w.Initial {
			n++
		}
	}
	return n
}
