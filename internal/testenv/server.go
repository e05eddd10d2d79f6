package testenv

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// FreeAddr returns a loopback address with a port that was free a moment
// ago, for a server the test starts.
func FreeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// Environ returns the process environment with extra applied: "NAME=value"
// sets NAME, "NAME" alone removes it.
func Environ(extra ...string) []string {
	env := os.Environ()
	for _, e := range extra {
		name, _, set := strings.Cut(e, "=")
		out := env[:0:0]
		for _, v := range env {
			if !strings.HasPrefix(v, name+"=") {
				out = append(out, v)
			}
		}
		env = out
		if set {
			env = append(env, e)
		}
	}
	return env
}

// Server is a real earshot-server process on a loopback port. Kill (or
// Stop) and Start keep its port, flags and data folder, as a crash and a
// restart do. Its methods may be called from any goroutine.
type Server struct {
	// URL is the server's base URL, http://127.0.0.1:port.
	URL string
	// Addr is its listening address, 127.0.0.1:port.
	Addr string
	// DataDir is the --data-dir it runs with; "" when it is given none.
	DataDir string

	bin, logLevel string
	args, env     []string
	wrap          []string
	dataDirSet    bool
	logs          lockedBuffer

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd has exited; then err is its exit error
	err  error
}

// ServerOption changes how NewServer and StartServer run the server.
type ServerOption func(*Server)

// Args adds command-line flags after --addr, --data-dir and --log-level.
func Args(args ...string) ServerOption {
	return func(s *Server) { s.args = append(s.args, args...) }
}

// Env changes the server's environment as Environ does.
func Env(entries ...string) ServerOption {
	return func(s *Server) { s.env = append(s.env, entries...) }
}

// DataDir sets --data-dir (default: a new folder of the test's temporary
// folder); "" passes no --data-dir, for a server configured by its
// environment or flags given with Args.
func DataDir(dir string) ServerOption {
	return func(s *Server) { s.DataDir, s.dataDirSet = dir, true }
}

// Wrap runs the server under a command, e.g. prlimit --nofile=256 --
// for a low descriptor limit.
func Wrap(command ...string) ServerOption {
	return func(s *Server) { s.wrap = command }
}

// LogLevel sets --log-level (default warn).
func LogLevel(level string) ServerOption {
	return func(s *Server) { s.logLevel = level }
}

// NewServer prepares a server without starting it or tying it to t's
// lifetime (a server shared by a package's tests): the caller calls Start,
// and Kill when done. t serves only to build the binary and pick the port;
// give DataDir for a server that outlives t.
func NewServer(t testing.TB, opts ...ServerOption) *Server {
	t.Helper()
	s := &Server{bin: ServerBin(t), Addr: FreeAddr(t), logLevel: "warn"}
	s.URL = "http://" + s.Addr
	for _, o := range opts {
		o(s)
	}
	if !s.dataDirSet {
		s.DataDir = t.TempDir()
	}
	return s
}

// StartServer starts a server for one test and waits until it answers
// GET /healthz. It is killed when the test ends; if the test failed, the
// server's output goes to the test log.
func StartServer(t testing.TB, opts ...ServerOption) *Server {
	t.Helper()
	s := NewServer(t, opts...)
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Kill()
		if t.Failed() {
			t.Logf("earshot-server %s output:\n%s", s.URL, s.Logs())
		}
	})
	return s
}

// Start runs the server and waits until GET /healthz answers 200.
func (s *Server) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return fmt.Errorf("start earshot-server %s: already running", s.URL)
	}
	// Tests sign up as many accounts as they like: open sign-up without
	// its hourly limits, unless the test's own Args say otherwise (the
	// last value of a flag wins).
	args := []string{"--addr", s.Addr, "--log-level", s.logLevel,
		"--signup", "open", "--signup-limit", "1000000", "--signup-total", "1000000"}
	if s.DataDir != "" {
		args = append(args, "--data-dir", s.DataDir)
	}
	argv := append(append(append(append([]string{}, s.wrap...), s.bin), args...), s.args...)
	cmd := exec.Command(argv[0], argv[1:]...)
	if s.env != nil {
		cmd.Env = Environ(s.env...)
	}
	cmd.Stdout, cmd.Stderr = &s.logs, &s.logs
	dieWithTest(cmd)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start earshot-server: %w", err)
	}
	done := make(chan struct{})
	go func() {
		s.err = cmd.Wait()
		close(done)
	}()
	s.cmd, s.done = cmd, done
	if err := s.waitHealthy(); err != nil {
		s.kill()
		return err
	}
	return nil
}

func (s *Server) waitHealthy() error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := client.Get(s.URL + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-s.done:
			return fmt.Errorf("earshot-server exited at start: %v\n%s", s.err, s.logs.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	return fmt.Errorf("earshot-server did not become healthy in 20 s:\n%s", s.logs.String())
}

// Kill stops the server at once (SIGKILL: nothing in flight completes), as
// a crash would. It does nothing when the server is not running.
func (s *Server) Kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.kill()
}

func (s *Server) kill() {
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Kill()
	<-s.done
	s.cmd = nil
}

// Stop asks the server to shut down (SIGTERM) and returns its exit error;
// after 30 s it kills it and says so.
func (s *Server) Stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return errors.New("stop earshot-server: not running")
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
		s.cmd = nil
		return s.err
	case <-time.After(30 * time.Second):
		s.kill()
		return errors.New("stop earshot-server: no exit 30 s after SIGTERM")
	}
}

// PID is the running server's process id (0 when it is not running); with
// Wrap, the wrapping command's, which for prlimit is the server's (it execs).
func (s *Server) PID() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

// Logs returns everything the server wrote to stdout and stderr, over all
// its runs.
func (s *Server) Logs() string { return s.logs.String() }

// lockedBuffer is a bytes.Buffer safe to write from the process's output
// and read from the test at the same time.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
