package sqlite

import (
	"database/sql/driver"
	"strings"

	sqlite3 "modernc.org/sqlite"
)

func init() {
	// qfold lower-cases Unicode text; SQLite's own lower() folds only ASCII,
	// and records are mostly in Cyrillic.
	sqlite3.MustRegisterDeterministicScalarFunction("qfold", 1, func(_ *sqlite3.FunctionContext, args []driver.Value) (driver.Value, error) {
		switch v := args[0].(type) {
		case string:
			return strings.ToLower(v), nil
		case []byte:
			return strings.ToLower(string(v)), nil
		}
		return args[0], nil
	})
}
