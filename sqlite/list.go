package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/storekit"
)

// List returns one page of live records of a kind and the number that match.
func (db *DB) List(ctx context.Context, kind qantar.Kind, f qantar.Filter) ([]qantar.Record, int, error) {
	where, args, err := listWhere(kind, f)
	if err != nil {
		return nil, 0, err
	}
	doc := docColumn(f.Reader)
	order, err := listOrder(kind, f.Sort, doc)
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
	from := "records"
	if idx := indexFor(kind, f.Where); idx != "" {
		from += " INDEXED BY " + idx
	}
	total := -1
	if f.After == 0 {
		if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM `+from+` WHERE `+where, args...).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("count %s: %w", kind, err)
		}
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+doc+` FROM `+from+` WHERE `+where+` ORDER BY `+order+` LIMIT ? OFFSET ?`,
		append(args, limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list %s: %w", kind, err)
	}
	defer rows.Close()
	out, err := storekit.DecodeAll(rows, kind)
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// fieldIndexes names the expression index of each (kind, field) that lists
// filter on (migrations 001 and 005). Without statistics SQLite prefers the
// primary key's kind prefix, which scans every record of the kind.
var fieldIndexes = map[qantar.Kind]map[string]string{
	qantar.KindAct:         {"victim_id": "records_victim", "event_id": "records_act_event"},
	qantar.KindInvolvement: {"act_id": "records_act", "person_id": "records_involvement_person", "unit_id": "records_involvement_unit"},
	qantar.KindCitation:    {"source_id": "records_citation_source"},
	qantar.KindPost:        {"person_id": "records_post_person", "unit_id": "records_post_unit"},
	qantar.KindComplaint:   {"case_id": "records_complaint_case"},
	qantar.KindFigure:      {"measure": "records_figure_measure"},
}

// indexFor returns the index that serves a list's filters, if one does.
func indexFor(kind qantar.Kind, where map[string]string) string {
	fields := make([]string, 0, len(where))
	for f := range where {
		fields = append(fields, f)
	}
	sort.Strings(fields) // the same plan every time
	for _, f := range fields {
		if idx := fieldIndexes[kind][f]; idx != "" {
			return idx
		}
	}
	return ""
}

// listWhere builds the WHERE clause of a list, over the projection of each
// record that the reader may see (docColumn): a field that a projection may
// change is matched on the projection; one that no projection changes
// (qantar.KeptByProjection) on the record's own column and index. Fields are
// checked against qantar.FilterFields, so no name from the request reaches
// the SQL text.
func listWhere(kind qantar.Kind, f qantar.Filter) (string, []any, error) {
	if _, err := qantar.ParseKind(string(kind)); err != nil {
		return "", nil, err
	}
	// The kind is written as a literal (it is one of qantar.Kinds), so that
	// SQLite can use the partial indexes of that kind.
	conds := []string{"kind = '" + string(kind) + "'"}
	var args []any
	if !f.WithDeleted {
		conds = append(conds, "deleted_at IS NULL")
	}
	doc := docColumn(f.Reader)
	allowed := qantar.FilterFields[kind]
	for field, value := range f.Where {
		if !slices.Contains(allowed, field) {
			return "", nil, qantar.FieldErrorf(field, "cannot filter %s on %q (fields: %s)", kind, field, strings.Join(allowed, ", "))
		}
		if len(value) > qantar.MaxShort {
			return "", nil, qantar.FieldErrorf(field, "filter value is too long")
		}
		switch {
		case !qantar.KeptByProjection(kind, field):
			conds = append(conds, "json_extract("+doc+", '$."+field+"') = ?")
			args = append(args, filterValue(value))
		case field == "external_key":
			conds = append(conds, "external_key = ?")
			args = append(args, value)
		case field == "protection":
			conds = append(conds, "protection = ?")
			args = append(args, value)
		default:
			conds = append(conds, "json_extract(data, '$."+field+"') = ?")
			args = append(args, filterValue(value))
		}
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		if len(q) > qantar.MaxShort {
			return "", nil, qantar.FieldErrorf("q", "is longer than %d bytes", qantar.MaxShort)
		}
		conds = append(conds, "instr(qfold("+doc+"), ?) > 0")
		args = append(args, jsonFragment(strings.ToLower(q)))
	}
	if f.After > 0 {
		conds = append(conds, "id > ?")
		args = append(args, f.After)
	}
	return strings.Join(conds, " AND "), args, nil
}

// jsonFragment escapes q as it appears inside a JSON string, so that a plain
// substring match over the stored JSON finds it.
func jsonFragment(q string) string {
	b, _ := json.Marshal(q)
	return string(b[1 : len(b)-1])
}

// filterValue types a filter value as SQLite's json_extract returns it.
func filterValue(v string) any {
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return n
	}
	switch v {
	case "true":
		return 1
	case "false":
		return 0
	}
	return v
}

func listOrder(kind qantar.Kind, sort, doc string) (string, error) {
	s, err := storekit.SortOf(kind, sort)
	if err != nil || s.Column != "" {
		return s.Then(s.Column), err
	}
	if s.Data {
		doc = "data"
	}
	return s.Then("json_extract(" + doc + ", '$." + s.Field + "')"), nil
}

func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?,", n), ",") }

// History returns every version of a record, oldest first.
func (db *DB) History(ctx context.Context, kind qantar.Kind, id int64) ([]qantar.Version, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT version, op, actor, at, reason, data, salt, leaf_index FROM versions
		WHERE kind = ? AND id = ? ORDER BY version`, kind, id)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	defer rows.Close()
	var out []qantar.Version
	for rows.Next() {
		v := qantar.Version{Kind: kind, ID: id}
		var at, data string
		var reason sql.NullString
		var salt []byte
		var leaf sql.NullInt64
		if err := rows.Scan(&v.Version, &v.Op, &v.Actor, &at, &reason, &data, &salt, &leaf); err != nil {
			return nil, err
		}
		v.At, v.Reason, v.Data, v.Salt = parseTime(at), reason.String, json.RawMessage(data), fmt.Sprintf("%x", salt) // "" when it has none (a v1 public version)
		if leaf.Valid {
			v.LeafIndex = &leaf.Int64
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, qantar.Errorf(qantar.ENOTFOUND, "%s/%d does not exist", kind, id)
	}
	return out, nil
}

// Count returns the number of live records of each kind.
func (db *DB) Count(ctx context.Context) (map[qantar.Kind]int, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT kind, count(*) FROM records WHERE deleted_at IS NULL GROUP BY kind`)
	if err != nil {
		return nil, fmt.Errorf("count: %w", err)
	}
	defer rows.Close()
	out := map[qantar.Kind]int{}
	for _, k := range qantar.Kinds {
		out[k] = 0
	}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[qantar.Kind(k)] = n
	}
	return out, rows.Err()
}
