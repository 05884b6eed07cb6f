// Package capture preserves a web page as it was served: the page and the
// resources it loads (images, stylesheets, scripts, depth 1) are fetched,
// written as WARC 1.1 records (request, response with its headers, and a
// metadata record with the fetch time, the address dialled and, over HTTPS,
// the server's certificate chain as PEM), and packaged as a WACZ 1.1.1 file
// (a ZIP with a datapackage naming each part's SHA-256). Replay serves a
// capture back as it was, under a Content-Security-Policy that lets no
// script run and nothing load from elsewhere.
//
// A capture never reaches a non-public address (loopback, private,
// link-local, CGNAT, multicast, unspecified, IPv6 unique-local and the
// other reserved ranges): the check runs when the connection is dialled,
// so a name that resolves to an internal host, a DNS answer that changes
// between look-ups and a redirect to one are all refused, unless
// Options.AllowPrivate says otherwise.
package capture

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"

	"github.com/qantar-project/qantar"
)

// Errors a capture or a replay returns, wrapped with the address or part at
// fault; each is a *qantar.Error whose message is a catalogue key.
var (
	ErrScheme           = qantar.Errorf(qantar.EINVALID, "only http and https addresses can be captured")
	ErrNotPublic        = qantar.Errorf(qantar.EINVALID, "the address is not public, and a capture never reaches internal hosts")
	ErrTooManyRedirects = qantar.Errorf(qantar.EINVALID, "the page redirects too many times")
	ErrTooLarge         = qantar.Errorf(qantar.ETOOLARGE, "the page or one of its resources is larger than the capture's limit")
	ErrTimeout          = qantar.Errorf(qantar.EINVALID, "the page did not answer in time")
	ErrFetch            = qantar.Errorf(qantar.EINVALID, "the page could not be fetched")
	ErrBomb             = qantar.Errorf(qantar.EINVALID, "the archive expands far beyond its size (a zip bomb), and is refused")
	ErrNotWACZ          = qantar.Errorf(qantar.EINVALID, "the file is not a web archive (WACZ)")
)

// Defaults of Options.
const (
	DefaultMaxRedirects       = 10
	DefaultMaxResponse  int64 = 50 << 20
	DefaultMaxTotal     int64 = 200 << 20
	DefaultTimeout            = 2 * time.Minute
	DefaultUserAgent          = "Mozilla/5.0 (compatible; Qantar archiver; +https://github.com/qantar-project/qantar)"
)

// Options bound a capture. The zero value is safe: public addresses only,
// DefaultMaxRedirects, DefaultMaxResponse, DefaultMaxTotal, DefaultTimeout.
type Options struct {
	// AllowPrivate lets a capture reach loopback and private addresses
	// (tests, an intranet the operator means to archive).
	AllowPrivate bool
	MaxRedirects int           // redirects followed for one resource
	MaxResponse  int64         // bytes of one response body
	MaxTotal     int64         // bytes of all response bodies
	Timeout      time.Duration // for the whole capture
	UserAgent    string
	// RootCAs are the authorities HTTPS servers are checked against; nil
	// is the system's.
	RootCAs *x509.CertPool

	// allow, when set, decides which addresses may be dialled in place of
	// the public-address rule (tests: a "public" server on 127.0.0.1).
	allow func(netip.AddrPort) bool
}

func (o Options) withDefaults() Options {
	if o.MaxRedirects <= 0 {
		o.MaxRedirects = DefaultMaxRedirects
	}
	if o.MaxResponse <= 0 {
		o.MaxResponse = DefaultMaxResponse
	}
	if o.MaxTotal <= 0 {
		o.MaxTotal = DefaultMaxTotal
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.UserAgent == "" {
		o.UserAgent = DefaultUserAgent
	}
	return o
}

// reserved are ranges that are not public beyond what netip's predicates
// name: "this network", CGNAT, IETF protocol assignments, documentation,
// benchmarking, the old class E and broadcast; NAT64, discard-only, ORCHID,
// documentation, 6to4 (which can embed a private IPv4) and site-local in IPv6.
var reserved = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("100::/64"),
	netip.MustParsePrefix("2001::/23"),
	netip.MustParsePrefix("2001:db8::/32"),
	netip.MustParsePrefix("2002::/16"),
	netip.MustParsePrefix("fec0::/10"),
}

// Public reports whether a is a public unicast address a capture may reach.
func Public(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsValid() || a.IsUnspecified() || a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() ||
		a.IsMulticast() || a.IsLinkLocalMulticast() || a.IsInterfaceLocalMulticast() {
		return false
	}
	for _, p := range reserved {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// control runs as each connection is dialled, with the address the name
// resolved to: the one place where an internal host can be refused
// whatever the name, the DNS answer or the redirect that led there.
func (o *Options) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fail(fmt.Sprint(address), ErrNotPublic, nil)
	}
	ap = netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
	switch {
	case o.allow != nil:
		if o.allow(ap) {
			return nil
		}
	case o.AllowPrivate || Public(ap.Addr()):
		return nil
	}
	return fail(fmt.Sprint(ap.Addr()), ErrNotPublic, nil)
}

// client is an HTTP/1.1 client that dials through control, uses no proxy
// (a proxy would dial for it, unchecked), asks for bodies uncompressed and
// follows no redirect itself: each is recorded and checked in turn.
func (o *Options) client() *http.Client {
	d := &net.Dialer{Timeout: 30 * time.Second, Control: o.control}
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           d.DialContext,
		TLSClientConfig:       &tls.Config{RootCAs: o.RootCAs, MinVersion: tls.VersionTLS12},
		TLSNextProto:          map[string]func(string, *tls.Conn) http.RoundTripper{},
		DisableCompression:    true,
		TLSHandshakeTimeout:   30 * time.Second,
		ResponseHeaderTimeout: time.Minute,
		MaxIdleConnsPerHost:   4,
	}
	return &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// checkURL parses an address a capture may fetch: http or https with a host.
func checkURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, fail(fmt.Sprintf("%q", raw), ErrScheme, nil)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fail(fmt.Sprintf("%q", raw), ErrScheme, nil)
	}
	u.Fragment = ""
	return u, nil
}

// fetchError names what went wrong in a fetch: a refused address, a
// timeout, or any other failure to fetch.
func fetchError(u string, err error) error {
	var f *qantar.Failure
	switch {
	case errors.As(err, &f): // refused at dial time: the address is the detail
		return fail(u, f.Kind, f.Subject)
	case errors.Is(err, context.DeadlineExceeded):
		return fail(fmt.Sprint(u), ErrTimeout, nil)
	default:
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return fail(fmt.Sprint(u), ErrTimeout, nil)
		}
		return fail(fmt.Sprint(u), ErrFetch, err)
	}
}
