package library

import (
	"context"
	"testing"
)

// Cancelling a subscription while the library closes must not panic (both
// stop the same subscriber), however the two interleave.
func TestSubscriptionCancelRacesClose(t *testing.T) {
	for i := 0; i < 50; i++ {
		lib, err := Open(context.Background(), t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		_, cancel := lib.Subscribe()
		done := make(chan struct{})
		go func() { cancel(); close(done) }()
		if err := lib.Close(); err != nil {
			t.Fatal(err)
		}
		<-done
	}
}
