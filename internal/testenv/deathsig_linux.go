package testenv

import (
	"os/exec"
	"syscall"
)

// dieWithTest makes the kernel kill cmd when the test binary dies (a
// timeout, Ctrl-C), so no server outlives the tests that started it.
// Pdeathsig follows the OS thread that started cmd; Go ends threads only
// under LockOSThread, which the callers do not hold.
func dieWithTest(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
