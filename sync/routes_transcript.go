package sync

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/earshot/earshot/api"
)

// PutTranscript stores a recording's transcript, based on the server's
// transcript version ifMatch (0: the server has none yet). A stale ifMatch
// fails with KindConflict, the recording (with its transcript_version) in
// Error.Current. The answer is the recording with the new version.
func (c *Client) PutTranscript(ctx context.Context, id string, t api.Transcript, ifMatch int64) (api.Recording, error) {
	h := jsonHeader()
	if ifMatch > 0 {
		h.Set("If-Match", strconv.Quote(strconv.FormatInt(ifMatch, 10)))
	}
	var out api.Recording
	err := c.doJSON(ctx, request{op: "put transcript " + id, method: http.MethodPut, path: recPath(id) + "/transcript",
		header: h, body: jsonBody(t), authed: true}, &out)
	return out, err
}

// GetTranscript returns a recording's transcript and its version. It
// arrives gzipped, as the server stores it (the transport's own
// decompression is off, for the audio's byte ranges).
func (c *Client) GetTranscript(ctx context.Context, id string) (api.Transcript, int64, error) {
	op := "get transcript " + id
	resp, err := c.do(ctx, request{op: op, method: http.MethodGet, path: recPath(id) + "/transcript",
		header: http.Header{"Accept-Encoding": {"gzip"}}, authed: true})
	if err != nil {
		return api.Transcript{}, 0, err
	}
	defer resp.Body.Close()
	version, err := strconv.ParseInt(resp.Header.Get(api.HeaderTranscriptVersion), 10, 64)
	if err != nil || version < 1 {
		return api.Transcript{}, 0, &Error{Op: op, Kind: KindPermanent, Status: resp.StatusCode,
			Message: "the server sent a transcript without its version; it may be an older earshot-server"}
	}
	body := io.Reader(resp.Body)
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			return api.Transcript{}, 0, &Error{Op: op, Kind: KindTransient, Err: fmt.Errorf("read answer: %w", err)}
		}
		defer zr.Close()
		body = zr
	}
	var t api.Transcript
	if err := json.NewDecoder(body).Decode(&t); err != nil {
		return api.Transcript{}, 0, &Error{Op: op, Kind: KindTransient, Err: fmt.Errorf("decode answer: %w", err)}
	}
	return t, version, nil
}
