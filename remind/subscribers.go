package remind

import (
	"bufio"
	"io"
	"net/mail"
	"strings"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/locale"
)

// Subscriber is one line of a subscribers file: who is sent reminders, in
// which language, as which reader, about what.
type Subscriber struct {
	Line    int
	Address string
	Lang    string       // kk, ru or en
	Role    string       // public, viewer or editor
	Follows []Target     // cases and persons
	Reader  qantar.Actor // the reader the role stands for
}

// Roles a subscriber may have, and the reader each stands for: what a
// subscriber is sent is what that reader may see.
var subscriberReaders = map[string]qantar.Actor{
	"public": qantar.Anonymous,
	"viewer": {ID: "reminders:viewer", Name: "reminders", Role: qantar.RoleViewer},
	"editor": {ID: "reminders:editor", Name: "reminders", Role: qantar.RoleEditor},
}

// LineError is a bad line of a subscribers file: its number and what is
// wrong, which the catalogue can say in the operator's language (Key).
type LineError struct {
	Line int
	Err  *qantar.Error
}

func (e *LineError) Error() string { return "line " + idString(int64(e.Line)) + ": " + e.Err.Error() }

// Key says the error as the catalogue's key and arguments.
func (e *LineError) Key() (string, []any) { return "line %d: %s", []any{e.Line, e.Err} }

// Say returns err in lang when the catalogue can say it, else its text.
func Say(lang string, err error) string {
	if k, ok := err.(qantar.Keyed); ok {
		key, args := k.Key()
		return locale.For(lang).S(key, args...)
	}
	return qantar.ErrorMessage(err)
}

// ParseSubscribers reads a subscribers file: one subscriber a line, fields
// separated by spaces or tabs,
//
//	ADDRESS LANG ROLE case:ID|person:ID ...
//
// with blank lines and lines starting with # ignored. LANG is kk, ru or en;
// ROLE public, viewer or editor. A bad line is refused with its number
// (*LineError), and so the whole file: nobody is sent anything from a file
// that is half right.
func ParseSubscribers(r io.Reader) ([]Subscriber, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	var out []Subscriber
	seen := map[string]int{}
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		s, err := parseLine(line)
		if err != nil {
			return nil, &LineError{Line: n, Err: err}
		}
		key := strings.ToLower(s.Address)
		if first, dup := seen[key]; dup {
			return nil, &LineError{Line: n, Err: qantar.Errorf(qantar.EINVALID, "%s is already on line %d", s.Address, first)}
		}
		seen[key] = n
		s.Line = n
		out = append(out, s)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

func parseLine(line string) (Subscriber, *qantar.Error) {
	f := strings.Fields(line)
	if len(f) < 4 {
		return Subscriber{}, qantar.Errorf(qantar.EINVALID, "want ADDRESS LANG ROLE and at least one case:ID or person:ID")
	}
	a, err := mail.ParseAddress(f[0])
	if err != nil || a.Address != f[0] {
		return Subscriber{}, qantar.Errorf(qantar.EINVALID, "%q is not an e-mail address", f[0])
	}
	if !contains(locale.Langs, f[1]) {
		return Subscriber{}, qantar.Errorf(qantar.EINVALID, "%q is not one of kk, ru, en", f[1])
	}
	reader, ok := subscriberReaders[f[2]]
	if !ok {
		return Subscriber{}, qantar.Errorf(qantar.EINVALID, "%q is not a role of subscribers (public, viewer, editor)", f[2])
	}
	s := Subscriber{Address: a.Address, Lang: f[1], Role: f[2], Reader: reader}
	for _, t := range f[3:] {
		target, ok := parseTarget(t)
		if !ok {
			return Subscriber{}, badTarget(t)
		}
		s.Follows = append(s.Follows, target)
	}
	return s, nil
}

// ReaderOf returns the reader a role stands for: public, viewer, editor.
func ReaderOf(role string) (qantar.Actor, error) {
	r, ok := subscriberReaders[role]
	if !ok {
		return qantar.Actor{}, qantar.Errorf(qantar.EINVALID, "%q is not a role of subscribers (public, viewer, editor)", role)
	}
	return r, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
