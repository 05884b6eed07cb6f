package csvio

import (
	"errors"
	"fmt"
	"strings"

	"github.com/qantar-project/qantar"
)

// words is a problem's message before it is formatted: its English format,
// which is the key of the interface's catalogue (package locale) where its
// kk and ru are, and its arguments. An argument may be words itself, or a
// qantar.Word, said in the reader's language too.
type words struct {
	format string
	args   []any
}

func wordsf(format string, args ...any) words { return words{format, args} }

// String is the message in English.
func (w words) String() string { return fmt.Sprintf(w.format, w.args...) }

// Key is the message as a catalogue key (locale.Keyed).
func (w words) Key() (string, []any) { return w.format, w.args }

// errWords is an error's message: the catalogue key of an error that has
// one (a record's validation, a cell), its user-facing words otherwise.
func errWords(err error) words {
	var k qantar.Keyed // a cell's, a file's or a record's problem
	if errors.As(err, &k) {
		if f, a := k.Key(); f != "" {
			return words{f, a}
		}
	}
	return words{"%s", []any{qantar.ErrorMessage(err)}}
}

// fieldWords is errWords, prefixed with the field when its column does not
// name it alone: a field with one of the characters of within in its name
// (an element of a list: "names[1].lang").
func fieldWords(err error, field, within string) words {
	w := errWords(err)
	if field != "" && strings.ContainsAny(field, within) {
		return wordsf("%s: %s", field, w)
	}
	return w
}

// cellError is a problem with one cell; its message quotes the value.
type cellError struct{ words }

func (e *cellError) Error() string { return e.String() }

func cellErrorf(format string, args ...any) *cellError { return &cellError{wordsf(format, args...)} }

// qantarKey is the catalogue key and arguments of a *qantar.Error in err.
func qantarKey(err error) (string, []any) {
	var e *qantar.Error
	if errors.As(err, &e) {
		return e.Format, e.Args
	}
	return "", nil
}
