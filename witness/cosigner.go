package witness

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/tlog"
	"golang.org/x/mod/sumdb/note"
)

// CosignerConfig configures a Cosigner.
type CosignerConfig struct {
	Policy *Policy
	// LogKey is the log's verifier key; the policy must list it.
	LogKey string
	// Proof returns consistency proofs of the log (TileProofs, NodeProofs).
	Proof ProofFunc
	// Client sends the requests; a client with no timeout of its own when nil.
	Client *http.Client
	// Timeout bounds each request to a witness (default 10 s).
	Timeout time.Duration
	// Interval is how often Run looks for a new checkpoint (default 10 s);
	// Notify wakes it sooner.
	Interval time.Duration
	Logger   *slog.Logger
	// StateFile, when set, keeps the newest witnessed checkpoint across
	// restarts: read (and checked with the policy) by NewCosigner, written
	// whole whenever it advances.
	StateFile string
}

// WitnessState is what a Cosigner knows of one witness, for metrics and
// the operator.
type WitnessState struct {
	Name         string
	URL          string
	Size         uint64    // the size it last cosigned, as far as this process knows
	LastCosigned time.Time // when it last cosigned
	LastError    string    // why its last request failed; "" after a success
	LastErrorAt  time.Time
	Failures     int // requests failed in a row
}

// Cosigner gets a log's checkpoints cosigned by the witnesses of a policy
// (C2SP tlog-witness), in the background: the log's writes never wait for
// it, and a witness that is down only delays the newest witnessed
// checkpoint (Witnessed).
type Cosigner struct {
	cfg CosignerConfig

	mu        sync.Mutex
	states    []WitnessState
	retryAt   []time.Time
	round     *round // the checkpoint being cosigned
	witnessed []byte
	wsize     uint64
	wake      chan struct{}
}

// round is one checkpoint and the cosignature lines gathered for it, by
// witness index.
type round struct {
	signed []byte
	cp     tlog.Checkpoint
	lines  map[int][]byte
}

// NewCosigner checks the configuration and returns a Cosigner.
func NewCosigner(cfg CosignerConfig) (*Cosigner, error) {
	if cfg.Policy == nil || cfg.Proof == nil {
		return nil, errors.New("witness: a cosigner needs a policy and a proof function")
	}
	if !slicesContainsLog(cfg.Policy.Logs, strings.TrimSpace(cfg.LogKey)) {
		return nil, qantar.Errorf(qantar.EINVALID, "the witness policy does not list this log's key %s: add the line `log %s`", cfg.LogKey, cfg.LogKey)
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.Interval <= 0 {
		cfg.Interval = 10 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	c := &Cosigner{cfg: cfg, wake: make(chan struct{}, 1)}
	for _, w := range cfg.Policy.Witnesses {
		c.states = append(c.states, WitnessState{Name: w.Name, URL: w.URL})
	}
	c.retryAt = make([]time.Time, len(c.states))
	if err := c.checkReachable(); err != nil {
		return nil, err
	}
	if err := c.loadState(); err != nil {
		return nil, err
	}
	return c, nil
}

// checkReachable refuses a policy whose quorum the witnesses with a URL
// cannot meet: the log would never be witnessed.
func (c *Cosigner) checkReachable() error {
	q := c.cfg.Policy.Quorum
	reachable := map[int]bool{}
	var missing []string
	for i, w := range c.cfg.Policy.Witnesses {
		if w.URL != "" {
			reachable[i] = true
		} else {
			missing = append(missing, w.Name)
		}
	}
	if q != nil && !q.holds(reachable) {
		return qantar.Errorf(qantar.EINVALID, "the witness policy's quorum %s cannot be met: witnesses without a URL (%s) cannot be asked to cosign", q.Name, strings.Join(missing, ", "))
	}
	return nil
}

// loadState reads StateFile, if any: a checkpoint of this log that the
// policy's quorum cosigned.
func (c *Cosigner) loadState() error {
	if c.cfg.StateFile == "" {
		return nil
	}
	b, err := os.ReadFile(c.cfg.StateFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return fmt.Errorf("witnessed checkpoint: %w", err)
	}
	checked, err := c.cfg.Policy.Check(b)
	if err == nil {
		_, err = tlog.OpenCheckpoint(b, c.cfg.LogKey)
	}
	if err != nil {
		return qantar.Errorf(qantar.EINVALID, "witnessed checkpoint %s: %v (move it aside to start again)", c.cfg.StateFile, err)
	}
	c.witnessed, c.wsize = b, checked.Checkpoint.Size
	return nil
}

// saveState writes the witnessed checkpoint to StateFile whole (a
// temporary file renamed into place).
func (c *Cosigner) saveState(b []byte) {
	if c.cfg.StateFile == "" {
		return
	}
	tmp := c.cfg.StateFile + ".tmp"
	err := os.WriteFile(tmp, b, 0o644)
	if err == nil {
		err = os.Rename(tmp, c.cfg.StateFile)
	}
	if err != nil {
		c.cfg.Logger.Warn("witness: keep the witnessed checkpoint", "file", c.cfg.StateFile, "err", err)
	}
}

func slicesContainsLog(logs []Log, vkey string) bool {
	for _, l := range logs {
		if l.VKey == vkey {
			return true
		}
	}
	return false
}

// Witnessed returns the newest checkpoint that carries the cosignatures of
// the policy's quorum (the log's signed note with the witnesses'
// signature lines), or nil before the first.
func (c *Cosigner) Witnessed() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.witnessed
}

// States returns the state of each witness of the policy, in its order.
func (c *Cosigner) States() []WitnessState {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]WitnessState(nil), c.states...)
}

// SetKnown tells the cosigner the size a witness knows (from a previous
// run), so that its first request needs no 409 to learn it.
func (c *Cosigner) SetKnown(name string, size uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := range c.states {
		if c.states[i].Name == name {
			c.states[i].Size = size
		}
	}
}

// Notify wakes Run to look for a new checkpoint now; it never blocks.
func (c *Cosigner) Notify() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// Run cosigns the newest checkpoint that latest returns, every Interval
// and whenever Notify is called, until ctx ends. A witness whose request
// failed is retried after a delay that doubles up to five minutes.
func (c *Cosigner) Run(ctx context.Context, latest func(ctx context.Context) ([]byte, error)) {
	t := time.NewTicker(c.cfg.Interval)
	defer t.Stop()
	for {
		if signed, err := latest(ctx); err != nil {
			if ctx.Err() == nil {
				c.cfg.Logger.Warn("witness: read the latest checkpoint", "err", err)
			}
		} else if _, err := c.cosign(ctx, signed, true); err != nil && ctx.Err() == nil {
			c.cfg.Logger.Debug("witness: not witnessed yet", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-c.wake:
		}
	}
}

// Cosign asks every witness of the policy with a URL that has not yet
// cosigned signed (the log's signed checkpoint) to cosign it, all at once,
// and returns the checkpoint with every cosignature gathered for it. The
// error says why the quorum does not hold yet, naming each witness that
// failed; the checkpoint is then not Witnessed.
func (c *Cosigner) Cosign(ctx context.Context, signed []byte) ([]byte, error) {
	return c.cosign(ctx, signed, false)
}

func (c *Cosigner) cosign(ctx context.Context, signed []byte, backoff bool) ([]byte, error) {
	cp, err := tlog.OpenCheckpoint(signed, c.cfg.LogKey)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.round == nil || !bytes.Equal(c.round.signed, signed) {
		c.round = &round{signed: signed, cp: cp, lines: map[int][]byte{}}
	}
	r := c.round
	var ask []int
	now := time.Now()
	for i, w := range c.cfg.Policy.Witnesses {
		if _, done := r.lines[i]; !done && w.URL != "" && (!backoff || !now.Before(c.retryAt[i])) {
			ask = append(ask, i)
		}
	}
	c.mu.Unlock()
	errs := make([]error, len(ask))
	var wg sync.WaitGroup
	for k, i := range ask {
		wg.Go(func() { errs[k] = c.ask(ctx, r, i) })
	}
	wg.Wait()
	return c.gather(r, errors.Join(errs...))
}

// gather merges the round's cosignatures into the checkpoint and, when
// the policy's quorum holds, makes it the newest witnessed one.
func (c *Cosigner) gather(r *round, failed error) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	merged := append([]byte(nil), r.signed...)
	for i := range c.cfg.Policy.Witnesses {
		merged = append(merged, r.lines[i]...)
	}
	if _, err := c.cfg.Policy.Check(merged); err != nil {
		return merged, errors.Join(err, failed)
	}
	if c.witnessed == nil || r.cp.Size >= c.wsize {
		if !bytes.Equal(c.witnessed, merged) {
			c.saveState(merged)
		}
		c.witnessed, c.wsize = merged, r.cp.Size
	}
	return merged, nil
}

// ask gets one witness's cosignature for the round, retrying once with
// the size a 409 says the witness knows.
func (c *Cosigner) ask(ctx context.Context, r *round, i int) error {
	w := c.cfg.Policy.Witnesses[i]
	c.mu.Lock()
	old := c.states[i].Size
	c.mu.Unlock()
	line, err := c.askOnce(ctx, w, old, r)
	var conflict *conflictError
	if errors.As(err, &conflict) {
		c.setKnown(i, conflict.size)
		line, err = c.askOnce(ctx, w, conflict.size, r)
		if errors.As(err, &conflict) {
			c.setKnown(i, conflict.size)
			err = fmt.Errorf("witness %s: answered 409 twice (it now says it knows size %d)", w.Name, conflict.size)
		}
	}
	c.record(i, r, line, err)
	return err
}

// askOnce sends one request from the size old, which must not be larger
// than the checkpoint's.
func (c *Cosigner) askOnce(ctx context.Context, w Witness, old uint64, r *round) ([]byte, error) {
	if old > r.cp.Size {
		return nil, fmt.Errorf("witness %s: it has cosigned size %d, larger than this checkpoint's %d", w.Name, old, r.cp.Size)
	}
	return c.post(ctx, w, old, r)
}

func (c *Cosigner) setKnown(i int, size uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.states[i].Size = size
}

// record keeps the outcome of a request to witness i.
func (c *Cosigner) record(i int, r *round, line []byte, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := &c.states[i]
	now := time.Now()
	if err != nil {
		s.LastError, s.LastErrorAt = err.Error(), now
		s.Failures++
		c.retryAt[i] = now.Add(min(c.cfg.Interval<<min(s.Failures, 10), 5*time.Minute))
		c.cfg.Logger.Warn("witness: no cosignature", "witness", s.Name, "size", r.cp.Size, "err", err)
		return
	}
	s.Size, s.LastCosigned, s.LastError, s.Failures = r.cp.Size, now, "", 0
	c.retryAt[i] = time.Time{}
	r.lines[i] = line
}

// conflictError is a 409: the witness knows another size.
type conflictError struct{ size uint64 }

func (e *conflictError) Error() string { return fmt.Sprintf("the witness knows size %d", e.size) }

// post sends one add-checkpoint request and returns the witness's verified
// cosignature line, or for a 409 a *conflictError with the size it knows.
func (c *Cosigner) post(ctx context.Context, w Witness, old uint64, r *round) ([]byte, error) {
	body, err := c.requestBody(ctx, old, r)
	if err != nil {
		return nil, fmt.Errorf("witness %s: consistency proof from %d to %d: %w", w.Name, old, r.cp.Size, err)
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL+"/add-checkpoint", bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("witness %s: %w", w.Name, err)
	}
	resp, err := c.cfg.Client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("witness %s: %w", w.Name, err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 16<<10))
	if err != nil {
		return nil, fmt.Errorf("witness %s: read the answer: %w", w.Name, err)
	}
	switch resp.StatusCode {
	case http.StatusOK:
		line, err := cosignatureLine(w, r, answer)
		if err != nil {
			return nil, fmt.Errorf("witness %s: %w", w.Name, err)
		}
		return line, nil
	case http.StatusConflict:
		n, err := strconv.ParseUint(strings.TrimSuffix(string(answer), "\n"), 10, 64)
		if err != nil || !strings.HasSuffix(string(answer), "\n") {
			return nil, fmt.Errorf("witness %s: 409 without a size (%q)", w.Name, clip(string(answer)))
		}
		return nil, &conflictError{size: n}
	}
	msg := strings.TrimSpace(string(answer))
	if !utf8.ValidString(msg) {
		msg = "(not text)"
	}
	return nil, fmt.Errorf("witness %s refused size %d (old %d): %s: %s", w.Name, r.cp.Size, old, resp.Status, clip(msg))
}

// requestBody is the add-checkpoint body: old size, proof, blank line,
// the signed checkpoint.
func (c *Cosigner) requestBody(ctx context.Context, old uint64, r *round) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "old %d\n", old)
	if old > 0 && old < r.cp.Size {
		proof, err := c.cfg.Proof(ctx, old, r.cp)
		if err != nil {
			return nil, err
		}
		for _, h := range proof {
			b.WriteString(base64.StdEncoding.EncodeToString(h))
			b.WriteByte('\n')
		}
	}
	b.WriteByte('\n')
	b.Write(r.signed)
	return b.Bytes(), nil
}

// maxSkew is how far in the future a cosignature's time may be.
const maxSkew = 10 * time.Minute

// cosignatureLine checks a 200 answer: note signature lines, one of them
// a valid cosignature of the checkpoint by the witness's key, whose line
// it returns. Anything else (garbage, another key's signature, a
// signature that does not verify, a time far in the future) is refused.
func cosignatureLine(w Witness, r *round, answer []byte) ([]byte, error) {
	if len(answer) == 0 || answer[len(answer)-1] != '\n' || !utf8.Valid(answer) {
		return nil, errors.New("the answer is not note signature lines")
	}
	text := r.cp.Marshal()
	n, err := note.Open(append(append(append([]byte(nil), text...), '\n'), answer...), note.VerifierList(w.Verifier))
	if err != nil {
		var unverified *note.UnverifiedNoteError
		if errors.As(err, &unverified) {
			return nil, fmt.Errorf("the answer carries no cosignature by the witness's key %s", w.VKey)
		}
		return nil, fmt.Errorf("the answer is not a valid cosignature: %v", err)
	}
	s := n.Sigs[0] // Open verified at least one, and only the witness's key can
	t, err := CosignatureTime(s)
	if err != nil {
		return nil, err
	}
	if t.After(time.Now().Add(maxSkew)) {
		return nil, fmt.Errorf("its cosignature is dated %s, in the future", t.Format(time.RFC3339))
	}
	return []byte("— " + s.Name + " " + s.Base64 + "\n"), nil
}
