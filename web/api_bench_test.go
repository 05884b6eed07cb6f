package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/web"
)

// BenchmarkAPIGetRecord: GET /api/v1/persons/{id} over loopback HTTP with
// keep-alive, from several client goroutines, against 10,000 synthetic persons.
func BenchmarkAPIGetRecord(b *testing.B) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "b.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	const n = 10000
	ed := qantar.Actor{ID: "token:1", Role: qantar.RoleEditor}
	err = db.InTx(ctx, func(w qantar.Writer) error {
		for i := 0; i < n; i++ {
			p := &qantar.Person{Names: []qantar.Name{{Value: fmt.Sprintf("Синтетический Человек %d", i), Lang: "ru"}}}
			if err := w.Create(ctx, ed, p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(web.New(web.Config{Store: db, Tokens: db, Log: db, Search: db}).Handler())
	defer srv.Close()
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	client := &http.Client{Transport: tr}
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			resp, err := client.Get(fmt.Sprintf("%s/api/v1/persons/%d", srv.URL, i%n+1))
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Fatalf("status %d", resp.StatusCode)
			}
			i += 7
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "requests/s")
}
