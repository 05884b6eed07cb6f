package qantar_test

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"syscall"
	"testing"

	"github.com/qantar-project/qantar"
)

type liteErr int

func (e liteErr) Error() string { return fmt.Sprintf("sqlite error %d", int(e)) }
func (e liteErr) Code() int     { return int(e) }

type pgErr string

func (e pgErr) Error() string    { return "pg " + string(e) }
func (e pgErr) SQLState() string { return string(e) }

func TestStorageCode(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("commit: %w", liteErr(13)), qantar.ESTORAGEFULL},
		{fmt.Errorf("commit: %w", liteErr(13|(1<<8))), qantar.ESTORAGEFULL},
		{liteErr(8), qantar.EUNAVAILABLE},
		{liteErr(1032), qantar.EUNAVAILABLE}, // SQLITE_READONLY_DBMOVED
		{liteErr(19), ""},                    // a constraint: a bug, not the storage
		{pgErr("53100"), qantar.ESTORAGEFULL},
		{pgErr("57P01"), qantar.EUNAVAILABLE},
		{pgErr("08006"), qantar.EUNAVAILABLE},
		{pgErr("25006"), qantar.EUNAVAILABLE},
		{pgErr("23505"), ""},
		{&fs.PathError{Op: "write", Path: "x", Err: syscall.ENOSPC}, qantar.ESTORAGEFULL},
		{&net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}, qantar.EUNAVAILABLE},
		{errors.New("boom"), ""},
	} {
		if got := qantar.StorageCode(tc.err); got != tc.want {
			t.Errorf("StorageCode(%v) = %q, want %q", tc.err, got, tc.want)
		}
		want := tc.want
		if want == "" {
			want = qantar.EINTERNAL
		}
		if got := qantar.ErrorCode(tc.err); got != want {
			t.Errorf("ErrorCode(%v) = %q, want %q", tc.err, got, want)
		}
	}
	if m := qantar.ErrorMessage(liteErr(13)); m != qantar.MsgStorageFull {
		t.Errorf("message %q", m)
	}
	// An *Error's own code wins over what it wraps.
	if c := qantar.ErrorCode(fmt.Errorf("%w: %w", qantar.Errorf(qantar.ECONFLICT, "stale"), liteErr(13))); c != qantar.ECONFLICT {
		t.Errorf("code %q", c)
	}
}
