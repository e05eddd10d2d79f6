package api

import "time"

// Transcript is a recording's transcript as it travels between devices
// (PUT/GET /v1/recordings/{id}/transcript) and as the library hands it to
// the front ends. Times are in the recording's own time, in milliseconds
// from its first sample.
type Transcript struct {
	// Engine, Model and EngineVersion say what made it, so a better engine
	// can redo old recordings later (e.g. "pocketsphinx", "en-us", "5prealpha").
	Engine        string    `json:"engine"`
	Model         string    `json:"model"`
	EngineVersion string    `json:"engine_version"`
	Language      string    `json:"language"` // BCP 47, e.g. "en-US"
	CreatedAt     time.Time `json:"created_at"`
	Segments      []Segment `json:"segments"`
}

// Segment is a stretch of speech between two pauses.
type Segment struct {
	StartMS int64  `json:"start_ms"`
	EndMS   int64  `json:"end_ms"`
	Text    string `json:"text"`
	// Edited is true once the user corrected Text by hand: a redo of the
	// transcript must not discard it without asking.
	Edited bool   `json:"edited,omitempty"`
	Words  []Word `json:"words,omitempty"`
}

// Word is one recognised word with its time and the engine's confidence
// (0..1; 0 where the engine gives none).
type Word struct {
	StartMS int64   `json:"start_ms"`
	EndMS   int64   `json:"end_ms"`
	Text    string  `json:"text"`
	Conf    float32 `json:"conf,omitempty"`
}
