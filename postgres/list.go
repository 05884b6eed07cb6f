package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/storekit"
)

// List returns one page of live records of a kind and the number that match.
func (db *DB) List(ctx context.Context, kind qantar.Kind, f qantar.Filter) ([]qantar.Record, int, error) {
	var a args
	where, err := listWhere(&a, kind, f)
	if err != nil {
		return nil, 0, err
	}
	doc, _ := docColumns(f.Reader)
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
	total := -1
	if f.After == 0 {
		if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM records WHERE `+where, a...).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("count %s: %w", kind, err)
		}
	}
	query := `SELECT ` + doc + ` FROM records WHERE ` + where + ` ORDER BY ` + order + ` LIMIT ` + a.add(limit) + ` OFFSET ` + a.add(f.Offset)
	rows, err := db.pool.Query(ctx, query, a...)
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

// args collects query arguments and names their placeholders.
type args []any

func (a *args) add(v any) string {
	*a = append(*a, v)
	return "$" + strconv.Itoa(len(*a))
}

// listWhere builds the WHERE clause of a list, over the projection of each
// record that the reader may see (docColumns): a field that a projection may
// change is matched on the projection; one that no projection changes
// (qantar.KeptByProjection) on the record's own column and index. Fields are
// checked against qantar.FilterFields, so no name from the request reaches
// the SQL text.
func listWhere(a *args, kind qantar.Kind, f qantar.Filter) (string, error) {
	conds := []string{"kind = " + a.add(string(kind))}
	if !f.WithDeleted {
		conds = append(conds, "deleted_at IS NULL")
	}
	doc, folded := docColumns(f.Reader)
	allowed := qantar.FilterFields[kind]
	for field, value := range f.Where {
		if !slices.Contains(allowed, field) {
			return "", qantar.FieldErrorf(field, "cannot filter %s on %q (fields: %s)", kind, field, strings.Join(allowed, ", "))
		}
		if len(value) > qantar.MaxShort {
			return "", qantar.FieldErrorf(field, "filter value is too long")
		}
		switch {
		case !qantar.KeptByProjection(kind, field):
			conds = append(conds, filterCond(a, doc, field, value))
		case field == "external_key":
			conds = append(conds, "external_key = "+a.add(value))
		case field == "protection":
			conds = append(conds, "protection = "+a.add(value))
		default:
			conds = append(conds, filterCond(a, "data", field, value))
		}
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		if len(q) > qantar.MaxShort {
			return "", qantar.FieldErrorf("q", "is longer than %d bytes", qantar.MaxShort)
		}
		conds = append(conds, "strpos("+folded+", "+a.add(jsonFragment(strings.ToLower(q)))+") > 0")
	}
	if f.After > 0 {
		conds = append(conds, "id > "+a.add(f.After))
	}
	return strings.Join(conds, " AND "), nil
}

// jsonText and jsonValue are a field of the stored JSON as text (->>, as
// the expression indexes have it) and as JSON (for its type).
func jsonText(doc, field string) string  { return "((" + doc + ")::json->>'" + field + "')" }
func jsonValue(doc, field string) string { return "((" + doc + ")::json->'" + field + "')" }

// filterCond selects the records whose field equals value as SQLite's
// `json_extract(data, '$.field') = ?` does with sqlite.filterValue: a value
// that reads as an integer matches that JSON number (and 1 and 0 match
// true and false, as json_extract gives them); any other value matches a
// JSON string (or the text of an object or array). Stored numbers are
// written by encoding/json from integer fields, so their text is the
// integer's canonical form and a text comparison, which the expression
// indexes serve, is a numeric one.
func filterCond(a *args, doc, field, value string) string {
	text, typ := jsonText(doc, field), "json_typeof("+jsonValue(doc, field)+")"
	if n, err := strconv.ParseInt(value, 10, 64); err == nil {
		value = strconv.FormatInt(n, 10)
	} else if value == "true" {
		value = "1"
	} else if value == "false" {
		value = "0"
	} else {
		return "(" + text + " = " + a.add(value) + " AND " + typ + " IN ('string', 'object', 'array'))"
	}
	cond := "(" + text + " = " + a.add(value) + " AND " + typ + " = 'number')"
	switch value {
	case "1":
		cond = "(" + cond + " OR (" + text + " = 'true' AND " + typ + " = 'boolean'))"
	case "0":
		cond = "(" + cond + " OR (" + text + " = 'false' AND " + typ + " = 'boolean'))"
	}
	return cond
}

// jsonFragment escapes q as it appears inside a JSON string, so that a plain
// substring match over the stored JSON finds it.
func jsonFragment(q string) string {
	b, _ := json.Marshal(q)
	return string(b[1 : len(b)-1])
}

// listOrder sorts as SQLite sorts json_extract's values: missing and null
// first, then numbers (true and false as 1 and 0) by value, then text by
// its bytes (COLLATE "C" is byte order in UTF-8), each way by id after.
func listOrder(kind qantar.Kind, sort, doc string) (string, error) {
	s, err := storekit.SortOf(kind, sort)
	if err != nil || s.Column != "" {
		return s.Then(s.Column), err
	}
	if s.Data {
		doc = "data"
	}
	dir, field := s.Dir, s.Field
	text, typ := jsonText(doc, field), "json_typeof("+jsonValue(doc, field)+")"
	class := "CASE WHEN " + typ + " IS NULL OR " + typ + " = 'null' THEN 0 WHEN " + typ + " IN ('number', 'boolean') THEN 1 ELSE 2 END"
	num := "CASE " + typ + " WHEN 'number' THEN " + text + "::numeric WHEN 'boolean' THEN CASE " + text + " WHEN 'true' THEN 1 ELSE 0 END END"
	str := "(CASE WHEN " + typ + " IN ('string', 'object', 'array') THEN " + text + " END) COLLATE \"C\""
	return class + dir + ", " + num + dir + ", " + str + dir + ", id" + dir, nil
}

// History returns every version of a record, oldest first.
func (db *DB) History(ctx context.Context, kind qantar.Kind, id int64) ([]qantar.Version, error) {
	rows, err := db.pool.Query(ctx, `SELECT version, op, actor, at, reason, data, salt, leaf_index FROM versions
		WHERE kind = $1 AND id = $2 ORDER BY version`, string(kind), id)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	defer rows.Close()
	var out []qantar.Version
	for rows.Next() {
		v := qantar.Version{Kind: kind, ID: id}
		var op, data string
		var at time.Time
		var reason *string
		var salt []byte
		if err := rows.Scan(&v.Version, &op, &v.Actor, &at, &reason, &data, &salt, &v.LeafIndex); err != nil {
			return nil, err
		}
		v.Op, v.At, v.Data = qantar.Op(op), at.UTC(), json.RawMessage(data)
		v.Salt = fmt.Sprintf("%x", salt) // "" when it has none (a v1 public version)
		if reason != nil {
			v.Reason = *reason
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
	rows, err := db.pool.Query(ctx, `SELECT kind, count(*) FROM records WHERE deleted_at IS NULL GROUP BY kind`)
	if err != nil {
		return nil, fmt.Errorf("count: %w", err)
	}
	out := map[qantar.Kind]int{}
	for _, k := range qantar.Kinds {
		out[k] = 0
	}
	var k string
	var n int
	_, err = pgx.ForEachRow(rows, []any{&k, &n}, func() error {
		out[qantar.Kind(k)] = n
		return nil
	})
	return out, err
}
