package cli_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"github.com/earshot/earshot/library"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestRecordTone records a 1 kHz tone from the virtual microphone in each
// format and checks what `list --json` says and what the file holds.
func TestRecordTone(t *testing.T) {
	env := pulse(t)
	dir := t.TempDir()
	playTone(t, 15)
	for _, format := range []string{"opus", "flac", "wav"} {
		t.Run(format, func(t *testing.T) {
			r := mustEarshot2(t, dir, env, "record", "--duration", "3s", "--format", format, "--title", "tone "+format)
			id := strings.TrimSpace(r.stdout)
			ls, _ := listJSON(t, dir)
			got := find(t, ls, id)
			if got.Title != "tone "+format || got.Format != format || got.SyncState != "local_only" || got.Recovered {
				t.Fatalf("listed %+v", got)
			}
			if d := got.DurationMS - 3000; d < -60 || d > 60 {
				t.Fatalf("duration %d ms, want 3000 ± 2 %%", got.DurationMS)
			}
			path := filepath.Join(dir, "recordings", id+"."+format)
			checkFile(t, path, got)
			pcm, info := decodeAll(t, path)
			mid := pcm[info.SampleRate/5 : len(pcm)-info.SampleRate/5]
			if share := toneShare(mid, info.SampleRate); share < 0.9 {
				t.Fatalf("1 kHz holds %.0f %% of the energy, want ≥ 90 %%", share*100)
			}
			if db := rmsDB(mid); db < -12 || db > -6 {
				t.Fatalf("level %.1f dBFS RMS, played -9", db)
			}
		})
	}
}

func mustEarshot2(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	r := earshot(t, dir, env, args...)
	if r.code != 0 {
		t.Fatalf("earshot %v: exit %d: %s", args, r.code, r.stderr)
	}
	return r
}

// checkFile compares the file with what the index says of it.
func checkFile(t *testing.T, path string, l listed) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	if hex.EncodeToString(sum[:]) != l.SHA256 || int64(len(b)) != l.SizeBytes {
		t.Fatalf("file has sha256 %x, %d bytes; list says %s, %d", sum, len(b), l.SHA256, l.SizeBytes)
	}
}

// TestSignalsFinalise: SIGTERM and SIGINT stop a recording and keep it like
// any other. While it records, another earshot process leaves it alone.
func TestSignalsFinalise(t *testing.T) {
	env := pulse(t)
	playTone(t, 12)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			rec := startRecord(t, dir, env, "--title", "signalled")
			time.Sleep(time.Second)
			// A second process opens the library meanwhile: no recovery of a live recording.
			ls, r := listJSON(t, dir)
			if len(ls) != 0 || strings.Contains(r.stderr, "recovered") {
				t.Fatalf("list during recording: %v, %q", ls, r.stderr)
			}
			if len(incoming(t, dir)) == 0 {
				t.Fatal("incoming/ is empty while recording")
			}
			time.Sleep(time.Second)
			at, err := rec.stop(t, sig)
			if err != nil {
				t.Fatalf("exit after %v: %v: %s", sig, err, rec.stderr)
			}
			elapsed := at.Sub(rec.started)
			id := strings.TrimSpace(rec.stdout.String())
			ls, _ = listJSON(t, dir)
			got := find(t, ls, id)
			if got.Recovered || got.Title != "signalled" {
				t.Fatalf("listed %+v", got)
			}
			if d := time.Duration(got.DurationMS)*time.Millisecond - elapsed; d < -300*time.Millisecond || d > 300*time.Millisecond {
				t.Fatalf("kept %d ms after %v of recording", got.DurationMS, elapsed)
			}
			if left := incoming(t, dir); len(left) != 0 {
				t.Fatalf("incoming still holds %v", left)
			}
		})
	}
}

// TestCrashRecovery kills `earshot record` with SIGKILL at random times and
// checks that the next command recovers the audio, less at most half a
// second, as a valid file marked recovered.
func TestCrashRecovery(t *testing.T) {
	env := pulse(t)
	playTone(t, 30)
	seed := time.Now().UnixNano()
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	t.Logf("seed %d", seed)
	for i, format := range []string{"opus", "flac", "wav", "opus"} {
		t.Run(fmt.Sprintf("%d-%s", i, format), func(t *testing.T) {
			dir := t.TempDir()
			rec := startRecord(t, dir, env, "--format", format, "--title", "killed")
			time.Sleep(2*time.Second + time.Duration(rng.Int64N(int64(2*time.Second))))
			at, _ := rec.stop(t, syscall.SIGKILL)
			captured := at.Sub(rec.started)

			ls, r := listJSON(t, dir)
			if len(ls) != 1 {
				t.Fatalf("listed %d recordings after the kill: %s", len(ls), r.stderr)
			}
			got := ls[0]
			want := fmt.Sprintf("recovered: killed (%s), ", got.ID)
			if !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, "Earshot was interrupted while recording") {
				t.Fatalf("stderr %q does not announce the recovery", r.stderr)
			}
			if !got.Recovered || got.Format != format {
				t.Fatalf("listed %+v", got)
			}
			kept := time.Duration(got.DurationMS) * time.Millisecond
			lost := captured - kept
			t.Logf("killed after %v, recovered %v (lost %v)", captured.Round(time.Millisecond), kept, lost.Round(time.Millisecond))
			if lost > 550*time.Millisecond || lost < -300*time.Millisecond {
				t.Fatalf("recovered %v of %v recorded", kept, captured)
			}
			path := filepath.Join(dir, "recordings", got.ID+"."+format)
			checkFile(t, path, got)
			pcm, info := decodeAll(t, path)
			tail := pcm[len(pcm)-info.SampleRate/4:]
			if share := toneShare(tail, info.SampleRate); share < 0.8 {
				t.Fatalf("the last 250 ms are not the captured tone (1 kHz share %.0f %%)", share*100)
			}
			if left := incoming(t, dir); len(left) != 0 {
				t.Fatalf("incoming still holds %v", left)
			}
			// Recovered once, not again.
			if _, r := listJSON(t, dir); strings.Contains(r.stderr, "recovered") {
				t.Fatalf("second list recovered again: %q", r.stderr)
			}
		})
	}
}

// TestLibraryCommands walks import, rename, rm, trash, restore and export.
func TestLibraryCommands(t *testing.T) {
	dir := t.TempDir()
	r := mustEarshot(t, dir, "import", "../library/testdata/tone.flac")
	id := strings.TrimSpace(r.stdout)
	if strings.Contains(r.stderr, "\r") {
		t.Fatalf("progress bar drawn on a pipe: %q", r.stderr)
	}
	// A unique prefix will do; what was renamed is named by the short id
	// that `list` shows, not the full one.
	if r := mustEarshot(t, dir, "rename", id[:13], "A new", "title"); r.stderr != fmt.Sprintf("renamed %s: \"tone\" → \"A new title\"\n", library.ShortID(id)) {
		t.Fatalf("rename says %q", r.stderr)
	}
	ls, _ := listJSON(t, dir)
	if got := find(t, ls, id); got.Title != "A new title" || got.Format != "flac" {
		t.Fatalf("after import and rename: %+v", got)
	}
	mustEarshot(t, dir, "rm", id)
	if ls, _ := listJSON(t, dir); len(ls) != 0 {
		t.Fatalf("list shows trashed recordings: %+v", ls)
	}
	tr := mustEarshot(t, dir, "trash", "--json")
	if !strings.Contains(tr.stdout, id) || !strings.Contains(tr.stdout, "trashed_at") {
		t.Fatalf("trash --json: %s", tr.stdout)
	}
	if tr := mustEarshot(t, dir, "trash"); !strings.Contains(tr.stdout, "A new title") || !strings.Contains(tr.stdout, "30 days") {
		t.Fatalf("trash: %s", tr.stdout)
	}
	mustEarshot(t, dir, "restore", id)
	if ls, _ := listJSON(t, dir); len(ls) != 1 {
		t.Fatalf("restore: list %+v", ls)
	}
	out := filepath.Join(t.TempDir(), "copy.flac")
	if r := mustEarshot(t, dir, "export", id, out); strings.TrimSpace(r.stdout) != out {
		t.Fatalf("export printed %q", r.stdout)
	}
	a, _ := os.ReadFile(out)
	b, _ := os.ReadFile("../library/testdata/tone.flac")
	if string(a) != string(b) {
		t.Fatal("exported copy differs from the imported file")
	}
	wav := filepath.Join(t.TempDir(), "copy.wav")
	mustEarshot(t, dir, "export", id, wav)
	if _, info := decodeAll(t, wav); info.Format != "wav" || info.Duration < 1400*time.Millisecond {
		t.Fatalf("converted export: %+v", info)
	}
}

// TestBadInput: each mistake a user can make gives one line saying what to
// do, a non-zero exit, and changes nothing.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	mustEarshot(t, dir, "import", "../library/testdata/tone.opus")
	const unknown = "01890a5d-ac96-774b-bcce-b302099a8057"
	wantUnknown := "no recording with id " + unknown + ": `earshot list` shows the ids"
	for _, args := range [][]string{
		{"rename", unknown, "x"}, {"rm", unknown}, {"restore", unknown}, {"play", unknown},
		{"export", unknown, filepath.Join(t.TempDir(), "x.wav")},
	} {
		r := earshot(t, dir, nil, args...)
		if r.code != 1 || !strings.Contains(r.stderr, wantUnknown) {
			t.Errorf("earshot %v: exit %d, stderr %q", args, r.code, r.stderr)
		}
		oneLine(t, args[0], r.stderr)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"import", "../library/testdata/noise.bin"}, 1, "not an audio file Earshot can read"},
		{[]string{"import", "../library/testdata/corrupt.flac"}, 1, "damaged"},
		{[]string{"import", "no/such/file.wav"}, 1, "no such file"},
		{[]string{"frobnicate"}, 2, "unknown command"},
		{[]string{"rename", unknown}, 2, "usage: earshot rename"},
		{[]string{"cloud", "foo"}, 2, "unknown command"},
		{[]string{"record", "--format", "mp3"}, 2, "use opus, flac or wav"},
		{[]string{"list", "--bogus"}, 2, "unknown flag: --bogus"},
	} {
		r := earshot(t, dir, nil, tc.args...)
		if r.code != tc.code || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("earshot %v: exit %d, stderr %q; want exit %d and %q", tc.args, r.code, r.stderr, tc.code, tc.want)
		}
		oneLine(t, strings.Join(tc.args, " "), r.stderr)
	}
	r := earshot(t, dir, nil, "export", mustID(t, dir), filepath.Join(t.TempDir(), "x.aac"))
	if r.code != 1 || !strings.Contains(r.stderr, ".mp3") {
		t.Errorf("export to mp3: exit %d, %q", r.code, r.stderr)
	}
	if ls, _ := listJSON(t, dir); len(ls) != 1 {
		t.Fatalf("bad input changed the library: %+v", ls)
	}
}

func mustID(t *testing.T, dir string) string {
	t.Helper()
	ls, _ := listJSON(t, dir)
	return ls[0].ID
}

// TestNoDevice: no microphone (a device name that does not exist; no sound
// server at all) stops `record` with a clear line and leaves nothing behind.
func TestNoDevice(t *testing.T) {
	env := pulse(t)
	dir := t.TempDir()
	for name, tc := range map[string]struct {
		env  []string
		args []string
	}{
		"unknown device":  {env, []string{"record", "--device", "No Such Microphone"}},
		"no sound server": {[]string{"EARSHOT_AUDIO_BACKEND=pulse", "PULSE_SERVER=unix:/nonexistent/pulse"}, []string{"record"}},
		// Automatic choice falls through to ALSA, which has no card here:
		// its own diagnostics must not bury Earshot's one line.
		"no sound card": {[]string{"EARSHOT_AUDIO_BACKEND=", "PULSE_SERVER=unix:/nonexistent/pulse"}, []string{"record"}},
	} {
		r := earshot(t, dir, tc.env, tc.args...)
		if r.code != 1 || !strings.Contains(r.stderr, "earshot devices") {
			t.Errorf("%s: exit %d, stderr %q", name, r.code, r.stderr)
		}
		oneLine(t, name, r.stderr)
	}
	if ls, _ := listJSON(t, dir); len(ls) != 0 {
		t.Fatalf("failed records left %+v", ls)
	}
	if left := incoming(t, dir); len(left) != 0 {
		t.Fatalf("failed records left %v in incoming/", left)
	}
}

// TestDevicesAndPlay lists the virtual microphone and plays a recording to
// its end on the virtual output.
func TestDevicesAndPlay(t *testing.T) {
	env := pulse(t)
	dir := t.TempDir()
	r := mustEarshot2(t, dir, env, "devices")
	if !strings.Contains(r.stdout, "* ") || !strings.Contains(r.stdout, "vsink.monitor") {
		t.Fatalf("devices: %q", r.stdout)
	}
	r = mustEarshot2(t, dir, env, "devices", "--json")
	type dev struct {
		ID      string `json:"id"`
		Default bool   `json:"default"`
	}
	var devs []dev
	if err := json.Unmarshal([]byte(r.stdout), &devs); err != nil || !slices.Contains(devs, dev{"vsink.monitor", true}) {
		t.Fatalf("devices --json: %q (%v)", r.stdout, err)
	}
	id := strings.TrimSpace(mustEarshot(t, dir, "import", "../library/testdata/tone.opus").stdout)
	start := time.Now()
	mustEarshot2(t, dir, env, "play", id)
	if took := time.Since(start); took < 1400*time.Millisecond || took > 10*time.Second {
		t.Fatalf("playing 1.5 s took %v", took)
	}
}
