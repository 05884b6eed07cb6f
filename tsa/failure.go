package tsa

import (
	"fmt"

	"github.com/qantar-project/qantar"
)

// failure is an error of this package: what it concerns (an address, a
// file, an authority), the named error, and a detail for the log. It
// unwraps to the named error (errors.Is, qantar.ErrorCode) and is said
// in the reader's language through the catalogue (Key).
type failure struct {
	Subject string
	Kind    *qantar.Error
	Detail  string
}

func fail(subject string, kind *qantar.Error, detail any) error {
	f := &failure{Subject: subject, Kind: kind}
	if detail != nil {
		f.Detail = fmt.Sprint(detail)
	}
	return f
}

func (f *failure) Error() string {
	s := f.Kind.Message
	if f.Subject != "" {
		s = f.Subject + ": " + s
	}
	if f.Detail != "" {
		s += " (" + f.Detail + ")"
	}
	return s
}

func (f *failure) Unwrap() error { return f.Kind }

// Key says the error through the catalogue: its subject as it is, its
// named error in the reader's language.
func (f *failure) Key() (string, []any) {
	if f.Subject == "" {
		return f.Kind.Key()
	}
	return "%s: %s", []any{f.Subject, f.Kind}
}

// As gives the error as a *qantar.Error (errors.As, qantar.ErrorCode) with
// its named error's code, that says its subject and its named error
// through the catalogue.
func (f *failure) As(target any) bool {
	t, ok := target.(**qantar.Error)
	if !ok {
		return false
	}
	if f.Subject == "" {
		*t = f.Kind
		return true
	}
	*t = &qantar.Error{Code: f.Kind.Code, Message: f.Error(), Format: "%s: %s", Args: []any{f.Subject, f.Kind}}
	return true
}
