package remind

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/smtp"
	"time"

	"github.com/qantar-project/qantar"
)

// SMTP is where messages are sent: a server that relays them (the
// organisation's mail server, or a local one).
type SMTP struct {
	Addr     string // host:port
	User     string // "" for none: no AUTH
	Password string
	// TLS is the configuration of STARTTLS; nil checks the server's
	// certificate for its host name against the system's roots.
	TLS *tls.Config
	// Hello is the name the client gives in EHLO; "" is localhost.
	Hello string
	// Timeout bounds each message's whole conversation; 0 is a minute.
	Timeout time.Duration
	// Dial connects to Addr; nil is a TCP dial. (Tests reach a server on
	// this machine under another name.)
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Send delivers one message over its own connection: STARTTLS whenever the
// server offers it, AUTH PLAIN when a user is given, and never a password
// over a connection without TLS unless the server is on a loopback address.
// Its errors say what failed, with the server's words.
func (s SMTP) Send(ctx context.Context, m *Message) error {
	host, _, err := net.SplitHostPort(s.Addr)
	if err != nil {
		return qantar.Errorf(qantar.EINVALID, "%q is not HOST:PORT", s.Addr)
	}
	timeout := s.Timeout
	if timeout == 0 {
		timeout = time.Minute
	}
	dial := s.Dial
	if dial == nil {
		dial = (&net.Dialer{Timeout: timeout}).DialContext
	}
	conn, err := dial(ctx, "tcp", s.Addr)
	if err != nil {
		return qantar.Errorf(qantar.EUNAVAILABLE, "cannot reach the mail server %s: %s", s.Addr, err.Error())
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(timeout))
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return failed("greeting", err)
	}
	defer c.Close()
	if err := s.secure(c, host); err != nil {
		return err
	}
	if err := c.Mail(m.From); err != nil {
		return failed("MAIL FROM", err)
	}
	if err := c.Rcpt(m.To); err != nil {
		return failed("RCPT TO", err)
	}
	w, err := c.Data()
	if err != nil {
		return failed("DATA", err)
	}
	if _, err := w.Write(m.Data); err != nil {
		return failed("DATA", err)
	}
	if err := w.Close(); err != nil {
		return failed("DATA", err)
	}
	c.Quit() // the server took the message when DATA ended; QUIT only says goodbye
	return nil
}

// secure says hello, starts TLS when offered and authenticates when asked.
func (s SMTP) secure(c *smtp.Client, host string) error {
	hello := s.Hello
	if hello == "" {
		hello = "localhost"
	}
	if err := c.Hello(hello); err != nil {
		return failed("EHLO", err)
	}
	encrypted := false
	if ok, _ := c.Extension("STARTTLS"); ok {
		cfg := &tls.Config{ServerName: host}
		if s.TLS != nil {
			cfg = s.TLS.Clone()
		}
		if err := c.StartTLS(cfg); err != nil {
			return failed("STARTTLS", err)
		}
		encrypted = true
	}
	if s.User == "" {
		return nil
	}
	if !encrypted && !IsLoopback(host) {
		return qantar.Errorf(qantar.EFORBIDDEN, "the mail server %s does not offer STARTTLS: the password is not sent without TLS", host)
	}
	if ok, _ := c.Extension("AUTH"); !ok {
		return qantar.Errorf(qantar.EINVALID, "the mail server %s does not offer AUTH, but a user was given", host)
	}
	if err := c.Auth(plainAuth{user: s.User, password: s.Password}); err != nil {
		return failed("AUTH", err)
	}
	return nil
}

// IsLoopback reports whether host names this machine only.
func IsLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// failed is a step of the conversation the server refused or broke off.
func failed(step string, err error) error {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return qantar.Errorf(qantar.EUNAVAILABLE, "the mail server did not answer %s in time", step)
	}
	return qantar.Errorf(qantar.EINVALID, "the mail server refused %s: %s", step, err.Error())
}

// plainAuth is AUTH PLAIN (RFC 4616). net/smtp's PlainAuth allows no
// connection without TLS but to a server named localhost; Send decides
// that itself (any loopback address), before it authenticates.
type plainAuth struct{ user, password string }

func (a plainAuth) Start(*smtp.ServerInfo) (string, []byte, error) {
	return "PLAIN", []byte("\x00" + a.user + "\x00" + a.password), nil
}

func (a plainAuth) Next(_ []byte, more bool) ([]byte, error) {
	if more {
		return nil, errors.New("unexpected server challenge")
	}
	return nil, nil
}
