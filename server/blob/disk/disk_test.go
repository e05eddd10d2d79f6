package disk_test

import (
	"testing"

	"github.com/earshot/earshot/server/blob"
	"github.com/earshot/earshot/server/blob/blobtest"
	"github.com/earshot/earshot/server/blob/disk"
)

func TestContract(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) blob.Store {
		s, err := disk.Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}
