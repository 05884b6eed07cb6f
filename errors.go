// Package qantar is the vocabulary of Qantar: the records that document state
// violence and the investigations that follow it, their validation, the
// service interfaces that stores implement, and the kinds of error every
// boundary (HTTP, CLI, import) reports. It imports only the standard library.
package qantar

import (
	"errors"
	"fmt"
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
	EINTERNAL     = "internal"     // a bug or a failed disk: 500, logged, shown generically
)

// Error is an error a user can act on: a code, a message in plain words and,
// for invalid input, the field at fault ("names[0].value").
type Error struct {
	Code    string
	Message string
	Field   string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s", e.Field, e.Message)
	}
	return e.Message
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldErrorf returns an EINVALID error naming the field at fault.
func FieldErrorf(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
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
	return "internal error"
}

// ErrorField returns the field named by err, if any.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
