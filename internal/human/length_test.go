package human

import (
	"testing"
	"time"
)

var lengthTests = []struct {
	in   time.Duration
	want string
}{
	{-time.Second, "0:00"},
	{0, "0:00"},
	{40 * time.Millisecond, "0:00.0"},
	{50 * time.Millisecond, "0:00.1"},
	{500 * time.Millisecond, "0:00.5"},
	{940 * time.Millisecond, "0:00.9"},
	{950 * time.Millisecond, "0:01"}, // tenths round up to a whole second
	{time.Second, "0:01"},
	{1499 * time.Millisecond, "0:01"},
	{1500 * time.Millisecond, "0:02"},
	{9600 * time.Millisecond, "0:10"}, // fault 22: the window said 0:09, the CLI 0:10
	{59500 * time.Millisecond, "1:00"},
	{12*time.Minute + 34*time.Second, "12:34"},
	{59*time.Minute + 59*time.Second + 600*time.Millisecond, "1:00:00"},
	{time.Hour + 2*time.Minute + 3*time.Second, "1:02:03"},
	{100 * time.Hour, "100:00:00"},
}

func TestLength(t *testing.T) {
	for _, tt := range lengthTests {
		if got := Length(tt.in); got != tt.want {
			t.Errorf("Length(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

var timerTests = []struct {
	in   time.Duration
	want string
}{
	{-time.Second, "0:00.0"},
	{0, "0:00.0"},
	{99 * time.Millisecond, "0:00.0"},
	{12*time.Second + 345*time.Millisecond, "0:12.3"},
	{59*time.Second + 999*time.Millisecond, "0:59.9"},
	{time.Hour + 2*time.Minute + 3*time.Second + 400*time.Millisecond, "1:02:03.4"},
}

func TestTimer(t *testing.T) {
	for _, tt := range timerTests {
		if got := Timer(tt.in); got != tt.want {
			t.Errorf("Timer(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
