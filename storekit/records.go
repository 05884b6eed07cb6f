package storekit

import (
	"context"
	"fmt"
	"time"

	"github.com/qantar-project/qantar"
)

// What both stores decide alike around a write of a record, and the reads
// of one live record; each store keeps its locking, ids and statements.

// Check validates rec, written by actor over prev (nil for a create),
// against the write rules and the checker (may be nil), and that each
// record it refers to exists: exists reads it live (and locks it, where
// the store must) and says false when there is none.
func Check(ctx context.Context, actor qantar.Actor, rec, prev qantar.Record, checker qantar.Checker, exists func(r qantar.Ref) (bool, error)) error {
	if err := qantar.CheckWrite(actor, rec, prev); err != nil {
		return err
	}
	for _, r := range rec.Refs() {
		ok, err := exists(qantar.Ref{Kind: r.Kind, ID: r.ID})
		if err != nil {
			return fmt.Errorf("check %s: %w", r.Field, err)
		}
		if !ok {
			return qantar.FieldErrorf(r.Field, "%s/%d does not exist", r.Kind, r.ID)
		}
	}
	if checker != nil {
		return checker.Check(ctx, rec, prev)
	}
	return nil
}

// Updating checks an update of rec against its record as it stands (get
// reads it live, and locks it where the store must) and check (Check, and
// what else the store checks), gives rec its next version at now, and
// returns the record as it stood.
func Updating(rec qantar.Record, now time.Time, get func() (qantar.Record, error), check func(cur qantar.Record) error) (qantar.Record, error) {
	m := rec.GetMeta()
	cur, err := get()
	if err != nil {
		return nil, err
	}
	cm := cur.GetMeta()
	if err := qantar.CheckVersion(rec.Kind(), m.ID, m.Version, cm.Version, false); err != nil {
		return nil, err
	}
	if err := check(cur); err != nil {
		return nil, err
	}
	m.Version, m.CreatedAt, m.UpdatedAt = cm.Version+1, cm.CreatedAt, now
	return cur, nil
}

// Deleting checks a deletion of kind/id at version by actor, with a
// reason, of the record get reads live; referrer returns a live record
// that still refers to it, if any. It returns the record as deleted at now
// and the reason as it is kept.
func Deleting(actor qantar.Actor, kind qantar.Kind, id int64, version int, reason string, now time.Time,
	get func() (qantar.Record, error), referrer func() (*qantar.Ref, error)) (qantar.Record, string, error) {
	if err := qantar.CheckWriter(actor); err != nil {
		return nil, "", err
	}
	reason, err := qantar.CleanDeleteReason(reason)
	if err != nil {
		return nil, "", err
	}
	cur, err := get()
	if err != nil {
		return nil, "", err
	}
	m := cur.GetMeta()
	if err := qantar.CheckVersion(kind, id, version, m.Version, true); err != nil {
		return nil, "", err
	}
	from, err := referrer()
	if err != nil {
		return nil, "", fmt.Errorf("check references: %w", err)
	} else if from != nil {
		return nil, "", qantar.StillReferred(kind, id, *from)
	}
	m.Version, m.UpdatedAt = m.Version+1, now
	return cur, reason, nil
}

// QReferrer reads a live record that refers to kind/id ($1, $2), other
// than itself.
const QReferrer = `SELECT r.from_kind, r.from_id FROM refs r
		JOIN records x ON x.kind = r.from_kind AND x.id = r.from_id AND x.deleted_at IS NULL
		WHERE r.to_kind = $1 AND r.to_id = $2 AND NOT (r.from_kind = $1 AND r.from_id = $2) LIMIT 1`

// Referrer scans QReferrer's row: nil when there was none.
func Referrer(row Row, noRows func(error) bool) (*qantar.Ref, error) {
	var kind string
	var id int64
	err := row.Scan(&kind, &id)
	if noRows(err) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return &qantar.Ref{Kind: qantar.Kind(kind), ID: id}, nil
}

// KeyTaken is the refusal of a record whose external key another record
// of its kind has.
func KeyTaken(rec qantar.Record) error {
	return &qantar.Error{Code: qantar.ECONFLICT, Field: "external_key", Message: fmt.Sprintf("another %s already has external key %q", rec.Kind().Singular(), rec.GetMeta().ExternalKey)}
}

// Exists is the refusal of a record created with an id that is taken.
func Exists(rec qantar.Record) error {
	return qantar.Errorf(qantar.ECONFLICT, "%s/%d already exists", rec.Kind(), rec.GetMeta().ID)
}

// GetByExternalKey reads the live record of kind with an external key.
func GetByExternalKey(ctx context.Context, r Reader, kind qantar.Kind, key string) (qantar.Record, error) {
	var data string
	err := r.QueryRow(ctx, `SELECT data FROM records WHERE kind = $1 AND external_key = $2 AND deleted_at IS NULL`, string(kind), key).Scan(&data)
	if r.NoRows(err) {
		return nil, qantar.Errorf(qantar.ENOTFOUND, "no %s has external key %q", kind.Singular(), key)
	} else if err != nil {
		return nil, fmt.Errorf("get %s by key: %w", kind, err)
	}
	return qantar.DecodeStored(kind, data)
}
