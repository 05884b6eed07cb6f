package evidence

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"io"
	"log/slog"
	"slices"
	"sort"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/blob"
	"github.com/qantar-project/qantar/tsa"
)

// Errors of stamping and of checking stored tokens, said through the
// catalogue.
var (
	// ErrStampTime: the time written beside a token is not the token's.
	ErrStampTime = qantar.Errorf(qantar.EINVALID, "the time recorded with the timestamp token is not the token's time")
	// ErrStampWrite: the tokens were got but could not be written.
	ErrStampWrite = qantar.Errorf(qantar.ECONFLICT, "the file changed while it was stamped; it will be stamped again")
)

// Trust says which roots a timestamp token must chain to: its authority's
// own, else Any's; with neither a token is checked for its structure, its
// unbroken signature and its imprint only (tsa.VerifyStructure).
type Trust struct {
	ByAuthority map[string]*x509.CertPool
	Any         *x509.CertPool
}

// Known reports whether roots are configured for the authority's tokens.
func (tr Trust) Known(authority string) bool {
	return tr.ByAuthority[authority] != nil || tr.Any != nil
}

// Check verifies a token over the SHA-256 digest and gives its time.
func (tr Trust) Check(authority string, token, digest []byte) (time.Time, error) {
	if roots := tr.ByAuthority[authority]; roots != nil {
		return tsa.Verify(token, digest, roots)
	}
	if tr.Any != nil {
		return tsa.Verify(token, digest, tr.Any)
	}
	return tsa.VerifyStructure(token, digest)
}

// Stamping is how files get their timestamp tokens: from which
// authorities, checked against which roots before they are kept, and who
// the log records as writing them.
type Stamping struct {
	Authorities []tsa.Authority
	Trust       Trust
	Actor       qantar.Actor
}

// StampResult is one authority's outcome for one file: the time its token
// gives, or why the file has no token from it yet (it is asked again on
// the next run).
type StampResult struct {
	FileID    int64
	SHA256    string
	Authority string
	Time      time.Time
	Err       error
}

// Stamp gets a token from each configured authority for every live file
// that has none from it yet (of ids when given, else of every file), in
// one batch per authority, and writes the tokens as a new version of each
// File record. A file an authority leaves without a token keeps what it
// has, and its result says why; nothing else changes. The error is for
// what stops the run as a whole (the store cannot be read).
func (s Stamping) Stamp(ctx context.Context, st qantar.Store, ids ...int64) ([]StampResult, error) {
	files, err := s.lacking(ctx, st, ids)
	if err != nil || len(files) == 0 {
		return nil, err
	}
	got := map[int64][]qantar.FileTimestamp{}
	var out []StampResult
	for _, a := range s.Authorities {
		var batch []*qantar.File
		for _, f := range files {
			if !hasToken(f, a.Name) {
				batch = append(batch, f)
			}
		}
		out = append(out, s.ask(ctx, a, batch, got)...)
	}
	byFile := map[int64]*qantar.File{}
	for _, f := range files {
		byFile[f.ID] = f
	}
	failed := map[int64]error{}
	for id, ts := range got {
		if err := s.write(ctx, st, byFile[id], ts); err != nil {
			failed[id] = err
		}
	}
	for i := range out {
		if err, ok := failed[out[i].FileID]; ok && out[i].Err == nil {
			out[i].Err, out[i].Time = err, time.Time{}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].FileID < out[j].FileID })
	return out, nil
}

// ask gets a's tokens for the batch in one call, checks each, and adds
// the good ones to got by file.
func (s Stamping) ask(ctx context.Context, a tsa.Authority, batch []*qantar.File, got map[int64][]qantar.FileTimestamp) []StampResult {
	if len(batch) == 0 {
		return nil
	}
	digests := make([][]byte, len(batch))
	salts := make([][]byte, len(batch))
	for i, f := range batch {
		if f.ProtectionLevel() != qantar.Public {
			// The authority and the network see a salted digest only:
			// nothing that says which file this is.
			salts[i] = make([]byte, 32)
			rand.Read(salts[i])
		}
		digests[i] = qantar.FileTimestamp{Salt: salts[i]}.Imprint(f.SHA256)
	}
	out := make([]StampResult, len(batch))
	for i, r := range tsa.Stamp(ctx, digests, []tsa.Authority{a}) {
		f := batch[i]
		res := StampResult{FileID: f.ID, SHA256: f.SHA256, Authority: a.Name, Err: r.Err}
		if res.Err == nil {
			at, err := s.Trust.Check(a.Name, r.Token, r.Digest)
			if err == nil && !at.Equal(r.Time) {
				err = ErrStampTime
			}
			if err != nil {
				res.Err = qantar.Fail(a.Name, tsa.ErrBadResponse, err)
			} else {
				res.Time = at
				got[f.ID] = append(got[f.ID], qantar.FileTimestamp{Authority: a.Name, Time: at.UTC().Format(time.RFC3339Nano), Token: r.Token, Salt: salts[i]})
			}
		}
		out[i] = res
	}
	return out
}

// lacking returns the live files (of ids, or all) that lack a token from
// one of the authorities.
func (s Stamping) lacking(ctx context.Context, st qantar.Store, ids []int64) ([]*qantar.File, error) {
	var recs []qantar.Record
	if len(ids) == 0 {
		var err error
		if recs, err = qantar.ListAll(ctx, st, qantar.KindFile, qantar.Filter{Reader: qantar.System}); err != nil {
			return nil, err
		}
	}
	for _, id := range ids {
		rec, err := st.Get(ctx, qantar.KindFile, id)
		if qantar.ErrorCode(err) == qantar.ENOTFOUND {
			continue
		} else if err != nil {
			return nil, err
		}
		recs = append(recs, rec)
	}
	var out []*qantar.File
	for _, rec := range recs {
		f, ok := rec.(*qantar.File)
		if !ok || !qantar.IsSHA256(f.SHA256) {
			continue
		}
		for _, a := range s.Authorities {
			if !hasToken(f, a.Name) {
				out = append(out, f)
				break
			}
		}
	}
	return out, nil
}

// write adds the tokens to the file as a new version, over the version
// read; when another write came first (ECONFLICT) it reads the file again
// and tries once more with the tokens it still lacks.
func (s Stamping) write(ctx context.Context, st qantar.Store, f *qantar.File, ts []qantar.FileTimestamp) error {
	for try := 0; ; try++ {
		n := *f
		n.Timestamps = slices.Clone(f.Timestamps)
		for _, t := range ts {
			if !hasToken(&n, t.Authority) {
				n.Timestamps = append(n.Timestamps, t)
			}
		}
		if len(n.Timestamps) == len(f.Timestamps) {
			return nil // another run stamped it meanwhile
		}
		err := st.Update(ctx, s.Actor, &n)
		if err == nil {
			*f = n
			return nil
		}
		if qantar.ErrorCode(err) != qantar.ECONFLICT {
			return err
		}
		if try > 0 {
			return qantar.Fail(f.SHA256, ErrStampWrite, err)
		}
		rec, err := st.Get(ctx, qantar.KindFile, f.ID)
		if err != nil {
			return err
		}
		fresh, ok := rec.(*qantar.File)
		if !ok || fresh.SHA256 != f.SHA256 {
			return qantar.Fail(f.SHA256, ErrStampWrite, "the record changed kind or bytes")
		}
		f = fresh
	}
}

func hasToken(f *qantar.File, authority string) bool {
	return slices.ContainsFunc(f.Timestamps, func(t qantar.FileTimestamp) bool { return t.Authority == authority })
}

// StampProblem is a stored token that does not verify.
type StampProblem struct {
	FileID    int64
	SHA256    string
	Authority string
	Err       error
}

// VerifyStamps checks every stored token of every live file: that it is
// over the file's SHA-256 (salted for a protected file), signed (by a certificate chaining to the
// authority's roots when trust knows them, else by the certificate it
// carries), unaltered, and that the time beside it is its own. It returns
// the problems and how many tokens were checked against known roots and
// for their structure only.
func VerifyStamps(ctx context.Context, st qantar.Store, trust Trust) (problems []StampProblem, rooted, structural int, err error) {
	recs, err := qantar.ListAll(ctx, st, qantar.KindFile, qantar.Filter{Reader: qantar.System})
	if err != nil {
		return nil, 0, 0, err
	}
	for _, rec := range recs {
		f := rec.(*qantar.File)
		for _, ts := range f.Timestamps {
			if trust.Known(ts.Authority) {
				rooted++
			} else {
				structural++
			}
			if err := checkStamp(trust, ts, ts.Imprint(f.SHA256)); err != nil {
				problems = append(problems, StampProblem{FileID: f.ID, SHA256: f.SHA256, Authority: ts.Authority, Err: err})
			}
		}
	}
	return problems, rooted, structural, nil
}

func checkStamp(trust Trust, ts qantar.FileTimestamp, digest []byte) error {
	at, err := trust.Check(ts.Authority, ts.Token, digest)
	if err != nil {
		return err
	}
	recorded, err := time.Parse(time.RFC3339Nano, ts.Time)
	if err != nil || !recorded.Equal(at) {
		return ErrStampTime
	}
	return nil
}

// IsUnavailable reports whether a result failed because its authority did
// not answer (as opposed to answering wrongly).
func IsUnavailable(err error) bool { return errors.Is(err, tsa.ErrUnavailable) }

// Stamper stamps in the background (serve --tsa): soon after Poke, the
// files added since it last looked, without delaying the upload that
// poked it; at start and every Retry, every file still lacking a token.
type Stamper struct {
	Stamping
	Store  qantar.Store
	Retry  time.Duration
	Logger *slog.Logger
	// OnResult, when set, sees every result (tests wait on it).
	OnResult func(StampResult)
	poke     chan struct{}
	last     int64 // the highest file id looked at
}

// NewStamper returns a Stamper; Run starts it.
func NewStamper(s Stamping, st qantar.Store, retry time.Duration, logger *slog.Logger) *Stamper {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Stamper{Stamping: s, Store: st, Retry: retry, Logger: logger, poke: make(chan struct{}, 1)}
}

// Poke asks for the files added since the last look to be stamped; it
// never waits.
func (s *Stamper) Poke() {
	select {
	case s.poke <- struct{}{}:
	default:
	}
}

// Watch returns b as a blob store whose every stored file pokes s (the
// record follows the bytes: the stamper looks until it is there).
func (s *Stamper) Watch(b blob.Store) blob.Store { return &pokingBlobs{Store: b, s: s} }

type pokingBlobs struct {
	blob.Store
	s *Stamper
}

func (p *pokingBlobs) Put(ctx context.Context, r io.Reader, opt blob.PutOptions) (blob.Info, error) {
	info, err := p.Store.Put(ctx, r, opt)
	if err == nil {
		p.s.Poke()
	}
	return info, err
}

// Run stamps until ctx ends.
func (s *Stamper) Run(ctx context.Context) {
	retry := s.Retry
	if retry <= 0 {
		retry = 10 * time.Minute
	}
	tick := time.NewTicker(retry)
	defer tick.Stop()
	s.runAll(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			s.runAll(ctx)
		case <-s.poke:
			s.runNew(ctx)
		}
	}
}

// runAll stamps every file lacking a token.
func (s *Stamper) runAll(ctx context.Context) {
	if _, err := s.newIDs(ctx); err != nil {
		s.Logger.Warn("timestamps: cannot list files", "err", err)
		return
	}
	s.report(s.Stamp(ctx, s.Store))
}

// runNew stamps the files added since the last look, looking again for a
// few seconds while none has appeared (the poke comes with the bytes,
// just before the record is written).
func (s *Stamper) runNew(ctx context.Context) {
	for range 40 {
		ids, err := s.newIDs(ctx)
		if err != nil {
			s.Logger.Warn("timestamps: cannot list files", "err", err)
			return
		}
		if len(ids) > 0 {
			s.report(s.Stamp(ctx, s.Store, ids...))
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// newIDs returns the ids of the files after the last one looked at.
func (s *Stamper) newIDs(ctx context.Context) ([]int64, error) {
	var ids []int64
	for {
		page, _, err := s.Store.List(ctx, qantar.KindFile, qantar.Filter{Reader: qantar.System, After: s.last, Limit: qantar.MaxLimit, Sort: "id"})
		if err != nil {
			return ids, err
		}
		for _, r := range page {
			id := r.GetMeta().ID
			ids = append(ids, id)
			s.last = max(s.last, id)
		}
		if len(page) < qantar.MaxLimit {
			return ids, nil
		}
	}
}

func (s *Stamper) report(res []StampResult, err error) {
	if err != nil {
		s.Logger.Warn("timestamps: cannot stamp", "err", err)
		return
	}
	for _, r := range res {
		if r.Err != nil {
			s.Logger.Warn("timestamps: file left without a token, to be retried", "file", r.FileID, "authority", r.Authority, "err", r.Err)
		} else {
			s.Logger.Info("timestamps: file stamped", "file", r.FileID, "authority", r.Authority, "time", r.Time)
		}
		if s.OnResult != nil {
			s.OnResult(r)
		}
	}
}
