package storekit

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/qantar-project/qantar"
)

// Lister is what a store says of a list's SQL where the engines differ:
// how a JSON field is compared and sorted and how folded text is searched.
type Lister interface {
	// Equals is the condition that a JSON field of doc equals a filter
	// value (given as text, typed as the engine compares it).
	Equals(a *Args, doc, field, value string) string
	// Contains is the condition that the folded text of what reader may
	// see of a record contains fragment.
	Contains(a *Args, reader qantar.Actor, fragment string) string
	// SortBy is the ORDER BY of a sort on a JSON field of doc.
	SortBy(s Sort, doc string) string
}

// Args collects a query's arguments and names their placeholders ($1, $2
// …, which both engines read).
type Args []any

// Add adds an argument and returns its placeholder.
func (a *Args) Add(v any) string {
	*a = append(*a, v)
	return "$" + strconv.Itoa(len(*a))
}

// DocColumn is the SQL expression of the JSON a reader may see of a row.
func DocColumn(reader qantar.Actor) string {
	class, all := qantar.ClassOf(reader)
	switch {
	case all:
		return "data"
	case class.Role == qantar.RoleViewer:
		return "coalesce(viewer_data, data)"
	}
	return "coalesce(pub_data, data)"
}

// Lists are a store's List, History and Count, over its read pool. A store
// embeds them.
type Lists struct {
	R Reader
	L Lister
}

// List returns one page of live records of a kind and the number that
// match (-1 when the filter reads after an id). The number is counted only
// when the page does not say it (a full page, or an empty one after an
// offset), and, when the list's only conditions are field filters, from
// record_fields alone.
func (l Lists) List(ctx context.Context, kind qantar.Kind, f qantar.Filter) ([]qantar.Record, int, error) {
	var a Args
	w, err := listWhere(&a, l.L, kind, f)
	if err != nil {
		return nil, 0, err
	}
	doc := DocColumn(f.Reader)
	order, err := listOrder(l.L, kind, f.Sort, doc)
	if err != nil {
		return nil, 0, err
	}
	limit := f.Limit
	if limit <= 0 || limit > qantar.MaxLimit {
		limit = qantar.MaxLimit
	}
	if f.Offset < 0 {
		return nil, 0, qantar.FieldErrorf("offset", "must not be negative")
	}
	const from = "records"
	args := slices.Clone(a)
	page := ` LIMIT ` + a.Add(limit) + ` OFFSET ` + a.Add(f.Offset)
	query := `SELECT ` + doc + ` FROM ` + from + ` WHERE ` + w.where + ` ORDER BY ` + order + page
	if w.alone && strings.HasPrefix(order, "id ") {
		// The page's ids first, from record_fields' keys alone: only the
		// page's records are read, not every match to be sorted.
		query = `SELECT ` + doc + ` FROM ` + from + ` WHERE kind = '` + string(kind) + `' AND deleted_at IS NULL AND id IN (SELECT id FROM (` +
			w.pageIDs(&a, order, f.Offset+limit) + `) AS p ORDER BY ` + order + page + `) ORDER BY ` + order
	}
	rows, err := l.R.Query(ctx, query, a...)
	if err != nil {
		return nil, 0, fmt.Errorf("list %s: %w", kind, err)
	}
	out, err := DecodeAll(rows, kind)
	rows.Close()
	if err != nil {
		return nil, 0, err
	}
	switch {
	case f.After != 0:
		return out, -1, nil
	case len(out) < limit && (len(out) > 0 || f.Offset == 0):
		return out, f.Offset + len(out), nil
	}
	total, err := l.count(ctx, kind, from, w, args, f.CountLimit)
	return out, total, err
}

// count counts what a list selects, up to upTo+1 when upTo is above zero:
// from record_fields alone when its field filters are the whole selection.
func (l Lists) count(ctx context.Context, kind qantar.Kind, from string, w where, args Args, upTo int) (int, error) {
	query := `SELECT 1 FROM ` + from + ` WHERE ` + w.where
	switch {
	case w.alone && upTo > 0:
		// In id order, each part up to the limit: PostgreSQL otherwise
		// builds a bitmap of all of a common value's entries (2.9 s at
		// 250,000 acts of a type) before it stops at the limit.
		query = w.pageIDs(&args, "id ASC", upTo+1)
	case w.alone:
		query = w.selected()
	}
	if upTo > 0 {
		query += ` LIMIT ` + strconv.Itoa(upTo+1)
	}
	query = `SELECT count(*) FROM (` + query + `) AS t`
	total := 0
	if err := l.R.QueryRow(ctx, query, args...).Scan(&total); err != nil {
		return 0, fmt.Errorf("count %s: %w", kind, err)
	}
	return total, nil
}

// where is a list's WHERE clause over records and, when some of its field
// filters are read from record_fields, the queries of the ids each selects.
type where struct {
	where string
	parts [][]string // each one's UNION ALL parts (fieldIDs)
	alone bool       // the ids are the whole selection: count them alone
}

// pageIDs is the query of ids that holds the first n of the selection in
// order (id ASC or DESC): with one filter, the first n of each of its
// parts, each read in order from its key range, so a page reads at most n
// entries a part, not every match.
func (w where) pageIDs(a *Args, order string, n int) string {
	if len(w.parts) != 1 {
		return w.selected()
	}
	limit := a.Add(n)
	var parts []string
	for i, q := range w.parts[0] {
		parts = append(parts, `SELECT id FROM (`+q+` ORDER BY `+order+` LIMIT `+limit+`) AS p`+strconv.Itoa(i))
	}
	return strings.Join(parts, " UNION ALL ")
}

// selected is the query of the ids that every filter reading record_fields
// selects: the first filter's ids (the most selective, fieldConds' order),
// each probed for the other filters' values by its own key in
// record_fields, so that a record's citations (record_kind and record_id)
// read that record's few rows, not every citation of its kind to
// intersect them (9 s at 2,000,000 citations on PostgreSQL).
func (w where) selected() string {
	q := `SELECT id FROM (` + strings.Join(w.parts[0], " UNION ALL ") + `) AS f`
	for i, parts := range w.parts[1:] {
		if i == 0 {
			q += ` WHERE `
		} else {
			q += ` AND `
		}
		probes := make([]string, len(parts))
		for j, p := range parts {
			probes[j] = p + ` AND id = f.id`
		}
		q += `EXISTS (` + strings.Join(probes, " UNION ALL ") + `)`
	}
	return q
}

// listWhere builds the WHERE clause of a list, over the projection of each
// record that the reader may see (DocColumn): a field that a projection
// may change is matched on the projection (through record_fields, as the
// reader's class sees it); one that no projection changes
// (qantar.KeptByProjection) on the record's own column or index, or on
// record_fields. Fields are checked against qantar.FilterFields, so no name
// from the request reaches the SQL text.
func listWhere(a *Args, l Lister, kind qantar.Kind, f qantar.Filter) (where, error) {
	if _, err := qantar.ParseKind(string(kind)); err != nil {
		return where{}, err
	}
	// The kind is written as a literal (it is one of qantar.Kinds), so that
	// SQLite can use the partial indexes of that kind.
	conds := []string{"kind = '" + string(kind) + "'"}
	if !f.WithDeleted {
		conds = append(conds, "deleted_at IS NULL")
	}
	base := len(conds)
	conds, parts, err := fieldConds(a, l, kind, f, conds)
	if err != nil {
		return where{}, err
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		if len(q) > qantar.MaxShort {
			return where{}, qantar.FieldErrorf("q", "is longer than %d bytes", qantar.MaxShort)
		}
		conds = append(conds, l.Contains(a, f.Reader, jsonFragment(strings.ToLower(q))))
	}
	if f.After > 0 {
		conds = append(conds, "id > "+a.Add(f.After))
	}
	w := where{parts: parts, alone: len(parts) > 0 && len(conds) == base}
	if len(parts) > 0 {
		conds = append(conds, "id IN ("+w.selected()+")")
	}
	w.where = strings.Join(conds, " AND ")
	return w, nil
}

// fieldConds adds to conds the conditions of f's field filters on records,
// and returns the queries of record_fields ids for the others, most
// selective first (bySelectivity). record_fields holds live records only, so a list
// with deleted records matches every field on the JSON.
func fieldConds(a *Args, l Lister, kind qantar.Kind, f qantar.Filter, conds []string) ([]string, [][]string, error) {
	doc := DocColumn(f.Reader)
	allowed := qantar.FilterFields[kind]
	var ids [][]string
	for _, field := range bySelectivity(slices.Collect(maps.Keys(f.Where))) {
		value := f.Where[field]
		if !slices.Contains(allowed, field) {
			return nil, nil, qantar.FieldErrorf(field, "cannot filter %s on %q (fields: %s)", kind, field, strings.Join(allowed, ", "))
		}
		if len(value) > qantar.MaxShort {
			return nil, nil, qantar.FieldErrorf(field, "filter value is too long")
		}
		switch {
		case !f.WithDeleted && InFieldTable(kind, field):
			ids = append(ids, fieldIDs(a, f.Reader, kind, field, value))
		case !qantar.KeptByProjection(kind, field):
			conds = append(conds, l.Equals(a, doc, field, value))
		case field == "external_key", field == "protection":
			conds = append(conds, field+" = "+a.Add(value))
		default:
			conds = append(conds, l.Equals(a, "data", field, value))
		}
	}
	return conds, ids, nil
}

// bySelectivity orders filter fields by how few records a value of each
// is likely to select, most selective first, by name otherwise: a key
// (external_key) names one record, a reference (a field ending in _id)
// the few that refer to one record, any other field a category that may
// hold most of a kind (sex, type). The first reads record_fields' range;
// each record in it is probed for the others (where.selected).
func bySelectivity(fields []string) []string {
	rank := func(f string) int {
		switch {
		case f == "external_key":
			return 0
		case strings.HasSuffix(f, "_id"):
			return 1
		}
		return 2
	}
	slices.SortFunc(fields, func(a, b string) int {
		if d := rank(a) - rank(b); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	return fields
}

// jsonFragment escapes q as it appears inside a JSON string, so that a plain
// substring match over the stored JSON finds it.
func jsonFragment(q string) string {
	b, _ := json.Marshal(q)
	return string(b[1 : len(b)-1])
}

// listOrder is the ORDER BY of a list's sort.
func listOrder(l Lister, kind qantar.Kind, sort, doc string) (string, error) {
	s, err := SortOf(kind, sort)
	if err != nil || s.Column != "" {
		return s.Then(s.Column), err
	}
	if s.Data {
		doc = "data"
	}
	return l.SortBy(s, doc), nil
}

// History returns every version of a record, oldest first.
func (l Lists) History(ctx context.Context, kind qantar.Kind, id int64) ([]qantar.Version, error) {
	rows, err := l.R.Query(ctx, `SELECT version, op, actor, at, reason, data, salt, leaf_index FROM versions
		WHERE kind = $1 AND id = $2 ORDER BY version`, string(kind), id)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	var out []qantar.Version
	var v qantar.Version
	var op, data string
	var at Time
	var reason *string
	var salt []byte
	err = Each(rows, []any{&v.Version, &op, &v.Actor, &at, &reason, &data, &salt, &v.LeafIndex}, func() error {
		w := v
		w.Kind, w.ID, w.Op, w.At, w.Data = kind, id, qantar.Op(op), at.T, json.RawMessage(data)
		w.Salt = fmt.Sprintf("%x", salt) // "" when it has none (a v1 public version)
		if reason != nil {
			w.Reason = *reason
		}
		out = append(out, w)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, qantar.Errorf(qantar.ENOTFOUND, "%s/%d does not exist", kind, id)
	}
	return out, nil
}

// Count returns the number of live records of each kind.
func (l Lists) Count(ctx context.Context) (map[qantar.Kind]int, error) {
	rows, err := l.R.Query(ctx, `SELECT kind, count(*) FROM records WHERE deleted_at IS NULL GROUP BY kind`)
	if err != nil {
		return nil, fmt.Errorf("count: %w", err)
	}
	out := map[qantar.Kind]int{}
	for _, k := range qantar.Kinds {
		out[k] = 0
	}
	var k string
	var n int
	return out, Each(rows, []any{&k, &n}, func() error {
		out[qantar.Kind(k)] = n
		return nil
	})
}
