package capture

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/nlnwa/gowarc/v3"
)

// indexEntry locates one response record in data.warc.gz, for the WACZ's
// CDXJ index.
type indexEntry struct {
	URL      string
	Time     time.Time
	Status   int
	Mime     string
	Digest   string
	Offset   int64
	Length   int64
	RecordID string
}

// warcWriter writes records to a .warc.gz, each record its own gzip member
// (so that a reader can start at any record's offset).
type warcWriter struct {
	out   *countingWriter
	buf   *bufio.Writer
	index []indexEntry
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func newWarcWriter(w io.Writer) *warcWriter {
	b := bufio.NewWriterSize(w, 256<<10)
	return &warcWriter{buf: b, out: &countingWriter{w: b}}
}

func (w *warcWriter) flush() error { return w.buf.Flush() }

var recordOpts = []gowarc.WarcRecordOption{
	gowarc.WithVersion(gowarc.V1_1),
	gowarc.WithAddMissingRecordId(true),
	gowarc.WithAddMissingDigest(true),
	gowarc.WithAddMissingContentLength(true),
	gowarc.WithFixContentLength(true),
	gowarc.WithFixDigest(true),
}

// record builds a record of type t with the given headers and block, writes
// it, and returns its ID, offset and length in the file.
func (w *warcWriter) record(t gowarc.RecordType, headers [][2]string, date time.Time, block []byte) (id string, off, n int64, err error) {
	b := gowarc.NewRecordBuilder(t, recordOpts...)
	b.AddWarcHeaderTime(gowarc.WarcDate, date)
	for _, h := range headers {
		b.AddWarcHeader(h[0], h[1])
	}
	if _, err := b.Write(block); err != nil {
		b.Close()
		return "", 0, 0, err
	}
	rec, _, err := b.Build()
	if err != nil {
		return "", 0, 0, fmt.Errorf("warc record: %w", err)
	}
	defer rec.Close()
	off = w.out.n
	gz, _ := gzip.NewWriterLevel(w.out, gzip.BestSpeed)
	if _, _, err := gowarc.NewMarshaler().Marshal(gz, rec, 0); err != nil {
		return "", 0, 0, err
	}
	if err := gz.Close(); err != nil {
		return "", 0, 0, err
	}
	return rec.RecordId(), off, w.out.n - off, nil
}

// info writes the warcinfo record that opens the file.
func (w *warcWriter) info() error {
	block := "software: Qantar (github.com/qantar-project/qantar)\r\nformat: WARC File Format 1.1\r\n" +
		"conformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n"
	_, _, _, err := w.record(gowarc.Warcinfo, [][2]string{{gowarc.ContentType, "application/warc-fields"}, {gowarc.WarcFilename, "data.warc.gz"}},
		time.Now().UTC(), []byte(block))
	return err
}

// exchange writes one request, its response (status line, headers as
// received, body) and a metadata record: when it was fetched, the
// address dialled and, over HTTPS, the TLS version and certificate chain.
func (w *warcWriter) exchange(req *http.Request, resp *http.Response, body []byte, ip string, at time.Time) error {
	target := req.URL.String()
	common := [][2]string{{gowarc.WarcTargetURI, target}}
	if ip != "" {
		common = append(common, [2]string{gowarc.WarcIPAddress, ip})
	}
	reqID, _, _, err := w.record(gowarc.Request, append(common, [2]string{gowarc.ContentType, "application/http;msgtype=request"}), at, requestBlock(req))
	if err != nil {
		return err
	}
	var head bytes.Buffer
	fmt.Fprintf(&head, "HTTP/%d.%d %s\r\n", resp.ProtoMajor, resp.ProtoMinor, resp.Status)
	resp.Header.Write(&head)
	head.WriteString("\r\n")
	head.Write(body)
	respID, off, n, err := w.record(gowarc.Response, append(common, [2]string{gowarc.ContentType, "application/http;msgtype=response"},
		[2]string{gowarc.WarcConcurrentTo, reqID}), at, head.Bytes())
	if err != nil {
		return err
	}
	w.index = append(w.index, indexEntry{URL: target, Time: at, Status: resp.StatusCode, Mime: resp.Header.Get("Content-Type"),
		Offset: off, Length: n, RecordID: respID, Digest: sha256Digest(body)})
	meta := map[string]any{"fetch_time": at.Format(time.RFC3339Nano), "ip_address": ip, "url": target}
	if resp.TLS != nil {
		meta["tls_version"] = tlsVersion(resp.TLS.Version)
		meta["tls_server_name"] = resp.TLS.ServerName
		meta["tls_certificate_chain_pem"] = chainPEM(resp)
	}
	mb, err := json.MarshalIndent(meta, "", "  ")
	if err != nil {
		return err
	}
	_, _, _, err = w.record(gowarc.Metadata, append(common, [2]string{gowarc.ContentType, "application/json"},
		[2]string{gowarc.WarcRefersTo, respID}, [2]string{gowarc.WarcConcurrentTo, respID}), at, mb)
	return err
}

// requestBlock is the request as it went on the wire (HTTP/1.1).
func requestBlock(req *http.Request) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "GET %s HTTP/1.1\r\nHost: %s\r\n", req.URL.RequestURI(), req.URL.Host)
	req.Header.Write(&b)
	b.WriteString("\r\n")
	return b.Bytes()
}

func tlsVersion(v uint16) string {
	switch v {
	case 0x0304:
		return "TLS 1.3"
	case 0x0303:
		return "TLS 1.2"
	}
	return fmt.Sprintf("0x%04x", v)
}

// surt is the sort-friendly form of a URL that CDXJ indexes use:
// com,example)/path?query, a name's labels reversed, lower case, no www.
func surt(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	key := host // an IP address is kept as it is
	if _, err := netip.ParseAddr(host); err != nil {
		parts := strings.Split(host, ".")
		slices.Reverse(parts)
		key = strings.Join(parts, ",")
	}
	if p := u.Port(); p != "" && !(u.Scheme == "http" && p == "80") && !(u.Scheme == "https" && p == "443") {
		key += ":" + p
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	key += ")" + strings.ToLower(path)
	if u.RawQuery != "" {
		key += "?" + strings.ToLower(u.RawQuery)
	}
	return key
}

// cdxj is the index of the responses, one line each, sorted.
func cdxj(index []indexEntry) []byte {
	lines := make([]string, 0, len(index))
	for _, e := range index {
		j, _ := json.Marshal(map[string]any{"url": e.URL, "mime": e.Mime, "status": fmt.Sprint(e.Status), "digest": e.Digest,
			"length": fmt.Sprint(e.Length), "offset": fmt.Sprint(e.Offset), "filename": "data.warc.gz", "recordId": e.RecordID})
		lines = append(lines, surt(e.URL)+" "+e.Time.Format("20060102150405")+" "+string(j))
	}
	sort.Strings(lines)
	return []byte(strings.Join(lines, "\n") + "\n")
}
