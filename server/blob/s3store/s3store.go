// Package s3store keeps recordings' audio in any S3-compatible object store
// (AWS S3, MinIO, R2, Versity's gateway) through aws-sdk-go-v2. Objects are
// private (no ACL is ever set), whole uploads carry x-amz-checksum-sha256 so
// the store itself refuses bytes that do not match, chunked uploads map to
// multipart uploads, and PresignPut lets clients upload straight to the
// store.
package s3store

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/server/blob"
)

var (
	_ blob.Store     = (*Store)(nil)
	_ blob.Presigner = (*Store)(nil)
)

// Options configures the store.
type Options struct {
	Bucket string
	// Prefix is put before every key, e.g. "recordings/".
	Prefix string
	// PathStyle addresses the bucket in the path (http://host/bucket/key),
	// as MinIO and local gateways need, instead of a subdomain.
	PathStyle bool
}

// Store is a blob.Store in one S3 bucket.
type Store struct {
	s3      *s3.Client
	presign *s3.PresignClient
	opt     Options
}

// New returns a store using cfg (see server/internal/awsconf).
func New(cfg aws.Config, opt Options) *Store {
	c := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.UsePathStyle = opt.PathStyle
		// The server sends its own SHA-256 where it has one; CRC checksums
		// computed by the SDK would need a seekable body or TLS.
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	})
	return &Store{s3: c, presign: s3.NewPresignClient(c), opt: opt}
}

// EnsureBucket creates the bucket if it does not exist (private, the default).
func (s *Store) EnsureBucket(ctx context.Context) error {
	if _, err := s.s3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &s.opt.Bucket}); err == nil {
		return nil
	}
	_, err := s.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &s.opt.Bucket})
	var owned *types.BucketAlreadyOwnedByYou
	if err != nil && !errors.As(err, &owned) {
		return fmt.Errorf("create bucket %s: %w", s.opt.Bucket, err)
	}
	return nil
}

func (s *Store) key(k string) (*string, error) {
	if !blob.ValidKey(k) {
		return nil, fmt.Errorf("%q: %w", k, blob.ErrBadKey)
	}
	return aws.String(s.opt.Prefix + k), nil
}

// unsigned streams a body without hashing it first for the signature: the
// body is not seekable, and its integrity is checked by the SHA-256 (whole
// objects) or by the server's running hash (parts).
var unsigned = s3.WithAPIOptions(v4.SwapComputePayloadSHA256ForUnsignedPayloadMiddleware)

// classify maps the store's answers to blob errors.
func classify(err error) error {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "NoSuchKey", "NotFound", "NoSuchUpload":
			return fmt.Errorf("%w (%s)", blob.ErrNotFound, ae.ErrorCode())
		case "BadDigest", "XAmzContentChecksumMismatch", "InvalidDigest":
			return fmt.Errorf("%w (%s)", blob.ErrChecksum, ae.ErrorCode())
		case "IncompleteBody", "RequestTimeout", "EntityTooSmall":
			return fmt.Errorf("%w (%s): %w", blob.ErrSize, ae.ErrorCode(), err)
		}
	}
	return err
}

// Put implements blob.Store. The store checks the SHA-256; the server checks
// it too while streaming, for stores that ignore the checksum header.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, sum []byte) error {
	k, err := s.key(key)
	if err != nil {
		return err
	}
	h := sha256.New()
	cr := &countReader{r: io.TeeReader(r, h)}
	_, err = s.s3.PutObject(ctx, &s3.PutObjectInput{
		Bucket: &s.opt.Bucket, Key: k, Body: io.NopCloser(cr), ContentLength: aws.Int64(size),
		ChecksumSHA256: aws.String(base64.StdEncoding.EncodeToString(sum)),
	}, unsigned)
	if err != nil {
		if cr.n != size && !errors.Is(classify(err), blob.ErrChecksum) {
			return fmt.Errorf("put %s: got %d bytes, want %d: %w: %w", key, cr.n, size, blob.ErrSize, err)
		}
		return fmt.Errorf("put %s: %w", key, classify(err))
	}
	if cr.n != size || string(h.Sum(nil)) != string(sum) {
		s.Delete(context.WithoutCancel(ctx), key)
		if cr.n != size {
			return fmt.Errorf("put %s: %w", key, blob.ErrSize)
		}
		return fmt.Errorf("put %s: the store ignored the checksum: %w", key, blob.ErrChecksum)
	}
	return nil
}

type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// Get implements blob.Store.
func (s *Store) Get(ctx context.Context, key string, off, n int64) (io.ReadCloser, error) {
	k, err := s.key(key)
	if err != nil {
		return nil, err
	}
	in := &s3.GetObjectInput{Bucket: &s.opt.Bucket, Key: k}
	switch {
	case n == 0:
		return io.NopCloser(strings.NewReader("")), nil
	case n > 0:
		in.Range = aws.String(fmt.Sprintf("bytes=%d-%d", off, off+n-1))
	case off > 0:
		in.Range = aws.String(fmt.Sprintf("bytes=%d-", off))
	}
	out, err := s.s3.GetObject(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", key, classify(err))
	}
	return out.Body, nil
}

// Stat implements blob.Store, with the SHA-256 the store verified on upload.
func (s *Store) Stat(ctx context.Context, key string) (blob.Info, error) {
	k, err := s.key(key)
	if err != nil {
		return blob.Info{}, err
	}
	out, err := s.s3.HeadObject(ctx, &s3.HeadObjectInput{
		Bucket: &s.opt.Bucket, Key: k, ChecksumMode: types.ChecksumModeEnabled,
	})
	if err != nil {
		return blob.Info{}, fmt.Errorf("stat %s: %w", key, classify(err))
	}
	info := blob.Info{Size: aws.ToInt64(out.ContentLength)}
	// A composite (multipart) checksum ends in "-N" and is not the file's.
	if c := aws.ToString(out.ChecksumSHA256); c != "" && !strings.Contains(c, "-") &&
		out.ChecksumType != types.ChecksumTypeComposite {
		if b, err := base64.StdEncoding.DecodeString(c); err == nil && len(b) == sha256.Size {
			info.SHA256 = b
		}
	}
	return info, nil
}

// Delete implements blob.Store.
func (s *Store) Delete(ctx context.Context, key string) error {
	k, err := s.key(key)
	if err != nil {
		return err
	}
	_, err = s.s3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &s.opt.Bucket, Key: k})
	if err != nil && !errors.Is(classify(err), blob.ErrNotFound) {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	return nil
}

// CreateUpload implements blob.Store.
func (s *Store) CreateUpload(ctx context.Context, key string) (string, error) {
	k, err := s.key(key)
	if err != nil {
		return "", err
	}
	out, err := s.s3.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: &s.opt.Bucket, Key: k})
	if err != nil {
		return "", fmt.Errorf("start upload to %s: %w", key, classify(err))
	}
	return aws.ToString(out.UploadId), nil
}

// UploadPart implements blob.Store.
func (s *Store) UploadPart(ctx context.Context, key, uploadID string, n int, off int64, r io.Reader, size int64) (string, error) {
	k, err := s.key(key)
	if err != nil {
		return "", err
	}
	cr := &countReader{r: r}
	out, err := s.s3.UploadPart(ctx, &s3.UploadPartInput{
		Bucket: &s.opt.Bucket, Key: k, UploadId: &uploadID, PartNumber: aws.Int32(int32(n)),
		Body: io.NopCloser(cr), ContentLength: aws.Int64(size),
	}, unsigned)
	if err != nil {
		if cr.n != size {
			return "", fmt.Errorf("upload part %d to %s: got %d bytes, want %d: %w: %w", n, key, cr.n, size, blob.ErrSize, err)
		}
		return "", fmt.Errorf("upload part %d to %s: %w", n, key, classify(err))
	}
	return aws.ToString(out.ETag), nil
}

// CompleteUpload implements blob.Store. S3 checks each part's ETag, so a
// part replaced behind the server's back makes this fail.
func (s *Store) CompleteUpload(ctx context.Context, key, uploadID string, parts []blob.Part) error {
	k, err := s.key(key)
	if err != nil {
		return err
	}
	cp := make([]types.CompletedPart, len(parts))
	for i, p := range parts {
		cp[i] = types.CompletedPart{PartNumber: aws.Int32(int32(p.Number)), ETag: aws.String(p.ETag)}
	}
	_, err = s.s3.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket: &s.opt.Bucket, Key: k, UploadId: &uploadID,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: cp},
	})
	if err != nil {
		return fmt.Errorf("complete upload to %s: %w", key, classify(err))
	}
	return nil
}

// AbortUpload implements blob.Store.
func (s *Store) AbortUpload(ctx context.Context, key, uploadID string) error {
	k, err := s.key(key)
	if err != nil {
		return err
	}
	_, err = s.s3.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: &s.opt.Bucket, Key: k, UploadId: &uploadID})
	if err != nil && !errors.Is(classify(err), blob.ErrNotFound) {
		return fmt.Errorf("abort upload to %s: %w", key, err)
	}
	return nil
}

// PresignPut implements blob.Presigner. The signed request carries the
// size and x-amz-checksum-sha256, so the store refuses any other bytes.
func (s *Store) PresignPut(ctx context.Context, key string, size int64, sum []byte, expires time.Duration) (api.PresignedUpload, error) {
	k, err := s.key(key)
	if err != nil {
		return api.PresignedUpload{}, err
	}
	req, err := s.presign.PresignPutObject(ctx, &s3.PutObjectInput{
		Bucket: &s.opt.Bucket, Key: k, ContentLength: aws.Int64(size),
		ChecksumSHA256: aws.String(base64.StdEncoding.EncodeToString(sum)),
	}, s3.WithPresignExpires(expires))
	if err != nil {
		return api.PresignedUpload{}, fmt.Errorf("presign upload to %s: %w", key, err)
	}
	h := map[string]string{}
	for name, v := range req.SignedHeader {
		if len(v) > 0 && !strings.EqualFold(name, "Host") {
			h[http.CanonicalHeaderKey(name)] = v[0]
		}
	}
	return api.PresignedUpload{URL: req.URL, Method: req.Method, Headers: h, ExpiresAt: time.Now().Add(expires).UTC()}, nil
}
