package library

import (
	"bufio"
	"context"
	"database/sql"
	"os"
	"strings"
	"testing"
)

// TestPorterStemMatchesSQLite stems every word of the pronouncing
// dictionary (pocketsphinx-en-us, a build dependency) both ways: in Go and
// by FTS5's porter tokenizer, read back through an fts5vocab table.
func TestPorterStemMatchesSQLite(t *testing.T) {
	f, err := os.Open("/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict")
	if err != nil {
		t.Fatalf("the words come from pocketsphinx-en-us: %v", err)
	}
	defer f.Close()
	var words []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		w, _, _ := strings.Cut(sc.Text(), " ")
		if isLowerASCII(w) {
			words = append(words, w)
		}
	}
	ctx := context.Background()
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	for _, q := range []string{
		`CREATE VIRTUAL TABLE w USING fts5(x, tokenize='porter unicode61 remove_diacritics 2')`,
		`CREATE VIRTUAL TABLE v USING fts5vocab(w, 'instance')`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	tx, _ := db.BeginTx(ctx, nil)
	for i, w := range words {
		if _, err := tx.ExecContext(ctx, `INSERT INTO w (rowid, x) VALUES (?, ?)`, i+1, w); err != nil {
			t.Fatal(err)
		}
	}
	tx.Commit()
	rows, err := db.QueryContext(ctx, `SELECT doc, term FROM v`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	bad, seen := 0, 0
	for rows.Next() {
		seen++
		var doc int
		var term string
		rows.Scan(&doc, &term)
		w := words[doc-1]
		if got := porterStem(w); got != term {
			if bad++; bad <= 20 {
				t.Errorf("%q: Go %q, SQLite %q", w, got, term)
			}
		}
	}
	if bad > 0 || seen != len(words) || seen < 100000 {
		t.Fatalf("%d of %d words stem differently (%d compared)", bad, len(words), seen)
	}
}
