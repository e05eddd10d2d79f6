package library

import (
	"database/sql/driver"
	"modernc.org/sqlite"

	"github.com/earshot/earshot/internal/textfold"
)

// fold is the folding used by title search: Unicode-aware case, accents
// and width (textfold), unlike SQLite's LIKE, which folds ASCII case only
// ("ete" must match "Été"). The window highlights matches with the same.
func fold(s string) string { return textfold.Fold(s) }

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
