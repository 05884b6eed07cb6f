package remind

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/qantar-project/qantar"
)

// Identifiers are tag: URIs (RFC 4151): tag:AUTHORITY,DATE:SPECIFIC, where
// AUTHORITY is the host of the log's origin, DATE a day on which its
// operator held that name (the day of the log's first leaf), and SPECIFIC
// the origin's path followed by what is named. A complaint's entry is named
// by the complaint and the day its answer is due, so that an extended
// deadline is a new entry and the same reminder keeps its id from run to
// run and from one copy of the database to another.

// tagAuthority returns the host of a log origin, the authority of tag URIs.
func tagAuthority(origin string) (string, error) {
	host, _, _ := strings.Cut(origin, "/")
	host = strings.ToLower(host)
	if h, _, ok := strings.Cut(host, ":"); ok {
		host = h
	}
	if host == "" || strings.Trim(host, "abcdefghijklmnopqrstuvwxyz0123456789.-") != "" {
		return "", qantar.Errorf(qantar.EINVALID, "the log's origin %q does not begin with a host name", origin)
	}
	return host, nil
}

// tagDate returns the date of tag URIs: since, else the day of the store's
// first log leaf.
func tagDate(ctx context.Context, st qantar.Store, since time.Time) (string, error) {
	if since.IsZero() {
		at, ok := st.(qantar.AtReader)
		if !ok {
			return "", fmt.Errorf("remind: no date for tag URIs: give Options.Since")
		}
		lp, err := at.LogAt(ctx, 1)
		if err != nil {
			return "", fmt.Errorf("remind: the log's first leaf: %w", err)
		}
		since = lp.Time
	}
	return since.UTC().Format(time.DateOnly), nil
}

// tag returns the tag URI of what the path names under the log's origin.
func (d *Digest) tag(path string) string {
	host, _ := tagAuthority(d.opts.LogOrigin)
	_, rest, _ := strings.Cut(d.opts.LogOrigin, "/")
	specific := strings.Trim(rest, "/")
	if specific != "" {
		specific += "/"
	}
	return "tag:" + host + "," + d.tagDate + ":" + escapeTag(specific+path)
}

// escapeTag keeps a tag's specific part to the characters RFC 4151 allows.
func escapeTag(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~!$&'()*+,;=:@/?", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// targetPath is the target's path on the site and in identifiers.
func (t Target) path() string { return string(t.Kind) + "/" + idString(t.ID) }

// feedID names the feed of a target in a language.
func (d *Digest) feedID(lang string) string {
	return d.tag(d.Target.path() + "/reminders/" + lang)
}

// entryID names the reminder of a complaint with its answer's due day.
func (d *Digest) entryID(it Item) string {
	return d.tag(fmt.Sprintf("complaints/%d/answer-due/%s", it.Complaint.ID, it.Status.Deadline.Date.Format(time.DateOnly)))
}

// link returns the address of a page of the site for a record, in lang;
// "" when no site address was given.
func (d *Digest) link(kind qantar.Kind, id int64, lang string) string {
	if d.opts.SiteURL == "" {
		return ""
	}
	return strings.TrimRight(d.opts.SiteURL, "/") + "/" + string(kind) + "/" + idString(id) + "?lang=" + url.QueryEscape(lang)
}

// messageID is a message's Message-ID: the same for the same recipient,
// day and reminders (a message sent again after a failure is the same
// message), computed only from what the recipient is sent.
func messageID(host, address string, asOf time.Time, digests []*Digest) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n", strings.ToLower(address), asOf.Format(time.DateOnly))
	for _, d := range digests {
		fmt.Fprintf(h, "%s\n", d.Target)
		for _, it := range d.Items {
			fmt.Fprintf(h, "%d %s %s\n", it.Complaint.ID, it.Status.Deadline.Date.Format(time.DateOnly), it.Status.Status)
		}
	}
	return "<reminders." + asOf.Format("20060102") + "." + hex.EncodeToString(h.Sum(nil)[:12]) + "@" + host + ">"
}
