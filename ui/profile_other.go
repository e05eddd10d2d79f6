//go:build !unix

package ui

// snapshotOnSignal does nothing where there is no SIGUSR1.
func snapshotOnSignal(func(n int)) (stop func()) { return func() {} }
