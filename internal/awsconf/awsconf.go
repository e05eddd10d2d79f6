// Package awsconf builds the aws-sdk-go-v2 configuration the S3 and DynamoDB
// stores share: the SDK's default chain (environment, shared files, roles;
// AWS_CA_BUNDLE honoured), optionally with static keys and a region, and
// the endpoint override that S3-compatible stores and dynalite need.
package awsconf

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Options says where an AWS-compatible service is and how to sign for it.
// Empty fields fall back to the SDK's defaults.
type Options struct {
	Endpoint  string // e.g. http://127.0.0.1:7070; empty for AWS itself
	Region    string // default us-east-1
	AccessKey string // with SecretKey: static credentials
	SecretKey string
}

// Load returns the configuration for o.
func Load(ctx context.Context, o Options) (aws.Config, error) {
	region := o.Region
	if region == "" {
		region = "us-east-1"
	}
	opts := []func(*config.LoadOptions) error{config.WithRegion(region)}
	if o.AccessKey != "" || o.SecretKey != "" {
		opts = append(opts, config.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(o.AccessKey, o.SecretKey, "")))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load AWS configuration (check AWS_CA_BUNDLE and AWS_* settings): %w", err)
	}
	if o.Endpoint != "" {
		cfg.BaseEndpoint = aws.String(o.Endpoint)
	}
	return cfg, nil
}
