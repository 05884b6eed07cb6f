package tlog

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"

	"github.com/qantar-project/qantar"
)

// StoredVersion is one version as a store keeps it, to be checked against
// the leaf that logs it (`qantar verify --db`, on every store).
type StoredVersion struct {
	Kind    qantar.Kind
	ID      int64
	Version int
	Op      qantar.Op
	Actor   string
	At      time.Time
	Data    []byte // the canonical JSON the leaf commits to
	Reason  string // a deletion's reason, "" for a create or update; a v2 or v3 leaf commits to it
	Salt    []byte // nil for a v1 public version
}

// CheckVersion returns what is wrong with a stored version against its
// leaf, naming the record and version, or "" when they agree. A nil v is a
// version the store no longer has. It is VersionProblem in English.
func CheckVersion(l Leaf, v *StoredVersion) string {
	if p := VersionProblem(l, v); p != nil {
		return p.Error()
	}
	return ""
}

// VersionProblem is CheckVersion's problem as a catalogue key and its
// arguments (qantar.Error.Key), nil when the leaf and version agree.
func VersionProblem(l Leaf, v *StoredVersion) *qantar.Error {
	if v != nil && (l.Kind != v.Kind || l.ID != v.ID || l.Version != v.Version) {
		return qantar.Errorf(qantar.EINVALID, "leaf %d is %s/%d version %d but the version stored at it is %s/%d version %d",
			l.Index, l.Kind, l.ID, l.Version, v.Kind, v.ID, v.Version)
	}
	problem := versionProblem(l, v)
	if problem == "" {
		return nil
	}
	return qantar.Errorf(qantar.EINVALID, "%s/%d version %d (leaf %d): %s", l.Kind, l.ID, l.Version, l.Index, problem)
}

// versionProblem is what VersionProblem says is wrong with the version
// that a leaf names, without naming it (the name is made only when there
// is a problem: verify checks every leaf): a word of the catalogue.
func versionProblem(l Leaf, v *StoredVersion) qantar.Word {
	switch {
	case v == nil:
		return "the stored version is missing"
	case l.Op != v.Op || l.Actor != shownActor(l.Format, v.Actor):
		return "its operation or actor was changed"
	case !l.Time.Equal(v.At.UTC().Truncate(time.Microsecond)):
		return "its time was changed"
	case !l.Matches(v.Data, v.Reason, v.Actor, v.Salt):
		switch {
		case l.Format == LeafV3 && v.Op == qantar.OpDelete:
			return "its stored content, deletion reason or actor does not match the log"
		case l.Format == LeafV3:
			return "its stored content or actor does not match the log"
		case l.Format == LeafV2 && v.Op == qantar.OpDelete:
			return "its stored content or deletion reason does not match the log"
		}
		return "its stored content does not match the log"
	}
	return ""
}

// shownActor is what a leaf of format f shows of actor on its fourth line:
// the id in v1 and v2, its class in v3.
func shownActor(f LeafFormat, actor string) string {
	if f == LeafV3 {
		return ActorClass(actor)
	}
	return actor
}

// CurrentRecord is a store's current row of a record beside the version
// row it claims to be.
type CurrentRecord struct {
	Kind       qantar.Kind
	ID         int64
	Version    int
	Deleted    bool
	Data       []byte    // the record's current JSON
	Protection string    // the store's protection column of the record, which must be qantar.Protection of Data
	Logged     []byte    // the canonical JSON of that version; nil when the version row is missing
	LoggedOp   qantar.Op // that version's operation
	MaxVersion int       // the highest version stored for the record
}

// CheckCurrent returns what is wrong with a record's current row against
// its history: it must be its latest version, deleted exactly when that
// version is a deletion, hold that version's content, and have the
// protection column that content implies. Each problem is a catalogue key
// with its arguments.
func CheckCurrent(r CurrentRecord) []*qantar.Error {
	problems, _ := CheckCurrentDecoded(r)
	return problems
}

// CheckCurrentDecoded is CheckCurrent, and also returns the record that
// r.Data decodes to (as qantar.DecodeStored decodes it; nil when it does
// not decode), so that a caller checking more of the record (its kept
// projections) decodes it once.
func CheckCurrentDecoded(r CurrentRecord) ([]*qantar.Error, qantar.Record) {
	name := string(r.Kind) + "/" + strconv.FormatInt(r.ID, 10)
	problem := func(format string, args ...any) *qantar.Error {
		return qantar.Errorf(qantar.EINVALID, format, append([]any{name}, args...)...)
	}
	rec, err := qantar.New(r.Kind)
	if err == nil {
		err = json.Unmarshal(r.Data, rec)
	}
	if err != nil {
		rec = nil
	}
	if r.Logged == nil {
		return []*qantar.Error{problem("%s: its current version %d has no stored version", r.Version)}, rec
	}
	var out []*qantar.Error
	if r.MaxVersion != r.Version {
		out = append(out, problem("%s: the record is at version %d but version %d exists", r.Version, r.MaxVersion))
	}
	if r.Deleted != (r.LoggedOp == qantar.OpDelete) {
		out = append(out, problem("%s: its deletion state does not match its history"))
	}
	if err != nil {
		return append(out, problem("%s: its stored content does not decode: %v", err)), nil
	}
	if canon, err := qantar.Canonical(rec); err != nil || !bytes.Equal(canon, r.Logged) {
		out = append(out, problem("%s: its current content differs from its logged version %d", r.Version))
	}
	// The column that lists and search filter on decides who sees the
	// record: it must say what the logged content says (a level, never a
	// value of the record).
	if p := qantar.Protection(rec); r.Protection != p {
		out = append(out, problem("%s: its protection column says %q but its content says %q", r.Protection, p))
	}
	return out, rec
}
