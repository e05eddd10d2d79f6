package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/earshot/earshot/server/meta"
	"github.com/earshot/earshot/server/meta/metatest"
	"github.com/earshot/earshot/server/meta/sqlite"
)

func TestContract(t *testing.T) {
	metatest.Run(t, func(t *testing.T) meta.Store {
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "meta.db"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}
