package site

import (
	"context"
	"net/url"
	"slices"

	"github.com/qantar-project/qantar"
)

// filterRef is a list filter given by a name that names several records
// (offered as links to the list filtered on each) or none.
type filterRef struct {
	Field   string
	Label   string
	Message string
	Choices []refChoice
}

// listRefs is what a list's filters by name came to: the records filtered
// on, and the filters still waiting for a choice.
type listRefs struct {
	Named   []link
	Waiting []filterRef
	// Shown are the filter inputs' values as typed ("Алматы" rather than
	// the id it became), by filter field.
	Shown map[string]string
}

// filterField is the filter a query key means for a kind: "place_id" for
// "place" or "place_id" on events; ok is false for other keys.
func filterField(kind qantar.Kind, key string) (string, qantar.Kind, bool) {
	field := key
	if !slices.Contains(qantar.FilterFields[kind], field) {
		field = key + "_id"
		if !slices.Contains(qantar.FilterFields[kind], field) {
			return "", "", false
		}
	}
	rk, ok := refKindOf(kind, field)
	return field, rk, ok
}

// resolveFilters turns the filters of a list's query that name a record by
// name into ids (in where, in place), with the search of /search as the
// reader: one record is filtered on; several, or none, wait (the list is
// not shown).
func (p *Site) resolveFilters(ctx context.Context, res *resolver, path string, query url.Values, kind qantar.Kind, where map[string]string) (*listRefs, error) {
	out := &listRefs{Shown: map[string]string{}}
	keys := make([]string, 0, len(where))
	for k := range where {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, key := range keys {
		v := where[key]
		field, rk, ok := filterField(kind, key)
		if !ok {
			continue
		}
		delete(where, key)
		out.Shown[field] = v
		if id, ok := isID(v); ok {
			where[field] = itoa(id)
			if rec := res.get(ctx, rk, id); rec != nil {
				out.Named = append(out.Named, res.t.linkTo(rec))
			}
			continue
		}
		found, err := p.findByName(ctx, res.reader, res.t, rk, v)
		if err != nil {
			return nil, err
		}
		if len(found) == 1 {
			where[field] = itoa(found[0].GetMeta().ID)
			out.Named = append(out.Named, res.t.linkTo(found[0]))
			continue
		}
		out.Waiting = append(out.Waiting, p.filterChoices(ctx, res, path, query, key, field, rk, v, found))
	}
	return out, nil
}

// filterChoices offers the records a filter's name may mean, each a link to
// the list filtered on it.
func (p *Site) filterChoices(ctx context.Context, res *resolver, path string, query url.Values, key, field string,
	rk qantar.Kind, v string, found []qantar.Record) filterRef {
	t := res.t
	fr := filterRef{Field: key, Label: t.S(labelOf(field))}
	if len(found) == 0 {
		fr.Message = t.S("Nothing found by the name “%s”.", v)
		return fr
	}
	fr.Message = t.S("Several records match “%s”: choose one to filter on.", v)
	for _, rec := range found {
		c := p.choiceOf(ctx, res, rec)
		q := url.Values{}
		for k, vs := range query {
			if k != key && k != field && k != "offset" {
				q[k] = vs
			}
		}
		q.Set(field, itoa(c.ID))
		c.Href = path + "?" + q.Encode()
		fr.Choices = append(fr.Choices, c)
	}
	return fr
}
