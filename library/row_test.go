package library

import (
	"context"
	"reflect"
	"testing"
	"time"
)

// Every stored field is in exactly one column list: a field added to row
// but not listed would silently never be saved.
func TestRowFieldsAreListedOnce(t *testing.T) {
	seen := map[uintptr]string{}
	var r row
	base := reflect.ValueOf(&r).Elem()
	for _, c := range append(append([]col{}, recordingCols...), syncCols...) {
		p := reflect.ValueOf(c.ref(&r)).Pointer()
		if prev, dup := seen[p]; dup {
			t.Errorf("columns %s and %s share a field", prev, c.name)
		}
		seen[p] = c.name
	}
	if n := base.NumField(); len(seen) != n {
		t.Errorf("row has %d fields, the column lists name %d", n, len(seen))
	}
}

// A cloud-only entry with every field set comes back equal from the index,
// and Same tells apart rows that differ in any one field.
func TestSyncItemRoundTrip(t *testing.T) {
	ctx := context.Background()
	l := openTest(t, t.TempDir())
	x, err := l.SyncIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	trashed := time.UnixMilli(1_700_000_000_123).UTC()
	want := SyncItem{
		Recording: Recording{
			ID: "0190b4a6-7b1e-7cc0-8c3e-8f1c2d3e4f50", Title: "round trip", CreatedAt: time.UnixMilli(1_600_000_000_456).UTC(),
			Duration: 2500 * time.Millisecond, Format: "opus", SampleRate: 48000, Channels: 1, Size: 1234, SHA256: "ab12",
			Recovered: true, Version: 3, HasAudio: false, TrashedAt: &trashed, SyncState: Failed, SyncError: "why", RemoteVersion: 7,
		},
		PushedVersion: 2, RemoteTitle: "remote", KeepLocal: true, WantAudio: true, ResumeState: CloudOnly,
		Attempts: 5, NextAttempt: time.UnixMilli(1_800_000_000_789).UTC(),
	}
	if err := x.Update(ctx, []string{want.ID}, func(_ string, cur *SyncItem) (SyncChange, error) {
		if cur != nil {
			t.Fatalf("unknown id read as %+v", *cur)
		}
		it := want
		return SyncChange{Item: &it}, nil
	}, nil); err != nil {
		t.Fatal(err)
	}
	got, err := x.Item(ctx, want.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Same(want) {
		t.Fatalf("read back\n%+v\nwant\n%+v", toRow(got), toRow(want))
	}
	changed := got
	changed.NextAttempt = changed.NextAttempt.Add(time.Millisecond)
	if changed.Same(got) {
		t.Fatal("Same ignores NextAttempt")
	}
	moved := got
	later := trashed.Add(time.Second)
	moved.TrashedAt = &later
	if moved.Same(got) {
		t.Fatal("Same ignores when it went to the trash")
	}
}
