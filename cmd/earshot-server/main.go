// Command earshot-server is Earshot's sync backend. With no flags it serves
// on 127.0.0.1:8787 with SQLite metadata and audio on the local disk under
// --data-dir; `earshot-server -h` lists every flag (each also an
// EARSHOT_SERVER_* variable). `earshot-server dynamodb-setup` creates the
// DynamoDB table for --meta dynamodb.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/earshot/earshot/cmd/earshot-server/stores"
	"github.com/earshot/earshot/internal/version"
	"github.com/earshot/earshot/server"
	"github.com/earshot/earshot/server/meta/dynamo"
)

func main() {
	privateFiles()
	if len(os.Args) == 2 && (os.Args[1] == "--version" || os.Args[1] == "-version") {
		fmt.Println(version.String("earshot-server"))
		return
	}
	if err := run(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return // -h: the usage is printed, and asking for it is no failure
		}
		fmt.Fprintln(os.Stderr, "earshot-server:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) > 0 {
		if cmd, ok := ownerCommands[args[0]]; ok {
			return cmd(args[1:])
		}
	}
	setup := len(args) > 0 && args[0] == "dynamodb-setup"
	if setup {
		args = args[1:]
	}
	var cfg server.Config
	if err := cfg.Parse("earshot-server", args, os.Getenv); err != nil {
		return err
	}
	log := newLogger(cfg)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if setup {
		return dynamoSetup(ctx, cfg, log)
	}
	if cfg.Meta == "sqlite" || cfg.Blob == "disk" {
		if err := privateDir(cfg.DataDir, log); err != nil {
			return err
		}
	}
	m, b, err := stores.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer m.Close()
	l, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	log.Info("earshot-server listening", "addr", l.Addr().String(), "meta", cfg.Meta, "blob", cfg.Blob, "data_dir", cfg.DataDir)
	return server.New(cfg, m, b, log).Serve(ctx, l)
}

func dynamoSetup(ctx context.Context, cfg server.Config, log *slog.Logger) error {
	c, err := stores.DynamoClient(ctx, cfg)
	if err != nil {
		return err
	}
	if err := dynamo.CreateTable(ctx, c, cfg.DynamoTable); err != nil {
		return err
	}
	if err := dynamo.EnableTTL(ctx, c, cfg.DynamoTable); err != nil {
		log.Warn("table ready, but expired items will not be deleted by DynamoDB (reads still hide them)", "err", err)
	}
	log.Info("DynamoDB table ready", "table", cfg.DynamoTable)
	return nil
}

func newLogger(cfg server.Config) *slog.Logger {
	var lvl slog.Level
	lvl.UnmarshalText([]byte(strings.ToUpper(cfg.LogLevel)))
	opts := &slog.HandlerOptions{Level: lvl}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}

// privateDir makes an existing data directory that other users can read or
// enter private (0700), and says so loudly: it holds account emails,
// password hashes and the audio. (Refusing to start would break every
// setup made under a usual umask; the files inside are made 0600 anyway.)
func privateDir(dir string, log *slog.Logger) error {
	st, err := os.Stat(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil // created 0700 when the stores open
	}
	if err != nil {
		return fmt.Errorf("check the data directory: %w", err)
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		if err := os.Chmod(dir, perm&0o700); err != nil {
			return fmt.Errorf("the data directory %s is open to other users (mode %04o) and could not be made private; run: chmod 700 %s", dir, perm, dir)
		}
		log.Warn("the data directory was open to other users; it is now private (0700)", "dir", dir, "was", fmt.Sprintf("%04o", perm))
	}
	return nil
}
