package server

import (
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Config is earshot-server's configuration. Every field has a flag and an
// EARSHOT_SERVER_* environment variable (the flag's name in upper case with
// "-" as "_"); a flag given on the command line wins.
type Config struct {
	Addr           string
	DataDir        string
	Meta           string // "sqlite" or "dynamodb"
	Blob           string // "disk" or "s3"
	DynamoTable    string
	DynamoEndpoint string
	DynamoRegion   string
	S3Bucket       string
	S3Prefix       string
	S3Endpoint     string
	S3Region       string
	S3PathStyle    bool
	S3AccessKey    string
	S3SecretKey    string
	S3CreateBucket bool   // create S3Bucket at start if it is missing
	S3SpoolDir     string // chunks on their way to S3; empty: os.TempDir()
	// SpoolLimit and SpoolPerUser cap the bytes of chunks spooled at once
	// in S3SpoolDir, in all and per user (0: no cap).
	SpoolLimit   int64
	SpoolPerUser int64
	QuotaBytes   int64
	// Signup is who may create accounts: SignupOpen, SignupInvite or
	// SignupClosed; SignupLimit and SignupTotal cap new accounts an hour
	// per client address and in all.
	Signup        string
	SignupLimit   int
	SignupTotal   int
	MaxObjectSize int64
	AccessTTL     time.Duration
	RefreshTTL    time.Duration
	// RefreshGrace is how long a refresh token presented again gets the
	// same new pair (its first answer may have been lost).
	RefreshGrace    time.Duration
	TombstoneTTL    time.Duration
	PresignTTL      time.Duration
	ShutdownTimeout time.Duration
	// UploadIdle is how long an upload may go without a chunk before the
	// janitor, which runs every JanitorInterval, collects it.
	UploadIdle      time.Duration
	JanitorInterval time.Duration
	TrustProxy      bool
	// TrustedProxies are the networks whose X-Forwarded-For entries are
	// believed, walking from the right (empty: the connection's peer).
	TrustedProxies ipNets
	LogLevel       string
	LogFormat      string
	// LoginLimit and AddrLimit bound sign-in attempts per account and per
	// client address in each LoginWindow, for account and address pairs
	// that have not signed in before; PairLimit bounds every pair's
	// attempts a minute (twice that per window, four times a day).
	LoginLimit  int
	AddrLimit   int
	PairLimit   int
	LoginWindow time.Duration
	// BodyTimeout bounds sending a request's body (and its headers are
	// bounded by a fixed 10 s); WriteTimeout bounds reading an answer.
	// Audio transfers instead must move MinRate bytes per second in every
	// RateWindow.
	BodyTimeout  time.Duration
	WriteTimeout time.Duration
	MinRate      int64
	RateWindow   time.Duration
	// MaxConns caps open connections (0: from the descriptor limit);
	// MaxConnsPerAddr caps those from one client address (0: no cap).
	MaxConns        int
	MaxConnsPerAddr int
}

// DefaultDataDir is $XDG_DATA_HOME/earshot-server, else
// ~/.local/share/earshot-server.
func DefaultDataDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "earshot-server")
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".local", "share", "earshot-server")
}

// FlagSet returns the flags that fill c, with defaults.
func (c *Config) FlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.StringVar(&c.Addr, "addr", "127.0.0.1:8787", "listen on HOST:PORT")
	fs.StringVar(&c.DataDir, "data-dir", DefaultDataDir(), "directory for the SQLite metadata and the disk blob store")
	fs.StringVar(&c.Meta, "meta", "sqlite", "metadata store: sqlite or dynamodb")
	fs.StringVar(&c.Blob, "blob", "disk", "audio store: disk or s3")
	fs.StringVar(&c.DynamoTable, "dynamodb-table", "earshot", "DynamoDB table (create it with: earshot-server dynamodb-setup)")
	fs.StringVar(&c.DynamoEndpoint, "dynamodb-endpoint", "", "DynamoDB endpoint URL (empty: AWS)")
	fs.StringVar(&c.DynamoRegion, "dynamodb-region", "", "DynamoDB region (empty: AWS_REGION or us-east-1)")
	fs.StringVar(&c.S3Bucket, "s3-bucket", "", "S3 bucket for audio")
	fs.StringVar(&c.S3Prefix, "s3-prefix", "recordings/", "prefix of object keys in the bucket")
	fs.StringVar(&c.S3Endpoint, "s3-endpoint", "", "S3 endpoint URL (empty: AWS; set for MinIO, R2, a gateway)")
	fs.StringVar(&c.S3Region, "s3-region", "", "S3 region (empty: AWS_REGION or us-east-1)")
	fs.BoolVar(&c.S3PathStyle, "s3-path-style", false, "address buckets in the path (MinIO, local gateways)")
	fs.StringVar(&c.S3AccessKey, "s3-access-key", "", "S3 access key (empty: the AWS credential chain)")
	fs.StringVar(&c.S3SecretKey, "s3-secret-key", "", "S3 secret key; prefer EARSHOT_SERVER_S3_SECRET_KEY")
	fs.BoolVar(&c.S3CreateBucket, "s3-create-bucket", false, "create --s3-bucket at start if it is missing (private)")
	fs.StringVar(&c.S3SpoolDir, "s3-spool-dir", "", "directory for chunks on their way to S3, one chunk per upload in flight (empty: the system's temporary directory)")
	fs.StringVar(&c.Signup, "signup", "invite", "who may create accounts: open (anyone), invite (the first account, then invite codes from: earshot-server invite create) or closed")
	fs.IntVar(&c.SignupLimit, "signup-limit", 5, "new accounts an hour from one client address")
	fs.IntVar(&c.SignupTotal, "signup-total", 50, "new accounts an hour in all")
	fs.Int64Var(&c.SpoolLimit, "s3-spool-limit", 1<<30, "most bytes of chunks spooled at once in --s3-spool-dir (0: no cap)")
	fs.Int64Var(&c.SpoolPerUser, "s3-spool-per-user", 256<<20, "most bytes of one user's chunks spooled at once (0: no cap)")
	fs.Int64Var(&c.QuotaBytes, "quota-bytes", 10<<30, "storage quota per user in bytes")
	fs.Int64Var(&c.MaxObjectSize, "max-object-size", 4<<30, "largest recording in bytes")
	fs.DurationVar(&c.AccessTTL, "access-ttl", time.Hour, "lifetime of access tokens")
	fs.DurationVar(&c.RefreshTTL, "refresh-ttl", 30*24*time.Hour, "lifetime of refresh tokens")
	fs.DurationVar(&c.RefreshGrace, "refresh-grace", 2*time.Minute, "how long a refresh token presented again returns the same new pair (a lost answer) instead of ending the session")
	fs.DurationVar(&c.TombstoneTTL, "tombstone-ttl", 30*24*time.Hour, "how long deleted recordings stay in the change feed")
	fs.DurationVar(&c.PresignTTL, "presign-ttl", 15*time.Minute, "lifetime of presigned upload URLs")
	fs.DurationVar(&c.UploadIdle, "upload-idle", 24*time.Hour, "an upload without a new chunk for this long is abandoned: its parts are removed")
	fs.DurationVar(&c.JanitorInterval, "janitor-interval", time.Hour, "how often expired items and abandoned uploads are collected")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", 30*time.Second, "how long shutdown waits for requests in flight")
	fs.BoolVar(&c.TrustProxy, "trust-proxy", false, "take the client address from X-Forwarded-For: the entry the proxy that connects added (behind a proxy only)")
	fs.Var(&c.TrustedProxies, "trusted-proxies", "comma-separated networks of proxies (CIDR) whose X-Forwarded-For entries are believed, walking from the right; implies --trust-proxy")
	fs.StringVar(&c.LogLevel, "log-level", "info", "debug, info, warn or error")
	fs.StringVar(&c.LogFormat, "log-format", "text", "text or json")
	fs.IntVar(&c.LoginLimit, "login-limit", 10, "sign-in attempts per account per window from addresses it has not signed in from")
	fs.IntVar(&c.AddrLimit, "addr-limit", 50, "sign-in attempts per client address per window, for accounts that have not signed in from it")
	fs.IntVar(&c.PairLimit, "pair-limit", 5, "failed sign-ins per account and address a minute (twice that per window, four times a day)")
	fs.DurationVar(&c.LoginWindow, "login-window", 15*time.Minute, "window of the failed-login limits")
	fs.DurationVar(&c.BodyTimeout, "body-timeout", 10*time.Second, "time a client has to send a request body (audio transfers: see --min-rate)")
	fs.DurationVar(&c.WriteTimeout, "write-timeout", 30*time.Second, "time a client has to read an answer (audio transfers: see --min-rate)")
	fs.Int64Var(&c.MinRate, "min-rate", 1024, "slowest audio upload or download kept, in bytes per second averaged over --rate-window")
	fs.DurationVar(&c.RateWindow, "rate-window", 20*time.Second, "window over which --min-rate is measured")
	fs.IntVar(&c.MaxConns, "max-conns", 0, "most open connections (0: three quarters of the open-file limit)")
	fs.IntVar(&c.MaxConnsPerAddr, "max-conns-per-addr", 32, "most open connections from one client address (0: no cap; the proxy's address with --trust-proxy)")
	return fs
}

// Parse fills c from args and the environment.
func (c *Config) Parse(name string, args []string, getenv func(string) string) error {
	rest, err := c.ParseCommand(name, args, getenv, nil)
	if err == nil && len(rest) > 0 {
		err = fmt.Errorf("unexpected argument %q", rest[0])
	}
	return err
}

// ParseCommand fills c like Parse for a subcommand: extra adds the
// command's own flags, and the arguments after the flags are returned.
func (c *Config) ParseCommand(name string, args []string, getenv func(string) string, extra func(*flag.FlagSet)) ([]string, error) {
	fs := c.FlagSet(name)
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	return fs.Args(), c.fromEnv(fs, getenv)
}

// fromEnv sets the flags not given on the command line from EARSHOT_SERVER_*
// variables, then checks c.
func (c *Config) fromEnv(fs *flag.FlagSet, getenv func(string) string) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		env := "EARSHOT_SERVER_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v := getenv(env); v != "" && !set[f.Name] && err == nil {
			if e := f.Value.Set(v); e != nil {
				err = fmt.Errorf("%s=%q: %w", env, v, e)
			}
		}
	})
	if err != nil {
		return err
	}
	if len(c.TrustedProxies) > 0 {
		c.TrustProxy = true
	}
	return c.check()
}

// ipNets is a flag holding comma-separated CIDR networks.
type ipNets []*net.IPNet

func (n *ipNets) String() string {
	var s []string
	for _, x := range *n {
		s = append(s, x.String())
	}
	return strings.Join(s, ",")
}

func (n *ipNets) Set(v string) error {
	*n = nil
	for _, f := range strings.Split(v, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			if strings.Contains(f, ":") {
				f += "/128"
			} else {
				f += "/32"
			}
		}
		_, ipn, err := net.ParseCIDR(f)
		if err != nil {
			return fmt.Errorf("%q is not a network such as 10.0.0.0/8 or 127.0.0.1", f)
		}
		*n = append(*n, ipn)
	}
	return nil
}

func (c *Config) check() error {
	switch {
	case c.Meta != "sqlite" && c.Meta != "dynamodb":
		return fmt.Errorf("--meta must be sqlite or dynamodb, not %q", c.Meta)
	case c.Blob != "disk" && c.Blob != "s3":
		return fmt.Errorf("--blob must be disk or s3, not %q", c.Blob)
	case c.Blob == "s3" && c.S3Bucket == "":
		return fmt.Errorf("--blob s3 needs --s3-bucket (or EARSHOT_SERVER_S3_BUCKET)")
	case c.Signup != SignupOpen && c.Signup != SignupInvite && c.Signup != SignupClosed:
		return fmt.Errorf("--signup must be open, invite or closed, not %q", c.Signup)
	case c.SignupLimit < 1 || c.SignupTotal < 1:
		return fmt.Errorf("--signup-limit and --signup-total must be at least 1")
	case c.QuotaBytes <= 0 || c.MaxObjectSize <= 0:
		return fmt.Errorf("--quota-bytes and --max-object-size must be positive")
	case c.BodyTimeout <= 0 || c.WriteTimeout <= 0 || c.RateWindow <= 0 || c.MinRate <= 0:
		return fmt.Errorf("--body-timeout, --write-timeout, --rate-window and --min-rate must be positive")
	case c.LoginLimit < 1 || c.AddrLimit < 1 || c.PairLimit < 1 || c.LoginWindow < time.Minute:
		return fmt.Errorf("--login-limit, --addr-limit and --pair-limit must be at least 1 and --login-window at least 1m")
	case c.MaxConns < 0 || c.MaxConnsPerAddr < 0:
		return fmt.Errorf("--max-conns and --max-conns-per-addr must not be negative")
	case c.UploadIdle <= 0 || c.JanitorInterval <= 0:
		return fmt.Errorf("--upload-idle and --janitor-interval must be positive")
	case c.RefreshGrace < 0:
		return fmt.Errorf("--refresh-grace must not be negative")
	case c.AccessTTL <= 0 || c.RefreshTTL <= 0 || c.TombstoneTTL < 48*time.Hour:
		return fmt.Errorf("token lifetimes must be positive and --tombstone-ttl at least 48h")
	}
	return nil
}
