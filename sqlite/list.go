package sqlite

import (
	"strconv"
	"strings"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/storekit"
)

// lister is storekit.Lister in SQLite's SQL: JSON through json_extract,
// text search over qfold.
type lister struct{}

func (lister) Equals(a *storekit.Args, doc, field, value string) string {
	return "json_extract(" + doc + ", '$." + field + "') = " + a.Add(filterValue(value))
}

func (lister) Contains(a *storekit.Args, reader qantar.Actor, fragment string) string {
	return "instr(qfold(" + storekit.DocColumn(reader) + "), " + a.Add(fragment) + ") > 0"
}

func (lister) SortBy(s storekit.Sort, doc string) string {
	return s.Then("json_extract(" + doc + ", '$." + s.Field + "')")
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
