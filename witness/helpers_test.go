package witness

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/qantar-project/qantar/tlog"
	"github.com/qantar-project/qantar/tlog/tlogtest"
)

// testWitness is a built-in witness served over HTTP on 127.0.0.1, with
// its own key file and database.
type testWitness struct {
	Name   string
	Signer *Signer
	DB     *DB
	Server *Server
	HTTP   *httptest.Server
	URL    string
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func startWitness(t testing.TB, name string, logKeys ...string) *testWitness {
	t.Helper()
	dir := t.TempDir()
	s, err := LoadOrCreateKey(filepath.Join(dir, "witness.key"), name)
	if err != nil {
		t.Fatal(err)
	}
	db, err := OpenDB(filepath.Join(dir, "witness.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	srv, err := NewServer(s, db, logKeys, quiet())
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return &testWitness{Name: name, Signer: s, DB: db, Server: srv, HTTP: hs, URL: hs.URL}
}

// policyText is a policy for one log and the given witnesses, each named
// by its name's first label, with the quorum line q.
func policyText(logKey string, q string, witnesses ...*testWitness) string {
	var b strings.Builder
	b.WriteString("log " + logKey + "\n")
	for _, w := range witnesses {
		name, _, _ := strings.Cut(w.Name, ".") // "w1" for w1.example
		b.WriteString("witness " + name + " " + w.Signer.VerifierKey() + " " + w.URL + "\n")
	}
	b.WriteString(q + "\n")
	return b.String()
}

func mustPolicy(t testing.TB, text string) *Policy {
	t.Helper()
	p, err := ParsePolicy(strings.NewReader(text))
	if err != nil {
		t.Fatalf("policy: %v\n%s", err, text)
	}
	return p
}

// logTiles reads the synthetic log's tiles as a server's Log.Tile does,
// under the log's lock (the cosigner reads while the test adds).
func logTiles(l *tlogtest.Log) func(ctx context.Context, t tlog.TileID) ([]byte, error) {
	return l.ReadTile
}

func newCosigner(t testing.TB, l *tlogtest.Log, p *Policy) *Cosigner {
	t.Helper()
	c, err := NewCosigner(CosignerConfig{Policy: p, LogKey: l.VKey, Proof: TileProofs(logTiles(l)), Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// post sends a raw add-checkpoint body and returns the status, content
// type and body of the answer.
func post(t testing.TB, url string, body []byte) (int, string, string) {
	t.Helper()
	resp, err := http.Post(url+"/add-checkpoint", "text/plain", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
}

// addBody is an add-checkpoint body.
func addBody(old uint64, proof [][]byte, signed []byte) []byte {
	var b bytes.Buffer
	b.WriteString("old " + itoa(old) + "\n")
	for _, h := range proof {
		b.WriteString(b64(h) + "\n")
	}
	b.WriteString("\n")
	b.Write(signed)
	return b.Bytes()
}

func otherKey(t testing.TB, name string) *Signer {
	t.Helper()
	skey, _, err := GenerateKey(rand.Reader, name)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }

func b64(h []byte) string { return base64.StdEncoding.EncodeToString(h) }

func startHTTP(t testing.TB, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}
