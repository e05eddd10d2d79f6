package testenv

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// MountTmpfs mounts a tmpfs of size bytes in a new folder of the test's
// temporary folder and unmounts it when the test ends. Mounting needs root,
// as the test machines have; without it, the error says why, for tests
// that can fall back to something else.
func MountTmpfs(t testing.TB, size int) (string, error) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "small")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d", size), "tmpfs", dir).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("mount -t tmpfs: %w: %s", err, bytes.TrimSpace(out))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir, nil
}

// Tmpfs is MountTmpfs for tests that need the small disk: without the
// right to mount, the test stops through Missing.
func Tmpfs(t testing.TB, size int) string {
	t.Helper()
	dir, err := MountTmpfs(t, size)
	if err != nil {
		Missing(t, fmt.Sprintf("the right to mount a small tmpfs (root): %v", err))
	}
	return dir
}

// FillDisk writes a file into dir until the file system has no byte left.
func FillDisk(t testing.TB, dir string) {
	t.Helper()
	f, err := os.Create(filepath.Join(dir, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, chunk := range []int{64 << 10, 4 << 10, 512, 1} {
		b := make([]byte, chunk)
		for {
			if _, err := f.Write(b); err != nil {
				if !errors.Is(err, syscall.ENOSPC) {
					t.Fatal(err)
				}
				break
			}
		}
	}
}
