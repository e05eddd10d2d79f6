package audio

import "math"

// SilenceDB is the level reported for digital silence.
const SilenceDB = -120.0

// Meter measures one block of interleaved 16-bit samples: peak and RMS in
// dBFS (a full-scale square wave is 0 dB RMS) and whether any sample
// reached full scale. An empty block reads as silence.
func Meter(pcm []int16) Level {
	if len(pcm) == 0 {
		return Level{Peak: SilenceDB, RMS: SilenceDB}
	}
	var peak int32
	var sumSq float64
	for _, s := range pcm {
		v := int32(s)
		if v < 0 {
			v = -v
		}
		peak = max(peak, v)
		sumSq += float64(v) * float64(v)
	}
	return Level{
		Peak:    DBFS(float64(peak) / 32768),
		RMS:     DBFS(math.Sqrt(sumSq/float64(len(pcm))) / 32768),
		Clipped: peak >= 32767,
	}
}

// DBFS converts a linear amplitude (1 = full scale) to dBFS, floored at
// SilenceDB.
func DBFS(amplitude float64) float64 {
	if amplitude <= 0 {
		return SilenceDB
	}
	return max(20*math.Log10(amplitude), SilenceDB)
}
