// Package qantar is the vocabulary of Qantar: the records that document state
// violence and the investigations that follow it, their validation, the
// service interfaces that stores implement, and the kinds of error every
// boundary (HTTP, CLI, import) reports. It imports only the standard library.
package qantar

import (
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
)

// Error codes. Each maps to one HTTP status and one CLI exit code at the
// boundary; inside, errors are wrapped with %w and keep their code.
const (
	EINVALID      = "invalid"      // bad input: 400, exit 1
	ENOTFOUND     = "not_found"    // 404
	ECONFLICT     = "conflict"     // stale version, or an act the data does not allow: 409
	EUNAUTHORIZED = "unauthorized" // no or bad credentials: 401
	EFORBIDDEN    = "forbidden"    // credentials without the right: 403
	ETOOLARGE     = "too_large"    // body or file over the limit: 413
	EINTERNAL     = "internal"     // a bug: 500, logged, shown generically

	// The storage cannot take the request now; nothing was written, and the
	// same request may succeed later: 503 with Retry-After, logged.
	ESTORAGEFULL = "storage_full"         // the disk or the database's quota is full
	EUNAVAILABLE = "database_unavailable" // the database is read-only, unreachable, locked or restarting
)

// Messages of the storage codes, in words a person can act on (the web
// pages show them in the reader's language: web/catalogue.go).
const (
	MsgStorageFull = "The server's storage is full, so nothing can be saved right now. Nothing you sent was saved; please try again later. The problem is recorded in the server's log for its administrators."
	MsgUnavailable = "The database is unavailable right now. Nothing was saved; please try again in a minute."
)

// Error is an error a user can act on: a code, a message in plain words and,
// for invalid input, the field at fault ("names[0].value").
type Error struct {
	Code    string
	Message string
	Field   string
	// Format and Args are the message before formatting: Format is the
	// English text and the key under which the interface's catalogue
	// (package locale) holds its kk and ru, so that a page or an import
	// report says it in the reader's language (see Key).
	Format string
	Args   []any
}

// Key returns the message as a catalogue key and its arguments.
func (e *Error) Key() (string, []any) { return e.Format, e.Args }

// Word is an argument of a message that is itself a catalogue key (a
// kind's name, a field's label): a printer says it in its language.
type Word string

// Key returns the word as a catalogue key.
func (w Word) Key() (string, []any) { return string(w), nil }

// Keyed is a message the interface's catalogue can say in any language:
// *Error, Word, and the errors of packages that report problems the same
// way (an import's cells).
type Keyed interface{ Key() (string, []any) }

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s", e.Field, e.Message)
	}
	return e.Message
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Format: format, Args: args}
}

// FieldErrorf returns an EINVALID error naming the field at fault.
func FieldErrorf(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...), Format: format, Args: args}
}

// fieldError returns an error of any code naming the field at fault.
func fieldError(code, field, format string, args ...any) *Error {
	e := Errorf(code, format, args...)
	e.Field = field
	return e
}

// WithField returns err as bad input (EINVALID) at field: a copy of its
// *Error with its words kept, or an error with err's text.
func WithField(err error, field string) *Error {
	var e *Error
	if !errors.As(err, &e) {
		return FieldErrorf(field, "%s", err.Error())
	}
	c := *e
	c.Code, c.Field = EINVALID, field
	return &c
}

// ErrorCode returns the code of the first *Error in err's chain, the
// storage code of a storage failure (StorageCode), EINTERNAL for any other
// error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	} else if code := StorageCode(err); code != "" {
		return code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err; internal errors get a
// generic message so that no detail of the machine leaks.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	switch StorageCode(err) {
	case ESTORAGEFULL:
		return MsgStorageFull
	case EUNAVAILABLE:
		return MsgUnavailable
	}
	return "internal error"
}

// StorageCode is the one place that tells a storage failure from a bug:
// ESTORAGEFULL or EUNAVAILABLE for an error of the disk, of SQLite or of
// PostgreSQL that says the storage cannot take the request now, "" for any
// other. It reads the drivers' errors through the methods they export
// (SQLite's Code() int, PostgreSQL's SQLState() string), so that this
// package imports no driver.
func StorageCode(err error) string {
	if err == nil {
		return ""
	}
	var lite interface{ Code() int } // modernc.org/sqlite's *Error
	if errors.As(err, &lite) {
		switch lite.Code() & 0xff { // the primary code of an extended one
		case 13: // SQLITE_FULL
			return ESTORAGEFULL
		case 8, 14, 10, 5, 6, 26: // READONLY, CANTOPEN, IOERR, BUSY, LOCKED, NOTADB
			return EUNAVAILABLE
		}
	}
	var pg interface{ SQLState() string } // pgconn's *PgError
	if errors.As(err, &pg) {
		switch state := pg.SQLState(); {
		case state == "53100": // disk_full
			return ESTORAGEFULL
		case len(state) == 5 && state[:2] == "08", // connection exception
			state == "57P01", state == "57P02", state == "57P03", // shutting down, crashed, starting
			state == "53300", // too_many_connections
			state == "25006": // read_only_sql_transaction (a standby)
			return EUNAVAILABLE
		}
	}
	switch {
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return ESTORAGEFULL
	case errors.Is(err, syscall.EROFS), errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH),
		// The database server's connection ended mid-answer (a crash, a cut
		// network): request bodies are decoded into EINVALID errors, so an
		// unexpected end that reaches here is the database's.
		errors.Is(err, io.ErrUnexpectedEOF):
		return EUNAVAILABLE
	}
	var op *net.OpError
	if errors.As(err, &op) {
		return EUNAVAILABLE // the database server did not answer
	}
	return ""
}

// ErrorField returns the field named by err, if any.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
