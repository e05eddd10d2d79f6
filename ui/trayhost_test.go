//go:build linux || freebsd || openbsd || netbsd

package ui

import (
	"bufio"
	"os/exec"
	"strings"
	"testing"

	"github.com/godbus/dbus/v5"

	"github.com/earshot/earshot/internal/testenv"
)

// privateBus starts a session D-Bus daemon of the test's own and points
// DBUS_SESSION_BUS_ADDRESS at it.
func privateBus(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("dbus-daemon"); err != nil {
		testenv.Missing(t, "dbus-daemon (Debian: dbus)")
	}
	cmd := exec.Command("dbus-daemon", "--session", "--nofork", "--print-address")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("dbus-daemon printed no address: %v", err)
	}
	addr = strings.TrimSpace(addr)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)
	return addr
}

// The tray starts only where a tray host owns the StatusNotifierWatcher
// name: on a bus without one there is nothing to show it.
func TestTrayOnlyWithATrayHost(t *testing.T) {
	addr := privateBus(t)
	if hasTrayHost() {
		t.Fatal("a bus without a StatusNotifierWatcher was taken for a tray host")
	}
	host, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close()
	if r, err := host.RequestName(statusNotifierWatcher, dbus.NameFlagDoNotQueue); err != nil || r != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("could not own %s: %v %v", statusNotifierWatcher, r, err)
	}
	if !hasTrayHost() {
		t.Fatal("a tray host on the session bus was not seen")
	}
	if _, err := host.ReleaseName(statusNotifierWatcher); err != nil {
		t.Fatal(err)
	}
	if hasTrayHost() {
		t.Fatal("the tray host left, and was still seen")
	}
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/earshot-test-bus")
	if hasTrayHost() {
		t.Fatal("no session bus was taken for a tray host")
	}
}
