package audio

import (
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// sine makes n interleaved frames of a freq Hz tone at amplitude amp (0..1).
func sine(n, rate, ch int, freq, amp float64) []int16 {
	pcm := make([]int16, n*ch)
	for i := 0; i < n; i++ {
		v := int16(math.Round(amp * 32767 * math.Sin(2*math.Pi*freq*float64(i)/float64(rate))))
		for c := 0; c < ch; c++ {
			pcm[i*ch+c] = v + int16(c) // channels differ, so a swap shows
		}
	}
	return pcm
}

// readAll decodes a whole file.
func readAll(t testing.TB, path string) (Info, []int16) {
	t.Helper()
	d, err := OpenDecoder(path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var out []int16
	buf := make([]int16, 4096)
	for {
		n, err := d.Read(buf)
		out = append(out, buf[:n]...)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return d.Info(), out
}

// encodeFile writes pcm to a new file in chunks of chunk frames.
func encodeFile(t testing.TB, path string, f Format, rate, ch int, pcm []int16, chunk int) Info {
	t.Helper()
	e, err := Create(path, f, rate, ch)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(pcm); i += chunk * ch {
		j := min(i+chunk*ch, len(pcm))
		if err := e.Write(pcm[i:j]); err != nil {
			t.Fatal(err)
		}
	}
	info, err := e.Close()
	if err != nil {
		t.Fatal(err)
	}
	return info
}

func TestWAVRoundTripExact(t *testing.T) {
	for _, ch := range []int{1, 2} {
		path := filepath.Join(t.TempDir(), "x.wav")
		pcm := sine(44100+17, 44100, ch, 440, 0.8)
		info := encodeFile(t, path, WAV, 44100, ch, pcm, 1000)
		if info.Frames != 44117 || info.Channels != ch {
			t.Fatalf("close info %+v", info)
		}
		pinfo, got := readAll(t, path)
		if pinfo != info {
			t.Fatalf("probe %+v != close %+v", pinfo, info)
		}
		if !equalPCM(got, pcm) {
			t.Fatalf("%d ch: decoded samples differ", ch)
		}
	}
}

func TestWAVRepairUnpatchedHeader(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.wav")
	e, err := Create(path, WAV, 48000, 1)
	if err != nil {
		t.Fatal(err)
	}
	pcm := sine(48000, 48000, 1, 300, 0.5)
	if err := e.Write(pcm); err != nil {
		t.Fatal(err)
	}
	// The process dies: the bufio buffer reached the file, the header never did.
	w := e.(*wavEncoder)
	if err := w.w.Flush(); err != nil {
		t.Fatal(err)
	}
	w.f.Close()
	info, err := Repair(path, WAV)
	if err != nil {
		t.Fatal(err)
	}
	if info.Frames != 48000 {
		t.Fatalf("repaired %d frames, want 48000", info.Frames)
	}
	_, got := readAll(t, path)
	if !equalPCM(got, pcm) {
		t.Fatal("repaired samples differ")
	}
	if _, err := os.Stat(path + ".repair"); !os.IsNotExist(err) {
		t.Fatalf("temporary file left behind: %v", err)
	}
}

func equalPCM(a, b []int16) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
