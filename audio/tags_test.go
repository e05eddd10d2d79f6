package audio

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// TestTitleTag reads the TITLE tag that sox (FLAC) and opusenc (Ogg Opus)
// write, and finds none where there is none.
func TestTitleTag(t *testing.T) {
	dir := t.TempDir()
	wav := filepath.Join(dir, "t.wav")
	mustRun(t, "sox", "-n", "-r", "48000", "-c", "1", "-b", "16", wav, "synth", "1", "sine", "440")
	flac, opus := filepath.Join(dir, "t.flac"), filepath.Join(dir, "t.opus")
	mustRun(t, "sox", wav, "--comment", "TITLE=Flac tagged ☕", flac)
	mustRun(t, "opusenc", "--quiet", "--title", "Opus tagged 会議", wav, opus)
	plain := filepath.Join(dir, "plain.flac")
	mustRun(t, "sox", wav, plain)
	for path, want := range map[string]string{
		flac: "Flac tagged ☕", opus: "Opus tagged 会議", wav: "", plain: "",
		"../library/testdata/noise.bin": "",
	} {
		got, err := TitleTag(path)
		if err != nil || got != want {
			t.Errorf("TitleTag(%s) = %q, %v; want %q", filepath.Base(path), got, err, want)
		}
	}
}

func mustRun(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}
