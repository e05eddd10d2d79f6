package library

import (
	"database/sql/driver"
	"strings"

	"modernc.org/sqlite"
)

// fold is the case folding used by title search: Unicode-aware, unlike
// SQLite's LIKE, which folds ASCII only ("Été" must match "été").
func fold(s string) string { return strings.ToLower(s) }

func init() {
	sqlite.MustRegisterDeterministicScalarFunction("earshot_fold", 1,
		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			switch v := args[0].(type) {
			case string:
				return fold(v), nil
			case []byte:
				return fold(string(v)), nil
			}
			return args[0], nil
		})
}
