package qantar

import "fmt"

// Failure is an error about one thing (an address, a file, an authority):
// what it concerns, the named error it is (a package's sentinel
// *Error), and a detail for the log. It unwraps to the named error
// (errors.Is, ErrorCode) and is said in the reader's language through the
// catalogue (Key): the subject as it is, the named error translated.
type Failure struct {
	Subject string
	Kind    *Error
	Detail  string
}

// Fail returns a Failure; detail, when not nil, is kept as text.
func Fail(subject string, kind *Error, detail any) error {
	f := &Failure{Subject: subject, Kind: kind}
	if detail != nil {
		f.Detail = fmt.Sprint(detail)
	}
	return f
}

func (f *Failure) Error() string {
	s := f.Kind.Message
	if f.Subject != "" {
		s = f.Subject + ": " + s
	}
	if f.Detail != "" {
		s += " (" + f.Detail + ")"
	}
	return s
}

func (f *Failure) Unwrap() error { return f.Kind }

// Key says the error through the catalogue: its subject as it is, its
// named error in the reader's language.
func (f *Failure) Key() (string, []any) {
	if f.Subject == "" {
		return f.Kind.Key()
	}
	return "%s: %s", []any{f.Subject, f.Kind}
}

// As gives the error as an *Error (errors.As, ErrorCode) with its named
// error's code, that says its subject and its named error through the
// catalogue.
func (f *Failure) As(target any) bool {
	t, ok := target.(**Error)
	if !ok {
		return false
	}
	if f.Subject == "" {
		*t = f.Kind
		return true
	}
	*t = &Error{Code: f.Kind.Code, Message: f.Error(), Format: "%s: %s", Args: []any{f.Subject, f.Kind}}
	return true
}
