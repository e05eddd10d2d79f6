package human

import (
	"testing"
	"time"
)

func TestMoment(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		back string
	}{
		{"0", 0, "0:00"},
		{"83", 83 * time.Second, "1:23"},
		{"1:23", 83 * time.Second, "1:23"},
		{"1:23.5", 83500 * time.Millisecond, "1:23.5"},
		{"1:02:03", time.Hour + 2*time.Minute + 3*time.Second, "1:02:03"},
		{"61:00", 61 * time.Minute, "1:01:00"},
		// Lengths as `earshot record --duration` takes them.
		{"5s", 5 * time.Second, "0:05"},
		{"90s", 90 * time.Second, "1:30"},
		{"2.5s", 2500 * time.Millisecond, "0:02.5"},
		{"1m30s", 90 * time.Second, "1:30"},
		{"1h2m", time.Hour + 2*time.Minute, "1:02:00"},
		{" 300ms ", 300 * time.Millisecond, "0:00.3"},
	} {
		got, err := ParseMoment(tc.in)
		if err != nil || got != tc.want || Moment(got) != tc.back {
			t.Errorf("ParseMoment(%q) = %v, %v (Moment %q); want %v (%q)", tc.in, got, err, Moment(got), tc.want, tc.back)
		}
	}
	for _, bad := range []string{"", "1:", ":30", "1:60", "1:5", "-3", "1e3", "a:bc", "1.5:00", "1:2:3:4",
		"-5s", "+5s", "5x", "s", "1:30s", "5 s", "1d"} {
		if d, err := ParseMoment(bad); err == nil {
			t.Errorf("ParseMoment(%q) = %v, want an error", bad, d)
		}
	}
}
