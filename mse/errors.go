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
	// Format and Args are Message before it was formatted: Format is the
	// English text with its fmt verbs, a key of the interface catalogue
	// (package locale), so that a page can say it in the reader's language
	// (In). An argument may itself be an *Error, said the same way.
	Format string
	Args   []any
}

func (e *Error) Error() string { return e.Message }

// In says e through say, a catalogue lookup such as a locale Printer's S:
// say(Format, Args...), each argument that is an *Error said first. An
// Error without a Format is its Message.
func (e *Error) In(say func(format string, args ...any) string) string {
	if e.Format == "" {
		return e.Message
	}
	args := make([]any, len(e.Args))
	for i, a := range e.Args {
		if inner, ok := a.(*Error); ok {
			a = inner.In(say)
		}
		args[i] = a
	}
	return say(e.Format, args...)
}

// errorf returns an *Error with a formatted message, keeping its format
// and arguments.
func errorf(format string, args ...any) *Error {
	return &Error{Message: fmt.Sprintf(format, args...), Format: format, Args: args}
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
