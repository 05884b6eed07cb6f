package witness

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/tlog"
	"golang.org/x/mod/sumdb/note"
)

// Policy says which logs a reader trusts and which witnesses must have
// cosigned a checkpoint before it does: the line format of Sigsum's and
// C2SP's witness policies, with note verifier keys (docs/WITNESS.md):
//
//	log VKEY [URL]                 a log's key (type 0x01), its name the log's origin
//	witness NAME VKEY [URL]        a witness's cosignature key (type 0x04) and its add-checkpoint prefix
//	group NAME all|any|K MEMBER…   K of the members, each a witness or a group named above
//	quorum NAME|none               the witness or group whose cosignatures a checkpoint needs
//
// '#' starts a comment; a name is used only after the line that defines it.
type Policy struct {
	Logs      []Log
	Witnesses []Witness
	// Quorum is what a checkpoint needs; nil for "quorum none".
	Quorum *Group
}

// Log is a log the policy trusts.
type Log struct {
	Origin   string // the key's name, which its checkpoints' origin must be
	VKey     string
	URL      string // may be empty
	verifier note.Verifier
}

// Witness is a witness the policy names.
type Witness struct {
	Name     string // the policy's name for it
	VKey     string
	URL      string // the submission prefix (POST URL/add-checkpoint); may be empty
	Verifier *Verifier
}

// Group is K of its members: witnesses (by index in Policy.Witnesses) and
// groups.
type Group struct {
	Name      string
	K         int
	Witnesses []int
	Groups    []*Group
}

// size is the number of the group's members.
func (g *Group) size() int { return len(g.Witnesses) + len(g.Groups) }

// holds reports whether the cosigners (witness indexes) satisfy the group.
func (g *Group) holds(cosigned map[int]bool) bool {
	n := 0
	for _, w := range g.Witnesses {
		if cosigned[w] {
			n++
		}
	}
	for _, sub := range g.Groups {
		if sub.holds(cosigned) {
			n++
		}
	}
	return n >= g.K
}

// ReadPolicy reads a policy file.
func ReadPolicy(path string) (*Policy, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	p, err := ParsePolicy(bytes.NewReader(b))
	if err != nil {
		return nil, qantar.Errorf(qantar.EINVALID, "policy %s: %v", path, err)
	}
	return p, nil
}

// policyParser holds what the lines read so far defined.
type policyParser struct {
	p      Policy
	names  map[string]any // a witness's index (int) or a *Group
	quorum bool
}

// ParsePolicy parses a policy. Every line must be one of the four forms;
// an unknown keyword, an unknown or wrong key type, a name used before it
// is defined or defined twice, and a missing or second quorum line are
// refused with the line's number.
func ParsePolicy(r io.Reader) (*Policy, error) {
	pp := &policyParser{names: map[string]any{}}
	sc := bufio.NewScanner(io.LimitReader(r, 1<<20))
	for n := 1; sc.Scan(); n++ {
		line, _, _ := strings.Cut(sc.Text(), "#")
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if err := pp.line(f); err != nil {
			return nil, fmt.Errorf("line %d: %v", n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(pp.p.Logs) == 0 {
		return nil, errors.New("no log line: a policy names the logs it trusts (log VKEY [URL])")
	}
	if !pp.quorum {
		return nil, errors.New("no quorum line (quorum NAME, or quorum none)")
	}
	return &pp.p, nil
}

func (pp *policyParser) line(f []string) error {
	switch f[0] {
	case "log":
		return pp.log(f[1:])
	case "witness":
		return pp.witness(f[1:])
	case "group":
		return pp.group(f[1:])
	case "quorum":
		return pp.setQuorum(f[1:])
	}
	return fmt.Errorf("unknown keyword %q: want log, witness, group or quorum", clip(f[0]))
}

func (pp *policyParser) log(f []string) error {
	if len(f) < 1 || len(f) > 2 {
		return errors.New("want: log VKEY [URL]")
	}
	if _, _, alg, _, err := splitKey(f[0]); err != nil {
		return fmt.Errorf("log key: %v", err)
	} else if alg != algEd25519 {
		return fmt.Errorf("log key: type %s; a log signs its checkpoints with an Ed25519 note key (type 0x01)", keyType(alg))
	}
	v, err := note.NewVerifier(f[0])
	if err != nil {
		return fmt.Errorf("log key: %v", err)
	}
	l := Log{Origin: v.Name(), VKey: f[0], verifier: v}
	if len(f) == 2 {
		if l.URL, err = checkURL(f[1]); err != nil {
			return err
		}
	}
	pp.p.Logs = append(pp.p.Logs, l)
	return nil
}

func (pp *policyParser) witness(f []string) error {
	if len(f) < 2 || len(f) > 3 {
		return errors.New("want: witness NAME VKEY [URL]")
	}
	if err := pp.newName(f[0]); err != nil {
		return err
	}
	v, err := NewVerifier(f[1])
	if err != nil {
		return fmt.Errorf("witness %s: %v", f[0], err)
	}
	for _, w := range pp.p.Witnesses {
		if w.Verifier.id == v.id && w.Verifier.name == v.name && w.Verifier.key.Equal(v.key) {
			return fmt.Errorf("witness %s has the key of witness %s", f[0], w.Name)
		}
	}
	w := Witness{Name: f[0], VKey: f[1], Verifier: v}
	if len(f) == 3 {
		if w.URL, err = checkURL(f[2]); err != nil {
			return err
		}
	}
	pp.names[f[0]] = len(pp.p.Witnesses)
	pp.p.Witnesses = append(pp.p.Witnesses, w)
	return nil
}

func (pp *policyParser) group(f []string) error {
	if len(f) < 3 {
		return errors.New("want: group NAME all|any|K MEMBER…")
	}
	if err := pp.newName(f[0]); err != nil {
		return err
	}
	g := &Group{Name: f[0]}
	seen := map[string]bool{}
	for _, m := range f[2:] {
		def, ok := pp.names[m]
		if !ok {
			return fmt.Errorf("group %s: %q is not a witness or group defined above", f[0], clip(m))
		}
		if seen[m] {
			return fmt.Errorf("group %s: %s is a member twice", f[0], m)
		}
		seen[m] = true
		switch d := def.(type) {
		case int:
			g.Witnesses = append(g.Witnesses, d)
		case *Group:
			g.Groups = append(g.Groups, d)
		}
	}
	switch f[1] {
	case "all":
		g.K = g.size()
	case "any":
		g.K = 1
	default:
		k, err := strconv.Atoi(f[1])
		if err != nil || k < 1 || k > g.size() {
			return fmt.Errorf("group %s: threshold %q: want all, any or a number from 1 to %d", f[0], clip(f[1]), g.size())
		}
		g.K = k
	}
	pp.names[f[0]] = g
	return nil
}

func (pp *policyParser) setQuorum(f []string) error {
	if len(f) != 1 {
		return errors.New("want: quorum NAME|none")
	}
	if pp.quorum {
		return errors.New("a second quorum line")
	}
	pp.quorum = true
	if f[0] == "none" {
		return nil
	}
	switch d := pp.names[f[0]].(type) {
	case int:
		pp.p.Quorum = &Group{Name: f[0], K: 1, Witnesses: []int{d}}
	case *Group:
		pp.p.Quorum = d
	default:
		return fmt.Errorf("quorum %q is not a witness or group defined above", clip(f[0]))
	}
	return nil
}

func (pp *policyParser) newName(name string) error {
	if name == "none" || strings.ContainsAny(name, "+") {
		return fmt.Errorf("%q cannot name a witness or group", name)
	}
	if _, ok := pp.names[name]; ok {
		return fmt.Errorf("%q is defined twice", clip(name))
	}
	return nil
}

func checkURL(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("%q is not an http(s) URL prefix", clip(s))
	}
	return strings.TrimSuffix(s, "/"), nil
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// Cosignature is one witness's verified cosignature of a checkpoint.
type Cosignature struct {
	Witness string // the policy's name
	Time    time.Time
}

// Checked is a checkpoint that a policy's log signed, with the
// cosignatures of the policy's witnesses it carries.
type Checked struct {
	Checkpoint   tlog.Checkpoint
	Cosignatures []Cosignature
}

// Check opens a signed checkpoint with the policy: it must be signed by
// one of its logs and carry verified cosignatures of the quorum. A
// cosignature line by a witness's key that does not verify is refused
// (someone added it); lines by other keys are ignored.
func (p *Policy) Check(signed []byte) (*Checked, error) {
	cp, err := p.openLog(signed)
	if err != nil {
		return nil, err
	}
	vs := make([]note.Verifier, 0, len(p.Witnesses)+1)
	for _, w := range p.Witnesses {
		vs = append(vs, w.Verifier)
	}
	for _, l := range p.Logs {
		if l.Origin == cp.Origin {
			vs = append(vs, l.verifier)
		}
	}
	n, err := note.Open(signed, note.VerifierList(vs...))
	if err != nil {
		var bad *note.InvalidSignatureError
		if errors.As(err, &bad) {
			return nil, qantar.Errorf(qantar.EINVALID, "checkpoint carries a signature by %s that does not verify", bad.Name)
		}
		return nil, qantar.Errorf(qantar.EINVALID, "signed checkpoint: %v", err)
	}
	c := &Checked{Checkpoint: cp}
	cosigned := map[int]bool{}
	for _, s := range n.Sigs {
		i := slices.IndexFunc(p.Witnesses, func(w Witness) bool { return w.Verifier.name == s.Name && w.Verifier.id == s.Hash })
		if i < 0 || cosigned[i] {
			continue
		}
		t, err := CosignatureTime(s)
		if err != nil {
			return nil, qantar.Errorf(qantar.EINVALID, "cosignature of witness %s: %v", p.Witnesses[i].Name, err)
		}
		cosigned[i] = true
		c.Cosignatures = append(c.Cosignatures, Cosignature{Witness: p.Witnesses[i].Name, Time: t})
	}
	if p.Quorum != nil && !p.Quorum.holds(cosigned) {
		return c, qantar.Errorf(qantar.EINVALID, "checkpoint of %s at size %d is not witnessed: it carries cosignatures of %d witness(es) (%s), and the policy's quorum %s needs %d of %d",
			cp.Origin, cp.Size, len(c.Cosignatures), names(c.Cosignatures), p.Quorum.Name, p.Quorum.K, p.Quorum.size())
	}
	return c, nil
}

// CheckQuorum reports whether a signed checkpoint is signed by one of the
// policy's logs and cosigned by its quorum of witnesses.
func CheckQuorum(p *Policy, signed []byte) error {
	_, err := p.Check(signed)
	return err
}

// openLog opens the checkpoint with the key of the policy's log of its
// origin.
func (p *Policy) openLog(signed []byte) (tlog.Checkpoint, error) {
	origin, _, _ := bytes.Cut(signed, []byte("\n"))
	var last error
	for _, l := range p.Logs {
		if l.Origin != string(origin) {
			continue
		}
		cp, err := tlog.OpenCheckpoint(signed, l.VKey)
		if err == nil {
			return cp, nil
		}
		last = err
	}
	if last != nil {
		return tlog.Checkpoint{}, last
	}
	return tlog.Checkpoint{}, qantar.Errorf(qantar.EINVALID, "checkpoint of the log %q, which the policy does not list", clip(string(origin)))
}

func names(cs []Cosignature) string {
	if len(cs) == 0 {
		return "none"
	}
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Witness
	}
	return strings.Join(out, ", ")
}
