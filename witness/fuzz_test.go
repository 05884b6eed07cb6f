package witness

import (
	"context"
	"crypto/rand"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/qantar-project/qantar/tlog/tlogtest"
	"golang.org/x/mod/sumdb/note"
)

// FuzzAddCheckpoint sends arbitrary bodies to a real witness (its own key and
// SQLite state) that knows one log. Whatever the body, the answer is a
// cosignature or a refusal in the 4xx range: never a panic, never an internal
// error, and a refused body leaves the witness's state as it was.
func FuzzAddCheckpoint(f *testing.F) {
	l := tlogtest.New(f)
	l.Add(f, 3)
	w := startWitness(f, "fuzz.example", l.VKey)
	f.Add(addBody(0, nil, l.Signed))
	f.Add([]byte("old 0\n\n"))
	f.Add([]byte("old 18446744073709551616\n\nexample.org/fuzz-log\n1\n"))
	f.Add([]byte("old 1\nAAAA\n\n" + string(l.Signed)))
	f.Add([]byte("old 01\n\n"))
	f.Add([]byte("\n\n\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		before, _ := w.DB.Known(context.Background(), l.Origin)
		_, err := w.Server.AddCheckpoint(context.Background(), body)
		var re *RequestError
		if err != nil && !errors.As(err, &re) {
			t.Fatalf("body %q: not a refusal: %v", body, err)
		}
		if re != nil && (re.Status < 400 || re.Status >= 500) {
			t.Fatalf("body %q: status %d", body, re.Status)
		}
		if err != nil && re.Status != http.StatusConflict {
			after, _ := w.DB.Known(context.Background(), l.Origin)
			if after.Size != before.Size {
				t.Fatalf("body %q was refused (%v) but moved the state from %d to %d", body, err, before.Size, after.Size)
			}
		}
	})
}

// FuzzParsePolicy: a policy parses or is refused with a reason; a parsed one
// names a log, and no witness is called "none" (the word of "quorum none").
func FuzzParsePolicy(f *testing.F) {
	_, logKey, err := note.GenerateKey(rand.Reader, "example.org/log")
	if err != nil {
		f.Fatal(err)
	}
	wk := otherKey(f, "w.example").VerifierKey()
	f.Add("log " + logKey + "\nwitness A " + wk + " https://a.example\ngroup G 1 A\nquorum G\n")
	f.Add("log " + logKey + "\nquorum none\n")
	f.Add("log " + logKey + "\nwitness A " + wk + "\ngroup G any A A\nquorum G\n")
	f.Add("# only a comment\n")
	f.Fuzz(func(t *testing.T, text string) {
		p, err := ParsePolicy(strings.NewReader(text))
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an empty error")
			}
			return
		}
		if len(p.Logs) == 0 {
			t.Fatalf("policy %q parsed without a log: %+v", text, p)
		}
		for _, w := range p.Witnesses {
			if w.Name == "" || w.Name == "none" {
				t.Fatalf("policy %q parsed a witness without a usable name: %+v", text, w)
			}
		}
	})
}
