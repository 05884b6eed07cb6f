package tlog_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/tlog"
	"github.com/qantar-project/qantar/tlog/tlogtest"
)

func TestRecordProof(t *testing.T) {
	ctx := context.Background()
	l := tlogtest.New(t)
	l.Add(t, 37)
	cp, err := tlog.OpenCheckpoint(l.Signed, l.VKey)
	if err != nil {
		t.Fatal(err)
	}
	for _, idx := range []uint64{0, 5, 36} {
		p, err := tlog.NewRecordProof(ctx, l.Nodes, idx, l.Leaves[idx], cp, l.Signed)
		if err != nil {
			t.Fatal(err)
		}
		// Through JSON, as the API serves it.
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, field := range []string{`"leaf_index"`, `"leaf"`, `"leaf_hash"`, `"tree_size"`, `"proof"`, `"checkpoint"`} {
			if !bytes.Contains(b, []byte(field)) {
				t.Errorf("JSON lacks %s: %s", field, b)
			}
		}
		var got tlog.RecordProof
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatal(err)
		}
		leaf, gotCP, err := got.Verify(l.VKey)
		if err != nil {
			t.Fatalf("leaf %d: %v", idx, err)
		}
		want, json, salt := tlogtest.SyntheticLeaf(idx)
		if leaf != want || gotCP.Size != 37 || !leaf.Matches(json, "", tlogtest.SyntheticActor, salt) {
			t.Errorf("leaf %d: verified %+v at size %d", idx, leaf, gotCP.Size)
		}
	}
	if _, err := tlog.NewRecordProof(ctx, l.Nodes, 37, l.Leaves[0], cp, l.Signed); qantar.ErrorCode(err) != qantar.ENOTFOUND {
		t.Errorf("proof beyond the checkpoint: %v, want not_found", err)
	}

	good, err := tlog.NewRecordProof(ctx, l.Nodes, 5, l.Leaves[5], cp, l.Signed)
	if err != nil {
		t.Fatal(err)
	}
	other := l.SameKey(t)
	other.Add(t, 40)
	tests := []struct {
		name string
		mod  func(p *tlog.RecordProof)
		want string
	}{
		{"ErrOtherLeaf", func(p *tlog.RecordProof) { p.Leaf = string(l.Leaves[6]); p.LeafHash = nil }, "index"},
		{"ErrForgedLeaf", func(p *tlog.RecordProof) {
			p.Leaf = strings.Replace(p.Leaf, "token:3", "token:4", 1)
			p.LeafHash = nil
		}, "inclusion proof"},
		{"ErrLeafHash", func(p *tlog.RecordProof) { p.LeafHash = tlog.LeafHash([]byte("x")) }, "leaf_hash"},
		{"ErrIndex", func(p *tlog.RecordProof) { p.LeafIndex = 4 }, "index"},
		{"ErrPath", func(p *tlog.RecordProof) { p.Proof[0] = bytes.Repeat([]byte{1}, 32) }, "inclusion proof"},
		{"ErrTreeSize", func(p *tlog.RecordProof) { p.TreeSize = 36 }, "tree size"},
		{"ErrCheckpointOfAFork", func(p *tlog.RecordProof) { p.Checkpoint = string(other.Signed); p.TreeSize = 40 }, "inclusion proof"},
		{"ErrUnsignedCheckpoint", func(p *tlog.RecordProof) {
			p.Checkpoint = strings.Replace(p.Checkpoint, "\n37\n", "\n38\n", 1)
		}, "checkpoint"},
		{"ErrNotALeaf", func(p *tlog.RecordProof) { p.Leaf = "hello\n" }, "leaf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := *good
			p.Proof = append([][]byte(nil), good.Proof...)
			tt.mod(&p)
			_, _, err := p.Verify(l.VKey)
			if err == nil {
				t.Fatal("Verify succeeded")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}

func TestScanLeaves(t *testing.T) {
	ctx := context.Background()
	l := tlogtest.New(t)
	l.Add(t, 700)
	want, err := tlog.Root(ctx, l.Nodes, l.Size)
	if err != nil {
		t.Fatal(err)
	}
	var seen int
	root, err := tlog.ScanLeaves(ctx, l.Leaves, l.Nodes, l.Size, func(leaf tlog.Leaf, enc []byte) error {
		seen++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(root, want) || seen != 700 {
		t.Errorf("ScanLeaves: root %x (want %x), %d leaves", root, want, seen)
	}
	root, err = tlog.ScanLeaves(ctx, l.Leaves, nil, 300, nil)
	if err != nil {
		t.Fatal(err)
	}
	if w, _ := tlog.Root(ctx, l.Nodes, 300); !bytes.Equal(root, w) {
		t.Error("ScanLeaves over a prefix does not give the prefix's root")
	}

	errStop := errors.New("record version does not match")
	t.Run("ErrCallback", func(t *testing.T) {
		_, err := tlog.ScanLeaves(ctx, l.Leaves, nil, l.Size, func(tlog.Leaf, []byte) error { return errStop })
		if !errors.Is(err, errStop) {
			t.Errorf("err = %v, want the callback's", err)
		}
	})
	t.Run("ErrLeafIndex", func(t *testing.T) {
		leaves := append(tlogtest.Leaves(nil), l.Leaves...)
		leaves[3], leaves[4] = leaves[4], leaves[3]
		_, err := tlog.ScanLeaves(ctx, leaves, nil, l.Size, nil)
		if err == nil || !strings.Contains(err.Error(), "leaf 3 says it is leaf 4") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("ErrUndecodable", func(t *testing.T) {
		leaves := append(tlogtest.Leaves(nil), l.Leaves...)
		leaves[10] = []byte("garbage\n")
		_, err := tlog.ScanLeaves(ctx, leaves, nil, l.Size, nil)
		if err == nil || !strings.Contains(err.Error(), "leaf 10") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("ErrStoredNode", func(t *testing.T) {
		for _, level := range []uint{0, 8} {
			ns := damagedNode{l.Nodes, tlog.NodeID{Level: level, Index: 1}}
			_, err := tlog.ScanLeaves(ctx, l.Leaves, ns, l.Size, nil)
			if err == nil || !strings.Contains(err.Error(), "stored node") {
				t.Errorf("level %d: err = %v", level, err)
			}
		}
	})
	t.Run("ErrMissingLeaves", func(t *testing.T) {
		if _, err := tlog.ScanLeaves(ctx, l.Leaves[:500], nil, l.Size, nil); err == nil {
			t.Error("ScanLeaves over a store that lost leaves succeeded")
		}
	})
}

// damagedNode is a node store that gives another hash for one node.
type damagedNode struct {
	tlog.NodeReader
	id tlog.NodeID
}

func (d damagedNode) GetNodes(ctx context.Context, ids []tlog.NodeID) ([][]byte, error) {
	out, err := d.NodeReader.GetNodes(ctx, ids)
	if err != nil {
		return nil, err
	}
	out = append([][]byte(nil), out...)
	for i, id := range ids {
		if id == d.id {
			out[i] = bytes.Repeat([]byte{9}, 32)
		}
	}
	return out, nil
}
