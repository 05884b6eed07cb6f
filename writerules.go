package qantar

import (
	"fmt"
	"strings"
	"time"
)

// The rules every store applies to a write before it touches a row, in one
// place so that the stores cannot drift apart. Each returns the error the
// write is refused with, or nil.

// CheckWriter refuses a write by an actor who may not write.
func CheckWriter(actor Actor) error {
	if !actor.CanWrite() {
		return Errorf(EFORBIDDEN, "writing needs the editor or admin role")
	}
	return nil
}

// CheckVersion checks that an update or a deletion of kind/id names the
// current version: edited 0 is a missing version, any other stale one a
// conflict that changes nothing. deleting chooses the words.
func CheckVersion(kind Kind, id int64, edited, current int, deleting bool) error {
	switch {
	case edited == 0 && deleting:
		return FieldErrorf("version", "is required: name the version you are deleting (the current one is %d)", current)
	case edited == 0:
		return FieldErrorf("version", "is required: name the version you edited (the current one is %d)", current)
	case edited != current && deleting:
		return fieldError(ECONFLICT, "version", "%s/%d was changed by someone else: you saw version %d, the current version is %d", kind, id, edited, current)
	case edited != current:
		return fieldError(ECONFLICT, "version", "%s/%d was changed by someone else: you edited version %d, the current version is %d", kind, id, edited, current)
	}
	return nil
}

// CleanDeleteReason returns a deletion's reason as it is recorded (trimmed),
// or why it is refused: a deletion is recorded with its reason.
func CleanDeleteReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return "", FieldErrorf("reason", "is required: a deletion is recorded with its reason")
	}
	if len(reason) > MaxShort*4 {
		return "", FieldErrorf("reason", "is longer than %d bytes", MaxShort*4)
	}
	return reason, nil
}

// StillReferred is the refusal of a deletion of kind/id that from still
// refers to.
func StillReferred(kind Kind, id int64, from Ref) error {
	return Errorf(ECONFLICT, "%s/%d is still referred to by %s/%d; change or delete that first", kind, id, from.Kind, from.ID)
}

// CheckSelfReference refuses an update of rec that makes it refer to itself.
func CheckSelfReference(rec Record) error {
	for _, r := range rec.Refs() {
		if r.Kind == rec.Kind() && r.ID == rec.GetMeta().ID {
			return FieldErrorf(r.Field, "a record cannot refer to itself")
		}
	}
	return nil
}

// CheckWrite is what a store checks of a record before any of its own
// checks (references, the rules of a jurisdiction): that actor may write,
// that rec is valid and its external key well formed, and that an update
// (prev is the current version; nil for a create) does not make it refer to
// itself.
func CheckWrite(actor Actor, rec Record, prev Record) error {
	if err := CheckWriter(actor); err != nil {
		return err
	}
	if err := rec.Validate(); err != nil {
		return err
	}
	if err := CheckExternalKey(rec.GetMeta().ExternalKey); err != nil {
		return err
	}
	if prev != nil {
		if err := checkFileUpdate(rec, prev); err != nil {
			return err
		}
		return CheckSelfReference(rec)
	}
	return nil
}

// CheckAncestry refuses a unit whose parents, followed through the units
// get reads (nil, nil for one that does not exist), lead back to it over a
// period all the links between share: a unit that would be its own
// ancestor on some day. Links whose periods do not meet (A under B in
// 2020, B under A in 2023) are no loop. Any other record passes.
func CheckAncestry(rec Record, get func(id int64) (*Unit, error)) error {
	u, ok := rec.(*Unit)
	if !ok || u.ID == 0 {
		return nil
	}
	type step struct {
		id     int64
		lo, hi time.Time // the days every link so far shares; zero is open
		field  string
	}
	var todo []step
	for i, p := range u.Parents {
		lo, hi := spanOf(p)
		todo = append(todo, step{p.ParentID, lo, hi, fmt.Sprintf("parents[%d].parent_id", i)})
	}
	seen := map[step]bool{}
	for len(todo) > 0 && len(seen) < 100_000 {
		s := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if s.id == u.ID {
			return FieldErrorf(s.field, "unit %d would become its own ancestor", u.ID)
		}
		if seen[s] {
			continue
		}
		seen[s] = true
		anc, err := get(s.id)
		if err != nil {
			return err
		}
		if anc == nil {
			continue
		}
		for _, p := range anc.Parents {
			lo, hi := spanOf(p)
			if s.lo.After(lo) {
				lo = s.lo
			}
			if hi.IsZero() || !s.hi.IsZero() && s.hi.Before(hi) {
				hi = s.hi
			}
			if !lo.IsZero() && !hi.IsZero() && hi.Before(lo) {
				continue // the periods do not meet
			}
			todo = append(todo, step{p.ParentID, lo, hi, s.field})
		}
	}
	return nil
}

// spanOf is the first and last instant of a parent link (zero when open).
func spanOf(p UnitParent) (lo, hi time.Time) {
	if !p.From.IsZero() {
		lo = p.From.Time().Truncate(24 * time.Hour)
	}
	if !p.To.IsZero() {
		hi = p.To.End()
	}
	return lo, hi
}

// UnitsFrom adapts a store's read of one live record to CheckAncestry's
// get: a unit that does not exist (or no longer does) is nil.
func UnitsFrom(get func(kind Kind, id int64) (Record, error)) func(id int64) (*Unit, error) {
	return func(id int64) (*Unit, error) {
		rec, err := get(KindUnit, id)
		if ErrorCode(err) == ENOTFOUND {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		u, _ := rec.(*Unit)
		return u, nil
	}
}
