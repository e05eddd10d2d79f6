//go:build !linux

package library

// keep is Linux's fallocate(FALLOC_FL_KEEP_SIZE); elsewhere the kept WAL
// is the only space set aside.
func keep(path string, off, n int64) {}
