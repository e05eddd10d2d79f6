// Package server is earshot-server: the HTTP API over a metadata store
// (server/meta) and an audio store (server/blob), with accounts, sessions,
// quotas and resumable uploads. docs/api.md documents the routes; the wire
// types are in package api.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/server/blob"
	"github.com/earshot/earshot/server/meta"
)

// Server serves the API. Its only state besides the stores is per-process
// coordination (upload locks), so several instances can share the stores.
type Server struct {
	cfg   Config
	meta  meta.Store
	blob  blob.Store
	log   *slog.Logger
	locks keyedMutex
	// uploads are the uploads running in this process, by recording.
	uploads uploadsInFlight
	// spool bounds chunks spooled on their way to S3.
	spool *spoolBudget
	// hashSem bounds concurrent password hashing (argon2id takes memory).
	hashSem chan struct{}
}

// New returns a server on the given stores.
func New(cfg Config, m meta.Store, b blob.Store, log *slog.Logger) *Server {
	spool := &spoolBudget{}
	if cfg.Blob == "s3" {
		spool.perUser, spool.total = cfg.SpoolPerUser, cfg.SpoolLimit
	}
	return &Server{cfg: cfg, meta: m, blob: b, log: log, hashSem: make(chan struct{}, 4), spool: spool}
}

// Handler returns the API's HTTP handler.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /v1/info", s.info)
	mux.Handle("POST /v1/accounts", s.handle(s.createAccount))
	mux.Handle("POST /v1/sessions", s.handle(s.login))
	mux.Handle("POST /v1/sessions/refresh", s.handle(s.refresh))
	mux.Handle("POST /v1/sessions/fork", s.handle(s.fork))
	mux.Handle("POST /v1/account/password", s.handle(s.changePassword))
	mux.Handle("DELETE /v1/sessions/current", s.authed(s.logout))
	mux.Handle("GET /v1/account", s.authed(s.account))
	mux.Handle("GET /v1/recordings", s.authed(s.list))
	mux.Handle("GET /v1/recordings/{id}", s.authed(s.getRecording))
	mux.Handle("PUT /v1/recordings/{id}", s.authed(s.putRecording))
	mux.Handle("DELETE /v1/recordings/{id}", s.authed(s.deleteRecording))
	mux.Handle("PUT /v1/recordings/{id}/content", s.authed(s.putContent))
	mux.Handle("GET /v1/recordings/{id}/content", s.authed(s.getContent))
	mux.Handle("GET /v1/recordings/{id}/upload", s.authed(s.uploadStatus))
	mux.Handle("PUT /v1/recordings/{id}/transcript", s.authed(s.putTranscript))
	mux.Handle("GET /v1/recordings/{id}/transcript", s.authed(s.getTranscript))
	mux.Handle("POST /v1/recordings/{id}/upload-url", s.authed(s.presign))
	mux.Handle("POST /v1/recordings/{id}/upload/complete", s.authed(s.completePresigned))
	mux.Handle("/", s.handle(func(http.ResponseWriter, *http.Request) error {
		return errorf(http.StatusNotFound, api.CodeNotFound, "no such route; see docs/api.md")
	}))
	return s.logRequests(nosniff(s.refuseOverCap(s.deadlines(mux))))
}

// nosniff tells browsers to take every answer as its Content-Type says,
// never to guess (an uploaded "recording" could be HTML).
func nosniff(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		next.ServeHTTP(w, r)
	})
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) info(w http.ResponseWriter, r *http.Request) {
	_, presign := s.blob.(blob.Presigner)
	writeJSON(w, http.StatusOK, api.ServerInfo{
		PresignedUploads: presign, MaxObjectSize: s.cfg.MaxObjectSize,
		MinChunkSize: api.MinChunkSize, MaxChunkSize: api.MaxChunkSize, MinPasswordLen: minPasswordLen,
	})
}

// Serve serves on l until ctx ends, then shuts down gracefully: it stops
// accepting, lets requests in flight (uploads among them) finish for up to
// ShutdownTimeout, and then closes the rest, whose chunked uploads resume
// from the last stored chunk.
func (s *Server) Serve(ctx context.Context, l net.Listener) error {
	hs := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ConnContext:       connContext,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	janitorCtx, stopJanitor := context.WithCancel(context.Background())
	defer stopJanitor()
	go s.janitor(janitorCtx)
	errc := make(chan error, 1)
	proxy := func(addr string) bool { return s.cfg.TrustProxy && s.trusted(addr, true) }
	go func() { errc <- hs.Serve(limitConns(l, s.cfg, proxy)) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("shutting down; waiting for requests in flight", "timeout", s.cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		hs.Close()
		s.log.Warn("requests still running at the shutdown timeout were cut off", "err", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// janitor purges expired tombstones and tokens and collects abandoned
// uploads, every JanitorInterval.
func (s *Server) janitor(ctx context.Context) {
	t := time.NewTicker(s.cfg.JanitorInterval)
	defer t.Stop()
	for {
		if n, err := s.meta.PurgeExpired(ctx, time.Now()); err != nil && ctx.Err() == nil {
			s.log.Warn("purge of expired items failed", "err", err)
		} else if n > 0 {
			s.log.Info("purged expired items", "count", n)
		}
		s.collectUploads(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// collectUploads aborts uploads nobody has added a chunk to for UploadIdle:
// their parts on disk or in S3 go, and the client starts from byte 0 if it
// comes back. (Until then the recording's declared size counts against the
// quota, as it does from its creation.) Then it sweeps the store for
// uploads no record points to.
func (s *Server) collectUploads(ctx context.Context) {
	before := time.Now().Add(-s.cfg.UploadIdle)
	ups, err := s.meta.StaleUploads(ctx, before, 1000)
	if err != nil && ctx.Err() == nil {
		s.log.Warn("finding abandoned uploads failed", "err", err)
	}
	for _, up := range ups {
		if err := s.collectUpload(ctx, up); err != nil && ctx.Err() == nil {
			s.log.Warn("collecting an abandoned upload failed", "recording", up.RecordingID, "err", err)
		}
	}
	if len(ups) > 0 {
		s.log.Info("collected abandoned uploads", "count", len(ups), "idle_since", before)
	}
	if sw, ok := s.blob.(blob.Sweeper); ok {
		if n, err := sw.SweepUploads(ctx, before); err != nil && ctx.Err() == nil {
			s.log.Warn("sweeping untracked uploads failed", "err", err)
		} else if n > 0 {
			s.log.Info("removed untracked uploads from the store", "count", n)
		}
	}
}

// collectUpload aborts one abandoned upload and forgets it.
func (s *Server) collectUpload(ctx context.Context, up meta.Upload) error {
	unlock := s.locks.lock(up.UserID + "/" + up.RecordingID)
	defer unlock()
	if err := s.blob.AbortUpload(ctx, blob.Key(up.UserID, up.RecordingID), up.BlobUpload); err != nil {
		return err
	}
	return s.meta.DeleteUpload(ctx, up.UserID, up.RecordingID)
}

// keyedMutex serialises work on one key (an upload) within this process;
// across processes the stores' conditional writes decide.
type keyedMutex struct {
	mu sync.Mutex
	m  map[string]*refMutex
}

type refMutex struct {
	sync.Mutex
	refs int
}

func (k *keyedMutex) lock(key string) (unlock func()) {
	k.mu.Lock()
	if k.m == nil {
		k.m = map[string]*refMutex{}
	}
	m := k.m[key]
	if m == nil {
		m = &refMutex{}
		k.m[key] = m
	}
	m.refs++
	k.mu.Unlock()
	m.Lock()
	return func() {
		m.Unlock()
		k.mu.Lock()
		if m.refs--; m.refs == 0 {
			delete(k.m, key)
		}
		k.mu.Unlock()
	}
}

// uploadsInFlight lets a delete stop the uploads to its recording that are
// running in this process, instead of waiting for a client that may have
// stalled.
type uploadsInFlight struct {
	mu sync.Mutex
	m  map[string]map[*func()]bool
}

// add registers stop for an upload to key; done unregisters it.
func (u *uploadsInFlight) add(key string, stop func()) (done func()) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.m == nil {
		u.m = map[string]map[*func()]bool{}
	}
	if u.m[key] == nil {
		u.m[key] = map[*func()]bool{}
	}
	u.m[key][&stop] = true
	return func() {
		u.mu.Lock()
		defer u.mu.Unlock()
		if delete(u.m[key], &stop); len(u.m[key]) == 0 {
			delete(u.m, key)
		}
	}
}

// stop stops every upload to key.
func (u *uploadsInFlight) stop(key string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	for f := range u.m[key] {
		(*f)()
	}
}
