// Package disk is the default blob store: files under a directory. Objects
// are written to a temporary file, fsynced and renamed into place, so a
// crash never leaves a torn object; multipart uploads write one part file
// at the parts' offsets, and completing renames it.
package disk

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/earshot/earshot/internal/durable"
	"github.com/earshot/earshot/server/blob"
)

var (
	_ blob.Store   = (*Store)(nil)
	_ blob.Sweeper = (*Store)(nil)
)

// Store is a blob.Store in a directory: objects/<user>/<recording>, with
// uploads/ and tmp/ beside it on the same file system.
type Store struct {
	root string
}

// Open uses dir (creating it), and clears temporary files a crash left.
func Open(dir string) (*Store, error) {
	s := &Store{root: dir}
	for _, d := range []string{"objects", "uploads", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o700); err != nil {
			return nil, fmt.Errorf("open blob directory %s: %w", dir, err)
		}
	}
	ents, _ := os.ReadDir(filepath.Join(dir, "tmp"))
	for _, e := range ents {
		os.Remove(filepath.Join(dir, "tmp", e.Name()))
	}
	return s, nil
}

func (s *Store) path(key string) (string, error) {
	if !blob.ValidKey(key) {
		return "", fmt.Errorf("%q: %w", key, blob.ErrBadKey)
	}
	return filepath.Join(s.root, "objects", filepath.FromSlash(key)), nil
}

func (s *Store) uploadPath(uploadID string) (string, error) {
	if len(uploadID) != 32 || strings.Trim(uploadID, "0123456789abcdef") != "" {
		return "", fmt.Errorf("upload %q: %w", uploadID, blob.ErrNotFound)
	}
	return filepath.Join(s.root, "uploads", uploadID+".part"), nil
}

// install fsyncs f, renames it to dst and fsyncs dst's directory.
func install(f *os.File, dst string) error {
	if err := f.Sync(); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), dst); err != nil {
		return err
	}
	return durable.SyncDir(filepath.Dir(dst))
}

// Put implements blob.Store.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, sum []byte) error {
	dst, err := s.path(key)
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Join(s.root, "tmp"), "put-*")
	if err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(ctxReader{ctx, r}, size+1))
	if err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	if n != size {
		return fmt.Errorf("put %s: got %d bytes, want %d: %w", key, n, size, blob.ErrSize)
	}
	if string(h.Sum(nil)) != string(sum) {
		return fmt.Errorf("put %s: %w", key, blob.ErrChecksum)
	}
	if err := install(f, dst); err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	return nil
}

// ctxReader stops a copy when the request is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

type section struct {
	io.Reader
	f *os.File
}

func (s section) Close() error { return s.f.Close() }

// Get implements blob.Store.
func (s *Store) Get(ctx context.Context, key string, off, n int64) (io.ReadCloser, error) {
	p, err := s.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("get %s: %w", key, blob.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", key, err)
	}
	if _, err := f.Seek(off, io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("get %s: %w", key, err)
	}
	var r io.Reader = f
	if n >= 0 {
		r = io.LimitReader(f, n)
	}
	return section{r, f}, nil
}

// Stat implements blob.Store. The disk store does not keep checksums.
func (s *Store) Stat(ctx context.Context, key string) (blob.Info, error) {
	p, err := s.path(key)
	if err != nil {
		return blob.Info{}, err
	}
	fi, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return blob.Info{}, fmt.Errorf("stat %s: %w", key, blob.ErrNotFound)
	}
	if err != nil {
		return blob.Info{}, fmt.Errorf("stat %s: %w", key, err)
	}
	return blob.Info{Size: fi.Size()}, nil
}

// Delete implements blob.Store.
func (s *Store) Delete(ctx context.Context, key string) error {
	p, err := s.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	os.Remove(filepath.Dir(p)) // the user's directory, if now empty
	return nil
}

// CreateUpload implements blob.Store.
func (s *Store) CreateUpload(ctx context.Context, key string) (string, error) {
	if _, err := s.path(key); err != nil {
		return "", err
	}
	b := make([]byte, 16)
	rand.Read(b)
	id := hex.EncodeToString(b)
	p, _ := s.uploadPath(id)
	f, err := os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return "", fmt.Errorf("start upload to %s: %w", key, err)
	}
	return id, f.Close()
}

// UploadPart implements blob.Store: the part is written at off in the
// upload's file, and on any failure the file is cut back to off. The part
// never leaves this machine, so its SHA-256 is taken as it is written.
func (s *Store) UploadPart(ctx context.Context, key, uploadID string, n int, off int64, r io.Reader, size int64) (blob.Part, error) {
	fail := func(err error) (blob.Part, error) {
		return blob.Part{}, fmt.Errorf("upload part %d to %s: %w", n, key, err)
	}
	p, err := s.uploadPath(uploadID)
	if err != nil {
		return blob.Part{}, err
	}
	f, err := os.OpenFile(p, os.O_RDWR, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return fail(blob.ErrNotFound)
	}
	if err != nil {
		return fail(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fail(err)
	}
	if fi.Size() < off {
		return fail(fmt.Errorf("offset %d beyond the %d bytes held: %w", off, fi.Size(), blob.ErrSize))
	}
	cut := func(err error) (blob.Part, error) {
		f.Truncate(off)
		return fail(err)
	}
	h := sha256.New()
	if _, err := f.Seek(off, io.SeekStart); err != nil {
		return cut(err)
	}
	got, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(ctxReader{ctx, r}, size+1))
	if err != nil {
		return cut(err)
	}
	if got != size {
		return cut(fmt.Errorf("got %d bytes, want %d: %w", got, size, blob.ErrSize))
	}
	if err := f.Truncate(off + size); err != nil {
		return cut(err)
	}
	if err := f.Sync(); err != nil {
		return cut(err)
	}
	sum := h.Sum(nil)
	return blob.Part{Number: n, ETag: hex.EncodeToString(sum[:16]), Size: size, SHA256: sum}, nil
}

// CompleteUpload implements blob.Store.
func (s *Store) CompleteUpload(ctx context.Context, key, uploadID string, parts []blob.Part) error {
	dst, err := s.path(key)
	if err != nil {
		return err
	}
	p, err := s.uploadPath(uploadID)
	if err != nil {
		return err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("complete upload to %s: %w", key, blob.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("complete upload to %s: %w", key, err)
	}
	defer f.Close()
	var total int64
	for _, pt := range parts {
		total += pt.Size
	}
	if fi, err := f.Stat(); err != nil || fi.Size() != total {
		return fmt.Errorf("complete upload to %s: parts add up to %d bytes, file holds another size: %w", key, total, blob.ErrSize)
	}
	if err := install(f, dst); err != nil {
		return fmt.Errorf("complete upload to %s: %w", key, err)
	}
	return nil
}

// AbortUpload implements blob.Store.
func (s *Store) AbortUpload(ctx context.Context, key, uploadID string) error {
	p, err := s.uploadPath(uploadID)
	if err != nil {
		return nil
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("abort upload to %s: %w", key, err)
	}
	return nil
}

// SweepUploads implements blob.Sweeper: part files and leftovers of whole
// uploads not written since before.
func (s *Store) SweepUploads(ctx context.Context, before time.Time) (int, error) {
	n := 0
	for _, dir := range []string{"uploads", "tmp"} {
		ents, err := os.ReadDir(filepath.Join(s.root, dir))
		if err != nil {
			return n, fmt.Errorf("sweep %s: %w", dir, err)
		}
		for _, e := range ents {
			info, err := e.Info()
			if err != nil || e.IsDir() || !info.ModTime().Before(before) {
				continue
			}
			if err := os.Remove(filepath.Join(s.root, dir, e.Name())); err == nil {
				n++
			}
		}
	}
	return n, nil
}
