package remind

import (
	"context"
	"encoding/xml"
	"strings"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/locale"
)

// AtomNS is the namespace of Atom 1.0 (RFC 4287).
const AtomNS = "http://www.w3.org/2005/Atom"

// AtomFeed is an Atom 1.0 feed, as Digest.Atom writes it and as a reader
// of it (a test) parses it.
type AtomFeed struct {
	XMLName   xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang      string      `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
	ID        string      `xml:"id"`
	Title     string      `xml:"title"`
	Updated   string      `xml:"updated"`
	Author    *AtomPerson `xml:"author"`
	Links     []AtomLink  `xml:"link"`
	Generator string      `xml:"generator,omitempty"`
	Subtitle  string      `xml:"subtitle,omitempty"`
	Entries   []AtomEntry `xml:"entry"`
}

// AtomPerson is an author.
type AtomPerson struct {
	Name string `xml:"name"`
}

// AtomLink is a link.
type AtomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

// AtomText is a text construct.
type AtomText struct {
	Type string `xml:"type,attr,omitempty"`
	Body string `xml:",chardata"`
}

// AtomCategory is a category.
type AtomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

// AtomEntry is an entry.
type AtomEntry struct {
	ID       string         `xml:"id"`
	Title    string         `xml:"title"`
	Updated  string         `xml:"updated"`
	Links    []AtomLink     `xml:"link"`
	Category []AtomCategory `xml:"category"`
	Content  AtomText       `xml:"content"`
}

// Feed is what the site serves at a target's feed: the Atom feed of what
// reader is reminded of about target, in lang (kk, ru or en). A target that
// is not there is ENOTFOUND.
func Feed(ctx context.Context, st qantar.Store, reader qantar.Actor, opts Options, target Target, lang string) ([]byte, error) {
	d, err := Collect(ctx, st, reader, opts, target)
	if err != nil {
		return nil, err
	}
	return d.Atom(lang)
}

// Atom writes the digest as an Atom 1.0 feed in lang. The feed's updated is
// the latest of its entries' (of the target's own version when it has
// none, of the day it is made for when the reader may not see even that).
func (d *Digest) Atom(lang string) ([]byte, error) {
	p := locale.For(lang)
	lang = p.Lang()
	f := AtomFeed{Lang: lang, ID: d.feedID(lang), Title: d.Title(lang), Author: &AtomPerson{Name: "Qantar"}, Generator: "Qantar"}
	overdue, due := d.Counts()
	f.Subtitle = p.S("As of %s: overdue %d, awaiting an answer %d.", date(d.AsOf), overdue, due)
	if l := d.link(d.Target.Kind, d.Target.ID, lang); l != "" {
		f.Links = append(f.Links, AtomLink{Rel: "alternate", Type: "text/html", Href: l})
	}
	updated := d.targetUpdated()
	for _, it := range d.Items {
		f.Entries = append(f.Entries, d.entry(it, lang))
		if it.Updated.After(updated) {
			updated = it.Updated
		}
	}
	if updated.IsZero() {
		updated = d.AsOf
	}
	f.Updated = atomTime(updated)
	out, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(out, '\n')...), nil
}

func (d *Digest) targetUpdated() time.Time {
	switch {
	case d.Case != nil:
		return d.Case.UpdatedAt
	case d.Person != nil:
		return d.Person.UpdatedAt // zero for a placeholder
	}
	return time.Time{}
}

func (d *Digest) entry(it Item, lang string) AtomEntry {
	p := locale.For(lang)
	e := AtomEntry{ID: d.entryID(it), Title: d.headline(it, lang), Updated: atomTime(it.Updated)}
	if it.Overdue() {
		e.Category = []AtomCategory{{Term: "overdue", Label: p.S("Overdue")}}
	} else {
		e.Category = []AtomCategory{{Term: "due", Label: p.S("Awaiting an answer")}}
	}
	if l := d.link(qantar.KindComplaint, it.Complaint.ID, lang); l != "" {
		e.Links = []AtomLink{{Rel: "alternate", Type: "text/html", Href: l}}
	}
	e.Content = AtomText{Type: "text", Body: strings.Join(d.details(it, lang), "\n")}
	return e
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }
