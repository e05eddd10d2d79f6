package server

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/earshot/earshot/api"
)

// httpError is an error with the answer it deserves.
type httpError struct {
	status  int
	code    string
	message string
	body    any         // replaces api.Error as the body when set
	header  http.Header // headers the answer carries (Retry-After, Range)
}

func (e *httpError) Error() string { return e.code + ": " + e.message }

// with returns a copy of e whose answer also sets the header name to value.
func (e *httpError) with(name, value string) *httpError {
	c := *e
	c.header = e.header.Clone()
	if c.header == nil {
		c.header = http.Header{}
	}
	c.header.Set(name, value)
	return &c
}

func errorf(status int, code, message string) *httpError {
	return &httpError{status: status, code: code, message: message}
}

func badRequest(message string) *httpError {
	return errorf(http.StatusBadRequest, api.CodeBadRequest, message)
}

var (
	errNotFound     = errorf(http.StatusNotFound, api.CodeNotFound, "no such recording")
	errUnauthorized = errorf(http.StatusUnauthorized, api.CodeUnauthorized, "missing, expired or revoked access token; sign in again or refresh the session")
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// handlerFunc is a route's work. It answers success itself and returns a
// failure, which handle answers, so that a handler reads straight through.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle turns h into an http.Handler that answers h's error with fail.
func (s *Server) handle(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	})
}

// fail answers err: its own status for an httpError, 500 for anything else
// (logged, and never shown to the client).
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var he *httpError
	if errors.As(err, &he) {
		for k, v := range he.header {
			w.Header()[k] = v
		}
		if he.status == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", `Bearer realm="earshot"`)
		}
		if he.body != nil {
			writeJSON(w, he.status, he.body)
		} else {
			writeJSON(w, he.status, api.Error{Code: he.code, Message: he.message})
		}
		return
	}
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		s.log.Info("request cancelled by the client", "method", r.Method, "path", r.URL.Path)
		return
	}
	s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	writeJSON(w, http.StatusInternalServerError, api.Error{
		Code: api.CodeInternal, Message: "the server could not complete the request; try again later",
	})
}

// logger is the request logger's view of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(p)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the real writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w}
		start := time.Now()
		next.ServeHTTP(sw, r)
		lvl := slog.LevelDebug
		if sw.status >= 500 {
			lvl = slog.LevelWarn
		}
		s.log.Log(r.Context(), lvl, "request", "method", r.Method, "route", r.Pattern,
			"status", sw.status, "bytes", sw.bytes, "ms", time.Since(start).Milliseconds())
	})
}
