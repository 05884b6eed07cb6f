package qantar

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Roles, from least to most trusted. An anonymous reader has no role.
const (
	RoleViewer = "viewer" // may read restricted records
	RoleEditor = "editor" // may write
	RoleAdmin  = "admin"  // may manage accounts and tokens, and read confidential records
)

// Roles lists the roles in order of trust.
var Roles = []string{RoleViewer, RoleEditor, RoleAdmin}

// Actor is who reads or writes: a token, a signed-in account, or nobody.
// Its ID ("token:3", "user:7", "system") is recorded with every version and
// in every log leaf.
type Actor struct {
	ID   string
	Name string
	Role string
}

// Anonymous is the public reader.
var Anonymous = Actor{}

// System is the actor of bundled data and migrations.
var System = Actor{ID: "system", Name: "system", Role: RoleAdmin}

// CanWrite reports whether the actor may create, edit and delete records.
func (a Actor) CanWrite() bool { return a.Role == RoleEditor || a.Role == RoleAdmin }

// LogID is how a version and its log leaf name the actor: the ID, or
// "anonymous".
func (a Actor) LogID() string {
	if a.ID == "" {
		return "anonymous"
	}
	return a.ID
}

// CheckExternalKey checks an external key (a list's own row id) as every
// store does before writing it.
func CheckExternalKey(k string) error {
	if len(k) > 200 {
		return FieldErrorf("external_key", "is longer than 200 bytes")
	}
	for _, r := range k {
		if r < 0x20 || r == 0x7f {
			return FieldErrorf("external_key", "contains a control character")
		}
	}
	return nil
}

// DecodeStored reads a record of kind k from the JSON a store wrote, which
// it trusts (Decode is for input).
func DecodeStored(k Kind, data string) (Record, error) {
	rec, err := New(k)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(data), rec); err != nil {
		return nil, fmt.Errorf("decode stored %s: %w", k, err)
	}
	return rec, nil
}

// CanSee reports whether the actor may see a record at the given protection
// level. It is the one function that decides what a reader may see; every
// path (pages, API, search, export, log) goes through it.
func (a Actor) CanSee(protection string) bool {
	switch protection {
	case "", Public:
		return true
	case Restricted:
		return a.Role == RoleViewer || a.Role == RoleEditor || a.Role == RoleAdmin
	case Confidential:
		return a.Role == RoleEditor || a.Role == RoleAdmin
	}
	return false
}

// Op is what a version did to its record.
type Op string

const (
	OpCreate Op = "create"
	OpUpdate Op = "update"
	OpDelete Op = "delete"
)

// Version is one stored version of a record: who wrote it, when, why, and
// the record's content as it was.
type Version struct {
	Kind      Kind            `json:"kind"`
	ID        int64           `json:"id"`
	Version   int             `json:"version"`
	Op        Op              `json:"op"`
	Actor     string          `json:"actor"`
	At        time.Time       `json:"at"`
	Reason    string          `json:"reason,omitempty"`
	LeafIndex *int64          `json:"leaf_index,omitempty"`
	Data      json.RawMessage `json:"data,omitempty"`
	// Salt is the version's log salt, 64 hex digits (tlog/LEAF.md): with
	// Data and Reason it recomputes the leaf's commitment. A store returns
	// it for every version that has one; whatever shows a version to a
	// reader serves it only when the reader may see that version whole.
	Salt string `json:"salt,omitempty"`
}

// Filter selects records of one kind for a list.
type Filter struct {
	// Where holds field = value conditions on top-level scalar fields
	// ("type": "death_in_custody", "event_id": "3"); see FilterFields.
	Where map[string]string
	// Q matches, case-insensitively, anywhere in the record's text.
	Q string
	// Sort is a field name, "-" before it for descending; default "id".
	Sort   string
	Limit  int
	Offset int
	// Reader decides which protected records are visible; anonymous by default.
	Reader Actor
	// WithDeleted includes deleted records (for exports of the full history).
	WithDeleted bool
	// CountLimit, when above zero, bounds the count of the total: a total
	// above CountLimit is returned as CountLimit+1, read as "more than
	// CountLimit", so that a value most records share (sex=female of
	// millions) costs CountLimit index entries, not all of them.
	CountLimit int
	// After, when set, keeps the records whose id is greater, in the order
	// of ids, and the total is not counted (-1): how ListAll reads a whole
	// kind a page at a time without the cost of an offset.
	After int64
}

// ScanReferrers returns the live records of kind from that refer to to/id,
// as reader sees them: the projections of every record of the kind, read
// whole, for a store that cannot find its referrers by index.
func ScanReferrers(ctx context.Context, st Store, reader Actor, to Kind, id int64, from Kind) ([]Record, error) {
	all, err := ListAll(ctx, st, from, Filter{Reader: reader})
	if err != nil {
		return nil, err
	}
	var out []Record
	for _, rec := range all {
		for _, r := range rec.Refs() {
			if r.Kind == to && r.ID == id {
				out = append(out, rec)
				break
			}
		}
	}
	return out, nil
}

// ListAll returns every live record of a kind that f selects, as f.Reader
// sees them, in the order of ids (EachAll).
func ListAll(ctx context.Context, st Store, kind Kind, f Filter) ([]Record, error) {
	var out []Record
	err := EachAll(ctx, st, kind, f, func(page []Record) error {
		out = append(out, page...)
		return nil
	})
	return out, err
}

// EachAll gives fn every live record of a kind that f selects, as f.Reader
// sees them, in the order of ids, a page at a time read after the last id
// (f's Sort, Limit, Offset and After are its own): a reader that keeps
// part of each record never holds the kind whole. An error from fn stops
// the read and is returned.
func EachAll(ctx context.Context, st Store, kind Kind, f Filter, fn func([]Record) error) error {
	f.Sort, f.Limit, f.Offset, f.After = "id", MaxLimit, 0, 0
	for {
		page, _, err := st.List(ctx, kind, f)
		if err != nil {
			return err
		}
		if err := fn(page); err != nil {
			return err
		}
		if len(page) < MaxLimit {
			return nil
		}
		last := page[len(page)-1].GetMeta().ID
		if last <= f.After {
			return fmt.Errorf("list %s: the store does not read after id %d", kind, f.After)
		}
		f.After = last
	}
}

// MaxLimit caps a list page.
const MaxLimit = 1000

// FilterFields lists, per kind, the fields a list may be filtered on.
var FilterFields = map[Kind][]string{
	KindSource:      {"kind", "publisher", "language", "reliability", "date", "external_key"},
	KindEvent:       {"place_id", "parent_id", "start", "external_key"},
	KindPlace:       {"kind", "region_then_id", "region_now_id", "external_key"},
	KindPerson:      {"sex", "protection", "consent", "birth_date", "same_as_id", "external_key"},
	KindUnit:        {"kind", "external_key"},
	KindPost:        {"person_id", "unit_id", "role", "external_key"},
	KindAct:         {"victim_id", "event_id", "type", "place_id", "victim_status", "date", "external_key"},
	KindInvolvement: {"act_id", "person_id", "unit_id", "degree", "external_key"},
	KindCase:        {"number", "authority_id", "jurisdiction", "opened_on", "external_key"},
	KindComplaint:   {"kind", "filer_id", "addressee_id", "case_id", "escalates_id", "filed_on", "filer_role", "external_key"},
	KindCitation:    {"record_kind", "record_id", "source_id", "field", "external_key"},
	KindFigure:      {"measure", "value", "qualifier", "official", "place_id", "event_id", "source_id", "as_of", "external_key"},
	KindFile:        {"source_id", "sha256", "media_type", "protection", "derived_from", "derivation", "external_key"},
}

// SortFields are the fields every list can be sorted on, besides its filters.
var SortFields = []string{"id", "created_at", "updated_at", "version"}

// Checker checks a record against rules the root package cannot know, such
// as a jurisdiction's complaint kinds and case procedure (see package law).
// prev is the current version for an update, nil for a create.
type Checker interface {
	Check(ctx context.Context, rec Record, prev Record) error
}

// Writer writes records. A Store is a Writer whose every call is its own
// transaction; inside Store.InTx, all calls share one transaction.
type Writer interface {
	// Create stores a new record as version 1 and sets its Meta.
	Create(ctx context.Context, actor Actor, rec Record) error
	// Update stores rec as a new version of the record rec.ID; rec.Version
	// must be the current version, else ECONFLICT and nothing changes.
	Update(ctx context.Context, actor Actor, rec Record) error
	// Delete records the deletion of a record at the given current version,
	// with a reason. The record's history stays.
	Delete(ctx context.Context, actor Actor, kind Kind, id int64, version int, reason string) error
	// Get returns the current version of a record; ENOTFOUND if it never
	// existed or was deleted. Protection is the caller's business (see Visible).
	Get(ctx context.Context, kind Kind, id int64) (Record, error)
	// GetByExternalKey returns the live record with the given external key.
	GetByExternalKey(ctx context.Context, kind Kind, key string) (Record, error)
}

// BatchWriter is a Writer with a faster way to create many records, for
// imports. CreateAll is exactly a Create of each record in order that
// stops at the first one refused: it returns how many were created and the
// refused record's error. The records before it are written (within the
// transaction, as Create would), the refused one and those after it are not.
type BatchWriter interface {
	Writer
	CreateAll(ctx context.Context, actor Actor, recs []Record) (int, error)
}

// CreateAll creates recs in order through w, in one call when w is a
// BatchWriter; see BatchWriter for what it returns.
func CreateAll(ctx context.Context, w Writer, actor Actor, recs []Record) (int, error) {
	if bw, ok := w.(BatchWriter); ok {
		return bw.CreateAll(ctx, actor, recs)
	}
	for i, rec := range recs {
		if err := w.Create(ctx, actor, rec); err != nil {
			return i, err
		}
	}
	return len(recs), nil
}

// KeyLookup is a Writer that can fetch the live records of many external
// keys in one call (an import of a list that was imported before).
type KeyLookup interface {
	GetByExternalKeys(ctx context.Context, kind Kind, keys []string) (map[string]Record, error)
}

// GetByExternalKeys returns the live records of kind that have one of keys,
// by key; keys that name no live record are absent. It uses w's own batch
// lookup when w is a KeyLookup.
func GetByExternalKeys(ctx context.Context, w Writer, kind Kind, keys []string) (map[string]Record, error) {
	if kl, ok := w.(KeyLookup); ok {
		return kl.GetByExternalKeys(ctx, kind, keys)
	}
	out := map[string]Record{}
	for _, k := range keys {
		rec, err := w.GetByExternalKey(ctx, kind, k)
		switch {
		case err == nil:
			out[k] = rec
		case ErrorCode(err) != ENOTFOUND:
			return nil, err
		}
	}
	return out, nil
}

// Store keeps records and every version of them. Every write is one
// transaction that also appends the version's leaf to the log.
type Store interface {
	Writer
	// InTx runs fn in one transaction: every write in it lands, or none
	// does (fn returned an error, or the process died).
	InTx(ctx context.Context, fn func(w Writer) error) error
	// List returns one page of records and the total that match.
	List(ctx context.Context, kind Kind, f Filter) ([]Record, int, error)
	// History returns every version of a record, oldest first.
	History(ctx context.Context, kind Kind, id int64) ([]Version, error)
	// Count returns the number of live records of each kind.
	Count(ctx context.Context) (map[Kind]int, error)
	Close() error
}

// Token is an API token. Only the SHA-256 of its secret is stored.
type Token struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	Role      string     `json:"role"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// TokenService creates and checks API tokens.
type TokenService interface {
	// CreateToken stores a new token and returns it with its secret, which
	// is shown once and never stored.
	CreateToken(ctx context.Context, name, role string) (Token, string, error)
	// Authenticate returns the actor of a secret, EUNAUTHORIZED if unknown or revoked.
	Authenticate(ctx context.Context, secret string) (Actor, error)
	RevokeToken(ctx context.Context, id int64) error
	ListTokens(ctx context.Context) ([]Token, error)
}
