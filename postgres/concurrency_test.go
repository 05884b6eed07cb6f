package postgres_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/postgres"
)

func TestOpenRefuses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, dsn, keyFile := openWithKey(t)
	tests := []struct {
		name string
		dsn  string
		opts postgres.Options
	}{
		{"NotAURL", "qantar.db", postgres.Options{LogKeyPath: keyFile}},
		{"NoKey", dsn, postgres.Options{}},
		{"OtherKey", dsn, postgres.Options{LogKeyPath: filepath.Join(t.TempDir(), "other.key")}},
		{"BadURL", "postgres://%zz", postgres.Options{LogKeyPath: keyFile}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := postgres.Open(ctx, tt.dsn, tt.opts)
			if err == nil {
				db.Close()
				t.Fatal("opened")
			}
			if qantar.ErrorCode(err) != qantar.EINVALID {
				t.Fatalf("error %v: code %s, want invalid", err, qantar.ErrorCode(err))
			}
		})
	}
}

// openWithKey opens a store and returns it with its URL and key file.
func openWithKey(t *testing.T) (*postgres.DB, string, string) {
	t.Helper()
	dsn := testURL(t)
	key := filepath.Join(t.TempDir(), "log.key")
	db, err := postgres.Open(context.Background(), dsn, postgres.Options{LogKeyPath: key, MaxConns: 8})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, dsn, key
}

// TestTwoPoolsOneLog: two stores on one database (two servers) create and
// update at once; every acknowledged write is there, and the one log has
// exactly one leaf per version, verified.
func TestTwoPoolsOneLog(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, dsn, key := openWithKey(t)
	b, err := postgres.Open(ctx, dsn, postgres.Options{LogKeyPath: key, MaxConns: 8})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	stores := []*postgres.DB{a, b}
	shared := &qantar.Person{Names: []qantar.Name{{Value: "Общий"}}}
	if err := a.Create(ctx, editor, shared); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	versions, conflicts := 1, 0
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			s := stores[w%2]
			for i := 0; i < 15; i++ {
				p := &qantar.Person{Names: []qantar.Name{{Value: fmt.Sprintf("P %d-%d", w, i)}}}
				if err := s.Create(ctx, editor, p); err != nil {
					t.Error(err)
					return
				}
				cur, err := stores[(w+1)%2].Get(ctx, qantar.KindPerson, shared.ID)
				if err != nil {
					t.Error(err)
					return
				}
				c := cur.(*qantar.Person)
				c.Names = append(c.Names, qantar.Name{Value: fmt.Sprintf("e %d-%d", w, i)})
				err = s.Update(ctx, editor, c)
				mu.Lock()
				switch qantar.ErrorCode(err) {
				case "":
					versions += 2
				case qantar.ECONFLICT:
					versions++
					conflicts++
				default:
					t.Error(err)
				}
				mu.Unlock()
			}
		}(w)
	}
	wg.Wait()
	rep, err := b.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.Leaves != uint64(versions) {
		t.Fatalf("%d leaves for %d versions: %v", rep.Leaves, versions, rep.Problems)
	}
	n, _ := a.Count(ctx)
	if n[qantar.KindPerson] != 1+8*15 {
		t.Fatalf("%d persons", n[qantar.KindPerson])
	}
	t.Logf("%d versions, %d conflicts", versions, conflicts)
}

// TestDeleteRacesReference: a record deleted on one server while another
// creates a record that refers to it: never both, so no reference dangles.
func TestDeleteRacesReference(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, dsn, key := openWithKey(t)
	b, err := postgres.Open(ctx, dsn, postgres.Options{LogKeyPath: key})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	for i := 0; i < 20; i++ {
		victim := &qantar.Person{Names: []qantar.Name{{Value: fmt.Sprintf("V %d", i)}}}
		if err := a.Create(ctx, editor, victim); err != nil {
			t.Fatal(err)
		}
		var delErr, actErr error
		var wg sync.WaitGroup
		wg.Add(2)
		go func() {
			defer wg.Done()
			delErr = a.Delete(ctx, editor, qantar.KindPerson, victim.ID, 1, "race")
		}()
		go func() {
			defer wg.Done()
			actErr = b.Create(ctx, editor, &qantar.Act{VictimID: victim.ID, ActType: "torture"})
		}()
		wg.Wait()
		if delErr == nil && actErr == nil {
			t.Fatalf("round %d: the victim was deleted and an act now refers to it", i)
		}
		if delErr != nil && qantar.ErrorCode(delErr) != qantar.ECONFLICT {
			t.Fatalf("delete: %v", delErr)
		}
		if actErr != nil && qantar.ErrorField(actErr) != "victim_id" {
			t.Fatalf("create: %v", actErr)
		}
	}
	if rep, err := a.Verify(ctx); err != nil || !rep.OK() {
		t.Fatalf("verify: %v %v", rep, err)
	}
}

// TestKeyRaceLeavesTxUsable: two servers create records with one external
// key at once. The one that loses gets ECONFLICT on external_key and its
// transaction goes on, as on SQLite, with no id lost.
func TestKeyRaceLeavesTxUsable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, dsn, key := openWithKey(t)
	b, err := postgres.Open(ctx, dsn, postgres.Options{LogKeyPath: key})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	inserted := make(chan struct{})
	errc := make(chan error, 1)
	go func() {
		errc <- a.InTx(ctx, func(w qantar.Writer) error {
			p := &qantar.Person{Meta: qantar.Meta{ExternalKey: "list:1"}, Names: []qantar.Name{{Value: "A"}}}
			if err := w.Create(ctx, editor, p); err != nil {
				return err
			}
			close(inserted)
			time.Sleep(300 * time.Millisecond) // b checks the key meanwhile, then waits on the index
			return nil
		})
	}()
	<-inserted
	var other *qantar.Person
	err = b.InTx(ctx, func(w qantar.Writer) error {
		dup := &qantar.Person{Meta: qantar.Meta{ExternalKey: "list:1"}, Names: []qantar.Name{{Value: "B"}}}
		if err := w.Create(ctx, editor, dup); qantar.ErrorCode(err) != qantar.ECONFLICT || qantar.ErrorField(err) != "external_key" {
			return fmt.Errorf("the second create of a key: %v", err)
		}
		other = &qantar.Person{Names: []qantar.Name{{Value: "C"}}}
		return w.Create(ctx, editor, other)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if other.ID != 2 {
		t.Fatalf("the create after the refused one got id %d, want 2", other.ID)
	}
	if rep, err := b.Verify(ctx); err != nil || !rep.OK() || rep.Leaves != 2 {
		t.Fatalf("verify: %+v %v", rep, err)
	}
}
