package remind

import (
	"context"
	"errors"

	"bytes"
	"encoding/base64"
	"fmt"
	"github.com/qantar-project/qantar"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qantar-project/qantar/locale"
)

// Message is one e-mail message of reminders, ready to send.
type Message struct {
	From, To string // bare addresses, for the SMTP envelope
	ID       string // the Message-ID, with its angle brackets
	Items    int    // how many reminders it holds
	Data     []byte // the message as sent (RFC 5322, CRLF line ends)
}

// Letter is what one subscriber is sent: every digest of theirs that has
// something due or overdue.
type Letter struct {
	From    string // the sender's address
	To      string // the subscriber's address
	Lang    string
	Date    time.Time // the Date header: when it is sent
	Digests []*Digest
}

// Message writes the letter as a text/plain UTF-8 message in its
// language: quoted-printable when the text is mostly ASCII, base64 when it
// is mostly not (Cyrillic). It returns nil when no digest has anything due
// or overdue: nobody is sent an empty reminder.
func (l Letter) Message() (*Message, error) {
	ds := once(l.Digests)
	n, overdue, due := 0, 0, 0
	for _, d := range ds {
		o, u := d.Counts()
		overdue, due, n = overdue+o, due+u, n+o+u
	}
	if n == 0 {
		return nil, nil
	}
	from, err := mail.ParseAddress(l.From)
	if err != nil {
		return nil, fmt.Errorf("--from %q: %w", l.From, err)
	}
	to, err := mail.ParseAddress(l.To)
	if err != nil {
		return nil, fmt.Errorf("%q: %w", l.To, err)
	}
	p := locale.For(l.Lang)
	asOf := ds[0].AsOf
	host, _ := tagAuthority(ds[0].opts.LogOrigin)
	m := &Message{From: from.Address, To: to.Address, Items: n, ID: messageID(host, to.Address, asOf, ds)}
	subject := p.S("Qantar, %s: overdue %d, awaiting an answer %d", date(asOf), overdue, due)
	body := l.body(p, ds)
	m.Data = compose(header{from: from, to: to, subject: subject, id: m.ID, date: l.Date, lang: p.Lang()}, body)
	return m, nil
}

// once returns the digests that have items, each complaint kept only in
// the first digest that holds it (a case and its victim both followed name
// the same complaints); the digests given are not changed.
func once(digests []*Digest) []*Digest {
	seen := map[int64]bool{}
	var out []*Digest
	for _, d := range digests {
		c := *d
		c.Items = nil
		for _, it := range d.Items {
			if !seen[it.Complaint.ID] {
				seen[it.Complaint.ID] = true
				c.Items = append(c.Items, it)
			}
		}
		if len(c.Items) > 0 {
			out = append(out, &c)
		}
	}
	return out
}

// body is the message's text, lines ended by LF.
func (l Letter) body(p locale.Printer, ds []*Digest) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", p.S("Reminders as of %s of the complaints awaiting an answer in what you follow in Qantar.", date(ds[0].AsOf)))
	for _, d := range ds {
		fmt.Fprintf(&b, "\n%s\n%s\n", d.Title(p.Lang()), strings.Repeat("=", utf8.RuneCountInString(d.Title(p.Lang()))))
		for i, it := range d.Items {
			if i == 0 || it.Overdue() != d.Items[i-1].Overdue() {
				word := p.S("Overdue")
				if !it.Overdue() {
					word = p.S("Awaiting an answer")
				}
				fmt.Fprintf(&b, "\n%s:\n", word)
			}
			fmt.Fprintf(&b, "\n- %s\n", d.headline(it, p.Lang()))
			for _, line := range d.details(it, p.Lang()) {
				fmt.Fprintf(&b, "  %s\n", line)
			}
		}
		if len(d.Uncounted) > 0 {
			fmt.Fprintf(&b, "\n%s\n", p.S("%d complaints have no deadline the rules can count.", len(d.Uncounted)))
		}
	}
	fmt.Fprintf(&b, "\n-- \n%s\n", p.S("Qantar counts deadlines from the jurisdiction's rules; check them against the law. You receive this because your address is on the reminders' list of this Qantar; ask its operators to take it off."))
	return b.String()
}

type header struct {
	from, to    *mail.Address
	subject, id string
	date        time.Time
	lang        string
}

// compose writes the header and the encoded body, CRLF line ends.
func compose(h header, body string) []byte {
	var b bytes.Buffer
	put := func(name, value string) { fmt.Fprintf(&b, "%s: %s\r\n", name, value) }
	put("From", h.from.String())
	put("To", h.to.String())
	put("Subject", mime.BEncoding.Encode("UTF-8", h.subject))
	put("Date", h.date.Format(time.RFC1123Z))
	put("Message-ID", h.id)
	put("MIME-Version", "1.0")
	put("Content-Type", "text/plain; charset=UTF-8")
	put("Content-Language", h.lang)
	put("Auto-Submitted", "auto-generated")
	text := strings.ReplaceAll(body, "\n", "\r\n")
	switch {
	case isASCII(text) && shortLines(text):
		put("Content-Transfer-Encoding", "7bit")
		b.WriteString("\r\n" + text)
	case nonASCIIShare(text) > 0.3:
		put("Content-Transfer-Encoding", "base64")
		b.WriteString("\r\n")
		enc := base64.StdEncoding.EncodeToString([]byte(text))
		for len(enc) > 76 {
			b.WriteString(enc[:76] + "\r\n")
			enc = enc[76:]
		}
		b.WriteString(enc + "\r\n")
	default:
		put("Content-Transfer-Encoding", "quoted-printable")
		b.WriteString("\r\n")
		w := quotedprintable.NewWriter(&b)
		w.Write([]byte(text))
		w.Close()
	}
	return b.Bytes()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// shortLines reports whether no line is longer than RFC 5322's 998.
func shortLines(s string) bool {
	for _, line := range strings.Split(s, "\r\n") {
		if len(line) > 998 {
			return false
		}
	}
	return true
}

func nonASCIIShare(s string) float64 {
	if s == "" {
		return 0
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			n++
		}
	}
	return float64(n) / float64(len(s))
}

// Outgoing is one subscriber's message of a run; Message is nil when they
// have nothing due or overdue, or when Err says why none could be made (a
// case or person they follow is not there).
type Outgoing struct {
	Subscriber Subscriber
	Message    *Message
	Err        error
}

// Prepare computes every subscriber's message: each target they follow as
// their role may see it (a digest is computed once for each role and
// target), from, dated now.
func Prepare(ctx context.Context, st qantar.Store, opts Options, subs []Subscriber, from string, now time.Time) ([]Outgoing, error) {
	type key struct {
		role   string
		target Target
	}
	digests := map[key]*Digest{}
	var out []Outgoing
	collect := func(s Subscriber, t Target) (*Digest, error) {
		k := key{s.Role, t}
		if digests[k] == nil {
			d, err := Collect(ctx, st, s.Reader, opts, t)
			if err != nil {
				return nil, err
			}
			digests[k] = d
		}
		return digests[k], nil
	}
	for _, s := range subs {
		o := Outgoing{Subscriber: s}
		l := Letter{From: from, To: s.Address, Lang: s.Lang, Date: now}
		for _, t := range s.Follows {
			d, err := collect(s, t)
			if c := qantar.ErrorCode(err); c == qantar.ENOTFOUND || c == qantar.EINVALID {
				o.Err = &LineError{Line: s.Line, Err: asError(err)}
				break
			} else if err != nil {
				return nil, err
			}
			l.Digests = append(l.Digests, d)
		}
		if o.Err == nil {
			if o.Message, o.Err = l.Message(); o.Err != nil {
				return nil, o.Err
			}
		}
		out = append(out, o)
	}
	return out, nil
}

// asError is err as a *qantar.Error, its words kept.
func asError(err error) *qantar.Error {
	var e *qantar.Error
	if errors.As(err, &e) {
		return e
	}
	return qantar.Errorf(qantar.ErrorCode(err), "%s", qantar.ErrorMessage(err))
}
