package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
)

// profileEnv names a folder: when set, the window writes a CPU profile of
// its whole run (cpu.pprof) and, at the end, heap and allocation profiles
// (heap.pprof, allocs.pprof) and the runtime's memory statistics
// (memstats.txt) there, for `go tool pprof`. On Unix, SIGUSR1 writes the
// heap profile and the statistics at once, as heap-N.pprof and
// memstats-N.txt, so a phase (idle, recording) can be looked at while the
// window runs. For measuring where the window's time and memory go (see
// scripts/bench/gui-profile.sh).
const profileEnv = "EARSHOT_PROFILE_DIR"

// startProfile starts the profiles EARSHOT_PROFILE_DIR asks for; the
// returned function writes them. Failures are reported, never fatal.
func startProfile() (stop func()) {
	dir := os.Getenv(profileEnv)
	if dir == "" {
		return func() {}
	}
	warn := func(err error) { fmt.Fprintf(os.Stderr, "earshot: %s: %v\n", profileEnv, err) }
	if err := os.MkdirAll(dir, 0o755); err != nil {
		warn(err)
		return func() {}
	}
	cpu, err := os.Create(filepath.Join(dir, "cpu.pprof"))
	if err == nil {
		err = pprof.StartCPUProfile(cpu)
	}
	if err != nil {
		warn(err)
	}
	stopSnapshots := snapshotOnSignal(func(n int) {
		writeMemProfiles(dir, fmt.Sprintf("-%d", n), warn)
	})
	return func() {
		stopSnapshots()
		if cpu != nil {
			pprof.StopCPUProfile()
			cpu.Close()
		}
		writeMemProfiles(dir, "", warn)
	}
}

// writeMemProfiles writes memstats<suffix>.txt, then, after a GC, the heap
// and (at the end only) allocation profiles.
func writeMemProfiles(dir, suffix string, warn func(error)) {
	writeMemStats(filepath.Join(dir, "memstats"+suffix+".txt"), warn)
	runtime.GC()
	names := []string{"heap"}
	if suffix == "" {
		names = append(names, "allocs")
	}
	for _, name := range names {
		f, err := os.Create(filepath.Join(dir, name+suffix+".pprof"))
		if err == nil {
			err = pprof.Lookup(name).WriteTo(f, 0)
			f.Close()
		}
		if err != nil {
			warn(err)
		}
	}
}

// writeMemStats records how much memory Go holds, before a final GC, so it
// can be told apart from what C libraries (Mesa, GLFW) hold in the same RSS.
func writeMemStats(path string, warn func(error)) {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	mb := func(n uint64) float64 { return float64(n) / (1 << 20) }
	s := fmt.Sprintf("sys %.1f MB: heap in use %.1f, heap idle %.1f (released %.1f), stacks %.1f, other %.1f\nlive heap after last GC goal %.1f MB; %d GCs\n",
		mb(m.Sys), mb(m.HeapInuse), mb(m.HeapIdle), mb(m.HeapReleased), mb(m.StackSys),
		mb(m.Sys-m.HeapSys-m.StackSys), mb(m.NextGC), m.NumGC)
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		warn(err)
	}
}
