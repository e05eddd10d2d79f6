// Package s3store keeps recordings' audio in any S3-compatible object store
// (AWS S3, MinIO, R2, Versity's gateway) through aws-sdk-go-v2. Objects are
// private (no ACL is ever set). Every write carries a SHA-256 the store
// verifies (x-amz-checksum-sha256), so bytes damaged between the server and
// the store are refused rather than kept: whole uploads with the file's,
// parts of multipart uploads (the server's chunked uploads) with the part's,
// and completing an upload names each part's. After a write the object is
// checked again (HEAD) before the server lists it. PresignPut lets clients
// upload straight to the store.
package s3store

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
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
	_ blob.Sweeper   = (*Store)(nil)
)

// Options configures the store.
type Options struct {
	Bucket string
	// Prefix is put before every key, e.g. "recordings/".
	Prefix string
	// PathStyle addresses the bucket in the path (http://host/bucket/key),
	// as MinIO and local gateways need, instead of a subdomain.
	PathStyle bool
	// SpoolDir holds each part of a multipart upload while it is being
	// sent (its SHA-256 must be known before the first byte goes out);
	// empty means os.TempDir(). Files are unlinked as soon as they are
	// created, so nothing is left behind.
	SpoolDir string
}

// Store is a blob.Store in one S3 bucket.
type Store struct {
	s3      *s3.Client
	presign *s3.PresignClient
	opt     Options
}

// New returns a store using cfg (see internal/awsconf).
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

// EnsureBucket creates the bucket if it does not exist: private (no ACL,
// no policy: the store's default), in the client's region.
func (s *Store) EnsureBucket(ctx context.Context) error {
	if _, err := s.s3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &s.opt.Bucket}); err == nil {
		return nil
	}
	in := &s3.CreateBucketInput{Bucket: &s.opt.Bucket}
	if r := s.s3.Options().Region; r != "" && r != "us-east-1" {
		// Outside us-east-1, AWS wants the region named again.
		in.CreateBucketConfiguration = &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraint(r)}
	}
	_, err := s.s3.CreateBucket(ctx, in)
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
// body may not be seekable, and its integrity is checked by the store
// against the x-amz-checksum-sha256 sent with it.
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
		case "InvalidPart", "InvalidPartOrder":
			return fmt.Errorf("%w (%s)", blob.ErrDamaged, ae.ErrorCode())
		case "IncompleteBody", "RequestTimeout", "EntityTooSmall":
			return fmt.Errorf("%w (%s): %w", blob.ErrSize, ae.ErrorCode(), err)
		}
	}
	return err
}

// Put implements blob.Store. The store checks the SHA-256 sent with the
// body; the server hashes the body too while streaming it, to tell bytes
// that were wrong when they came (ErrChecksum) from bytes damaged on the
// way to the store (ErrDamaged), and for stores that ignore the checksum.
// Once stored, the object is confirmed with a HEAD.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, sum []byte) error {
	k, err := s.key(key)
	if err != nil {
		return err
	}
	h := sha256.New()
	lr := &io.LimitedReader{R: r, N: size + 1}
	cr := &countReader{r: io.TeeReader(lr, h)}
	_, err = s.s3.PutObject(ctx, &s3.PutObjectInput{
		Bucket: &s.opt.Bucket, Key: k, Body: io.NopCloser(cr), ContentLength: aws.Int64(size),
		ChecksumSHA256: aws.String(base64.StdEncoding.EncodeToString(sum)),
	}, unsigned)
	if err != nil {
		err = classify(err)
		if errors.Is(err, blob.ErrChecksum) {
			// The store refused the bytes it got. Were they wrong already?
			n, rerr := io.Copy(h, lr)
			if rerr == nil && cr.n+n == size && string(h.Sum(nil)) == string(sum) {
				return fmt.Errorf("put %s: %w (%v)", key, blob.ErrDamaged, err)
			}
			return fmt.Errorf("put %s: %w", key, err)
		}
		if cr.n != size {
			return fmt.Errorf("put %s: got %d bytes, want %d: %w: %w", key, cr.n, size, blob.ErrSize, err)
		}
		return fmt.Errorf("put %s: %w", key, err)
	}
	if cr.n != size || string(h.Sum(nil)) != string(sum) {
		s.Delete(context.WithoutCancel(ctx), key)
		if cr.n != size {
			return fmt.Errorf("put %s: %w", key, blob.ErrSize)
		}
		return fmt.Errorf("put %s: the store ignored the checksum: %w", key, blob.ErrChecksum)
	}
	if err := s.confirm(ctx, key, size, sum, nil); err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	return nil
}

// confirm checks a stored object before the server lists it: its size,
// and its checksum as the store reports it: the SHA-256 of the whole
// object (whole), or for an object joined from parts the composite of the
// parts' SHA-256s. A store that reports neither has the object read back
// and hashed. A mismatch removes the object: ErrDamaged.
func (s *Store) confirm(ctx context.Context, key string, size int64, whole []byte, parts []blob.Part) error {
	k, _ := s.key(key)
	out, err := s.s3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &s.opt.Bucket, Key: k, ChecksumMode: types.ChecksumModeEnabled})
	if err != nil {
		return fmt.Errorf("confirm the stored object: %w", classify(err))
	}
	bad := func(what string) error {
		s.Delete(context.WithoutCancel(ctx), key)
		return fmt.Errorf("the stored object has %s: %w", what, blob.ErrDamaged)
	}
	if got := aws.ToInt64(out.ContentLength); got != size {
		return bad(fmt.Sprintf("%d bytes, not %d", got, size))
	}
	c := aws.ToString(out.ChecksumSHA256)
	switch {
	case c == "":
		ok, err := s.readBack(ctx, key, whole, parts)
		if err != nil {
			return err
		}
		if !ok {
			return bad("other bytes than were sent (read back)")
		}
	case parts == nil:
		if c != base64.StdEncoding.EncodeToString(whole) {
			return bad("another SHA-256 than was sent")
		}
	default:
		want := fmt.Sprintf("%s-%d", base64.StdEncoding.EncodeToString(composite(parts)), len(parts))
		if c != want && c != strings.TrimSuffix(want, fmt.Sprintf("-%d", len(parts))) {
			return bad("another checksum than its parts'")
		}
	}
	return nil
}

// composite is the checksum S3 reports for an object joined from parts:
// the SHA-256 of the parts' SHA-256s, concatenated in order.
func composite(parts []blob.Part) []byte {
	h := sha256.New()
	for _, p := range parts {
		h.Write(p.SHA256)
	}
	return h.Sum(nil)
}

// readBack reads an object and compares it with its SHA-256 (whole) or
// with each part's, for stores that report no checksum.
func (s *Store) readBack(ctx context.Context, key string, whole []byte, parts []blob.Part) (bool, error) {
	body, err := s.Get(ctx, key, 0, -1)
	if err != nil {
		return false, err
	}
	defer body.Close()
	if parts == nil {
		parts = []blob.Part{{Size: -1, SHA256: whole}}
	}
	for _, p := range parts {
		h := sha256.New()
		var r io.Reader = body
		if p.Size >= 0 {
			r = io.LimitReader(body, p.Size)
		}
		if _, err := io.Copy(h, r); err != nil {
			return false, fmt.Errorf("read back %s: %w", key, err)
		}
		if string(h.Sum(nil)) != string(p.SHA256) {
			return false, nil
		}
	}
	return true, nil
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

// CreateUpload implements blob.Store. The upload takes SHA-256 checksums
// of its parts, and its object gets their composite.
func (s *Store) CreateUpload(ctx context.Context, key string) (string, error) {
	k, err := s.key(key)
	if err != nil {
		return "", err
	}
	out, err := s.s3.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{
		Bucket: &s.opt.Bucket, Key: k, ChecksumAlgorithm: types.ChecksumAlgorithmSha256,
	})
	if err != nil {
		return "", fmt.Errorf("start upload to %s: %w", key, classify(err))
	}
	return aws.ToString(out.UploadId), nil
}

// spoolError marks a failure to write the spool file (the server's disk),
// as opposed to the body ending early (the client).
type spoolError struct{ err error }

func (e spoolError) Error() string { return "spool the part: " + e.err.Error() }
func (e spoolError) Unwrap() error { return e.err }

type spoolWriter struct{ f *os.File }

func (w spoolWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	if err != nil {
		err = spoolError{err}
	}
	return n, err
}

// UploadPart implements blob.Store. The part's SHA-256 goes in the
// request's header, so it must be known before the part is sent: the part
// is copied to an unlinked file in SpoolDir while it is hashed (memory
// stays at one copy buffer, whatever the part's size), then sent from
// there with x-amz-checksum-sha256. The store refuses a part that arrives
// otherwise (ErrDamaged). The file being seekable, the SDK may also retry
// a request that failed on the way.
func (s *Store) UploadPart(ctx context.Context, key, uploadID string, n int, off int64, r io.Reader, size int64) (blob.Part, error) {
	fail := func(err error) (blob.Part, error) {
		return blob.Part{}, fmt.Errorf("upload part %d to %s: %w", n, key, err)
	}
	k, err := s.key(key)
	if err != nil {
		return blob.Part{}, err
	}
	f, err := os.CreateTemp(s.opt.SpoolDir, "earshot-part-*")
	if err != nil {
		return fail(spoolError{err})
	}
	os.Remove(f.Name()) // the open file stays until closed
	defer f.Close()
	h := sha256.New()
	got, err := io.Copy(io.MultiWriter(spoolWriter{f}, h), io.LimitReader(r, size+1))
	var se spoolError
	switch {
	case errors.As(err, &se):
		return fail(err)
	case err != nil:
		return fail(fmt.Errorf("got %d bytes, want %d: %w: %w", got, size, blob.ErrSize, err))
	case got != size:
		return fail(fmt.Errorf("got %d bytes, want %d: %w", got, size, blob.ErrSize))
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fail(spoolError{err})
	}
	sum := h.Sum(nil)
	b64 := base64.StdEncoding.EncodeToString(sum)
	out, err := s.s3.UploadPart(ctx, &s3.UploadPartInput{
		Bucket: &s.opt.Bucket, Key: k, UploadId: &uploadID, PartNumber: aws.Int32(int32(n)),
		Body: f, ContentLength: aws.Int64(size),
		ChecksumAlgorithm: types.ChecksumAlgorithmSha256, ChecksumSHA256: aws.String(b64),
	}, unsigned)
	if err != nil {
		err = classify(err)
		if errors.Is(err, blob.ErrChecksum) {
			// The checksum is the server's own over these very bytes: the
			// store got others.
			err = fmt.Errorf("%w (%v)", blob.ErrDamaged, err)
		}
		return fail(err)
	}
	if c := aws.ToString(out.ChecksumSHA256); c != "" && c != b64 {
		return fail(fmt.Errorf("the store verified SHA-256 %s, not the %s sent: %w", c, b64, blob.ErrDamaged))
	}
	return blob.Part{Number: n, ETag: aws.ToString(out.ETag), Size: size, SHA256: sum}, nil
}

// CompleteUpload implements blob.Store. S3 checks each part's ETag and
// SHA-256, so a part replaced or damaged behind the server's back makes
// it fail; the joined object is then confirmed (size and composite
// checksum) before the server lists it.
func (s *Store) CompleteUpload(ctx context.Context, key, uploadID string, parts []blob.Part) error {
	k, err := s.key(key)
	if err != nil {
		return err
	}
	discard := func(err error) error {
		s.AbortUpload(context.WithoutCancel(ctx), key, uploadID)
		return fmt.Errorf("complete upload to %s: %w", key, err)
	}
	cp := make([]types.CompletedPart, len(parts))
	var size int64
	for i, p := range parts {
		if len(p.SHA256) != sha256.Size {
			return discard(fmt.Errorf("part %d has no SHA-256 (stored by an older server): %w", p.Number, blob.ErrDamaged))
		}
		cp[i] = types.CompletedPart{
			PartNumber: aws.Int32(int32(p.Number)), ETag: aws.String(p.ETag),
			ChecksumSHA256: aws.String(base64.StdEncoding.EncodeToString(p.SHA256)),
		}
		size += p.Size
	}
	_, err = s.s3.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket: &s.opt.Bucket, Key: k, UploadId: &uploadID,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: cp},
	})
	if err != nil {
		if err = classify(err); errors.Is(err, blob.ErrDamaged) {
			return discard(err)
		}
		return fmt.Errorf("complete upload to %s: %w", key, err)
	}
	if err := s.confirm(ctx, key, size, nil, parts); err != nil {
		return fmt.Errorf("complete upload to %s: %w", key, err)
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

// SweepUploads implements blob.Sweeper: multipart uploads under the prefix
// initiated before before are aborted.
func (s *Store) SweepUploads(ctx context.Context, before time.Time) (int, error) {
	n := 0
	in := &s3.ListMultipartUploadsInput{Bucket: &s.opt.Bucket, Prefix: aws.String(s.opt.Prefix)}
	for {
		out, err := s.s3.ListMultipartUploads(ctx, in)
		if err != nil {
			return n, fmt.Errorf("list multipart uploads: %w", err)
		}
		for _, u := range out.Uploads {
			if u.Initiated == nil || !u.Initiated.Before(before) {
				continue
			}
			if _, err := s.s3.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: &s.opt.Bucket, Key: u.Key, UploadId: u.UploadId}); err == nil {
				n++
			}
		}
		if !aws.ToBool(out.IsTruncated) {
			return n, nil
		}
		in.KeyMarker, in.UploadIdMarker = out.NextKeyMarker, out.NextUploadIdMarker
	}
}
