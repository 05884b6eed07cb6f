package sqlite

import (
	"sort"
	"strconv"
	"strings"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/storekit"
)

// lister is storekit.Lister in SQLite's SQL: JSON through json_extract,
// text search over qfold, and the index of a list's filters named.
type lister struct{}

// From names the index that serves a list's filters, if one does.
func (lister) From(kind qantar.Kind, where map[string]string) string {
	if idx := indexFor(kind, where); idx != "" {
		return "records INDEXED BY " + idx
	}
	return "records"
}

func (lister) Equals(a *storekit.Args, doc, field, value string) string {
	return "json_extract(" + doc + ", '$." + field + "') = " + a.Add(filterValue(value))
}

func (lister) Contains(a *storekit.Args, reader qantar.Actor, fragment string) string {
	return "instr(qfold(" + storekit.DocColumn(reader) + "), " + a.Add(fragment) + ") > 0"
}

func (lister) SortBy(s storekit.Sort, doc string) string {
	return s.Then("json_extract(" + doc + ", '$." + s.Field + "')")
}

// indexFor returns the index over data that serves a list's filters, if
// one does (storekit.DataIndexes). Without statistics SQLite prefers the
// primary key's kind prefix, which scans every record of the kind.
func indexFor(kind qantar.Kind, where map[string]string) string {
	fields := make([]string, 0, len(where))
	for f := range where {
		fields = append(fields, f)
	}
	sort.Strings(fields) // the same plan every time
	for _, f := range fields {
		if idx := storekit.DataIndexes[kind][f]; idx != "" {
			return idx
		}
	}
	return ""
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

func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?,", n), ",") }
