package dynamo_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/awsconf"
	"github.com/earshot/earshot/internal/testenv"
	"github.com/earshot/earshot/server/meta"
	"github.com/earshot/earshot/server/meta/dynamo"
	"github.com/earshot/earshot/server/meta/metatest"
)

func client(t *testing.T) *dynamodb.Client {
	t.Helper()
	ep := testenv.Need(t, "EARSHOT_TEST_DYNAMODB_ENDPOINT", "dynalite")
	cfg, err := awsconf.Load(context.Background(), awsconf.Options{Endpoint: ep, AccessKey: "k", SecretKey: "s"})
	if err != nil {
		t.Fatal(err)
	}
	return dynamodb.NewFromConfig(cfg)
}

func newTable(t *testing.T, c *dynamodb.Client) string {
	t.Helper()
	table := "earshot-test-" + api.NewID()
	if err := dynamo.CreateTable(context.Background(), c, table); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: &table}) })
	return table
}

func TestContract(t *testing.T) {
	c := client(t)
	metatest.Run(t, func(t *testing.T) meta.Store { return dynamo.New(c, newTable(t, c)) })
}

// TestCABundle: the SDK must work whether or not AWS_CA_BUNDLE is set
// (this machine sets it; rclone, for one, fails with it on plain HTTP).
func TestCABundle(t *testing.T) {
	for _, v := range []string{"", "/etc/ssl/certs/ca-certificates.crt"} {
		t.Run("AWS_CA_BUNDLE="+v, func(t *testing.T) {
			t.Setenv("AWS_CA_BUNDLE", v)
			if v == "" {
				os.Unsetenv("AWS_CA_BUNDLE") // t.Setenv restores it afterwards
			}
			c := client(t)
			s := dynamo.New(c, newTable(t, c))
			if _, err := s.UserByID(context.Background(), "nobody"); err == nil {
				t.Fatal("found a user in an empty table")
			}
		})
	}
}

func TestMissingTable(t *testing.T) {
	s := dynamo.New(client(t), "no-such-table")
	_, err := s.UserByEmail(context.Background(), "a@example.com")
	if err == nil || !strings.Contains(err.Error(), "dynamodb-setup") {
		t.Fatalf("err = %v, want advice to run dynamodb-setup", err)
	}
}

// TestCrashedWriterLease: a lease left by a writer that died expires, the
// next change skips the sequence number the dead writer may have used, and
// a lease still held makes the next writer wait.
func TestCrashedWriterLease(t *testing.T) {
	ctx := context.Background()
	c := client(t)
	table := newTable(t, c)
	s := dynamo.New(c, table)
	u := meta.User{ID: api.NewID(), Email: "lease@example.com", PasswordHash: "h", CreatedAt: time.Now()}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	mk := func(cur *meta.Recording, _ int64) (*meta.Recording, error) {
		return &meta.Recording{Recording: api.Recording{RecordingMeta: api.RecordingMeta{Title: "t", SizeBytes: 1}, Version: 1}}, nil
	}
	r1, err := s.UpdateRecording(ctx, u.ID, api.NewID(), mk)
	if err != nil {
		t.Fatal(err)
	}
	setLease := func(until time.Time) {
		_, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{
			TableName: &table, Key: map[string]types.AttributeValue{
				"pk": &types.AttributeValueMemberS{Value: "user#" + u.ID}, "sk": &types.AttributeValueMemberS{Value: "user"}},
			UpdateExpression: aws.String("SET lease_id = :l, lease_until = :u"),
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":l": &types.AttributeValueMemberS{Value: "dead-writer"},
				":u": &types.AttributeValueMemberN{Value: strconv.FormatInt(until.UnixNano(), 10)}},
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	setLease(time.Now().Add(-time.Second))
	r2, err := s.UpdateRecording(ctx, u.ID, api.NewID(), mk)
	if err != nil {
		t.Fatal(err)
	}
	if r2.Seq != r1.Seq+2 {
		t.Fatalf("seq after an expired lease = %d, want %d (one skipped)", r2.Seq, r1.Seq+2)
	}
	setLease(time.Now().Add(300 * time.Millisecond))
	if ch, _ := s.ListChanges(ctx, u.ID, 0, 10); len(ch) != 2 {
		t.Fatalf("listed %d changes while a lease is held, want 2", len(ch))
	}
	start := time.Now()
	if _, err := s.UpdateRecording(ctx, u.ID, api.NewID(), mk); err != nil {
		t.Fatal(err)
	}
	if time.Since(start) < 250*time.Millisecond {
		t.Fatalf("a change went ahead while another writer's lease was held")
	}
}
