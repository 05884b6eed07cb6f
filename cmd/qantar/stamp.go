package main

import (
	"context"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/evidence"
	"github.com/qantar-project/qantar/tsa"
)

// tsaConfig is which time-stamping authorities files are stamped by
// (--tsa NAME=URL, repeated) and whose roots their tokens must chain to
// (--tsa-roots [NAME=]FILE, repeated: a PEM chain, as the authority serves
// it, whose last certificate is trusted; with NAME for that authority's
// tokens alone).
type tsaConfig struct {
	Authorities authorityList
	Roots       rootsList
}

// tsaFlags declares the flags of tsaConfig on fs.
func tsaFlags(fs *flag.FlagSet, c *tsaConfig) {
	fs.Var(&c.Authorities, "tsa", "an RFC 3161 time-stamping authority, NAME=URL (repeat for several): each file's SHA-256 gets a token from each; a protected file's over a salted digest that does not reveal it")
	rootsFlag(fs, &c.Roots)
}

func rootsFlag(fs *flag.FlagSet, r *rootsList) {
	fs.Var(r, "tsa-roots", "an authority's certificate chain (PEM, as it serves it; its last certificate is trusted), [NAME=]FILE, repeatable: timestamp tokens must chain to it (without it a token is checked for its signature and imprint only)")
}

type authorityList []tsa.Authority

func (l *authorityList) String() string {
	var s []string
	for _, a := range *l {
		s = append(s, a.Name+"="+a.URL)
	}
	return strings.Join(s, ",")
}

func (l *authorityList) Set(v string) error {
	name, u, ok := strings.Cut(v, "=")
	name = strings.TrimSpace(name)
	if !ok || name == "" {
		return fmt.Errorf("want NAME=URL, not %q", v)
	}
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return fmt.Errorf("%q: the address must be an http or https URL", v)
	}
	for _, a := range *l {
		if a.Name == name {
			return fmt.Errorf("the authority %q is named twice", name)
		}
	}
	*l = append(*l, tsa.Authority{Name: name, URL: u})
	return nil
}

type rootsList []string

func (l *rootsList) String() string     { return strings.Join(*l, ",") }
func (l *rootsList) Set(v string) error { *l = append(*l, v); return nil }

// trust reads the roots files.
func (l rootsList) trust() (evidence.Trust, error) {
	tr := evidence.Trust{ByAuthority: map[string]*x509.CertPool{}}
	for _, v := range l {
		name, path, ok := strings.Cut(v, "=")
		if !ok {
			name, path = "", v
		}
		pem, err := os.ReadFile(path)
		if err != nil {
			return tr, usagef("--tsa-roots: %v", err)
		}
		pool, err := tsa.Roots(pem)
		if err != nil {
			return tr, usagef("--tsa-roots %s: %v", path, err)
		}
		if name == "" {
			if tr.Any != nil {
				return tr, usagef("--tsa-roots: give one chain for every authority, or NAME=FILE for each")
			}
			tr.Any = pool
		} else {
			tr.ByAuthority[name] = pool
		}
	}
	return tr, nil
}

// stamping is how the command stamps files, nil without --tsa.
func (c tsaConfig) stamping(actor qantar.Actor) (*evidence.Stamping, error) {
	if len(c.Authorities) == 0 {
		if len(c.Roots) > 0 {
			return nil, usagef("--tsa-roots checks the tokens of the authorities --tsa names: give --tsa NAME=URL")
		}
		return nil, nil
	}
	trust, err := c.Roots.trust()
	if err != nil {
		return nil, err
	}
	return &evidence.Stamping{Authorities: c.Authorities, Trust: trust, Actor: actor}, nil
}

// runFileStamp is `qantar file stamp`: every file lacking a token from a
// configured authority is stamped by it; each file and authority is said,
// and a file left without a token makes the exit status 1 (run it again
// later: it asks only for what is missing).
func runFileStamp(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlags("file stamp", "--db D --tsa NAME=URL [--tsa NAME=URL ...] [--tsa-roots [NAME=]FILE]")
	db := fs.String("db", "qantar.db", "database: a SQLite file path, or a postgres:// URL")
	var c tsaConfig
	tsaFlags(fs, &c)
	if err := m.parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if len(c.Authorities) == 0 {
		return usagef("give at least one --tsa NAME=URL")
	}
	s, err := c.stamping(importActor(m))
	if err != nil {
		return err
	}
	st, closeStore, err := openStore(ctx, m, *db)
	if err != nil {
		return err
	}
	defer closeStore()
	res, err := s.Stamp(ctx, st)
	if err != nil {
		return err
	}
	if len(res) == 0 {
		m.sayln(m.Stdout, "every file has a token from each authority")
		return nil
	}
	if left := m.sayStamps(m.Stdout, res); left > 0 {
		err := qantar.Errorf(qantar.EINVALID, "%d files are left without a timestamp token; run again later", left)
		err.Message = m.say(err.Format, left) // its plural in English too
		return err
	}
	return nil
}

// sayStamps says each result in the command's language and returns how
// many files are left without a token from some authority.
func (m *Main) sayStamps(w io.Writer, res []evidence.StampResult) int {
	left := map[int64]bool{}
	for _, r := range res {
		if r.Err != nil {
			left[r.FileID] = true
			m.sayln(w, "file %d (%s): no token from %s: %s", r.FileID, r.SHA256, r.Authority, m.sayErr(unsubject(r.Err, r.Authority)))
			continue
		}
		m.sayln(w, "file %d (%s): token from %s, %s", r.FileID, r.SHA256, r.Authority, r.Time.UTC().Format(time.RFC3339))
	}
	return len(left)
}

// unsubject is err without its subject when the line already names it.
func unsubject(err error, subject string) error {
	var f *qantar.Failure
	if !errors.As(err, &f) || f.Subject != subject {
		return err
	}
	var detail any
	if f.Detail != "" {
		detail = f.Detail
	}
	return qantar.Fail("", f.Kind, detail)
}

// verifyStamps checks the timestamp tokens of every file of st (verify
// --db) and says each that does not verify as a problem.
func (m *Main) verifyStamps(ctx context.Context, st qantar.Store, roots rootsList) []string {
	if len(roots) == 0 && m.Getenv("QANTAR_TSA_ROOTS") != "" {
		roots = strings.Split(m.Getenv("QANTAR_TSA_ROOTS"), string(os.PathListSeparator))
	}
	trust, err := roots.trust()
	if err != nil {
		return []string{"files: " + m.sayErr(err)}
	}
	problems, _, structural, err := evidence.VerifyStamps(ctx, st, trust)
	if err != nil {
		return []string{"files: " + m.sayErr(err)}
	}
	if structural > 0 {
		m.sayln(m.Stdout, "files: %d timestamp tokens checked for their signature and imprint only (give --tsa-roots to check who signed them)", structural)
	}
	var out []string
	for _, p := range problems {
		out = append(out, m.say("file %d (%s): the timestamp token of %s: %s", p.FileID, p.SHA256, p.Authority, m.sayErr(p.Err)))
	}
	return out
}

// stampAdded stamps the files just added (file add --tsa, archive --tsa):
// the file as it came and its public copy, if one was made; their records
// are then read again as they now are. Each authority's answer is said on
// standard error.
func (m *Main) stampAdded(ctx context.Context, st qantar.Store, s *evidence.Stamping, a *evidence.Added) error {
	ids := []int64{a.File.ID}
	if a.Public != nil {
		ids = append(ids, a.Public.ID)
	}
	res, err := s.Stamp(ctx, st, ids...)
	if err != nil {
		return err
	}
	if m.sayStamps(m.Stderr, res) > 0 {
		m.sayln(m.Stderr, "the file is kept without that token; qantar file stamp asks again")
	}
	for _, f := range []**qantar.File{&a.File, &a.Public} {
		if *f == nil {
			continue
		}
		rec, err := st.Get(ctx, qantar.KindFile, (*f).ID)
		if err != nil {
			return err
		}
		*f = rec.(*qantar.File)
	}
	return nil
}
