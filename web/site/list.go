package site

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/web/figures"
	"github.com/qantar-project/qantar/web/httpx"
)

// listView is one page of a kind's records, filtered and sorted by the
// query string, so that every view has a stable URL.
type listView struct {
	base
	Kind    qantar.Kind
	Columns []string
	Rows    []row
	Total   int
	More    bool // more than Total records match (httpx.CountLimit)
	From    int
	To      int
	Prev    string
	Next    string
	CSV     string
	JSON    string
	Filters []filterInput
	Sorts   []option
	Sort    string
	// Refs: the records the list is filtered on by name, and the filters
	// whose name needs a choice (refs_list.go).
	Refs *listRefs
}

// row is one record in a list.
type row struct {
	Link  link
	Cells []cell
}

type cell struct {
	Text string
	Link *link
	Lang string
}

// filterInput is one filter of the form above a list.
type filterInput struct {
	Name    string
	Label   string
	Value   string
	Options []option // a vocabulary: a select
}

type option struct {
	Value, Label string
	Selected     bool
}

// list returns the handler of a kind's list page and its downloads.
func (p *Site) list(kind qantar.Kind) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		f, err := httpx.ParseFilter(r, kind)
		if err != nil {
			return err
		}
		clean(f.Where)
		lang := p.tr[httpx.PickLang(r)]
		refs, err := p.resolveFilters(r.Context(), p.newResolver(lang, f.Reader), r.URL.Path, r.URL.Query(), kind, f.Where)
		if err != nil {
			return err
		}
		switch format := r.URL.Query().Get("format"); format {
		case "csv", "json":
			if len(refs.Waiting) > 0 {
				return qantar.FieldErrorf(refs.Waiting[0].Field, "%s", refs.Waiting[0].Message)
			}
			return p.download(w, r, kind, f, format)
		case "", "html":
		default:
			return qantar.FieldErrorf("format", "%q is not csv, json or html", format)
		}
		var recs []qantar.Record
		var total int
		if len(refs.Waiting) == 0 {
			if recs, total, err = p.listCached(r.Context(), kind, f); err != nil {
				return err
			}
		}
		recs = p.visibleAll(r.Context(), f.Reader, recs)
		pg := listView{base: p.newBase(r, ""), Kind: kind, Sort: f.Sort, Refs: refs}
		pg.Total, pg.More = httpx.TotalShown(total, f)
		t := pg.T
		pg.Title = t.KindLabel(kind)
		res := p.newResolver(t, httpx.ActorOf(r))
		cols := listColumns[kind]
		for _, c := range cols {
			pg.Columns = append(pg.Columns, t.S(labelOf(c)))
		}
		for _, rec := range recs {
			pg.Rows = append(pg.Rows, p.listRow(r.Context(), res, rec, cols))
		}
		pg.From, pg.To = f.Offset+1, f.Offset+len(recs)
		q := r.URL.Query()
		if f.Offset > 0 {
			pg.Prev = pageURL(r.URL.Path, q, max(0, f.Offset-f.Limit))
		}
		pg.Next = nextURL(r.URL.Path, q, f, len(recs), total)
		pg.CSV, pg.JSON = formatURL(r.URL.Path, q, "csv"), formatURL(r.URL.Path, q, "json")
		pg.Filters = filterInputs(t, kind, shownFilters(f.Where, refs), httpx.ActorOf(r))
		for _, s := range append([]string{"id", "-id", "-updated_at"}, sortFields(kind)...) {
			pg.Sorts = append(pg.Sorts, option{Value: s, Label: sortLabel(t, s), Selected: s == f.Sort})
		}
		return p.render(w, r, http.StatusOK, "list", pg)
	}
}

// nextURL is the next page's address, or "" on the last page: a page
// is the last when its records end the total, or, past a total counted
// only up to its limit (Filter.CountLimit), when it is not full.
func nextURL(path string, q url.Values, f qantar.Filter, n, total int) string {
	more := f.CountLimit > 0 && total > f.CountLimit
	if f.Offset+n < total || more && n == f.Limit {
		return pageURL(path, q, f.Offset+f.Limit)
	}
	return ""
}

// shownFilters are the filter inputs' values: as typed for those given by
// name.
func shownFilters(where map[string]string, refs *listRefs) map[string]string {
	out := map[string]string{}
	for k, v := range where {
		out[k] = v
	}
	for k, v := range refs.Shown {
		out[k] = v
	}
	return out
}

// clean drops empty filters, which an HTML form sends for fields left blank.
func clean(where map[string]string) {
	for k, v := range where {
		if v == "" {
			delete(where, k)
		}
	}
}

func pageURL(path string, q url.Values, offset int) string {
	q2 := url.Values{}
	for k, v := range q {
		q2[k] = v
	}
	q2.Set("offset", strconv.Itoa(offset))
	return path + "?" + q2.Encode()
}

func formatURL(path string, q url.Values, format string) string {
	q2 := url.Values{}
	for k, v := range q {
		q2[k] = v
	}
	q2.Set("format", format)
	return path + "?" + q2.Encode()
}

// listColumns are the fields each kind's list shows after its title.
var listColumns = map[qantar.Kind][]string{
	qantar.KindPerson:      {"sex", "birth_date"},
	qantar.KindEvent:       {"start", "end", "place_id"},
	qantar.KindCase:        {"opened_on", "authority_id", "articles"},
	qantar.KindComplaint:   {"kind", "filed_on", "addressee_id", "case_id", "deadline", "status"},
	qantar.KindUnit:        {"kind"},
	qantar.KindSource:      {"kind", "publisher", "date"},
	qantar.KindFigure:      {"claimed_by", "as_of", "official", "source_id"},
	qantar.KindPlace:       {"kind"},
	qantar.KindAct:         {"victim_id", "date", "event_id"},
	qantar.KindPost:        {"person_id", "unit_id", "first_cited", "last_cited"},
	qantar.KindInvolvement: {"act_id", "person_id", "unit_id", "degree"},
	qantar.KindCitation:    {"record_kind", "record_id", "source_id", "page"},
}

// listRow writes a record's cells from its fields as the page shows them.
func (p *Site) listRow(ctx context.Context, res *resolver, rec qantar.Record, cols []string) row {
	fields := p.fieldsOf(ctx, res.t, res.reader, rec, res)
	byName := map[string]field{}
	for _, f := range fields {
		byName[f.Name] = f
	}
	rw := row{Link: res.t.linkTo(rec)}
	if c, ok := rec.(*qantar.Citation); ok {
		// A citation's record is named by kind and id together.
		if target := res.get(ctx, c.RecordKind, c.RecordID); target != nil {
			l := res.t.linkTo(target)
			byName["record_id"] = field{Link: &l}
		}
		byName["record_kind"] = field{Value: res.t.KindOne(c.RecordKind)}
	}
	if c, ok := rec.(*qantar.Complaint); ok {
		p.complaintListCells(ctx, res.t, c, byName)
	}
	for _, c := range cols {
		f := byName[c]
		cl := cell{Text: f.Value, Lang: f.Lang}
		if f.Link != nil && f.Link.Href != "" {
			cl.Link = f.Link
		}
		rw.Cells = append(rw.Cells, cl)
	}
	return rw
}

// filterInputs are the filter form's fields: every filterable field but the
// external key, as a select where it is coded.
func filterInputs(t tr, kind qantar.Kind, where map[string]string, reader qantar.Actor) []filterInput {
	var out []filterInput
	for _, name := range qantar.FilterFields[kind] {
		if name == "external_key" || (name == "protection" && reader.ID == "") {
			continue
		}
		in := filterInput{Name: name, Label: t.S(labelOf(name)), Value: where[name]}
		if v := fieldVocab(kind, name); v != "" {
			in.Options = append(in.Options, option{Value: "", Label: t.S("any")})
			for _, code := range qantar.VocabCodes(v) {
				in.Options = append(in.Options, option{Value: code, Label: t.Term(v, code), Selected: code == where[name]})
			}
		}
		out = append(out, in)
	}
	return out
}

// sortFields are the fields a kind's list offers to sort on.
func sortFields(kind qantar.Kind) []string {
	var out []string
	for _, f := range qantar.FilterFields[kind] {
		if f != "external_key" && f != "protection" {
			out = append(out, f, "-"+f)
		}
	}
	return out
}

func sortLabel(t tr, s string) string {
	switch s {
	case "id":
		return t.S("oldest first")
	case "-id":
		return t.S("newest first")
	case "-updated_at":
		return t.S("recently changed")
	}
	if s[0] == '-' {
		return t.S(labelOf(s[1:])) + " ↓"
	}
	return t.S(labelOf(s)) + " ↑"
}

// complaintListCells adds a complaint's deadline and status, with the days
// it has waited past the deadline, as of the day of the latest checkpoint
// (as its page says them).
func (p *Site) complaintListCells(ctx context.Context, t tr, c *qantar.Complaint, byName map[string]field) {
	lp, _, err := p.figures.LogAt(ctx, -1)
	if err != nil {
		return
	}
	day := figures.CheckpointDay(lp)
	st, err := p.rules.Status(c, day)
	if err != nil {
		byName["status"] = field{Value: t.S("unknown")}
		return
	}
	if !st.Deadline.Date.IsZero() {
		byName["deadline"] = field{Value: st.Deadline.Date.Format(time.DateOnly)}
	}
	status := t.S(statusLabel(st.Status))
	if n, ok := figures.DaysOverdue(st, day); ok {
		status += " · " + t.S("Days without an answer") + ": " + t.Num(n)
	}
	byName["status"] = field{Value: status}
}
