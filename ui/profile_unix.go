//go:build unix

package ui

import (
	"os"
	"os/signal"
	"syscall"
)

// snapshotOnSignal calls snap with 1, 2, … each time the process gets
// SIGUSR1, until the returned function is called.
func snapshotOnSignal(snap func(n int)) (stop func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGUSR1)
	done := make(chan struct{})
	go func() {
		for n := 1; ; n++ {
			select {
			case <-ch:
				snap(n)
			case <-done:
				return
			}
		}
	}()
	return func() {
		signal.Stop(ch)
		close(done)
	}
}
