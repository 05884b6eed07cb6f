package tlog

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// mth is RFC 6962's Merkle Tree Hash written straight from section 2.1,
// recursively and slowly: the reference the fast code is checked against.
func mth(leaves [][]byte) []byte {
	switch n := len(leaves); n {
	case 0:
		h := sha256.Sum256(nil)
		return h[:]
	case 1:
		h := sha256.Sum256(append([]byte{0}, leaves[0]...))
		return h[:]
	default:
		k := 1
		for k*2 < n {
			k *= 2
		}
		h := sha256.Sum256(append(append([]byte{1}, mth(leaves[:k])...), mth(leaves[k:])...))
		return h[:]
	}
}

func testLeaves(n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = fmt.Appendf(nil, "leaf %d", i)
	}
	return out
}

func hashAll(leaves [][]byte) [][]byte {
	out := make([][]byte, len(leaves))
	for i, l := range leaves {
		out[i] = LeafHash(l)
	}
	return out
}

func TestAppendRootMatchesRFC6962(t *testing.T) {
	ctx := context.Background()
	leaves := testLeaves(600)
	hashes := hashAll(leaves)
	tests := map[string][]int{ // batch sizes, repeated until 600 leaves
		"OneByOne":    {1},
		"Batches1000": {1000},
		"Uneven":      {3, 1, 7, 255, 256, 2},
		"Tiles":       {256},
	}
	for name, batches := range tests {
		t.Run(name, func(t *testing.T) {
			ns := &MemStore{}
			size := uint64(0)
			for i := 0; size < uint64(len(leaves)); i++ {
				end := min(size+uint64(batches[i%len(batches)]), uint64(len(leaves)))
				newSize, root, err := Append(ctx, ns, size, hashes[size:end])
				if err != nil {
					t.Fatal(err)
				}
				if newSize != end {
					t.Fatalf("size = %d, want %d", newSize, end)
				}
				if want := mth(leaves[:end]); !bytes.Equal(root, want) {
					t.Fatalf("root at %d = %x, want %x", end, root, want)
				}
				size = newSize
			}
			for _, s := range []uint64{0, 1, 2, 3, 255, 256, 257, 511, 512, 599, 600} {
				root, err := Root(ctx, ns, s)
				if err != nil {
					t.Fatal(err)
				}
				if want := mth(leaves[:s]); !bytes.Equal(root, want) {
					t.Errorf("Root(%d) = %x, want %x", s, root, want)
				}
			}
		})
	}
}

func TestAppendEmptyBatch(t *testing.T) {
	ns := &MemStore{}
	size, root, err := Append(context.Background(), ns, 0, nil)
	if err != nil || size != 0 || !bytes.Equal(root, mth(nil)) {
		t.Fatalf("Append(empty) = %d, %x, %v; want 0, empty root", size, root, err)
	}
}

func TestAppendErrors(t *testing.T) {
	ctx := context.Background()
	ns := &MemStore{}
	if _, _, err := Append(ctx, ns, 0, [][]byte{{1, 2, 3}}); err == nil {
		t.Error("Append accepted a 3-byte leaf hash")
	}
	// A store that does not hold the size the caller claims.
	if _, _, err := Append(ctx, ns, 5, hashAll(testLeaves(1))); err == nil {
		t.Error("Append on a size the store does not hold succeeded")
	}
	if _, err := Root(ctx, ns, 1); err == nil {
		t.Error("Root beyond the stored tree succeeded")
	}
}

// shortStore returns a wrong number of hashes, as a buggy SQL query might.
type shortStore struct{ *MemStore }

func (s shortStore) GetNodes(ctx context.Context, ids []NodeID) ([][]byte, error) {
	h, err := s.MemStore.GetNodes(ctx, ids)
	if len(h) > 0 {
		h = h[1:]
	}
	return h, err
}

func TestStoreBugIsAnError(t *testing.T) {
	ctx := context.Background()
	ns := &MemStore{}
	if _, _, err := Append(ctx, ns, 0, hashAll(testLeaves(3))); err != nil {
		t.Fatal(err)
	}
	if _, err := Root(ctx, shortStore{ns}, 3); err == nil {
		t.Error("Root with a store returning too few hashes succeeded")
	}
}

func TestProofs(t *testing.T) {
	ctx := context.Background()
	leaves := testLeaves(300)
	ns := &MemStore{}
	if _, _, err := Append(ctx, ns, 0, hashAll(leaves)); err != nil {
		t.Fatal(err)
	}
	sizes := []uint64{1, 2, 3, 7, 8, 9, 255, 256, 257, 299, 300}
	for _, size := range sizes {
		root := mth(leaves[:size])
		for _, index := range []uint64{0, 1, size / 2, size - 1} {
			if index >= size {
				continue
			}
			p, err := InclusionProof(ctx, ns, index, size)
			if err != nil {
				t.Fatalf("InclusionProof(%d, %d): %v", index, size, err)
			}
			if err := VerifyInclusion(index, size, LeafHash(leaves[index]), p, root); err != nil {
				t.Errorf("inclusion of %d in %d: %v", index, size, err)
			}
			if err := VerifyInclusion(index, size, LeafHash([]byte("forged")), p, root); err == nil {
				t.Errorf("inclusion of a forged leaf at %d in %d verified", index, size)
			}
		}
		for _, size1 := range sizes {
			if size1 > size {
				continue
			}
			p, err := ConsistencyProof(ctx, ns, size1, size)
			if err != nil {
				t.Fatalf("ConsistencyProof(%d, %d): %v", size1, size, err)
			}
			if err := VerifyConsistency(size1, size, p, mth(leaves[:size1]), root); err != nil {
				t.Errorf("consistency %d → %d: %v", size1, size, err)
			}
			if size1 > 0 && size1 < size {
				if err := VerifyConsistency(size1, size, p, mth(testLeaves(int(size1))[1:]), root); err == nil {
					t.Errorf("consistency %d → %d verified against a wrong old root", size1, size)
				}
			}
		}
	}
	if _, err := InclusionProof(ctx, ns, 300, 300); err == nil {
		t.Error("inclusion proof for index == size succeeded")
	}
	if _, err := ConsistencyProof(ctx, ns, 5, 4); err == nil {
		t.Error("consistency proof from a larger tree succeeded")
	}
}

func TestBuilderMatchesAppend(t *testing.T) {
	leaves := testLeaves(1000)
	rng := rand.New(rand.NewPCG(1, 2))
	n := 1 + rng.IntN(len(leaves)-1)
	var visited int
	b := NewBuilder(func(NodeID, []byte) { visited++ })
	if !bytes.Equal(b.Root(), mth(nil)) {
		t.Error("empty builder root is not the empty tree's")
	}
	for _, l := range leaves[:n] {
		b.AddLeaf(l)
	}
	if b.Size() != uint64(n) || !bytes.Equal(b.Root(), mth(leaves[:n])) {
		t.Errorf("builder over %d leaves: size %d, root %x, want %x", n, b.Size(), b.Root(), mth(leaves[:n]))
	}
	root, size := RebuildRoot(slices.Values(hashAll(leaves[:n])))
	if size != uint64(n) || !bytes.Equal(root, mth(leaves[:n])) {
		t.Errorf("RebuildRoot over %d leaves: size %d, root %x", n, size, root)
	}
	// Each complete node is reported once: n leaves and n - popcount(n) inner nodes.
	want := 2*n - popcount(uint64(n))
	if visited != want {
		t.Errorf("visited %d nodes, want %d", visited, want)
	}
}

func popcount(x uint64) int {
	c := 0
	for ; x != 0; x &= x - 1 {
		c++
	}
	return c
}

// TestAppenderInPartsMatchesOneAppend: a tree appended to in parts by one
// Appender (a transaction writing its nodes as it goes) stores exactly the
// nodes, and has exactly the root, of one Append of all the leaves, from
// an empty tree and from one that already has leaves.
func TestAppenderInPartsMatchesOneAppend(t *testing.T) {
	ctx := context.Background()
	hashes := hashAll(testLeaves(1100))
	for _, start := range []uint64{0, 1, 255, 300} {
		one, parts := &MemStore{}, &MemStore{}
		for _, ns := range []*MemStore{one, parts} {
			if _, _, err := Append(ctx, ns, 0, hashes[:start]); err != nil {
				t.Fatal(err)
			}
		}
		wantSize, wantRoot, err := Append(ctx, one, start, hashes[start:])
		if err != nil {
			t.Fatal(err)
		}
		a, err := NewAppender(ctx, parts, start)
		if err != nil {
			t.Fatal(err)
		}
		for i, next := 0, start; next < uint64(len(hashes)); i++ {
			end := min(next+uint64([]int{1, 7, 256, 0, 93}[i%5]), uint64(len(hashes)))
			if err := a.Append(ctx, parts, hashes[next:end]); err != nil {
				t.Fatal(err)
			}
			next = end
		}
		root, err := a.Root()
		if err != nil || a.Size() != wantSize || !bytes.Equal(root, wantRoot) {
			t.Fatalf("from %d: in parts size %d root %x (%v), in one %d %x", start, a.Size(), root, err, wantSize, wantRoot)
		}
		same := func(a, b [][]byte) bool { return slices.EqualFunc(a, b, bytes.Equal) }
		if !slices.EqualFunc(one.levels, parts.levels, same) {
			t.Errorf("from %d: the nodes stored in parts differ from those of one append", start)
		}
	}
}
