package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/sqlite"
)

// FuzzSearch sends any query to a real index: the answer is results or a
// clear EINVALID on q or kind, never another error, never a panic.
func FuzzSearch(f *testing.F) {
	for _, q := range []string{"Toqaev", `"`, "*", "NEAR(", "a OR b", "тест*", "\x00", "keys:x", "Жаңаөзен"} {
		f.Add(q)
	}
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(f.TempDir(), "fuzz.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		f.Fatal(err)
	}
	defer db.Close()
	for _, n := range []string{"Қасым-Жомарт Тоқаев", "Тест Тестов", "Synthetic Person"} {
		if err := db.Create(ctx, editor, &qantar.Person{Names: []qantar.Name{{Value: n}}}); err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, q string) {
		_, err := db.Search(ctx, qantar.SearchQuery{Q: q, Limit: 10})
		if err != nil && qantar.ErrorCode(err) != qantar.EINVALID {
			t.Fatalf("query %q: %v", q, err)
		}
	})
}
