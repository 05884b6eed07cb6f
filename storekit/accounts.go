package storekit

import (
	"time"

	"github.com/qantar-project/qantar"
)

// What both stores decide alike about a repair, and a stored time.

// UTC returns t in UTC, nil for nil: a stored time as both stores give it.
func UTC(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// CheckRepair refuses a repair without a reason or of a database open
// read-only.
func CheckRepair(why string, readOnly bool) error {
	if err := qantar.CheckRepairReason(why); err != nil {
		return err
	}
	if readOnly {
		return qantar.Errorf(qantar.EINVALID, "the database is open read-only")
	}
	return nil
}
