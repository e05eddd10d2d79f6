package sync

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/earshot/earshot/api"
)

// TokenSource hands out access tokens for the Authorization header.
type TokenSource interface {
	// AccessToken returns a token valid for at least a little while,
	// refreshing it first when it is about to expire.
	AccessToken(ctx context.Context) (string, error)
	// Refresh is called after the server refused stale with 401; it returns
	// a fresh token, or an error of KindAuth when the session is over.
	Refresh(ctx context.Context, stale string) (string, error)
}

// Client speaks earshot-server's HTTP API (docs/api.md). Every error it
// returns is an *Error with a Kind. It is safe for concurrent use.
type Client struct {
	base  *url.URL
	hc    *http.Client
	auth  TokenSource
	stall time.Duration
}

// DefaultStallTimeout is how long a transfer may make no progress at all
// before the client gives up on the connection and the engine retries.
const DefaultStallTimeout = 30 * time.Second

// NewClient returns a client for the server at base (see NormalizeServer).
// A nil hc uses a transport tuned for a few concurrent large transfers.
func NewClient(base string, hc *http.Client) (*Client, error) {
	norm, err := NormalizeServer(base)
	if err != nil {
		return nil, err
	}
	u, _ := url.Parse(norm)
	if hc == nil {
		hc = &http.Client{Transport: NewTransport()}
	}
	return &Client{base: u, hc: hc, stall: DefaultStallTimeout}, nil
}

// NewTransport returns the HTTP transport the client uses by default:
// bounded connect and header waits, but no limit on a transfer that keeps
// moving (the stall guard catches one that stops).
func NewTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	t.ResponseHeaderTimeout = 2 * time.Minute // the server hashes and stores a finished upload before answering
	t.MaxIdleConnsPerHost = 16
	t.DisableCompression = true // audio does not compress; Range offsets must be byte offsets
	return t
}

// NormalizeServer turns what a user typed ("127.0.0.1:8787",
// "https://sync.example.com/") into the base URL the client uses: a scheme
// (http for loopback, https otherwise, when missing), no trailing slash.
func NormalizeServer(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", errors.New("no server address: pass --server URL, for example --server https://sync.example.com")
	}
	if !strings.Contains(s, "://") {
		host := s
		if h, _, err := net.SplitHostPort(s); err == nil {
			host = h
		}
		if ip := net.ParseIP(host); host == "localhost" || (ip != nil && ip.IsLoopback()) {
			s = "http://" + s
		} else {
			s = "https://" + s
		}
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("server address %q is not an http(s) URL: use for example https://sync.example.com", s)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	return u.String(), nil
}

// Server is the client's base URL.
func (c *Client) Server() string { return c.base.String() }

// WithAuth returns a copy of c that authenticates with ts.
func (c *Client) WithAuth(ts TokenSource) *Client {
	cp := *c
	cp.auth = ts
	return &cp
}

// SetStallTimeout changes how long a transfer may stand still (see
// DefaultStallTimeout). It must be called before the client is shared.
func (c *Client) SetStallTimeout(d time.Duration) { c.stall = d }

// request describes one call; body, when set, makes a fresh reader for
// each attempt, so a call refused with 401 can be sent again after refresh.
type request struct {
	op     string
	method string
	path   string
	query  url.Values
	header http.Header
	body   func() (io.Reader, int64)
	authed bool
}

// do sends req and returns the response of a 2xx answer; any other answer
// or failure becomes an *Error. The caller closes the body.
func (c *Client) do(ctx context.Context, req request) (*http.Response, error) {
	resp, token, err := c.send(ctx, req, "")
	if err == nil && resp.StatusCode == http.StatusUnauthorized && req.authed && c.auth != nil {
		drain(resp)
		token, err = c.auth.Refresh(ctx, token)
		if err != nil {
			return nil, wrapErr(req.op, err)
		}
		resp, _, err = c.send(ctx, req, token)
	}
	if err != nil {
		return nil, wrapErr(req.op, err)
	}
	if resp.StatusCode/100 != 2 {
		defer drain(resp)
		return nil, errorFromResponse(req.op, resp)
	}
	return resp, nil
}

func (c *Client) send(ctx context.Context, req request, token string) (*http.Response, string, error) {
	u := *c.base
	u.Path += req.path
	u.RawQuery = req.query.Encode()
	var body io.Reader
	var n int64
	if req.body != nil {
		body, n = req.body()
	}
	hr, err := http.NewRequestWithContext(ctx, req.method, u.String(), body)
	if err != nil {
		return nil, "", err
	}
	if req.body != nil {
		hr.ContentLength = n
		if n == 0 {
			hr.Body = http.NoBody
		}
	}
	for k, v := range req.header {
		hr.Header[k] = v
	}
	if req.authed {
		if c.auth == nil {
			return nil, "", &Error{Op: req.op, Kind: KindAuth, Message: "not signed in: run earshot login"}
		}
		if token == "" {
			if token, err = c.auth.AccessToken(ctx); err != nil {
				return nil, "", err
			}
		}
		hr.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.hc.Do(hr)
	return resp, token, err
}

// wrapErr gives err an Op and a Kind unless it already has them.
func wrapErr(op string, err error) error {
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return &Error{Op: op, Kind: classifyTransport(err), Err: err}
}

// errorFromResponse reads an api.Error (an api.StaleError, with the
// current metadata, for 412) from a non-2xx answer.
func errorFromResponse(op string, resp *http.Response) error {
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var body api.StaleError
	_ = json.Unmarshal(raw, &body)
	e := &Error{Op: op, Status: resp.StatusCode, Code: body.Code, Message: body.Message}
	e.Kind = kindForStatus(resp.StatusCode, body.Code)
	e.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"))
	if resp.StatusCode == http.StatusPreconditionFailed && body.Current.ID != "" {
		e.Current = &body.Current
	}
	return e
}

func parseRetryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}

// drain reads a little of what is left so the connection can be reused.
func drain(resp *http.Response) {
	_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
	resp.Body.Close()
}

// jsonBody encodes v once and hands out readers over the bytes.
func jsonBody(v any) func() (io.Reader, int64) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("encode %T: %v", v, err)) // only our own wire types are encoded
	}
	return func() (io.Reader, int64) { return bytes.NewReader(b), int64(len(b)) }
}

func jsonHeader() http.Header { return http.Header{"Content-Type": {"application/json"}} }

// doJSON sends req and decodes a 2xx answer's JSON body into out (if not nil).
func (c *Client) doJSON(ctx context.Context, req request, out any) error {
	resp, err := c.do(ctx, req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil {
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return &Error{Op: req.op, Kind: KindTransient, Status: resp.StatusCode, Err: fmt.Errorf("decode answer: %w", err)}
	}
	return nil
}

func bytesContains(b []byte, s string) bool { return bytes.Contains(b, []byte(s)) }

// firstLine shortens a foreign error body to one line for a message.
func firstLine(b []byte) string {
	s := strings.TrimSpace(string(b))
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}
