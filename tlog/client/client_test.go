package client_test

import (
	"bytes"
	"context"
	"errors"
	"iter"
	"strings"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/tlog"
	"github.com/qantar-project/qantar/tlog/client"
	"github.com/qantar-project/qantar/tlog/tlogtest"
)

func records(rs []client.RecordVersion) iter.Seq2[client.RecordVersion, error] {
	return func(yield func(client.RecordVersion, error) bool) {
		for _, r := range rs {
			if !yield(r, nil) {
				return
			}
		}
	}
}

func TestVerify(t *testing.T) {
	ctx := context.Background()
	l := tlogtest.New(t)
	l.Add(t, 300)
	old := l.Signed
	l.Add(t, 65536+1000-300) // a full level-1 tile, and partial tiles at three levels
	srv := l.Serve(t)

	rep, err := client.Verify(ctx, srv.Client(), srv.URL+"/", client.Options{
		VerifierKey:   l.VKey,
		OldCheckpoint: old,
		Records:       records(l.Records),
	})
	if err != nil {
		var buf bytes.Buffer
		rep.WriteText(&buf)
		t.Fatalf("Verify: %v\n%s", err, buf.String())
	}
	if rep.Size != l.Size || rep.Leaves != l.Size || !rep.OldChecked || rep.OldSize != 300 || rep.KeyFromServer {
		t.Errorf("report %+v", rep)
	}
	if want := len(tlog.TilesForSize(l.Size)); rep.Tiles != want {
		t.Errorf("checked %d tiles, want %d", rep.Tiles, want)
	}
	salted := uint64(0)
	for i := range l.Size {
		if lf, _, _ := tlogtest.SyntheticLeaf(i); lf.Salted {
			salted++
		}
	}
	if rep.Records != len(l.Records) || rep.Salted != salted || rep.Withheld != 0 {
		t.Errorf("records %d (withheld %d), salted %d (want %d), of %d leaves", rep.Records, rep.Withheld, rep.Salted, salted, l.Size)
	}
	if !bytes.Equal(rep.Checkpoint, l.Signed) {
		t.Error("report does not hold the served checkpoint")
	}
	var buf bytes.Buffer
	if err := rep.WriteText(&buf); err != nil || !strings.Contains(buf.String(), "result:     OK") {
		t.Errorf("report text:\n%s", buf.String())
	}
}

func TestVerifyKeyFromServer(t *testing.T) {
	l := tlogtest.New(t)
	l.Add(t, 10)
	srv := l.Serve(t)
	rep, err := client.Verify(context.Background(), srv.Client(), srv.URL, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.KeyFromServer || rep.VerifierKey != l.VKey {
		t.Errorf("key %q from server %v", rep.VerifierKey, rep.KeyFromServer)
	}
	var buf bytes.Buffer
	rep.WriteText(&buf)
	if !strings.Contains(buf.String(), "served by the mirror itself") {
		t.Errorf("report does not warn that the key came from the mirror:\n%s", buf.String())
	}
}

func TestVerifyEmptyLog(t *testing.T) {
	l := tlogtest.New(t)
	old := l.Signed
	srv := l.Serve(t)
	rep, err := client.Verify(context.Background(), srv.Client(), srv.URL, client.Options{VerifierKey: l.VKey, OldCheckpoint: old})
	if err != nil || rep.Size != 0 || !rep.OldChecked {
		t.Fatalf("empty log: %+v, %v", rep, err)
	}
}

// TestVerifyRemoteDetects runs each way a mirror can lie and checks that
// verification fails and says why.
func TestVerifyDetects(t *testing.T) {
	ctx := context.Background()
	// A fork: another log with the same key whose first leaves differ.
	fork := tlogtest.New(t)
	fork.Add(t, 5)
	forkKey := fork.VKey

	tests := []struct {
		name   string
		setup  func(l *tlogtest.Log) client.Options
		mutate func(path string, b []byte) []byte
		want   string
	}{
		{
			name:   "ChangedEntry",
			mutate: replaceIn("/log/tile/entries/000", "token:3", "token:4"),
			want:   "leaf",
		},
		{
			name: "ChangedEntryAndTile",
			// The mirror rewrites a leaf and its level-0 hash consistently:
			// the root no longer matches the signed checkpoint.
			setup: func(l *tlogtest.Log) client.Options {
				forged := bytes.Replace(l.Leaves[3], []byte("token:3"), []byte("token:4"), 1)
				h := tlog.LeafHash(forged)
				l.Mutate = func(path string, b []byte) []byte {
					switch path {
					case "/log/tile/entries/000.p/20":
						return bytes.Replace(b, l.Leaves[3], forged, 1)
					case "/log/tile/0/000.p/20":
						copy(b[3*tlog.HashSize:], h)
					}
					return b
				}
				return client.Options{VerifierKey: l.VKey}
			},
			want: "root recomputed",
		},
		{
			name:   "ChangedHigherTile",
			setup:  func(l *tlogtest.Log) client.Options { l.Add(t, 256); return client.Options{VerifierKey: l.VKey} },
			mutate: func(path string, b []byte) []byte { return flipIf(path, "/log/tile/1/000.p/1", b) },
			want:   "tile/1/000.p/1",
		},
		{
			name:   "ShortTile",
			mutate: func(path string, b []byte) []byte { return truncIf(path, "/log/tile/0/000.p/20", b) },
			want:   "bytes, want",
		},
		{
			name:   "BrokenBundle",
			mutate: func(path string, b []byte) []byte { return truncIf(path, "/log/tile/entries/000.p/20", b) },
			want:   "entry bundle",
		},
		{
			name:   "BadSignature",
			mutate: replaceIn("/log/checkpoint", "\n20\n", "\n21\n"),
			want:   "checkpoint",
		},
		{
			name: "OtherKey",
			setup: func(l *tlogtest.Log) client.Options {
				return client.Options{VerifierKey: forkKey}
			},
			want: "checkpoint",
		},
		{
			name: "RolledBack",
			setup: func(l *tlogtest.Log) client.Options {
				big := l.SameKey(t)
				big.Add(t, 30)
				return client.Options{VerifierKey: l.VKey, OldCheckpoint: big.Signed}
			},
			want: "rolled back",
		},
		{
			name: "Forked",
			setup: func(l *tlogtest.Log) client.Options {
				// Same key, same size as a prefix, different leaves.
				forged := bytes.Replace(l.Leaves[0], []byte("token:3"), []byte("token:9"), 1)
				ns := &tlog.MemStore{}
				size, root, _ := tlog.Append(ctx, ns, 0, [][]byte{tlog.LeafHash(forged), tlog.LeafHash(l.Leaves[1]), tlog.LeafHash(l.Leaves[2])})
				signed, _ := tlog.SignCheckpoint(l.Signer, tlog.Checkpoint{Origin: l.Origin, Size: size, Hash: root})
				return client.Options{VerifierKey: l.VKey, OldCheckpoint: signed}
			},
			want: "not a prefix",
		},
		{
			name: "RecordContentChanged",
			setup: func(l *tlogtest.Log) client.Options {
				rs := append([]client.RecordVersion(nil), l.Records...)
				rs[2].Canonical = bytes.Replace(rs[2].Canonical, []byte("Person"), []byte("Persona"), 1)
				return client.Options{VerifierKey: l.VKey, Records: records(rs)}
			},
			want: "does not match the commitment",
		},
		{
			name: "RecordNotLogged",
			setup: func(l *tlogtest.Log) client.Options {
				rs := append([]client.RecordVersion(nil), l.Records...)
				rs[0].Version = 99
				return client.Options{VerifierKey: l.VKey, Records: records(rs)}
			},
			want: "is not in the log",
		},
		{
			name: "SaltedContentChanged",
			setup: func(l *tlogtest.Log) client.Options {
				leaf, json, salt := tlogtest.SyntheticLeaf(5) // v2, salt served
				json = bytes.Replace(json, []byte("Person"), []byte("Persona"), 1)
				rs := []client.RecordVersion{{Kind: leaf.Kind, ID: leaf.ID, Version: leaf.Version, Canonical: json, Salt: salt}}
				return client.Options{VerifierKey: l.VKey, Records: records(rs)}
			},
			want: "does not match the commitment",
		},
		{
			name: "SaltedReasonAdded",
			setup: func(l *tlogtest.Log) client.Options {
				leaf, json, salt := tlogtest.SyntheticLeaf(5)
				rs := []client.RecordVersion{{Kind: leaf.Kind, ID: leaf.ID, Version: leaf.Version, Canonical: json, Salt: salt, Reason: "duplicate"}}
				return client.Options{VerifierKey: l.VKey, Records: records(rs)}
			},
			want: "does not match the commitment",
		},
		{
			name: "V3ActorChanged",
			setup: func(l *tlogtest.Log) client.Options {
				leaf, json, salt := tlogtest.SyntheticLeaf(4) // v3, salt served
				rs := []client.RecordVersion{{Kind: leaf.Kind, ID: leaf.ID, Version: leaf.Version, Canonical: json, Salt: salt, Actor: "token:4"}}
				return client.Options{VerifierKey: l.VKey, Records: records(rs)}
			},
			want: "its content or who wrote it was changed",
		},
		{
			name: "V3ActorClassChanged",
			setup: func(l *tlogtest.Log) client.Options {
				leaf, json, salt := tlogtest.SyntheticLeaf(4)
				rs := []client.RecordVersion{{Kind: leaf.Kind, ID: leaf.ID, Version: leaf.Version, Canonical: json, Salt: salt, Actor: "system"}}
				return client.Options{VerifierKey: l.VKey, Records: records(rs)}
			},
			want: `says "editor" wrote it`,
		},
		{
			name: "V3ActorNotServed",
			setup: func(l *tlogtest.Log) client.Options {
				leaf, json, salt := tlogtest.SyntheticLeaf(4)
				rs := []client.RecordVersion{{Kind: leaf.Kind, ID: leaf.ID, Version: leaf.Version, Canonical: json, Salt: salt}}
				return client.Options{VerifierKey: l.VKey, Records: records(rs)}
			},
			want: "without its actor",
		},
		{
			name: "SaltServedForPlainLeaf",
			setup: func(l *tlogtest.Log) client.Options {
				leaf, json, _ := tlogtest.SyntheticLeaf(0) // v1, plain SHA-256
				rs := []client.RecordVersion{{Kind: leaf.Kind, ID: leaf.ID, Version: leaf.Version, Canonical: json, Salt: tlog.NewSalt()}}
				return client.Options{VerifierKey: l.VKey, Records: records(rs)}
			},
			want: "plain SHA-256",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := tlogtest.New(t)
			l.Add(t, 20)
			opts := client.Options{VerifierKey: l.VKey}
			if tt.setup != nil {
				opts = tt.setup(l)
			}
			if tt.mutate != nil {
				l.Mutate = tt.mutate
			}
			srv := l.Serve(t)
			rep, err := client.Verify(ctx, srv.Client(), srv.URL, opts)
			if err == nil {
				t.Fatal("Verify succeeded")
			}
			var ve *client.VerificationError
			if !errors.As(err, &ve) || rep.OK() {
				t.Fatalf("error %v is not a verification failure", err)
			}
			if !strings.Contains(strings.Join(rep.Problems, "\n"), tt.want) {
				t.Errorf("problems %q do not mention %q", rep.Problems, tt.want)
			}
		})
	}
}

// A version served without its salt (a protected person's) is counted as
// withheld, not as tampering; the same version with its salt checks out.
func TestVerifyWithheldWithoutSalt(t *testing.T) {
	l := tlogtest.New(t)
	l.Add(t, 20)
	srv := l.Serve(t)
	var rs []client.RecordVersion
	for _, i := range []uint64{5, 6, 12, 13} { // v2 and v1 salted leaves
		leaf, json, _ := tlogtest.SyntheticLeaf(i)
		rs = append(rs, client.RecordVersion{Kind: leaf.Kind, ID: leaf.ID, Version: leaf.Version, Canonical: json})
	}
	rep, err := client.Verify(context.Background(), srv.Client(), srv.URL, client.Options{VerifierKey: l.VKey, Records: records(rs)})
	if err != nil {
		t.Fatalf("Verify: %v (%q)", err, rep.Problems)
	}
	if rep.Records != 4 || rep.Withheld != 4 {
		t.Errorf("records %d, withheld %d; want 4 and 4", rep.Records, rep.Withheld)
	}
}

func TestVerifyUnreachable(t *testing.T) {
	l := tlogtest.New(t)
	srv := l.Serve(t)
	url := srv.URL
	srv.Close()
	_, err := client.Verify(context.Background(), nil, url, client.Options{VerifierKey: l.VKey})
	var ve *client.VerificationError
	if err == nil || errors.As(err, &ve) {
		t.Fatalf("err = %v, want a fetch error", err)
	}
}

func replaceIn(path, old, new string) func(string, []byte) []byte {
	return func(p string, b []byte) []byte {
		if strings.HasPrefix(p, path) {
			return bytes.Replace(b, []byte(old), []byte(new), 1)
		}
		return b
	}
}

func flipIf(path, want string, b []byte) []byte {
	if path == want {
		b[0] ^= 1
	}
	return b
}

func truncIf(path, want string, b []byte) []byte {
	if path == want {
		return b[:len(b)-1]
	}
	return b
}

func TestRecordVersionOf(t *testing.T) {
	p := &qantar.Person{Meta: qantar.Meta{ID: 4, Version: 2, CreatedAt: time.Now()}, Names: []qantar.Name{{Value: "Synthetic Name"}}}
	rv, err := client.RecordVersionOf(p)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := qantar.Canonical(p)
	if rv.Kind != qantar.KindPerson || rv.ID != 4 || rv.Version != 2 || !bytes.Equal(rv.Canonical, want) || bytes.Contains(want, []byte("created_at")) {
		t.Errorf("RecordVersionOf = %+v (canonical %s)", rv, want)
	}
}
