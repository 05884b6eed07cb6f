package qantar

import (
	"bytes"
	"fmt"
)

// MaxProblems caps the problems a VerifyReport lists one by one.
const MaxProblems = 100

// VerifyReport is what a store found when it checked itself against its log
// (`qantar verify --db`): every record version against its leaf, the tree
// against the latest signed checkpoint, every record against its history.
type VerifyReport struct {
	Leaves  uint64
	Root    []byte
	Records int
	// Problems each name the record and version, or the leaf, at fault,
	// never what a protected record holds: in English (Error), and in
	// Keyed, the same problems in the same order, as catalogue keys with
	// their arguments (Error.Key), which `qantar verify` says in the
	// reader's language.
	Problems []string
	Keyed    []*Error
	Dropped  int // problems beyond the first MaxProblems
}

// OK reports whether nothing was wrong.
func (r *VerifyReport) OK() bool { return len(r.Problems) == 0 && r.Dropped == 0 }

// Problem records one problem: format is its catalogue key.
func (r *VerifyReport) Problem(format string, args ...any) {
	r.Add(Errorf(EINVALID, format, args...))
}

// Add records problems already made (tlog's, a projection's).
func (r *VerifyReport) Add(problems ...*Error) {
	for _, p := range problems {
		if len(r.Problems) >= MaxProblems {
			r.Dropped++
			continue
		}
		r.Problems = append(r.Problems, p.Error())
		r.Keyed = append(r.Keyed, p)
	}
}

// KeptProjectionProblem says how a store's kept projections of rec (pub
// and view, nil when the record itself) differ from what Projections makes
// of it now; nil when they agree. verify uses it: an edited projection
// column would show readers what they may not see.
func KeptProjectionProblem(rec Record, data, pub, view []byte, resolve Resolver) *Error {
	p, v, err := Projections(rec, data, resolve)
	name := fmt.Sprintf("%s/%d", rec.Kind(), rec.GetMeta().ID)
	switch {
	case err != nil:
		return Errorf(EINVALID, "%s: its projections cannot be made: %v", name, err)
	case !bytes.Equal(p, pub):
		return Errorf(EINVALID, "%s: what anonymous readers are shown of it is not its projection", name)
	case !bytes.Equal(v, view):
		return Errorf(EINVALID, "%s: what viewers are shown of it is not its projection", name)
	}
	return nil
}
