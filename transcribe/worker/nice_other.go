//go:build !linux

package worker

// lowerPriority does nothing where threads cannot be niced one by one.
func lowerPriority() {}
