package linkage

import (
	"math"
	"sync/atomic"
)

// simCache remembers the similarity of pairs of name words. A list of a
// million names holds a few thousand distinct words, and blocking compares
// the same common pairs over and over. It is direct-mapped and lossy: each
// slot is one 64-bit word holding both the pair and the value, read and
// written atomically, so comparing goroutines share it without locks, and a
// collision only costs a recomputation. Values are stored to 1/65535; they
// are rounded so even when computed, so a level never depends on whether a
// value came from the cache.
type simCache struct {
	slots []atomic.Uint64
	mask  uint64
}

// maxCachedToken bounds token numbers that fit in a slot (24 bits each).
const maxCachedToken = 1<<24 - 1

func newSimCache(tokens int) simCache {
	size := 1 << 16
	for size < 8*tokens && size < 1<<21 {
		size <<= 1
	}
	return simCache{slots: make([]atomic.Uint64, size), mask: uint64(size - 1)}
}

func (c *simCache) slot(x, y int32) (uint64, uint64) {
	if x > y {
		x, y = y, x
	}
	key := uint64(x)<<24 | uint64(y)
	h := key * 0x9e3779b97f4a7c15
	return key + 1, (h >> 40) & c.mask // key+1: an empty slot (0) matches nothing
}

func (c *simCache) get(x, y int32) (float64, bool) {
	if x > maxCachedToken || y > maxCachedToken || len(c.slots) == 0 {
		return 0, false
	}
	key, i := c.slot(x, y)
	e := c.slots[i].Load()
	if e>>16 != key {
		return 0, false
	}
	return float64(e&0xffff) / 0xffff, true
}

func (c *simCache) put(x, y int32, v float64) float64 {
	q := uint64(math.Round(v * 0xffff))
	if x <= maxCachedToken && y <= maxCachedToken && len(c.slots) > 0 {
		key, i := c.slot(x, y)
		c.slots[i].Store(key<<16 | q)
	}
	return float64(q) / 0xffff
}
