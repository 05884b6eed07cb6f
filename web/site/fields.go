package site

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"

	"github.com/qantar-project/qantar"
)

// field is one row of a record's page: a label, its value (text or a link),
// and the sources cited for it.
type field struct {
	Name    string
	Label   string
	Value   string
	Lang    string // the value's language when it is record content
	Link    *link
	Sources []citeLink
}

// fieldLabels name the JSON fields for readers (translated by the catalogue).
var fieldLabels = map[string]string{
	"names": "Names", "sex": "Sex", "birth_date": "Birth date", "birth_place_id": "Birth place",
	"description": "Description", "protection": "Protection", "consent": "Consent to publish",
	"victim_id": "Victim", "event_id": "Event", "type": "Type", "method": "Method", "date": "Date",
	"place_id": "Place", "victim_status": "Victim's status", "act_id": "Act", "person_id": "Person",
	"unit_id": "Unit", "degree": "Degree", "confidence": "Confidence", "notes": "Notes",
	"number": "Number", "jurisdiction": "Jurisdiction", "authority_id": "Authority", "articles": "Articles",
	"opened_on": "Opened on", "summary": "Summary", "kind": "Kind", "filed_on": "Filed on", "deadline": "Deadline", "status": "Status",
	"filer_id": "Filed by", "filer_role": "Filer's role", "addressee_id": "Addressee", "case_id": "Case",
	"escalates_id": "Escalates", "subject": "Subject", "record_kind": "Record kind", "record_id": "Record",
	"field": "Field", "source_id": "Source", "page": "Page", "time_code": "Time code",
	"archive_url": "Archived copy", "quote": "Quote", "measure": "Measure", "value": "Value",
	"qualifier": "Qualifier", "claimed_by": "Claimed by", "claimant_id": "Claimant", "official": "Official",
	"as_of": "As of", "note": "Note", "title": "Title", "start": "Start", "end": "End",
	"parent_id": "Part of", "name": "Name", "region_then_id": "Region then", "region_now_id": "Region now",
	"lat": "Latitude", "lon": "Longitude", "coord_precision": "Precision of coordinates",
	"publisher": "Publisher", "author": "Author", "url": "Address", "language": "Language",
	"sha256": "SHA-256 of the archived copy", "reliability": "Reliability", "aliases": "Aliases",
	"parents": "Parent units", "role": "Role", "rank": "Rank", "first_cited": "First cited",
	"last_cited": "Last cited", "external_key": "External key", "act_ids": "Acts",
	"participants": "Participants", "steps": "Steps", "responses": "Responses", "from": "From", "to": "To",
	"same_as_id": "Same person as", "media_type": "Media type", "derived_from": "Derived from", "derivation": "Derivation",
}

// fieldVocab gives the vocabulary of a coded field; "kind" and "role" depend
// on the record's kind.
func fieldVocab(k qantar.Kind, name string) string {
	switch name {
	case "type":
		return "act_type"
	case "kind":
		switch k {
		case qantar.KindSource:
			return "source_kind"
		case qantar.KindPlace:
			return "place_kind"
		case qantar.KindUnit:
			return "unit_kind"
		}
		return ""
	case "role":
		if k == qantar.KindPost {
			return "post_role"
		}
		return ""
	case "measure":
		return "figure_measure"
	case "victim_status", "sex", "protection", "consent", "degree", "confidence", "reliability", "qualifier", "filer_role", "coord_precision":
		return name
	}
	return ""
}

// hiddenFields are shown elsewhere on the page or not at all.
var hiddenFields = map[string]bool{"id": true, "version": true, "created_at": true, "updated_at": true,
	"steps": true, "responses": true, "participants": true, "act_ids": true,
	// A unit's positions and equipment: in their own sections, each with its grade (unit.go).
	"positions": true, "equipment": true}

// fieldsOf lists a record's fields in the order the record declares them,
// as the reader may see them (rec has been through qantar.Visible).
func (p *Site) fieldsOf(ctx context.Context, t tr, reader qantar.Actor, rec qantar.Record, res *resolver) []field {
	refs := map[string]qantar.Ref{}
	for _, r := range rec.Refs() {
		refs[r.Field] = r
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if _, err := dec.Token(); err != nil {
		return nil
	}
	var out []field
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return out
		}
		name, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return out
		}
		if hiddenFields[name] || (name == "protection" && reader.ID == "") {
			continue
		}
		f := field{Name: name, Label: t.S(labelOf(name))}
		if ref, ok := refs[name]; ok {
			l := res.link(ctx, ref.Kind, ref.ID)
			f.Link = &l
		} else if u, ok := rec.(*qantar.Unit); ok && name == "parents" {
			f.Value = t.parentsText(ctx, u.Parents, res) // names and periods, not the JSON
		} else if v, ok := p.rulesValue(t, rec, name); ok {
			f.Value = v
		} else if c, ok := rec.(*qantar.Citation); ok && name == "record_kind" {
			f.Value = t.KindOne(c.RecordKind) // a kind in words, not its code
		} else if v := fieldVocab(rec.Kind(), name); v != "" {
			var code string
			_ = json.Unmarshal(raw, &code)
			f.Value = t.Term(v, code)
		} else {
			f.Value, f.Lang = t.rawValue(name, raw)
			if (name == "url" || name == "archive_url") && (strings.HasPrefix(f.Value, "https://") || strings.HasPrefix(f.Value, "http://")) {
				f.Link = &link{Href: f.Value, Title: f.Value} // a source's address is a link
			}
		}
		out = append(out, f)
	}
	return out
}

func labelOf(name string) string {
	if l, ok := fieldLabels[name]; ok {
		return l
	}
	return name
}

// rawValue writes a JSON value for reading: a string as is, a Text in the
// reader's language, a list of names or strings one after another.
func (t tr) rawValue(name string, raw json.RawMessage) (string, string) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, ""
	}
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		if b {
			return t.S("yes"), ""
		}
		return t.S("no"), ""
	}
	if name == "names" {
		if v, ok := t.placeNames(raw); ok {
			return v, ""
		}
		var names []qantar.Name
		if json.Unmarshal(raw, &names) == nil {
			parts := make([]string, len(names))
			for i, n := range names {
				parts[i] = n.Value
				if n.Lang != "" || n.Script != "" {
					parts[i] += " (" + strings.Trim(n.Lang+" "+n.Script, " ") + ")"
				}
			}
			return strings.Join(parts, "; "), ""
		}
	}
	var txt map[string]string
	if json.Unmarshal(raw, &txt) == nil {
		v, l := qantar.Text(txt).In(t.Lang)
		return v, l
	}
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return strings.Join(list, ", "), ""
	}
	return string(raw), ""
}

// placeNames writes a place's names over time, "Kapshagay (…–2022-05-03);
// Konayev (2022-05-04–…)", each in the reader's language; ok is false when
// raw is not a list of names with periods.
func (t tr) placeNames(raw json.RawMessage) (string, bool) {
	var names []qantar.PlaceName
	if json.Unmarshal(raw, &names) != nil || len(names) == 0 || names[0].Name.IsEmpty() {
		return "", false
	}
	day := func(d qantar.Date) string {
		if d.IsZero() {
			return "…"
		}
		return t.Date(d)
	}
	parts := make([]string, len(names))
	for i, n := range names {
		v, _ := n.Name.In(t.Lang)
		parts[i] = v + " (" + day(n.From) + "–" + day(n.To) + ")"
	}
	return strings.Join(parts, "; "), true
}

// resolver names referenced records once per request, as the reader may
// see them.
type resolver struct {
	p      *Site
	t      tr
	reader qantar.Actor
	seen   map[qantar.Kind]map[int64]qantar.Record
}

func (p *Site) newResolver(t tr, reader qantar.Actor) *resolver {
	return &resolver{p: p, t: t, reader: reader, seen: map[qantar.Kind]map[int64]qantar.Record{}}
}

// get returns a record as the reader may see it, nil if it is gone.
func (r *resolver) get(ctx context.Context, kind qantar.Kind, id int64) qantar.Record {
	if id == 0 {
		return nil
	}
	m := r.seen[kind]
	if m == nil {
		m = map[int64]qantar.Record{}
		r.seen[kind] = m
	}
	if rec, ok := m[id]; ok {
		return rec
	}
	rec, err := r.p.get(ctx, r.reader, kind, id)
	if err != nil {
		rec = nil
	}
	m[id] = rec
	return rec
}

// link links to a record; a record that is gone keeps its id in the text.
func (r *resolver) link(ctx context.Context, kind qantar.Kind, id int64) link {
	if id == 0 {
		return link{}
	}
	rec := r.get(ctx, kind, id)
	if rec == nil {
		return link{Title: r.t.KindOne(kind) + " #" + itoa(id)}
	}
	return r.t.linkTo(rec)
}

// citeLink is a source cited for a record or one field of it.
type citeLink struct {
	Source     link
	CitationID int64
	Page       string
	Quote      string
	Confidence string
}

// citations returns the sources cited for a record, by field ("" for the
// record as a whole).
func (p *Site) citations(ctx context.Context, res *resolver, kind qantar.Kind, id int64) (map[string][]citeLink, error) {
	recs, _, err := p.listCached(ctx, qantar.KindCitation, qantar.Filter{Reader: res.reader, Limit: qantar.MaxLimit,
		Where: map[string]string{"record_kind": string(kind), "record_id": itoa(id)}})
	if err != nil {
		return nil, err
	}
	out := map[string][]citeLink{}
	for _, rec := range recs {
		c := rec.(*qantar.Citation)
		out[c.Field] = append(out[c.Field], citeLink{Source: res.link(ctx, qantar.KindSource, c.SourceID), CitationID: c.ID,
			Page: strings.TrimSpace(c.Page + " " + c.TimeCode), Quote: c.Quote, Confidence: res.t.Term("confidence", c.Confidence)})
	}
	return out, nil
}

// parentsText writes a unit's parent units as readers read them: each
// parent's name with its period and, when recorded, the claim's status,
// "Ministry (2020-01-01–…)".
func (t tr) parentsText(ctx context.Context, parents []qantar.UnitParent, res *resolver) string {
	day := func(d qantar.Date) string {
		if d.IsZero() {
			return "…"
		}
		return t.Date(d)
	}
	parts := make([]string, 0, len(parents))
	for _, up := range parents {
		v := res.link(ctx, qantar.KindUnit, up.ParentID).Title + " (" + day(up.From) + "–" + day(up.To) + ")"
		if up.Status != "" {
			v += ", " + t.Term("claim_status", up.Status)
		}
		parts = append(parts, v)
	}
	return strings.Join(parts, "; ")
}
