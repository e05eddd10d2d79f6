package human

import "testing"

func TestSize(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{
		{-5, "0 B"},
		{0, "0 B"},
		{999, "999 B"},
		{1000, "1.0 kB"},
		{14_240, "14.2 kB"},
		{352_100, "352.1 kB"},
		{999_949, "999.9 kB"},
		{999_960, "1.0 MB"},
		{3_100_000, "3.1 MB"},
		{10_737_418_240, "10.7 GB"},
		{2_000_000_000_000, "2.0 TB"},
	} {
		if got := Size(tc.n); got != tc.want {
			t.Errorf("Size(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}
