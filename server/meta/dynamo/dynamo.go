// Package dynamo is the metadata store on Amazon DynamoDB (or dynalite), for
// deployments where several stateless server instances share one store.
//
// One table, keyed by pk (partition) and sk (sort):
//
//	user#<uid>    user            account, used_bytes, next_seq, change lease
//	user#<uid>    rec#<id>        recording (seq, doc); the LSI "feed" sorts by seq
//	user#<uid>    upload#<id>     upload in progress
//	email#<email> email           claims an email for a user id
//	token#<hash>  token           session token
//	family#<id>   family          revoked session family
//	fail#<key>#<window> fail      failed-login counter
//
// A user's recordings are read by key or by Query on the user's partition,
// never by Scan. Expiring items carry a numeric "ttl" attribute for
// DynamoDB's TTL; reads also check expiry, so a late TTL sweep changes
// nothing visible.
//
// The change feed needs each change to get the user's next sequence number
// and to be visible before any later one. DynamoDB transactions would do it,
// but dynalite lacks them, so a change takes a short lease on the user item
// (a conditional write), writes the recording, and releases the lease while
// advancing next_seq. Readers list only up to next_seq, so a change in
// flight is never skipped. A lease left by a crashed writer expires after
// LeaseDuration; the next writer then skips the sequence number the crashed
// one may have used.
package dynamo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/earshot/earshot/server/meta"
)

var _ meta.Store = (*Store)(nil)

// LeaseDuration bounds how long a crashed writer blocks a user's changes.
const LeaseDuration = 10 * time.Second

// FeedIndex is the local secondary index that orders a user's recordings by seq.
const FeedIndex = "feed"

// Store is a meta.Store in one DynamoDB table.
type Store struct {
	db    *dynamodb.Client
	table string
	now   func() time.Time
}

// New returns a store on table, which must exist (see CreateTable).
func New(client *dynamodb.Client, table string) *Store {
	return &Store{db: client, table: table, now: time.Now}
}

// Close implements meta.Store; the SDK client needs no closing.
func (s *Store) Close() error { return nil }

type item = map[string]types.AttributeValue

func str(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
func num(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}
func boolean(b bool) types.AttributeValue { return &types.AttributeValueMemberBOOL{Value: b} }
func key(pk, sk string) item              { return item{"pk": str(pk), "sk": str(sk)} }

func getS(it item, name string) string {
	if v, ok := it[name].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

func getN(it item, name string) int64 {
	if v, ok := it[name].(*types.AttributeValueMemberN); ok {
		n, _ := strconv.ParseInt(v.Value, 10, 64)
		return n
	}
	return 0
}

func getB(it item, name string) []byte {
	if v, ok := it[name].(*types.AttributeValueMemberB); ok {
		return v.Value
	}
	return nil
}

func getBool(it item, name string) bool {
	v, ok := it[name].(*types.AttributeValueMemberBOOL)
	return ok && v.Value
}

func ttl(t time.Time) types.AttributeValue { return num(t.Unix() + 1) }

func conditionFailed(err error) bool {
	var cf *types.ConditionalCheckFailedException
	return errors.As(err, &cf)
}

func randomID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *Store) get(ctx context.Context, pk, sk string) (item, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: &s.table, Key: key(pk, sk), ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, s.wrap(err)
	}
	if out.Item == nil {
		return nil, meta.ErrNotFound
	}
	return out.Item, nil
}

// wrap turns a missing table into an error that says what to do.
func (s *Store) wrap(err error) error {
	var nf *types.ResourceNotFoundException
	if errors.As(err, &nf) {
		return fmt.Errorf("DynamoDB table %q not found (run earshot-server dynamodb-setup): %w", s.table, err)
	}
	return err
}

// CreateUser implements meta.Users. The user item goes first and the email
// claim second, so a crash in between leaves an unreachable user item, never
// an email that points nowhere.
func (s *Store) CreateUser(ctx context.Context, u meta.User) error {
	it := key("user#"+u.ID, "user")
	it["email"], it["password_hash"] = str(u.Email), str(u.PasswordHash)
	it["created_at"], it["used_bytes"], it["next_seq"] = num(meta.UnixNano(u.CreatedAt)), num(0), num(0)
	if _, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: &s.table, Item: it, ConditionExpression: aws.String("attribute_not_exists(pk)"),
	}); err != nil {
		if conditionFailed(err) {
			return fmt.Errorf("create user %s: id taken: %w", u.ID, meta.ErrExists)
		}
		return fmt.Errorf("create user %s: %w", u.Email, s.wrap(err))
	}
	claim := key("email#"+u.Email, "email")
	claim["user_id"] = str(u.ID)
	_, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: &s.table, Item: claim, ConditionExpression: aws.String("attribute_not_exists(pk)"),
	})
	if err == nil {
		return nil
	}
	s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &s.table, Key: key("user#"+u.ID, "user")})
	if conditionFailed(err) {
		return fmt.Errorf("create user %s: %w", u.Email, meta.ErrExists)
	}
	return fmt.Errorf("create user %s: %w", u.Email, s.wrap(err))
}

// UserByEmail implements meta.Users.
func (s *Store) UserByEmail(ctx context.Context, email string) (meta.User, error) {
	it, err := s.get(ctx, "email#"+email, "email")
	if err != nil {
		return meta.User{}, fmt.Errorf("find user: %w", err)
	}
	return s.UserByID(ctx, getS(it, "user_id"))
}

// UserByID implements meta.Users.
func (s *Store) UserByID(ctx context.Context, id string) (meta.User, error) {
	it, err := s.get(ctx, "user#"+id, "user")
	if err != nil {
		return meta.User{}, fmt.Errorf("find user: %w", err)
	}
	return userFrom(id, it), nil
}

func userFrom(id string, it item) meta.User {
	return meta.User{
		ID: id, Email: getS(it, "email"), PasswordHash: getS(it, "password_hash"),
		CreatedAt: meta.FromUnixNano(getN(it, "created_at")), UsedBytes: getN(it, "used_bytes"),
		QuotaBytes: getN(it, "quota_bytes"), Disabled: getBool(it, "disabled"),
	}
}

// SetLimits implements meta.Users.
func (s *Store) SetLimits(ctx context.Context, id string, quotaBytes int64, disabled bool) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: key("user#"+id, "user"),
		UpdateExpression:          aws.String("SET quota_bytes = :q, disabled = :d"),
		ConditionExpression:       aws.String("attribute_exists(pk)"),
		ExpressionAttributeValues: item{":q": num(quotaBytes), ":d": boolean(disabled)},
	})
	if conditionFailed(err) {
		return fmt.Errorf("set limits: %w", meta.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("set limits: %w", s.wrap(err))
	}
	return nil
}

// ListUsers implements meta.Users with a scan of the table's user items.
func (s *Store) ListUsers(ctx context.Context, limit int) ([]meta.User, error) {
	var out []meta.User
	in := &dynamodb.ScanInput{
		TableName: &s.table, FilterExpression: aws.String("sk = :u"),
		ExpressionAttributeValues: item{":u": str("user")},
	}
	for {
		page, err := s.db.Scan(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", s.wrap(err))
		}
		for _, it := range page.Items {
			out = append(out, userFrom(strings.TrimPrefix(getS(it, "pk"), "user#"), it))
			if limit > 0 && len(out) == limit {
				return out, nil
			}
		}
		if page.LastEvaluatedKey == nil {
			return out, nil
		}
		in.ExclusiveStartKey = page.LastEvaluatedKey
	}
}

// SetPassword implements meta.Users.
func (s *Store) SetPassword(ctx context.Context, id, hash string) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: key("user#"+id, "user"),
		UpdateExpression:          aws.String("SET password_hash = :h"),
		ConditionExpression:       aws.String("attribute_exists(pk)"),
		ExpressionAttributeValues: item{":h": str(hash)},
	})
	if conditionFailed(err) {
		return fmt.Errorf("set password: %w", meta.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("set password: %w", s.wrap(err))
	}
	return nil
}

// PutToken implements meta.Tokens.
func (s *Store) PutToken(ctx context.Context, t meta.Token) error {
	it := key("token#"+t.Hash, "token")
	it["kind"], it["user_id"], it["family_id"], it["pair"] = str(t.Kind), str(t.UserID), str(t.FamilyID), str(t.Pair)
	it["expires_at"], it["ttl"], it["used"] = num(meta.UnixNano(t.ExpiresAt)), ttl(t.ExpiresAt), boolean(t.Used)
	_, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: &s.table, Item: it, ConditionExpression: aws.String("attribute_not_exists(pk)"),
	})
	if conditionFailed(err) {
		return fmt.Errorf("store token: %w", meta.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("store token: %w", s.wrap(err))
	}
	return nil
}

// GetToken implements meta.Tokens.
func (s *Store) GetToken(ctx context.Context, hash string) (meta.Token, error) {
	it, err := s.get(ctx, "token#"+hash, "token")
	if err != nil {
		return meta.Token{}, fmt.Errorf("find token: %w", err)
	}
	t := meta.Token{
		Hash: hash, Kind: getS(it, "kind"), UserID: getS(it, "user_id"), FamilyID: getS(it, "family_id"),
		ExpiresAt: meta.FromUnixNano(getN(it, "expires_at")), Pair: getS(it, "pair"), Used: getBool(it, "used"),
	}
	if !s.now().Before(t.ExpiresAt) {
		return meta.Token{}, fmt.Errorf("find token: expired: %w", meta.ErrNotFound)
	}
	return t, nil
}

// UseToken implements meta.Tokens.
func (s *Store) UseToken(ctx context.Context, hash string) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: key("token#"+hash, "token"),
		UpdateExpression:          aws.String("SET used = :t"),
		ConditionExpression:       aws.String("attribute_exists(pk) AND used = :f AND expires_at > :now"),
		ExpressionAttributeValues: item{":t": boolean(true), ":f": boolean(false), ":now": num(s.now().UnixNano())},
	})
	if err == nil {
		return nil
	}
	if !conditionFailed(err) {
		return fmt.Errorf("use token: %w", s.wrap(err))
	}
	if _, err := s.GetToken(ctx, hash); err != nil {
		return fmt.Errorf("use token: %w", err)
	}
	return fmt.Errorf("use token: already used: %w", meta.ErrConflict)
}

// DeleteToken implements meta.Tokens.
func (s *Store) DeleteToken(ctx context.Context, hash string) error {
	if _, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &s.table, Key: key("token#"+hash, "token")}); err != nil {
		return fmt.Errorf("delete token: %w", s.wrap(err))
	}
	return nil
}

// RevokeFamily implements meta.Tokens.
func (s *Store) RevokeFamily(ctx context.Context, familyID string, until time.Time) error {
	it := key("family#"+familyID, "family")
	it["until"], it["ttl"] = num(meta.UnixNano(until)), ttl(until)
	if _, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.table, Item: it}); err != nil {
		return fmt.Errorf("revoke session %s: %w", familyID, s.wrap(err))
	}
	return nil
}

// FamilyRevoked implements meta.Tokens.
func (s *Store) FamilyRevoked(ctx context.Context, familyID string) (bool, error) {
	_, err := s.get(ctx, "family#"+familyID, "family")
	if errors.Is(err, meta.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("check session %s: %w", familyID, err)
	}
	return true, nil
}

func failKey(k string, window time.Time) string {
	return "fail#" + k + "#" + strconv.FormatInt(meta.UnixNano(window), 10)
}

// Count implements meta.Throttle with one UpdateItem, conditional on the
// limit (or, taking off, on the count staying at or above 0).
func (s *Store) Count(ctx context.Context, k string, window, expires time.Time, delta, limit int64) (int64, error) {
	in := &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: key(failKey(k, window), "fail"),
		UpdateExpression:          aws.String("ADD #c :d SET #t = :ttl"),
		ExpressionAttributeNames:  map[string]string{"#c": "count", "#t": "ttl"},
		ExpressionAttributeValues: item{":d": num(delta), ":ttl": ttl(expires)},
		ReturnValues:              types.ReturnValueUpdatedNew,
	}
	switch {
	case delta < 0:
		in.ConditionExpression = aws.String("#c >= :min")
		in.ExpressionAttributeValues[":min"] = num(-delta)
	case limit > 0:
		if delta > limit {
			return 0, meta.ErrLimited
		}
		in.ConditionExpression = aws.String("attribute_not_exists(#c) OR #c <= :max")
		in.ExpressionAttributeValues[":max"] = num(limit - delta)
	}
	out, err := s.db.UpdateItem(ctx, in)
	switch {
	case conditionFailed(err) && delta < 0:
		return 0, nil
	case conditionFailed(err):
		return 0, meta.ErrLimited
	case err != nil:
		return 0, fmt.Errorf("count %s: %w", k, s.wrap(err))
	}
	return getN(out.Attributes, "count"), nil
}

// Counted implements meta.Throttle.
func (s *Store) Counted(ctx context.Context, k string, window time.Time) (int64, error) {
	it, err := s.get(ctx, failKey(k, window), "fail")
	if errors.Is(err, meta.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read counter %s: %w", k, err)
	}
	return getN(it, "count"), nil
}

func (s *Store) decode(it item) (meta.Recording, bool, error) {
	var r meta.Recording
	if err := json.Unmarshal([]byte(getS(it, "doc")), &r.Recording); err != nil {
		return r, false, fmt.Errorf("decode stored recording: %w", err)
	}
	r.Seq = getN(it, "seq")
	r.ExpiresAt = meta.FromUnixNano(getN(it, "expires_at"))
	live := r.ExpiresAt.IsZero() || s.now().Before(r.ExpiresAt)
	return r, live, nil
}

// GetRecording implements meta.Recordings.
func (s *Store) GetRecording(ctx context.Context, userID, id string) (meta.Recording, error) {
	it, err := s.get(ctx, "user#"+userID, "rec#"+id)
	if err != nil {
		return meta.Recording{}, fmt.Errorf("get recording %s: %w", id, err)
	}
	r, live, err := s.decode(it)
	if err != nil {
		return r, err
	}
	if !live {
		return meta.Recording{}, fmt.Errorf("get recording %s: %w", id, meta.ErrNotFound)
	}
	return r, nil
}

// lease is a held change lease on a user item.
type lease struct {
	id       string
	base     int64 // next_seq when taken; the change gets base+1
	used     int64
	deadline time.Time
}

// acquire takes the user's change lease, waiting while another writer holds it.
func (s *Store) acquire(ctx context.Context, userID string) (lease, error) {
	pk := "user#" + userID
	backoff := 2 * time.Millisecond
	for {
		it, err := s.get(ctx, pk, "user")
		if err != nil {
			return lease{}, err
		}
		now := s.now()
		l := lease{id: randomID(), base: getN(it, "next_seq"), used: getN(it, "used_bytes")}
		old, held := getS(it, "lease_id"), getS(it, "lease_id") != ""
		if held && now.UnixNano() < getN(it, "lease_until") {
			if err := sleep(ctx, backoff); err != nil {
				return lease{}, err
			}
			backoff = min(backoff*2, 50*time.Millisecond)
			continue
		}
		in := &dynamodb.UpdateItemInput{
			TableName: &s.table, Key: key(pk, "user"),
			UpdateExpression:          aws.String("SET lease_id = :l, lease_until = :u, next_seq = :b"),
			ExpressionAttributeValues: item{":l": str(l.id), ":u": num(now.Add(LeaseDuration).UnixNano())},
		}
		if held {
			// The holder died: it may have written base+1, so skip it.
			l.base++
			in.ConditionExpression = aws.String("lease_id = :old")
			in.ExpressionAttributeValues[":old"] = str(old)
		} else {
			in.ConditionExpression = aws.String("attribute_not_exists(lease_id) AND next_seq = :n")
			in.ExpressionAttributeValues[":n"] = num(l.base)
		}
		in.ExpressionAttributeValues[":b"] = num(l.base)
		if _, err := s.db.UpdateItem(ctx, in); err != nil {
			if conditionFailed(err) {
				continue
			}
			return lease{}, s.wrap(err)
		}
		// Leave a margin so a slow write never lands after the lease is gone.
		l.deadline = now.Add(LeaseDuration / 2)
		return l, nil
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// release gives the lease back, advancing next_seq when a change was written.
func (s *Store) release(userID string, l lease, wrote bool, delta int64) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	in := &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: key("user#"+userID, "user"),
		UpdateExpression:          aws.String("REMOVE lease_id, lease_until"),
		ConditionExpression:       aws.String("lease_id = :l"),
		ExpressionAttributeValues: item{":l": str(l.id)},
	}
	if wrote {
		in.UpdateExpression = aws.String("SET next_seq = :s, used_bytes = used_bytes + :d REMOVE lease_id, lease_until")
		in.ExpressionAttributeValues[":s"], in.ExpressionAttributeValues[":d"] = num(l.base+1), num(delta)
	}
	var err error
	for try := 0; try < 3; try++ { // a lost release would stall the user's changes for a lease
		if _, err = s.db.UpdateItem(ctx, in); err == nil || conditionFailed(err) {
			break
		}
	}
	if err == nil || !conditionFailed(err) {
		return s.wrap(err)
	}
	// Our lease expired and another writer took over; it already counts
	// our sequence number as used. Keep the byte count right.
	if wrote && delta != 0 {
		_, err = s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
			TableName: &s.table, Key: key("user#"+userID, "user"),
			UpdateExpression:          aws.String("ADD used_bytes :d"),
			ExpressionAttributeValues: item{":d": num(delta)},
		})
		return s.wrap(err)
	}
	return nil
}

// UpdateRecording implements meta.Recordings.
func (s *Store) UpdateRecording(ctx context.Context, userID, id string, fn meta.UpdateFunc) (meta.Recording, error) {
	l, err := s.acquire(ctx, userID)
	if err != nil {
		return meta.Recording{}, fmt.Errorf("update recording %s: %w", id, err)
	}
	next, cur, err := s.change(ctx, userID, id, l, fn)
	wrote := err == nil && next != nil
	if rerr := s.release(userID, l, wrote, meta.Counted(next)-meta.Counted(cur)); rerr != nil && err == nil && !wrote {
		err = fmt.Errorf("update recording %s: release lease: %w", id, rerr)
	}
	if err != nil {
		return meta.Recording{}, err
	}
	if next == nil {
		if cur == nil {
			return meta.Recording{}, fmt.Errorf("update recording %s: %w", id, meta.ErrNotFound)
		}
		return *cur, nil
	}
	return *next, nil
}

// change runs fn under the lease and writes its result.
func (s *Store) change(ctx context.Context, userID, id string, l lease, fn meta.UpdateFunc) (next, cur *meta.Recording, err error) {
	pk, sk := "user#"+userID, "rec#"+id
	it, err := s.get(ctx, pk, sk)
	cond := "attribute_not_exists(pk)"
	vals := item{}
	switch {
	case errors.Is(err, meta.ErrNotFound):
	case err != nil:
		return nil, nil, fmt.Errorf("update recording %s: %w", id, err)
	default:
		r, live, err := s.decode(it)
		if err != nil {
			return nil, nil, err
		}
		if live {
			cur = &r
		}
		cond, vals[":seq"] = "seq = :seq", num(r.Seq)
	}
	next, err = fn(cur, l.used)
	if err != nil || next == nil {
		return nil, cur, err
	}
	if s.now().After(l.deadline) {
		return nil, cur, fmt.Errorf("update recording %s: metadata store too slow, change lease ran out; retry", id)
	}
	next.Seq, next.ID = l.base+1, id
	doc, err := json.Marshal(next.Recording)
	if err != nil {
		return nil, cur, fmt.Errorf("encode recording %s: %w", id, err)
	}
	put := key(pk, sk)
	put["seq"], put["doc"] = num(next.Seq), str(string(doc))
	if !next.ExpiresAt.IsZero() {
		put["expires_at"], put["ttl"] = num(meta.UnixNano(next.ExpiresAt)), ttl(next.ExpiresAt)
	}
	in := &dynamodb.PutItemInput{TableName: &s.table, Item: put, ConditionExpression: &cond}
	if len(vals) > 0 {
		in.ExpressionAttributeValues = vals
	}
	if _, err := s.db.PutItem(ctx, in); err != nil {
		if conditionFailed(err) {
			err = meta.ErrConflict
		}
		return nil, cur, fmt.Errorf("store recording %s: %w", id, s.wrap(err))
	}
	return next, cur, nil
}

// ListChanges implements meta.Recordings.
func (s *Store) ListChanges(ctx context.Context, userID string, since int64, limit int) ([]meta.Recording, error) {
	it, err := s.get(ctx, "user#"+userID, "user")
	if errors.Is(err, meta.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list recordings: %w", err)
	}
	upTo := getN(it, "next_seq")
	if getS(it, "lease_id") != "" && s.now().UnixNano() >= getN(it, "lease_until") {
		upTo++ // a crashed writer may have written base+1; the next one skips it
	}
	out := make([]meta.Recording, 0, min(limit, 256))
	var start item
	for len(out) < limit && since < upTo {
		q, err := s.db.Query(ctx, &dynamodb.QueryInput{
			TableName: &s.table, IndexName: aws.String(FeedIndex), ConsistentRead: aws.Bool(true),
			KeyConditionExpression:    aws.String("pk = :pk AND seq BETWEEN :lo AND :hi"),
			ExpressionAttributeValues: item{":pk": str("user#" + userID), ":lo": num(since + 1), ":hi": num(upTo)},
			Limit:                     aws.Int32(int32(limit - len(out))),
			ExclusiveStartKey:         start,
		})
		if err != nil {
			return nil, fmt.Errorf("list recordings: %w", s.wrap(err))
		}
		for _, it := range q.Items {
			r, live, err := s.decode(it)
			if err != nil {
				return nil, err
			}
			if live {
				out = append(out, r)
			}
		}
		if q.LastEvaluatedKey == nil {
			break
		}
		start = q.LastEvaluatedKey
	}
	return out, nil
}

// PurgeExpired implements meta.Recordings: DynamoDB's TTL on the "ttl"
// attribute deletes expired items, and reads already hide them.
func (s *Store) PurgeExpired(ctx context.Context, now time.Time) (int, error) { return 0, nil }

// GetUpload implements meta.Uploads.
func (s *Store) GetUpload(ctx context.Context, userID, recordingID string) (meta.Upload, error) {
	it, err := s.get(ctx, "user#"+userID, "upload#"+recordingID)
	if err != nil {
		return meta.Upload{}, fmt.Errorf("get upload %s: %w", recordingID, err)
	}
	u := meta.Upload{
		UserID: userID, RecordingID: recordingID, BlobUpload: getS(it, "blob_upload"),
		Received: getN(it, "received"), HashState: getB(it, "hash_state"), UpdatedAt: meta.FromUnixNano(getN(it, "updated_at")),
	}
	if err := json.Unmarshal([]byte(getS(it, "parts")), &u.Parts); err != nil {
		return u, fmt.Errorf("decode upload %s: %w", recordingID, err)
	}
	return u, nil
}

// StaleUploads implements meta.Uploads with a scan of upload items.
func (s *Store) StaleUploads(ctx context.Context, before time.Time, limit int) ([]meta.Upload, error) {
	in := &dynamodb.ScanInput{
		TableName:                 &s.table,
		FilterExpression:          aws.String("begins_with(sk, :u) AND updated_at < :t"),
		ExpressionAttributeValues: item{":u": str("upload#"), ":t": num(meta.UnixNano(before))},
	}
	var out []meta.Upload
	for {
		page, err := s.db.Scan(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("find stale uploads: %w", s.wrap(err))
		}
		for _, it := range page.Items {
			out = append(out, meta.Upload{
				UserID: strings.TrimPrefix(getS(it, "pk"), "user#"), RecordingID: strings.TrimPrefix(getS(it, "sk"), "upload#"),
				BlobUpload: getS(it, "blob_upload"), UpdatedAt: meta.FromUnixNano(getN(it, "updated_at")),
			})
			if len(out) == limit {
				return out, nil
			}
		}
		if page.LastEvaluatedKey == nil {
			return out, nil
		}
		in.ExclusiveStartKey = page.LastEvaluatedKey
	}
}

// PutUpload implements meta.Uploads.
func (s *Store) PutUpload(ctx context.Context, u meta.Upload, prevReceived int64) error {
	parts, err := json.Marshal(u.Parts)
	if err != nil {
		return fmt.Errorf("encode upload %s: %w", u.RecordingID, err)
	}
	it := key("user#"+u.UserID, "upload#"+u.RecordingID)
	it["blob_upload"], it["received"], it["parts"] = str(u.BlobUpload), num(u.Received), str(string(parts))
	it["updated_at"] = num(meta.UnixNano(u.UpdatedAt))
	if len(u.HashState) > 0 {
		it["hash_state"] = &types.AttributeValueMemberB{Value: u.HashState}
	}
	in := &dynamodb.PutItemInput{TableName: &s.table, Item: it}
	if prevReceived < 0 {
		in.ConditionExpression = aws.String("attribute_not_exists(pk)")
	} else {
		in.ConditionExpression = aws.String("received = :p")
		in.ExpressionAttributeValues = item{":p": num(prevReceived)}
	}
	if _, err := s.db.PutItem(ctx, in); err != nil {
		if conditionFailed(err) {
			return fmt.Errorf("save upload %s: %w", u.RecordingID, meta.ErrConflict)
		}
		return fmt.Errorf("save upload %s: %w", u.RecordingID, s.wrap(err))
	}
	return nil
}

// DeleteUpload implements meta.Uploads.
func (s *Store) DeleteUpload(ctx context.Context, userID, recordingID string) error {
	if _, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName: &s.table, Key: key("user#"+userID, "upload#"+recordingID),
	}); err != nil {
		return fmt.Errorf("delete upload %s: %w", recordingID, s.wrap(err))
	}
	return nil
}
