package storekit_test

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qantar-project/qantar/storekit"
	_ "modernc.org/sqlite"
)

// reader is storekit.Reader over a database/sql pool, as package sqlite's.
type reader struct{ db *sql.DB }

type cursor struct{ *sql.Rows }

func (c cursor) Close() { c.Rows.Close() }

func (r reader) Query(ctx context.Context, query string, args ...any) (storekit.Cursor, error) {
	rows, err := r.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return cursor{rows}, nil
}

func (r reader) QueryRow(ctx context.Context, query string, args ...any) storekit.Row {
	return r.db.QueryRowContext(ctx, query, args...)
}

func (reader) NoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// TestNearKeys: of more than 20 keys within the typo budget, the closest
// are kept, ties in byte order, whatever order the index reads them in
// (synthetic keys, on a real SQLite database).
func TestNearKeys(t *testing.T) {
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, `CREATE TABLE terms (term TEXT PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	const key = "karimova" // 8 letters: two typos
	var terms []string
	for c := 'a'; c <= 'y'; c++ {
		terms = append(terms, "ka"+string(c)+"imovx") // two edits away, byte-early
	}
	terms = append(terms, "karimovz", "karimova", "kzzzzzzzzz", "tarimova") // one edit; the key itself; too far; another letter
	for _, term := range terms {
		if _, err := db.ExecContext(ctx, `INSERT INTO terms VALUES ($1)`, term); err != nil {
			t.Fatal(err)
		}
	}
	got, err := storekit.NearKeys(ctx, reader{db}, key, `SELECT term FROM terms WHERE term >= $1 AND term < $2 ORDER BY term`)
	if err != nil {
		t.Fatal(err)
	}
	// The two keys one edit away ("karimovx" among the synthetic ones),
	// then the closest two edits away in byte order, 20 in all.
	want := []string{"karimovx", "karimovz"}
	for c := 'a'; len(want) < 20; c++ {
		if c != 'r' {
			want = append(want, "ka"+string(c)+"imovx")
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("NearKeys(%q) =\n%q\nwant\n%q", key, got, want)
	}
	if got, err := storekit.NearKeys(ctx, reader{db}, "kar", `SELECT term FROM terms WHERE term >= $1 AND term < $2`); err != nil || got != nil {
		t.Errorf("a key without a typo budget: %q, %v", got, err)
	}
}

// TestTimeScan: a stored time as SQLite's text or PostgreSQL's time, in
// UTC; NULL is not valid; other text is an error, not a zero time.
func TestTimeScan(t *testing.T) {
	at := time.Date(2022, 1, 5, 10, 30, 0, 123456000, time.UTC)
	almaty := time.FixedZone("Asia/Almaty", 5*3600)
	for _, v := range []any{"2022-01-05T10:30:00.123456Z", []byte("2022-01-05T15:30:00.123456+05:00"), at.In(almaty)} {
		var got storekit.Time
		if err := got.Scan(v); err != nil || !got.Valid || !got.T.Equal(at) || got.T.Location() != time.UTC {
			t.Errorf("Scan(%v) = %+v, %v", v, got, err)
		}
		if p := got.Ptr(); p == nil || !p.Equal(at) {
			t.Errorf("Ptr of %v = %v", v, p)
		}
	}
	got := storekit.Time{T: at, Valid: true}
	if err := got.Scan(nil); err != nil || got.Valid || got.Ptr() != nil {
		t.Errorf("Scan(nil) = %+v, %v", got, err)
	}
	for _, v := range []any{"5 January 2022", 42} {
		if err := got.Scan(v); err == nil {
			t.Errorf("Scan(%v) succeeded: %+v", v, got)
		}
	}
}

// TestNearKeysOf: the near keys of a word's keys, those of its own key
// first, each once, none of the keys themselves, and one scan per first
// letter (counted through the reader).
func TestNearKeysOf(t *testing.T) {
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, `CREATE TABLE terms (term TEXT PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	for _, term := range []string{"jusupov", "jusupova", "usupov", "usupova", "usipov", "otegenov", "utegenov", "utegenova", "zzz"} {
		if _, err := db.ExecContext(ctx, `INSERT INTO terms VALUES ($1)`, term); err != nil {
			t.Fatal(err)
		}
	}
	var scans atomic.Int64
	r := countingReader{reader{db}, &scans}
	got, err := storekit.NearKeysOf(ctx, r, []string{"jusupov", "usupov", "jusipov"}, `SELECT term FROM terms WHERE term >= $1 AND term < $2 ORDER BY term`)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"jusupova", "usipov", "usupova"}; !slices.Equal(got, want) || scans.Load() != 2 {
		t.Errorf("NearKeysOf = %q in %d scans, want %q in 2 (one per first letter)", got, scans.Load(), want)
	}
}
