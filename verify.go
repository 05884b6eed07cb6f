package qantar

import "fmt"

// MaxProblems caps the problems a VerifyReport lists one by one.
const MaxProblems = 100

// VerifyReport is what a store found when it checked itself against its log
// (`qantar verify --db`): every record version against its leaf, the tree
// against the latest signed checkpoint, every record against its history.
type VerifyReport struct {
	Leaves   uint64
	Root     []byte
	Records  int
	Problems []string // each names the record and version, or the leaf, at fault
	Dropped  int      // problems beyond the first MaxProblems
}

// OK reports whether nothing was wrong.
func (r *VerifyReport) OK() bool { return len(r.Problems) == 0 && r.Dropped == 0 }

// Problem records one problem.
func (r *VerifyReport) Problem(format string, args ...any) {
	if len(r.Problems) >= MaxProblems {
		r.Dropped++
		return
	}
	r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
}
