package human

import "fmt"

// Size formats a byte count in powers of 1000, as file managers count:
// 532 B, 14.2 kB, 3.1 MB, 1.2 GB, 2.0 TB (one decimal from a kilobyte on).
// Negative counts read 0 B.
func Size(n int64) string {
	if n < 1000 {
		return fmt.Sprintf("%d B", max(n, 0))
	}
	f := float64(n)
	for _, u := range []string{"kB", "MB", "GB"} {
		f /= 1000
		// Rounded to one decimal first: 999,960 bytes reads 1.0 MB, not 1000.0 kB.
		if f < 999.95 {
			return fmt.Sprintf("%.1f %s", f, u)
		}
	}
	return fmt.Sprintf("%.1f TB", f/1000)
}
