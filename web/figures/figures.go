// Package figures is what the JSON API and the pages compute alike from the
// records: the published figures pinned to a checkpoint (PinnedStats,
// StatsAt), the estimate of the dead from the lists (EstimateFrom), overdue
// complaints, who is on which list (Membership), record linkage's proposals
// (Link) and a record's history as a reader may see it (VisibleHistory).
// Figures count, they never name: they are computed from every record, while
// what names a record goes through qantar.Project for its reader.
package figures

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/law"
)

// Checkpointer is the part of the log the figures read: its latest signed
// checkpoint and the key it is signed with.
type Checkpointer interface {
	Checkpoint(ctx context.Context) ([]byte, error)
	LogKey() string
}

// Auditor notes that a reader was shown a protected version in full.
type Auditor interface {
	Audit(r *http.Request, action string, kind qantar.Kind, id int64, detail string)
}

// Figures computes from one store, and keeps the figures computed at each
// checkpoint (the records at a checkpoint never change).
type Figures struct {
	store qantar.Store
	log   Checkpointer
	rules *law.Registry
	now   func() time.Time
	audit func(r *http.Request, action string, kind qantar.Kind, id int64, detail string)

	mu    sync.Mutex
	stats map[string]*PinnedStats
	// running are the computations under way, by the key of stats they
	// will be kept under: however many readers ask, one computes.
	running map[string]*computation
	// latest are the newest figures computed at the latest checkpoint of
	// their time, by as_of ("" for the checkpoint's own day): what a reader
	// who may take them is answered while those of a newer one are
	// computed (latest.go).
	latest map[string]*PinnedStats
	// estimates are the estimates at the checkpoint estimatesAt (its size
	// and root), by method and stratification (EstimateAt).
	estimates   map[string]*EstimateAnswer
	estimatesAt string
	// refreshing says a computation of the latest figures that no reader
	// waits for is under way (refresh).
	refreshing bool
	// members are who is on which list at the log size membersAt, by
	// log state and class of reader (Membership).
	members   map[string]*membership
	membersAt int64
	// kept are the records of each kind at the latest size they were read
	// at for figures (kept.go).
	kept map[qantar.Kind]keptKind
}

// New returns the figures of store; log may be nil when the store reads
// records at a checkpoint itself (qantar.AtReader), audit nil for no audit.
func New(store qantar.Store, log Checkpointer, rules *law.Registry, now func() time.Time, audit Auditor) *Figures {
	if rules == nil {
		rules = law.DefaultRegistry()
	}
	if now == nil {
		now = time.Now
	}
	f := &Figures{store: store, log: log, rules: rules, now: now, audit: func(*http.Request, string, qantar.Kind, int64, string) {}}
	if audit != nil {
		f.audit = audit.Audit
	}
	return f
}
