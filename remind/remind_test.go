package remind_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/locale"
	"github.com/qantar-project/qantar/remind"
)

// Every key the package asks the catalogue for is there (and so, by
// locale.Load, in kk, ru and en), and is not said in English in kk or ru.
func TestKeysInCatalogue(t *testing.T) {
	calls := regexp.MustCompile(`(?:\.S\(|Errorf\(qantar\.E[A-Z]+,\s*|Key\(\) \(string, \[\]any\) \{ return )("(?:[^"\\]|\\.)+")`)
	files, _ := filepath.Glob("*.go")
	c := locale.Default()
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range calls.FindAllStringSubmatch(string(b), -1) {
			key, _ := strconv.Unquote(m[1])
			if key == "%s" {
				continue
			}
			n++
			if !c.Has(key) {
				t.Errorf("%s: %q is not in the catalogue", f, key)
				continue
			}
			for _, lang := range []string{"kk", "ru"} {
				e, _ := c.Entry(lang, key)
				for _, text := range e.Texts(lang) {
					if text == key && regexp.MustCompile(`[a-z]{4}`).MatchString(text) {
						t.Errorf("%s: %q is English in %s", f, key, lang)
					}
				}
			}
		}
	}
	if n < 30 {
		t.Errorf("only %d keys found: has the code moved?", n)
	}
}

// A bad line of a subscribers file is refused with its number, in the
// operator's language, and so is the whole file.
func TestParseSubscribers(t *testing.T) {
	good := "# SYNTHETIC\n\nlawyer@example.org ru editor case:3 person:7\n\trelative@example.org kk public person:7\n"
	subs, err := remind.ParseSubscribers(strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	if len(subs) != 2 || subs[0].Line != 3 || subs[1].Line != 4 || subs[0].Reader.Role != qantar.RoleEditor || subs[1].Reader != qantar.Anonymous ||
		len(subs[0].Follows) != 2 || subs[0].Follows[1] != (remind.Target{Kind: qantar.KindPerson, ID: 7}) {
		t.Fatalf("%+v", subs)
	}
	bad := []struct{ line, want string }{
		{"lawyer@example.org ru admin case:3", `"admin" is not a role of subscribers (public, viewer, editor)`},
		{"lawyer@example.org de viewer case:3", `"de" is not one of kk, ru, en`},
		{"lawyer ru viewer case:3", `"lawyer" is not an e-mail address`},
		{"lawyer@example.org ru viewer case:x", `"case:x" is not case:ID or person:ID`},
		{"lawyer@example.org ru viewer event:3", `"event:3" is not case:ID or person:ID`},
		{"lawyer@example.org ru viewer", "want ADDRESS LANG ROLE and at least one case:ID or person:ID"},
		{"relative@example.org kk public person:7", "relative@example.org is already on line 4"},
	}
	for _, b := range bad {
		_, err := remind.ParseSubscribers(strings.NewReader(good + b.line + "\n"))
		var le *remind.LineError
		if !errors.As(err, &le) || le.Line != 5 {
			t.Errorf("%q: %v, want an error on line 5", b.line, err)
			continue
		}
		if got := remind.Say("en", err); got != "line 5: "+b.want {
			t.Errorf("%q: %q, want %q", b.line, got, "line 5: "+b.want)
		}
		key, args := le.Err.Key()
		if ru := remind.Say("ru", err); ru != "строка 5: "+locale.For("ru").S(key, args...) || strings.Contains(ru, "line") {
			t.Errorf("%q in Russian: %q", b.line, ru)
		}
	}
}

// tlsServer is a go-smtp server on 127.0.0.1 that offers STARTTLS with a
// certificate for mail.example.org and AUTH PLAIN (only after TLS), and
// records whether each message came over TLS and after AUTH.
type tlsServer struct {
	mu     sync.Mutex
	got    []string
	auths  int
	addr   string
	client *tls.Config
}

type tlsSession struct {
	s    *tlsServer
	conn *smtp.Conn
	auth bool
}

func (s *tlsSession) Reset()        {}
func (s *tlsSession) Logout() error { return nil }
func (s *tlsSession) AuthMechanisms() []string {
	return []string{sasl.Plain}
}
func (s *tlsSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		s.s.mu.Lock()
		s.s.auths++
		s.s.mu.Unlock()
		if user != "synthetic" || pass != "s3cret" {
			return errors.New("bad password")
		}
		s.auth = true
		return nil
	}), nil
}
func (s *tlsSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *tlsSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *tlsSession) Data(r io.Reader) error {
	b, _ := io.ReadAll(r)
	_, isTLS := s.conn.TLSConnectionState()
	s.s.mu.Lock()
	defer s.s.mu.Unlock()
	s.s.got = append(s.s.got, "tls="+strconv.FormatBool(isTLS)+" auth="+strconv.FormatBool(s.auth)+"\n"+string(b))
	return nil
}

func startTLSServer(t *testing.T, offerTLS bool) *tlsServer {
	t.Helper()
	ts := &tlsServer{}
	s := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &tlsSession{s: ts, conn: c}, nil }))
	s.Domain = "mail.example.org"
	s.AllowInsecureAuth = !offerTLS
	s.ErrorLog = quiet{}
	if offerTLS {
		cert, pool := selfSigned(t, "mail.example.org")
		s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
		ts.client = &tls.Config{RootCAs: pool, ServerName: "mail.example.org"}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts.addr = ln.Addr().String()
	go s.Serve(ln)
	t.Cleanup(func() { s.Close() })
	return ts
}

type quiet struct{}

func (quiet) Printf(string, ...any) {}
func (quiet) Println(...any)        {}

func selfSigned(t *testing.T, host string) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: host}, DNSNames: []string{host},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(c)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

// reach dials the test server whatever address the client was given: the
// client believes it talks to mail.example.org, not to a loopback address.
func reach(addr string) func(context.Context, string, string) (net.Conn, error) {
	return func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
}

var synthetic = &remind.Message{From: "reminders@example.org", To: "lawyer@example.org", ID: "<synthetic@example.org>", Items: 1,
	Data: []byte("From: reminders@example.org\r\nTo: lawyer@example.org\r\nSubject: SYNTHETIC\r\n\r\n.a line that starts with a dot\r\n")}

// STARTTLS is used when offered, the password goes only over it, and the
// message arrives whole (a leading dot included).
func TestSendStartTLSAndAuth(t *testing.T) {
	ts := startTLSServer(t, true)
	s := remind.SMTP{Addr: "mail.example.org:25", Dial: reach(ts.addr), TLS: ts.client, User: "synthetic", Password: "s3cret"}
	if err := s.Send(context.Background(), synthetic); err != nil {
		t.Fatal(err)
	}
	if len(ts.got) != 1 || !strings.HasPrefix(ts.got[0], "tls=true auth=true\n") || !strings.Contains(ts.got[0], "\r\n.a line that starts with a dot\r\n") {
		t.Fatalf("received %q", ts.got)
	}
	// A certificate the client does not trust stops it before any password.
	s.TLS = nil
	err := s.Send(context.Background(), synthetic)
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") || ts.auths != 1 {
		t.Errorf("an untrusted certificate: %v (%d AUTH)", err, ts.auths)
	}
}

// Without STARTTLS the password is not sent, but to a loopback address.
func TestSendRefusesPasswordWithoutTLS(t *testing.T) {
	ts := startTLSServer(t, false)
	s := remind.SMTP{Addr: "mail.example.org:25", Dial: reach(ts.addr), User: "synthetic", Password: "s3cret"}
	err := s.Send(context.Background(), synthetic)
	if qantar.ErrorCode(err) != qantar.EFORBIDDEN || ts.auths != 0 || len(ts.got) != 0 {
		t.Fatalf("a password to mail.example.org without TLS: %v, %d AUTH, %d messages", err, ts.auths, len(ts.got))
	}
	if got := remind.Say("ru", err); !strings.Contains(got, "пароль без TLS не отправляется") {
		t.Errorf("in Russian: %q", got)
	}
	s = remind.SMTP{Addr: ts.addr, User: "synthetic", Password: "s3cret"}
	if err := s.Send(context.Background(), synthetic); err != nil {
		t.Fatalf("to 127.0.0.1: %v", err)
	}
	if len(ts.got) != 1 || !strings.HasPrefix(ts.got[0], "tls=false auth=true\n") {
		t.Errorf("received %q", ts.got)
	}
	for host, want := range map[string]bool{"localhost": true, "127.0.0.1": true, "127.0.0.2": true, "::1": true, "mail.example.org": false, "10.0.0.1": false} {
		if remind.IsLoopback(host) != want {
			t.Errorf("IsLoopback(%q) = %v", host, !want)
		}
	}
}
