package web

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strconv"
	"strings"
)

// Kept anonymous answers are also kept gzip-compressed, made once when the
// answer is kept, and given to readers whose browser accepts it: a slow or
// Tor link carries a fraction of the bytes. Only these answers are
// compressed: they hold nothing secret (no session, no form token), so a
// compressed length tells an onlooker nothing a reader could not fetch.
const gzipMinBytes = 1024

// gzipped returns body compressed, or nil when that does not pay: at the
// best compression, but for an answer over pagesMaxAnswer (the figures'
// JSON), which its first reader waits for, at the fastest.
func gzipped(body []byte) []byte {
	if len(body) < gzipMinBytes {
		return nil
	}
	level := gzip.BestCompression
	if len(body) > pagesMaxAnswer {
		level = gzip.BestSpeed
	}
	var b bytes.Buffer
	zw, err := gzip.NewWriterLevel(&b, level)
	if err != nil {
		return nil
	}
	if _, err := zw.Write(body); err != nil || zw.Close() != nil {
		return nil
	}
	if b.Len() >= len(body) {
		return nil
	}
	return b.Bytes()
}

// acceptsGzip reports whether the request's Accept-Encoding takes gzip
// (RFC 9110 12.5.3: a coding listed with q=0 is refused).
func acceptsGzip(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept-Encoding") {
		for part := range strings.SplitSeq(v, ",") {
			name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			name = strings.ToLower(strings.TrimSpace(name))
			if name != "gzip" && name != "x-gzip" && name != "*" {
				continue
			}
			return qualityOf(params) > 0
		}
	}
	return false
}

// qualityOf reads q= from a coding's parameters (1 when absent or unreadable
// as a number, as most servers take it).
func qualityOf(params string) float64 {
	for p := range strings.SplitSeq(params, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
			q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				return 1
			}
			return q
		}
	}
	return 1
}
