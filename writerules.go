package qantar

import (
	"strings"
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
		return CheckSelfReference(rec)
	}
	return nil
}
