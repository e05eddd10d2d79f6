package worker

import "golang.org/x/sys/unix"

// lowerPriority gives the calling OS thread the lowest CPU priority (nice
// 19), so transcribing yields to the recorder and the window. On Linux
// setpriority with a thread id affects that thread alone.
func lowerPriority() {
	_ = unix.Setpriority(unix.PRIO_PROCESS, unix.Gettid(), 19) // best effort: a higher priority only costs speed
}
