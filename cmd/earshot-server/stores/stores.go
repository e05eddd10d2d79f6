// Package stores opens the metadata and audio stores an earshot-server
// configuration names. It is the wiring the server's main (and its tests)
// need, kept out of package server so that the HTTP layer depends on the
// two store interfaces only, not on the AWS SDK and SQLite behind them.
package stores

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/earshot/earshot/internal/awsconf"
	"github.com/earshot/earshot/server"
	"github.com/earshot/earshot/server/blob"
	"github.com/earshot/earshot/server/blob/disk"
	"github.com/earshot/earshot/server/blob/s3store"
	"github.com/earshot/earshot/server/meta"
	"github.com/earshot/earshot/server/meta/dynamo"
	"github.com/earshot/earshot/server/meta/sqlite"
)

// Open opens the metadata and audio stores the configuration names.
func Open(ctx context.Context, cfg server.Config) (meta.Store, blob.Store, error) {
	if cfg.Meta == "sqlite" || cfg.Blob == "disk" {
		if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
			return nil, nil, fmt.Errorf("create data directory: %w", err)
		}
	}
	var m meta.Store
	switch cfg.Meta {
	case "sqlite":
		db := filepath.Join(cfg.DataDir, "earshot-server.db")
		s, err := sqlite.Open(ctx, db)
		if err != nil {
			return nil, nil, err
		}
		// Files an older server made with the default umask.
		for _, f := range []string{db, db + "-wal", db + "-shm"} {
			if err := os.Chmod(f, 0o600); err != nil && !os.IsNotExist(err) {
				s.Close()
				return nil, nil, fmt.Errorf("make %s private: %w", f, err)
			}
		}
		m = s
	case "dynamodb":
		c, err := DynamoClient(ctx, cfg)
		if err != nil {
			return nil, nil, err
		}
		m = dynamo.New(c, cfg.DynamoTable)
	}
	var b blob.Store
	switch cfg.Blob {
	case "disk":
		s, err := disk.Open(filepath.Join(cfg.DataDir, "blobs"))
		if err != nil {
			m.Close()
			return nil, nil, err
		}
		b = s
	case "s3":
		awsCfg, err := awsconf.Load(ctx, awsconf.Options{
			Endpoint: cfg.S3Endpoint, Region: cfg.S3Region, AccessKey: cfg.S3AccessKey, SecretKey: cfg.S3SecretKey,
		})
		if err != nil {
			m.Close()
			return nil, nil, err
		}
		// Chunks are spooled there on their way to S3: fail now, not at the first chunk.
		f, err := os.CreateTemp(cfg.S3SpoolDir, "earshot-spool-check-*")
		if err != nil {
			m.Close()
			return nil, nil, fmt.Errorf("--s3-spool-dir: cannot write there: %w", err)
		}
		f.Close()
		os.Remove(f.Name())
		s := s3store.New(awsCfg, s3store.Options{
			Bucket: cfg.S3Bucket, Prefix: cfg.S3Prefix, PathStyle: cfg.S3PathStyle, SpoolDir: cfg.S3SpoolDir,
		})
		if cfg.S3CreateBucket {
			if err := s.EnsureBucket(ctx); err != nil {
				m.Close()
				return nil, nil, fmt.Errorf("--s3-create-bucket: %w", err)
			}
		}
		b = s
	}
	return m, b, nil
}

// DynamoClient returns the DynamoDB client the configuration names.
func DynamoClient(ctx context.Context, cfg server.Config) (*dynamodb.Client, error) {
	awsCfg, err := awsconf.Load(ctx, awsconf.Options{Endpoint: cfg.DynamoEndpoint, Region: cfg.DynamoRegion})
	if err != nil {
		return nil, err
	}
	return dynamodb.NewFromConfig(awsCfg), nil
}
