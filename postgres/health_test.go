package postgres_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/qantar-project/qantar"
)

// A server that is not there, one shutting down and a full disk are told
// apart from bugs by the one classification, qantar.StorageCode.
func TestStorageErrorsClassified(t *testing.T) {
	_, err := pgx.Connect(context.Background(), "postgres://qantar@127.0.0.1:1/none?connect_timeout=2&sslmode=disable")
	if err == nil {
		t.Fatal("connected to port 1")
	}
	if c := qantar.ErrorCode(err); c != qantar.EUNAVAILABLE {
		t.Errorf("refused connection: %q (%v)", c, err)
	}
	for state, want := range map[string]string{"57P01": qantar.EUNAVAILABLE, "53100": qantar.ESTORAGEFULL, "23505": qantar.EINTERNAL} {
		if c := qantar.ErrorCode(&pgconn.PgError{Code: state}); c != want {
			t.Errorf("SQLSTATE %s: %q, want %q", state, c, want)
		}
	}
}

func TestReady(t *testing.T) {
	db, _ := openTest(t)
	if err := db.Ready(context.Background()); err != nil {
		t.Fatal(err)
	}
}
