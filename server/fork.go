package server

import (
	"net/http"

	"github.com/earshot/earshot/api"
)

// fork answers POST /v1/sessions/fork: a new session (its own family) for
// the holder of a live refresh token, which stays as it was (not used, not
// rotated). Earshot's libraries each keep their own session; an upgrade
// from a version whose libraries shared one entry gives each library its
// own this way, nobody logged out. It grants nothing the token's holder
// could not keep by refreshing; logging one session out leaves the other.
func (s *Server) fork(w http.ResponseWriter, r *http.Request) error {
	var req api.RefreshRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	ctx := r.Context()
	t, err := s.liveRefresh(ctx, tokenHash(req.RefreshToken))
	if err != nil {
		return err
	}
	if t.Used {
		return errBadRefresh // exchanged already: a stale copy, not the session's holder
	}
	sess, err := s.issue(ctx, t.UserID, api.NewID())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sess)
	return nil
}
