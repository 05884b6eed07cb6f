// Package mock has a double of qantar.Store made of function fields, for the
// tests of what the server answers when its store fails (500, 503): each
// call goes to its field when set, else to the real store inside (Real), so
// a test makes one call fail on demand and leaves the rest real. A call
// with neither is an internal error naming the method, so that a test that
// reaches it fails.
package mock

import (
	"context"

	"github.com/qantar-project/qantar"
)

// Store is a qantar.Store whose methods are its fields.
type Store struct {
	// Real answers every call whose field is nil (nil: none does).
	Real qantar.Store

	CreateFn           func(ctx context.Context, actor qantar.Actor, rec qantar.Record) error
	UpdateFn           func(ctx context.Context, actor qantar.Actor, rec qantar.Record) error
	DeleteFn           func(ctx context.Context, actor qantar.Actor, kind qantar.Kind, id int64, version int, reason string) error
	GetFn              func(ctx context.Context, kind qantar.Kind, id int64) (qantar.Record, error)
	GetByExternalKeyFn func(ctx context.Context, kind qantar.Kind, key string) (qantar.Record, error)
	InTxFn             func(ctx context.Context, fn func(w qantar.Writer) error) error
	ListFn             func(ctx context.Context, kind qantar.Kind, f qantar.Filter) ([]qantar.Record, int, error)
	HistoryFn          func(ctx context.Context, kind qantar.Kind, id int64) ([]qantar.Version, error)
	CountFn            func(ctx context.Context) (map[qantar.Kind]int, error)
	CloseFn            func() error
}

var _ qantar.Store = (*Store)(nil)

func (s *Store) unexpected(method string) error {
	return qantar.Errorf(qantar.EINTERNAL, "mock.Store: unexpected call to %s", method)
}

// Create calls CreateFn, else Real.
func (s *Store) Create(ctx context.Context, actor qantar.Actor, rec qantar.Record) error {
	switch {
	case s.CreateFn != nil:
		return s.CreateFn(ctx, actor, rec)
	case s.Real != nil:
		return s.Real.Create(ctx, actor, rec)
	}
	return s.unexpected("Create")
}

// Update calls UpdateFn, else Real.
func (s *Store) Update(ctx context.Context, actor qantar.Actor, rec qantar.Record) error {
	switch {
	case s.UpdateFn != nil:
		return s.UpdateFn(ctx, actor, rec)
	case s.Real != nil:
		return s.Real.Update(ctx, actor, rec)
	}
	return s.unexpected("Update")
}

// Delete calls DeleteFn, else Real.
func (s *Store) Delete(ctx context.Context, actor qantar.Actor, kind qantar.Kind, id int64, version int, reason string) error {
	switch {
	case s.DeleteFn != nil:
		return s.DeleteFn(ctx, actor, kind, id, version, reason)
	case s.Real != nil:
		return s.Real.Delete(ctx, actor, kind, id, version, reason)
	}
	return s.unexpected("Delete")
}

// Get calls GetFn, else Real.
func (s *Store) Get(ctx context.Context, kind qantar.Kind, id int64) (qantar.Record, error) {
	switch {
	case s.GetFn != nil:
		return s.GetFn(ctx, kind, id)
	case s.Real != nil:
		return s.Real.Get(ctx, kind, id)
	}
	return nil, s.unexpected("Get")
}

// GetByExternalKey calls GetByExternalKeyFn, else Real.
func (s *Store) GetByExternalKey(ctx context.Context, kind qantar.Kind, key string) (qantar.Record, error) {
	switch {
	case s.GetByExternalKeyFn != nil:
		return s.GetByExternalKeyFn(ctx, kind, key)
	case s.Real != nil:
		return s.Real.GetByExternalKey(ctx, kind, key)
	}
	return nil, s.unexpected("GetByExternalKey")
}

// InTx calls InTxFn, else Real.
func (s *Store) InTx(ctx context.Context, fn func(w qantar.Writer) error) error {
	switch {
	case s.InTxFn != nil:
		return s.InTxFn(ctx, fn)
	case s.Real != nil:
		return s.Real.InTx(ctx, fn)
	}
	return s.unexpected("InTx")
}

// List calls ListFn, else Real.
func (s *Store) List(ctx context.Context, kind qantar.Kind, f qantar.Filter) ([]qantar.Record, int, error) {
	switch {
	case s.ListFn != nil:
		return s.ListFn(ctx, kind, f)
	case s.Real != nil:
		return s.Real.List(ctx, kind, f)
	}
	return nil, 0, s.unexpected("List")
}

// History calls HistoryFn, else Real.
func (s *Store) History(ctx context.Context, kind qantar.Kind, id int64) ([]qantar.Version, error) {
	switch {
	case s.HistoryFn != nil:
		return s.HistoryFn(ctx, kind, id)
	case s.Real != nil:
		return s.Real.History(ctx, kind, id)
	}
	return nil, s.unexpected("History")
}

// Count calls CountFn, else Real.
func (s *Store) Count(ctx context.Context) (map[qantar.Kind]int, error) {
	switch {
	case s.CountFn != nil:
		return s.CountFn(ctx)
	case s.Real != nil:
		return s.Real.Count(ctx)
	}
	return nil, s.unexpected("Count")
}

// Close calls CloseFn, else Real; nil with neither.
func (s *Store) Close() error {
	switch {
	case s.CloseFn != nil:
		return s.CloseFn()
	case s.Real != nil:
		return s.Real.Close()
	}
	return nil
}
