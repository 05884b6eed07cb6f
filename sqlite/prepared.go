package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/qantar-project/qantar"
)

// GetPrepared returns the JSON of a live record as reader's class sees it,
// as the row keeps it (qantar.PreparedReader): one read by primary key,
// through a statement parsed once per store (parsing was a third of the
// read's time).
func (db *DB) GetPrepared(ctx context.Context, kind qantar.Kind, id int64, reader qantar.Actor) (qantar.Prepared, error) {
	var p qantar.Prepared
	stmt, err := db.preparedStmt(ctx, qantar.PreparedColumn(reader))
	if err != nil {
		return p, fmt.Errorf("get %s/%d: %w", kind, id, err)
	}
	var data string
	err = stmt.QueryRowContext(ctx, string(kind), id).Scan(&data, &p.Version, &p.Protection)
	if errors.Is(err, sql.ErrNoRows) {
		return p, qantar.Errorf(qantar.ENOTFOUND, "%s/%d does not exist", kind, id)
	} else if err != nil {
		return p, fmt.Errorf("get %s/%d: %w", kind, id, err)
	}
	p.Data = []byte(data)
	return p, nil
}

// preparedStmts holds each open store's statements of GetPrepared, by its
// read pool and column ("" for data itself); a store's are closed and
// forgotten when the store is garbage. (They would be fields of DB, which
// another part of the package owns.)
var preparedStmts sync.Map // preparedKey → *sql.Stmt

type preparedKey struct {
	pool   *sql.DB
	column string
}

func (db *DB) preparedStmt(ctx context.Context, column string) (*sql.Stmt, error) {
	key := preparedKey{db.read, column}
	if s, ok := preparedStmts.Load(key); ok {
		return s.(*sql.Stmt), nil
	}
	col := "data"
	if column != "" {
		col = "coalesce(" + column + ", data)"
	}
	stmt, err := db.read.PrepareContext(ctx, `SELECT `+col+`, version, protection FROM records
		WHERE kind = ? AND id = ? AND deleted_at IS NULL`)
	if err != nil {
		return nil, err
	}
	if s, loaded := preparedStmts.LoadOrStore(key, stmt); loaded {
		stmt.Close()
		return s.(*sql.Stmt), nil
	}
	runtime.AddCleanup(db, func(k preparedKey) {
		if s, ok := preparedStmts.LoadAndDelete(k); ok {
			s.(*sql.Stmt).Close()
		}
	}, key)
	return stmt, nil
}
