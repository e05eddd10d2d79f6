//go:build unix

package main

import "syscall"

// privateFiles makes every file and folder the server creates (the SQLite
// database and its -wal and -shm files, blobs, spooled chunks) readable by
// its own user only, whatever the umask it was started with.
func privateFiles() { syscall.Umask(0o077) }
