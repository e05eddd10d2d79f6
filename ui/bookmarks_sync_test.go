package ui

import (
	"context"
	"errors"
	"io"
	"math"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/earshot/earshot/audio"
	"github.com/earshot/earshot/internal/testenv"
	"github.com/earshot/earshot/library"
	"github.com/earshot/earshot/sync"
)

// playToneIntoMic plays a 1 kHz tone of secs seconds into the default
// sink, which the virtual microphone (its monitor) hears.
func playToneIntoMic(t *testing.T, secs float64) {
	t.Helper()
	testenv.Pulse(t)
	path := filepath.Join(t.TempDir(), "tone.wav")
	enc, err := audio.Create(path, audio.WAV, 48000, 1)
	if err != nil {
		t.Fatal(err)
	}
	pcm := make([]int16, int(48000*secs))
	for i := range pcm {
		pcm[i] = int16(16384 * math.Sin(2*math.Pi*1000*float64(i)/48000))
	}
	if err := enc.Write(pcm); err != nil {
		t.Fatal(err)
	}
	if _, err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("paplay", path)
	if err := cmd.Start(); err != nil {
		testenv.Missing(t, "paplay (pulseaudio-utils): "+err.Error())
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	time.Sleep(300 * time.Millisecond) // the stream reaches the sink
}

// rmsAround is the RMS (0..1) of a file's first channel over 200 ms
// centred on at.
func rmsAround(t *testing.T, path string, at time.Duration) float64 {
	t.Helper()
	d, err := audio.OpenDecoder(path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	info := d.Info()
	start := max(int64((at-100*time.Millisecond).Seconds()*float64(info.SampleRate)), 0)
	if _, err := d.Seek(start, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	buf := make([]int16, info.SampleRate/5*info.Channels)
	n := 0
	for n < len(buf) {
		k, err := d.Read(buf[n:])
		n += k
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	var sum float64
	frames := n / info.Channels
	for i := 0; i < frames; i++ {
		v := float64(buf[i*info.Channels]) / 32768
		sum += v * v
	}
	return math.Sqrt(sum / float64(max(frames, 1)))
}

// THE test of issue 12's bookmarks in the window: a real recording from
// the virtual microphone (a 1 kHz tone played into it), Ctrl+B pressed
// while the search field has the focus; the bookmark is in the library at
// once (the recording still running), belongs to the recording after
// Stop, and reaches a second device (another data folder on the same
// account, through the real earshot-server), whose audio at that moment is
// the tone. A rename there comes back to the window's list.
func TestBookmarkDuringARealRecordingReachesAnotherDevice(t *testing.T) {
	mockKeyring(t)
	srv := testenv.StartServer(t)
	email, pw := newUser(t, srv.URL)
	ctx := context.Background()

	lib, err := library.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })
	if err := lib.SetAutoTranscribe(ctx, false); err != nil {
		t.Fatal(err)
	}
	x, err := lib.SyncIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cloud := NewSyncCloud(x, SyncOptions{})
	t.Cleanup(cloud.Close)
	be := NewBackend(lib, "pulse")
	be.Cloud = cloud
	u := newTestUIWith(t, be)
	u.signIn(t, srv.URL, email, pw, false)
	u.eventually(t, "signed in", func() bool { return u.account.status.SignedIn })

	playToneIntoMic(t, 8)
	u.tapAndWait(u.rec.record)
	s := onMainValue(func() *take { return u.rec.session })
	if s == nil {
		t.Fatalf("no recording started; notices %q", u.noticeHistory())
	}
	waitUntil(t, "a second of audio", func() bool { return s.rec.Stats().Elapsed >= time.Second })
	u.do(func() { u.win.Canvas().Focus(u.list.search) })
	before := s.rec.Stats().Elapsed
	u.pressBookmark()
	after := s.rec.Stats().Elapsed
	marks := marksOf(t, lib, s.p.ID)
	if len(marks) != 1 || marks[0].AtMS < before.Milliseconds() || marks[0].AtMS > after.Milliseconds() {
		t.Fatalf("while recording, Ctrl+B between %v and %v left %+v", before, after, marks)
	}
	mark := marks[0]
	waitUntil(t, "two seconds of audio", func() bool { return s.rec.Stats().Elapsed >= 2*time.Second })
	u.do(func() { u.win.Canvas().Unfocus() })
	u.tapAndWait(u.rec.record)
	id := s.p.ID
	u.eventually(t, "the recording synced", func() bool { return u.badgeOf(id) == "Synced" })

	// The second device: its own folder, the same account.
	other, err := library.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ox, err := other.SyncIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	acct := sync.NewAccount(ox, sync.NewMemoryStore(), nil)
	sess, err := acct.LogIn(ctx, srv.URL, email, pw)
	if err != nil {
		t.Fatal(err)
	}
	eng := acct.Engine(sess, sync.Options{})
	if _, err := eng.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	theirs := marksOf(t, other, id)
	if len(theirs) != 1 || theirs[0].ID != mark.ID || theirs[0].AtMS != mark.AtMS {
		t.Fatalf("the second device has %+v, want %+v", theirs, mark)
	}
	if err := eng.Download(ctx, id); err != nil {
		t.Fatal(err)
	}
	r, err := other.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if rms := rmsAround(t, other.AudioPath(r), time.Duration(mark.AtMS)*time.Millisecond); rms < 0.1 {
		t.Fatalf("the second device's audio around the bookmark is quiet (RMS %.3f): not the tone from the microphone", rms)
	}

	// Named there, the name comes back to the window's list.
	if err := other.RenameBookmark(ctx, mark.ID, "Tone starts"); err != nil {
		t.Fatal(err)
	}
	if _, err := eng.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	u.selectID(t, id)
	if err := cloud.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	if got := marksOf(t, lib, id); len(got) != 1 || got[0].Name != "Tone starts" {
		t.Fatalf("after syncing, the window's library has %+v", got)
	}
	u.eventually(t, "the name from the other device", func() bool {
		b := u.details.bookmarks
		return len(b.names) == 1 && b.names[0].Text == "Tone starts"
	})
}
