package mse

import (
	"errors"
	"fmt"
)

// Error is a problem with what was asked: a table, a model, a file or an
// option from which no estimate can be made. Its message is written for
// the person who asked, to be shown as it is. Every such error the package
// returns is, or wraps, an *Error (errors.As, or Message); any other error
// is a failure of the machine, not of the input.
//
// The package has no error codes of its own: the command and web layers
// translate an *Error into theirs (an invalid request, exit status 1).
type Error struct {
	Message string
}

func (e *Error) Error() string { return e.Message }

// errorf returns an *Error with a formatted message.
func errorf(format string, args ...any) *Error {
	return &Error{Message: fmt.Sprintf(format, args...)}
}

// messageOf is err's message for a person: an *Error's own, else err's text.
func messageOf(err error) string {
	if m, ok := Message(err); ok {
		return m
	}
	return err.Error()
}

// Message returns the message of the *Error in err's chain and true, or ""
// and false when err holds none.
func Message(err error) (string, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e.Message, true
	}
	return "", false
}
