package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/tlog"
)

// Engine is what the engine tests (RunEngine) need of a store's package
// beyond a new store: to open one database again, read-only too, and to
// change it behind the store's back as anyone with access to the database
// could.
type Engine struct {
	// New makes a new, empty database for one test, removed when the test
	// ends, and says where it is.
	New func(t *testing.T) Place
	// Open opens the database at p; the caller closes it.
	Open func(ctx context.Context, p Place, o Options) (EngineStore, error)
	// Exec runs one statement on the database at p directly and returns how
	// many rows it changed.
	Exec func(t *testing.T, p Place, sql string) int64
	// State is a fingerprint of all that the database at p holds (and of
	// its key file): equal before and after, nothing was written.
	State func(t *testing.T, p Place) string
	// Tamperings are the engine's own ways to change a logged database
	// (see logged) that Verify must name, beside those every engine shares
	// (tamperings).
	Tamperings []Tampering
}

// Place is where a test's database is: its file or URL, and the file of
// its log key.
type Place struct{ Addr, Key string }

// Options are the options of an engine's Open that the engine tests set.
type Options struct {
	Now       func() time.Time // the clock (nil: the real one)
	ReadOnly  bool
	Repair    bool
	LogOrigin string
}

// EngineStore is what the engine tests need of an open store.
type EngineStore interface {
	Store
	qantar.UserService
	Verify(ctx context.Context) (*qantar.VerifyReport, error)
	Proof(ctx context.Context, kind qantar.Kind, id int64, version int) (*tlog.RecordProof, error)
	Tile(ctx context.Context, t tlog.TileID) ([]byte, error)
	LogKey() string
	RepairCheckpoint(ctx context.Context, why string) ([]byte, error)
	MarkRebuild(ctx context.Context, why string) error
	Close() error
}

// Tampering is one change to a logged database, in the engine's SQL, and
// what Verify's problems must then name.
type Tampering struct{ Name, SQL, Want string }

// RunEngine runs the tests of a store's engine: users and sessions, the log
// and its verification, read-only opens and the log's name.
func RunEngine(t *testing.T, e Engine) {
	tests := []struct {
		name string
		fn   func(*testing.T, Engine)
	}{
		{"Users", testUsers},
		{"TOTPStepOnce", func(t *testing.T, e Engine) { TOTPStepOnce(t, openEngine(t, e, e.New(t), Options{})) }},
		{"VerifyUntouched", testVerifyUntouched},
		{"VerifyFindsTampering", testVerifyFindsTampering},
		{"ProofAndTiles", testProofAndTiles},
		{"ReadOnlyOpenWritesNothing", testReadOnlyOpenWritesNothing},
		{"ReadOnlyRefusesOlderSchema", testReadOnlyRefusesOlderSchema},
		{"ReadOnlyNeedsKey", testReadOnlyNeedsKey},
		{"LogKeepsItsOrigin", testLogKeepsItsOrigin},
		{"RepairCheckpoint", testRepairCheckpoint},
		{"SearchReindexes", testSearchReindexes},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fn(t, e)
		})
	}
}

// openEngine opens the database at p, closed when the test ends.
func openEngine(t *testing.T, e Engine, p Place, o Options) EngineStore {
	t.Helper()
	s, err := e.Open(ctx(), p, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
