package client_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/qantar-project/qantar/tlog"
	"github.com/qantar-project/qantar/tlog/client"
	"github.com/qantar-project/qantar/tlog/tlogtest"
)

// TestForkEvidence: a mirror that serves another history than the one a
// reader kept a checkpoint of, signed with the same key, fails with an
// *InconsistencyError whose evidence (both checkpoints and the proof)
// shows the fork to anyone with the key, and to no one once tampered
// with. Old sizes: a power of two (whose root is a node of the larger
// tree), another, within the first tile and beyond it, and the same size.
func TestForkEvidence(t *testing.T) {
	ctx := context.Background()
	honest := tlogtest.New(t)
	kept := map[string][]byte{}
	for _, step := range []struct {
		name string
		add  int
	}{{"16", 16}, {"20", 4}, {"300", 280}, {"513", 213}} {
		honest.Add(t, step.add)
		kept[step.name] = honest.Signed
	}
	forked := honest.Fork(t, 513)
	srv := forked.Serve(t)
	for name, old := range kept {
		t.Run(name, func(t *testing.T) {
			rep, err := client.Verify(ctx, srv.Client(), srv.URL, client.Options{VerifierKey: honest.VKey, OldCheckpoint: old})
			var ie *client.InconsistencyError
			var ve *client.VerificationError
			if !errors.As(err, &ie) || !errors.As(err, &ve) || rep.Inconsistency != ie.Evidence {
				t.Fatalf("err = %v, want a verification error with the evidence", err)
			}
			b, err := ie.Evidence.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			ev, err := client.ParseEvidence(b)
			if err != nil {
				t.Fatal(err)
			}
			if ev.Smaller != string(old) || ev.Larger != string(forked.Signed) || ev.FoundAt.IsZero() || ev.Mirror != srv.URL {
				t.Errorf("evidence holds %+v", ev)
			}
			if err := ev.Check(honest.VKey); err != nil {
				t.Fatalf("the evidence does not show the fork: %v\n%s", err, b)
			}
			if !strings.Contains(ev.Summary(), "two histories") {
				t.Errorf("summary %q", ev.Summary())
			}
			if err := ev.Check(tlogtest.New(t).VKey); err == nil {
				t.Error("the evidence checks out under another key")
			}
			if len(ev.ConsistencyProof) > 0 {
				bad := *ev
				bad.ConsistencyProof = append([][]byte{}, ev.ConsistencyProof...)
				bad.ConsistencyProof[0] = tlog.LeafHash([]byte("forged"))
				if err := bad.Check(honest.VKey); err == nil || !strings.Contains(err.Error(), "does not lead") {
					t.Errorf("a forged proof: %v", err)
				}
			}
		})
	}
}

// TestNoForkNoEvidence: a kept checkpoint that the mirror extends gives no
// evidence, and evidence made from two consistent checkpoints shows no
// fork; a rollback is kept but says it proves no fork.
func TestNoForkNoEvidence(t *testing.T) {
	ctx := context.Background()
	l := tlogtest.New(t)
	l.Add(t, 300)
	old, oldCP := l.Signed, l.Size
	oldRoot, _ := tlog.Root(ctx, l.Nodes, oldCP)
	l.Add(t, 200)
	srv := l.Serve(t)
	rep, err := client.Verify(ctx, srv.Client(), srv.URL, client.Options{VerifierKey: l.VKey, OldCheckpoint: old})
	if err != nil || rep.Inconsistency != nil || !rep.OldChecked {
		t.Fatalf("Verify: %v, %+v", err, rep.Inconsistency)
	}
	p, err := tlog.ConsistencyProof(ctx, l.Nodes, oldCP, l.Size)
	if err != nil {
		t.Fatal(err)
	}
	ev := &client.Evidence{Format: client.EvidenceFormat, Smaller: string(old), Larger: string(l.Signed), PrefixRoot: oldRoot, ConsistencyProof: p}
	if err := ev.Check(l.VKey); !errors.Is(err, client.ErrNoFork) {
		t.Errorf("consistent checkpoints: %v, want ErrNoFork", err)
	}

	// The mirror rolled back to a smaller tree.
	small := l.SameKey(t)
	small.Add(t, 100)
	srv = small.Serve(t)
	_, err = client.Verify(ctx, srv.Client(), srv.URL, client.Options{VerifierKey: l.VKey, OldCheckpoint: l.Signed})
	var ie *client.InconsistencyError
	if !errors.As(err, &ie) || ie.Evidence.PrefixRoot != nil {
		t.Fatalf("rollback: %v", err)
	}
	if err := ie.Evidence.Check(l.VKey); err == nil || !strings.Contains(err.Error(), "rollback") {
		t.Errorf("rollback evidence: %v", err)
	}
}
