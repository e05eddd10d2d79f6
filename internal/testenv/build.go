package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sync"
	"testing"
)

// ServerPkg is the import path of the sync server's command.
const ServerPkg = "github.com/earshot/earshot/cmd/earshot-server"

// builds holds the binaries built by this test process: one go build per
// package, into one temporary folder that RemoveBuilds deletes.
var builds struct {
	mu   sync.Mutex
	dir  string
	bins map[string]*built
}

type built struct {
	once sync.Once
	path string
	err  error
}

// Build returns the binary named by envVar when the test script set it
// (EARSHOT_BIN, EARSHOT_SERVER_BIN), else builds pkg once per test process.
// It takes no testing.TB so that TestMain can call it.
func Build(envVar, pkg string) (string, error) {
	if p := os.Getenv(envVar); p != "" {
		return p, nil
	}
	builds.mu.Lock()
	b := builds.bins[pkg]
	if b == nil {
		if builds.bins == nil {
			builds.bins = map[string]*built{}
		}
		b = &built{}
		builds.bins[pkg] = b
	}
	builds.mu.Unlock()
	b.once.Do(func() { b.path, b.err = goBuild(pkg) })
	return b.path, b.err
}

func goBuild(pkg string) (string, error) {
	builds.mu.Lock()
	if builds.dir == "" {
		dir, err := os.MkdirTemp("", "earshot-test-bin")
		if err != nil {
			builds.mu.Unlock()
			return "", fmt.Errorf("build %s: %w", pkg, err)
		}
		builds.dir = dir
	}
	bin := filepath.Join(builds.dir, path.Base(pkg))
	builds.mu.Unlock()
	if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
		return "", fmt.Errorf("build %s: %w\n%s", pkg, err, out)
	}
	return bin, nil
}

// BuildBinary is Build for a test: a failed build fails it.
func BuildBinary(t testing.TB, envVar, pkg string) string {
	t.Helper()
	p, err := Build(envVar, pkg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// ServerBin returns the earshot-server binary under test (EARSHOT_SERVER_BIN,
// else built once).
func ServerBin(t testing.TB) string {
	t.Helper()
	return BuildBinary(t, "EARSHOT_SERVER_BIN", ServerPkg)
}

// RemoveBuilds deletes what Build built; TestMain calls it after m.Run.
func RemoveBuilds() {
	builds.mu.Lock()
	defer builds.mu.Unlock()
	if builds.dir != "" {
		os.RemoveAll(builds.dir)
		builds.dir, builds.bins = "", nil
	}
}
