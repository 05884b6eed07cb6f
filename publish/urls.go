package publish

import (
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/tlog"
)

// Where a link of the site goes in the mirror. A static host serves files,
// not query strings, so every URL the mirror can show is given a file of
// its own; every other one (search, sign-in, forms, sorted views) goes to
// the mirror's own page, which says that the mirror is read-only.

type targetKind int

const (
	tLeave    targetKind = iota // external, or a fragment: left as it is
	tPage                       // an HTML page, one file per language
	tShared                     // a file shared by every language (asset, data, log)
	tReadOnly                   // not in the mirror: the read-only page
)

// target is where one site URL lives in the mirror.
type target struct {
	kind targetKind
	// file is relative to a language's root for a page, to the mirror's
	// root for a shared file.
	file string
	// fetch is the site URL to render into file (path and canonical
	// query), or "" when the file is written otherwise (data, log).
	fetch string
	frag  string
}

// MirrorPage is the file, in each language's root, of the page about the
// mirror: that it is read-only, its open data, and how to check it.
const MirrorPage = "mirror.html"

// maxQueryName bounds the part of a file name made from a query string.
const maxQueryName = 120

// mapURL returns where ref, a link found on the page at base, goes.
func mapURL(base *url.URL, ref string) target {
	ref = strings.TrimSpace(ref)
	if ref == "" || strings.HasPrefix(ref, "#") {
		return target{kind: tLeave}
	}
	u, err := url.Parse(ref)
	if err != nil {
		return target{kind: tReadOnly}
	}
	if u.Scheme != "" || u.Host != "" || u.Opaque != "" {
		return target{kind: tLeave} // another site, mailto:, data:
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	t := mapPath(u.Path, u.Query())
	t.frag = u.Fragment
	return t
}

// mapPath maps a site path and query (lang ignored: the mirror has one
// tree per language).
func mapPath(p string, q url.Values) target {
	q.Del("lang")
	if p == "" {
		p = "/"
	}
	if p != "/" && strings.HasSuffix(p, "/") {
		return target{kind: tReadOnly}
	}
	segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
	page := func(file string) target { return target{kind: tPage, file: file, fetch: canonical(p, q)} }
	switch {
	case p == "/":
		if len(q) == 0 {
			return page("index.html")
		}
	case p == "/stats":
		if len(q) == 0 {
			return page("stats.html")
		}
	case p == "/victims":
		return listPage(p, q, qantar.KindAct)
	case len(segs) == 1 && isKind(segs[0]):
		k := qantar.Kind(segs[0])
		if f := q.Get("format"); f == "csv" || f == "json" {
			// A list's download: the whole public export of the kind, as
			// long as no filter narrows it.
			if onlyKeys(q, "format", "offset", "limit") {
				return target{kind: tShared, file: "data/" + string(k) + "." + f}
			}
			return target{kind: tReadOnly}
		}
		return listPage(p, q, k)
	case len(segs) == 2 && isKind(segs[0]) && isID(segs[1]):
		if len(q) == 0 {
			return page(segs[0] + "/" + segs[1] + ".html")
		}
	case len(segs) == 3 && isKind(segs[0]) && isID(segs[1]) && segs[2] == "history":
		// Beside the record's page, not in a directory of its own: a
		// directory per record would double the files a host must hold.
		if len(q) == 0 {
			return page(segs[0] + "/" + segs[1] + "-history.html")
		}
		// What changed between two versions.
		if onlyKeys(q, "from", "to") && isID(q.Get("from")) && isID(q.Get("to")) {
			return page(segs[0] + "/" + segs[1] + "-history-" + q.Get("from") + "-" + q.Get("to") + ".html")
		}
	case len(segs) == 3 && segs[0] == "static" && len(q) == 0 && safeName(segs[1]) && safeName(segs[2]):
		return target{kind: tShared, file: "static/" + segs[1] + "/" + segs[2], fetch: p}
	case len(segs) == 2 && segs[0] == "files" && qantar.IsSHA256(segs[1]) && len(q) == 0:
		// An evidence file, copied by writeEvidence when the public may fetch it.
		return target{kind: tShared, file: "files/" + segs[1]}
	case p == tlog.PathCheckpoint || p == tlog.PathKey:
		return target{kind: tShared, file: strings.TrimPrefix(p, "/")}
	case len(segs) == 3 && segs[0] == "api" && segs[1] == "v1" && isKind(segs[2]):
		if onlyKeys(q, "offset", "limit") {
			return target{kind: tShared, file: "data/" + segs[2] + ".json"}
		}
	case p == "/api/v1/stats":
		// The figures the dashboard shows, as JSON.
		if onlyKeys(q, "as_of") {
			return target{kind: tShared, file: "data/stats.json", fetch: canonical(p, q)}
		}
	}
	return target{kind: tReadOnly}
}

// listPage maps a list (or the victims page) with its page offset and the
// filters a page links to (an event's victims), each view a file:
// persons.html, persons/offset=50.html, victims/event_id=3,offset=50.html.
// Sorted views, searches and other parameters are not in the mirror.
func listPage(p string, q url.Values, filterKind qantar.Kind) target {
	for key, vals := range q {
		if len(vals) != 1 {
			return target{kind: tReadOnly}
		}
		switch {
		case key == "offset":
			n, err := strconv.Atoi(vals[0])
			if err != nil || n < 0 || strconv.Itoa(n) != vals[0] {
				return target{kind: tReadOnly}
			}
			if n == 0 {
				q.Del(key)
			}
		case key != "external_key" && contains(qantar.FilterFields[filterKind], key) && vals[0] != "":
		default:
			return target{kind: tReadOnly}
		}
	}
	name := strings.TrimPrefix(p, "/")
	if len(q) == 0 {
		return target{kind: tPage, file: name + ".html", fetch: p}
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = escapeName(k) + "=" + escapeName(q.Get(k))
	}
	qn := strings.Join(parts, ",")
	if len(qn) > maxQueryName {
		return target{kind: tReadOnly}
	}
	return target{kind: tPage, file: name + "/" + qn + ".html", fetch: canonical(p, q)}
}

// canonical is the one spelling of a site URL: its path and sorted query.
func canonical(p string, q url.Values) string {
	if len(q) == 0 {
		return p
	}
	return p + "?" + q.Encode()
}

// escapeName keeps letters, digits, '.', '_' and '-' and writes any other
// byte as ~XX, so that a query value becomes a file name that needs no
// escaping in a URL and means one value only.
func escapeName(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-' {
			if c == '.' && i == 0 {
				b.WriteString("~2E") // no hidden files
				continue
			}
			b.WriteByte(c)
			continue
		}
		b.WriteString("~" + strings.ToUpper(strconv.FormatUint(uint64(c)>>4, 16)+strconv.FormatUint(uint64(c)&15, 16)))
	}
	return b.String()
}

func isKind(s string) bool {
	for _, k := range qantar.Kinds {
		if string(k) == s {
			return true
		}
	}
	return false
}

// isID accepts a positive decimal integer in its one spelling.
func isID(s string) bool {
	n, err := strconv.ParseInt(s, 10, 64)
	return err == nil && n > 0 && strconv.FormatInt(n, 10) == s
}

// safeName accepts an asset's path element.
func safeName(s string) bool {
	return s != "" && s[0] != '.' && escapeName(s) == s
}

func onlyKeys(q url.Values, keys ...string) bool {
	for k := range q {
		if !contains(keys, k) {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// relPath is the relative URL from the file from to the file to, both
// relative to the mirror's root, so that the mirror works from any
// sub-path and from file://.
func relPath(from, to string) string {
	fd := strings.Split(path.Dir(from), "/")
	if fd[0] == "." {
		fd = nil
	}
	td := strings.Split(to, "/")
	i := 0
	for i < len(fd) && i < len(td)-1 && fd[i] == td[i] {
		i++
	}
	return strings.Repeat("../", len(fd)-i) + strings.Join(td[i:], "/")
}
