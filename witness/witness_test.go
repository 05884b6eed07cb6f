package witness

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qantar-project/qantar/tlog"
	"github.com/qantar-project/qantar/tlog/tlogtest"
)

// TestCosignGrowingLog: the built-in witness cosigns a log as it grows
// (across a tile boundary, proofs read from tiles), a reader with the
// policy accepts each cosigned checkpoint, and the witness's database
// holds the latest one.
func TestCosignGrowingLog(t *testing.T) {
	l := tlogtest.New(t)
	w := startWitness(t, "w1.example", l.VKey)
	p := mustPolicy(t, policyText(l.VKey, "quorum w1", w))
	c := newCosigner(t, l, p)
	ctx := context.Background()
	for _, n := range []int{3, 1, 300, 17} {
		l.Add(t, n)
		cosigned, err := c.Cosign(ctx, l.Signed)
		if err != nil {
			t.Fatalf("size %d: %v", l.Size, err)
		}
		checked, err := p.Check(cosigned)
		if err != nil {
			t.Fatalf("size %d: the reader refuses the cosigned checkpoint: %v", l.Size, err)
		}
		if checked.Checkpoint.Size != l.Size || len(checked.Cosignatures) != 1 || checked.Cosignatures[0].Witness != "w1" {
			t.Errorf("size %d: checked %+v", l.Size, checked)
		}
		if !bytes.Equal(c.Witnessed(), cosigned) {
			t.Errorf("size %d: Witnessed is not the newest cosigned checkpoint", l.Size)
		}
		known, err := w.DB.Known(ctx, l.Origin)
		if err != nil || known.Size != l.Size || !bytes.Equal(known.Signed, l.Signed) {
			t.Errorf("witness database: size %d, %v; want %d", known.Size, err, l.Size)
		}
	}
	if st := c.States()[0]; st.Size != l.Size || st.LastError != "" || st.LastCosigned.IsZero() {
		t.Errorf("state %+v", st)
	}
}

// TestStaleSize: a witness that knows more than the client thinks answers
// 409 with the size it knows; the client retries from there and gets the
// cosignature.
func TestStaleSize(t *testing.T) {
	l := tlogtest.New(t)
	w := startWitness(t, "w1.example", l.VKey)
	p := mustPolicy(t, policyText(l.VKey, "quorum w1", w))
	ctx := context.Background()
	l.Add(t, 10)
	if _, err := newCosigner(t, l, p).Cosign(ctx, l.Signed); err != nil {
		t.Fatal(err)
	}
	l.Add(t, 5)
	status, ctype, body := post(t, w.URL, addBody(0, nil, l.Signed))
	if status != http.StatusConflict || ctype != "text/x.tlog.size" || body != "10\n" {
		t.Fatalf("old 0 against a witness at 10: %d %q %q; want 409 text/x.tlog.size \"10\\n\"", status, ctype, body)
	}
	fresh := newCosigner(t, l, p) // a restarted server: it believes the witness knows 0
	if _, err := fresh.Cosign(ctx, l.Signed); err != nil {
		t.Fatalf("the client did not recover from a 409: %v", err)
	}
	if st := fresh.States()[0]; st.Size != 15 {
		t.Errorf("state after recovery: %+v", st)
	}
}

// TestForkRefused: a checkpoint of the same size with another root, and
// a larger one whose proof does not lead from the cosigned root, are
// refused with 422, and the witness keeps both checkpoints and the proof.
func TestForkRefused(t *testing.T) {
	l := tlogtest.New(t)
	w := startWitness(t, "w1.example", l.VKey)
	ctx := context.Background()
	l.Add(t, 10)
	if status, _, body := post(t, w.URL, addBody(0, nil, l.Signed)); status != http.StatusOK {
		t.Fatalf("first checkpoint: %d %s", status, body)
	}
	fork := l.Fork(t, 10)
	status, _, body := post(t, w.URL, addBody(10, nil, fork.Signed))
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("same size, another root: %d %s; want 422", status, body)
	}
	fork.Add(t, 6)
	proof, err := tlog.ConsistencyProof(ctx, fork.Nodes, 10, 16)
	if err != nil {
		t.Fatal(err)
	}
	if status, _, body := post(t, w.URL, addBody(10, proof, fork.Signed)); status != http.StatusUnprocessableEntity {
		t.Fatalf("larger fork: %d %s; want 422", status, body)
	}
	post(t, w.URL, addBody(10, proof, fork.Signed)) // sent again: a repeat, not a new row
	ev, err := w.DB.Evidence(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ev) != 2 {
		t.Fatalf("%d pieces of evidence, want 2: %+v", len(ev), ev)
	}
	if !bytes.Equal(ev[0].Known, l.Signed) || ev[0].OldSize != 10 || !strings.Contains(ev[0].Problem, "another root") {
		t.Errorf("evidence of the same-size fork: %+v", ev[0])
	}
	if !bytes.Equal(ev[1].Submitted, fork.Signed) || !bytes.Equal(ev[1].Known, l.Signed) || len(ev[1].Proof) != len(proof) || ev[1].Repeats != 2 {
		t.Errorf("evidence of the larger fork: %+v", ev[1])
	}
	for i := range proof {
		if !bytes.Equal(ev[1].Proof[i], proof[i]) {
			t.Errorf("evidence proof line %d differs", i)
		}
	}
	// The fork did not move the witness: the true log still advances.
	l.Add(t, 2)
	good, _ := tlog.ConsistencyProof(ctx, l.Nodes, 10, 12)
	if status, _, body := post(t, w.URL, addBody(10, good, l.Signed)); status != http.StatusOK {
		t.Errorf("the true log after the fork: %d %s", status, body)
	}
}

// TestRefusals: a log the witness does not know (404), a checkpoint its
// log did not sign (403), and garbage (400) change nothing.
func TestRefusals(t *testing.T) {
	l := tlogtest.New(t)
	w := startWitness(t, "w1.example", l.VKey)
	l.Add(t, 4)
	impostor := tlogtest.New(t) // the same origin, another key
	impostor.Add(t, 4)
	other := startWitness(t, "w2.example", l.VKey)
	_ = other
	cases := []struct {
		name string
		body []byte
		want int
	}{
		{"unknown key", addBody(0, nil, impostor.Signed), http.StatusForbidden},
		{"unknown origin", addBody(0, nil, bytes.Replace(l.Signed, []byte("example.org/qantar-test"), []byte("example.org/another"), 1)), http.StatusNotFound},
		{"tampered", addBody(0, nil, bytes.Replace(l.Signed, []byte("\n4\n"), []byte("\n5\n"), 1)), http.StatusForbidden},
		{"no blank line", []byte("old 0\n"), http.StatusBadRequest},
		{"bad old", append([]byte("old 01\n\n"), l.Signed...), http.StatusBadRequest},
		{"old past size", addBody(5, nil, l.Signed), http.StatusBadRequest},
		{"bad proof line", append([]byte("old 0\nnot base64\n\n"), l.Signed...), http.StatusBadRequest},
		{"proof from 0", addBody(0, [][]byte{make([]byte, 32)}, l.Signed), http.StatusBadRequest},
		{"not a note", []byte("old 0\n\nhello\n"), http.StatusNotFound},
	}
	for _, c := range cases {
		if status, _, body := post(t, w.URL, c.body); status != c.want {
			t.Errorf("%s: %d %s; want %d", c.name, status, body, c.want)
		}
	}
	if k, err := w.DB.Known(context.Background(), l.Origin); err != nil || k.Signed != nil {
		t.Errorf("a refused request changed the witness: %+v, %v", k, err)
	}
	if ev, _ := w.DB.Evidence(context.Background()); len(ev) != 0 {
		t.Errorf("refusals kept as evidence: %+v", ev)
	}
	resp, err := http.Get(w.URL + "/add-checkpoint")
	if err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET add-checkpoint: %v %v", resp.Status, err)
	}
}

// TestConcurrentAdvance: of many requests from the same old size, exactly
// one advances the witness; every other gets 409 with the size it moved to.
func TestConcurrentAdvance(t *testing.T) {
	l := tlogtest.New(t)
	w := startWitness(t, "w1.example", l.VKey)
	l.Add(t, 2)
	if status, _, _ := post(t, w.URL, addBody(0, nil, l.Signed)); status != 200 {
		t.Fatal(status)
	}
	var bodies [][]byte
	for range 8 {
		l.Add(t, 1)
		proof, _ := tlog.ConsistencyProof(context.Background(), l.Nodes, 2, l.Size)
		bodies = append(bodies, addBody(2, proof, l.Signed))
	}
	var mu sync.Mutex
	ok, conflicts := 0, map[string]int{}
	var wg sync.WaitGroup
	for _, b := range bodies {
		wg.Go(func() {
			status, _, body := post(t, w.URL, b)
			mu.Lock()
			defer mu.Unlock()
			if status == 200 {
				ok++
			} else if status == 409 {
				conflicts[body]++
			} else {
				t.Errorf("%d %s", status, body)
			}
		})
	}
	wg.Wait()
	k, _ := w.DB.Known(context.Background(), l.Origin)
	if ok != 1 || conflicts[itoa(k.Size)+"\n"] != len(bodies)-1 {
		t.Errorf("%d advanced, conflicts %v (witness at %d); want 1 and %d × %d", ok, conflicts, k.Size, len(bodies)-1, k.Size)
	}
	// And at the database: two advances from the same state, one wins.
	l.Add(t, 1)
	cp, _ := tlog.OpenCheckpoint(l.Signed, l.VKey)
	a, errA := w.DB.advance(context.Background(), k, cp, l.Signed, w.Server.now())
	b, errB := w.DB.advance(context.Background(), k, cp, l.Signed, w.Server.now())
	if !a || b || errA != nil || errB != nil {
		t.Errorf("compare-and-set: %v %v %v %v; want true then false", a, b, errA, errB)
	}
}

// TestQuorumOfOne: with two witnesses and a quorum of any one, stopping
// one still witnesses the log; with a quorum of both it does not, and
// the newest witnessed checkpoint stays the last one both cosigned.
func TestQuorumOfOne(t *testing.T) {
	l := tlogtest.New(t)
	w1 := startWitness(t, "w1.example", l.VKey)
	w2 := startWitness(t, "w2.example", l.VKey)
	anyOne := newCosigner(t, l, mustPolicy(t, policyText(l.VKey, "group g any w1 w2\nquorum g", w1, w2)))
	both := newCosigner(t, l, mustPolicy(t, policyText(l.VKey, "group g all w1 w2\nquorum g", w1, w2)))
	ctx := context.Background()
	l.Add(t, 5)
	for _, c := range []*Cosigner{anyOne, both} {
		if _, err := c.Cosign(ctx, l.Signed); err != nil {
			t.Fatal(err)
		}
	}
	bothAt5 := both.Witnessed()
	w2.HTTP.Close()
	l.Add(t, 5)
	if _, err := anyOne.Cosign(ctx, l.Signed); err != nil {
		t.Errorf("a quorum of one with one witness down: %v", err)
	}
	if got, _ := anyOne.cfg.Policy.Check(anyOne.Witnessed()); got == nil || got.Checkpoint.Size != 10 {
		t.Errorf("witnessed %+v, want size 10", got)
	}
	_, err := both.Cosign(ctx, l.Signed)
	if err == nil || !strings.Contains(err.Error(), "w2") {
		t.Errorf("a quorum of two with one down: %v; want an error naming w2", err)
	}
	if !bytes.Equal(both.Witnessed(), bothAt5) {
		t.Error("the newest witnessed checkpoint moved without the quorum")
	}
	if st := both.States()[1]; st.LastError == "" || st.Failures != 1 {
		t.Errorf("state of the stopped witness: %+v", st)
	}
}

// TestReaderRejectsUncosigned: a reader with the policy refuses the log's
// bare checkpoint, one cosigned by another key, one with a tampered
// cosignature, and one from a log the policy does not list.
func TestReaderRejectsUncosigned(t *testing.T) {
	l := tlogtest.New(t)
	w := startWitness(t, "w1.example", l.VKey)
	p := mustPolicy(t, policyText(l.VKey, "quorum w1", w))
	l.Add(t, 3)
	if err := CheckQuorum(p, l.Signed); err == nil || !strings.Contains(err.Error(), "not witnessed") {
		t.Errorf("uncosigned: %v", err)
	}
	cosigned, err := newCosigner(t, l, p).Cosign(context.Background(), l.Signed)
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckQuorum(p, cosigned); err != nil {
		t.Fatalf("cosigned: %v", err)
	}
	i := bytes.LastIndex(cosigned, []byte(" ")) + 5
	tampered := append([]byte(nil), cosigned...)
	tampered[i] ^= 1
	if tampered[i] == '\n' || tampered[i] == '+' {
		tampered[i] = 'A'
	}
	if err := CheckQuorum(p, tampered); err == nil {
		t.Error("a tampered cosignature was accepted")
	}
	stranger := tlogtest.New(t)
	stranger.Origin = "example.org/stranger"
	if err := CheckQuorum(p, bytes.Replace(cosigned, []byte(l.Origin), []byte("example.org/stranger"), 1)); err == nil {
		t.Error("a checkpoint of a log the policy does not list was accepted")
	}
	none := mustPolicy(t, "log "+l.VKey+"\nquorum none\n")
	if err := CheckQuorum(none, l.Signed); err != nil {
		t.Errorf("quorum none: %v", err)
	}
}

// TestBadWitnesses: a witness answering with another key's cosignature,
// with garbage, with 409 forever, or too slowly is refused, and the
// checkpoint is not witnessed.
func TestBadWitnesses(t *testing.T) {
	l := tlogtest.New(t)
	l.Add(t, 3)
	impostor := startWitness(t, "w1.example", l.VKey) // cosigns with its own key
	listed := otherKey(t, "w1.example")
	hang := make(chan struct{})
	handlers := map[string]http.HandlerFunc{
		"garbage": func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("— w1.example AAAA\n")) },
		"html":    func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<html>ok</html>")) },
		"409 loop": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/x.tlog.size")
			w.WriteHeader(409)
			w.Write([]byte("1\n"))
		},
		"slow": func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body) // so that the server sees the client go
			select {
			case <-hang:
			case <-r.Context().Done():
			}
		},
	}
	check := func(name, url, want string) {
		checkWitness(t, l, listed, name, url, want)
	}
	check("wrong key", impostor.URL, "no cosignature by the witness's key")
	future := startWitness(t, "w1.example", l.VKey)
	future.Signer.Now = func() time.Time { return time.Now().Add(time.Hour) }
	checkWitness(t, l, future.Signer, "dated in the future", future.URL, "in the future")
	for name, h := range handlers {
		srv := startHTTP(t, h)
		want := map[string]string{"garbage": "not a valid cosignature", "html": "not note signature lines",
			"409 loop": "409 twice", "slow": "deadline exceeded"}[name]
		check(name, srv, want)
	}
	close(hang)
}

// checkWitness asks the witness at url, listed in the policy with the key
// of signer, to cosign, and wants an error saying want.
func checkWitness(t *testing.T, l *tlogtest.Log, signer *Signer, name, url, want string) {
	t.Helper()
	tw := &testWitness{Name: "w1", Signer: signer, URL: url}
	c, err := NewCosigner(CosignerConfig{Policy: mustPolicy(t, policyText(l.VKey, "quorum w1", tw)), LogKey: l.VKey,
		Proof: TileProofs(logTiles(l)), Logger: quiet(), Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Cosign(context.Background(), l.Signed)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("%s: %v; want an error saying %q", name, err, want)
	}
	if c.Witnessed() != nil {
		t.Errorf("%s: witnessed", name)
	}
}
