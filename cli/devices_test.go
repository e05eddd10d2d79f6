package cli_test

import (
	"strings"
	"testing"
)

// TestDevicesWithoutSoundServer (issue 9 fault 12): with no PulseAudio and
// no sound card, devices lists none of ALSA's plugins (lavrate, jack, …) as
// microphones and says there is no sound server.
func TestDevicesWithoutSoundServer(t *testing.T) {
	env := []string{"EARSHOT_AUDIO_BACKEND=", "PULSE_SERVER=unix:/nonexistent/pulse"}
	r := earshot(t, t.TempDir(), env, "devices")
	for _, plugin := range []string{"lavrate", "jack", "speexrate", "upmix", "null"} {
		if strings.Contains(r.stdout, "("+plugin+")") {
			t.Errorf("devices lists the ALSA plugin %s:\n%s", plugin, r.stdout)
		}
	}
	if r.code != 1 || !strings.Contains(r.stderr, "no sound server is running") {
		t.Fatalf("devices without a sound server: exit %d, %q", r.code, r.stderr)
	}
	oneLine(t, "devices", r.stderr)
	r = earshot(t, t.TempDir(), env, "devices", "--json")
	if r.code != 0 || strings.TrimSpace(r.stdout) != "[]" {
		t.Fatalf("devices --json without a sound server: exit %d, %q", r.code, r.stdout)
	}
}
