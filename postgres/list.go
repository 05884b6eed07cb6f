package postgres

import (
	"strconv"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/storekit"
)

// lister is storekit.Lister in PostgreSQL's SQL: JSON through ->> and
// json_typeof, compared and sorted as SQLite's json_extract does, and text
// search over the kept folded columns.
type lister struct{}

func (lister) Contains(a *storekit.Args, reader qantar.Actor, fragment string) string {
	return "strpos(" + foldColumn(reader) + ", " + a.Add(fragment) + ") > 0"
}

// jsonText and jsonValue are a field of the stored JSON as text (->>, as
// the expression indexes have it) and as JSON (for its type).
func jsonText(doc, field string) string  { return "((" + doc + ")::json->>'" + field + "')" }
func jsonValue(doc, field string) string { return "((" + doc + ")::json->'" + field + "')" }

// Equals selects the records whose field equals value as SQLite's
// `json_extract(data, '$.field') = ?` does with sqlite.filterValue: a value
// that reads as an integer matches that JSON number (and 1 and 0 match
// true and false, as json_extract gives them); any other value matches a
// JSON string (or the text of an object or array). Stored numbers are
// written by encoding/json from integer fields, so their text is the
// integer's canonical form and a text comparison, which the expression
// indexes serve, is a numeric one.
func (lister) Equals(a *storekit.Args, doc, field, value string) string {
	text, typ := jsonText(doc, field), "json_typeof("+jsonValue(doc, field)+")"
	if n, err := strconv.ParseInt(value, 10, 64); err == nil {
		value = strconv.FormatInt(n, 10)
	} else if value == "true" {
		value = "1"
	} else if value == "false" {
		value = "0"
	} else {
		return "(" + text + " = " + a.Add(value) + " AND " + typ + " IN ('string', 'object', 'array'))"
	}
	cond := "(" + text + " = " + a.Add(value) + " AND " + typ + " = 'number')"
	switch value {
	case "1":
		cond = "(" + cond + " OR (" + text + " = 'true' AND " + typ + " = 'boolean'))"
	case "0":
		cond = "(" + cond + " OR (" + text + " = 'false' AND " + typ + " = 'boolean'))"
	}
	return cond
}

// SortBy sorts as SQLite sorts json_extract's values: missing and null
// first, then numbers (true and false as 1 and 0) by value, then text by
// its bytes (COLLATE "C" is byte order in UTF-8), each way by id after.
func (lister) SortBy(s storekit.Sort, doc string) string {
	dir, field := s.Dir, s.Field
	text, typ := jsonText(doc, field), "json_typeof("+jsonValue(doc, field)+")"
	class := "CASE WHEN " + typ + " IS NULL OR " + typ + " = 'null' THEN 0 WHEN " + typ + " IN ('number', 'boolean') THEN 1 ELSE 2 END"
	num := "CASE " + typ + " WHEN 'number' THEN " + text + "::numeric WHEN 'boolean' THEN CASE " + text + " WHEN 'true' THEN 1 ELSE 0 END END"
	str := "(CASE WHEN " + typ + " IN ('string', 'object', 'array') THEN " + text + " END) COLLATE \"C\""
	return class + dir + ", " + num + dir + ", " + str + dir + ", id" + dir
}
