package cli

import (
	"os"

	"golang.org/x/sys/unix"
)

// keysMode makes the terminal deliver each key at once and not echo it,
// keeping signals (Ctrl-C) on; restore undoes it. A process in the
// background gets errBackground: changing the terminal would stop it.
func keysMode(f *os.File) (restore func(), err error) {
	fd := int(f.Fd())
	if pg, err := unix.IoctlGetInt(fd, unix.TIOCGPGRP); err != nil || pg != unix.Getpgrp() {
		return nil, errBackground
	}
	old, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return nil, err
	}
	raw := *old
	raw.Lflag &^= unix.ICANON | unix.ECHO
	raw.Cc[unix.VMIN], raw.Cc[unix.VTIME] = 1, 0
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, &raw); err != nil {
		return nil, err
	}
	return func() { unix.IoctlSetTermios(fd, unix.TCSETS, old) }, nil
}
