package publish

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/web"
)

// BenchmarkPublish publishes the bundled data, the fixture's synthetic
// records and 10,000 more synthetic persons (one in 50 confidential): every
// page in three languages, the open data and the log, checked before it is
// put in place. The machines are shared, so it also reports the CPU time
// it took, and, as the reference measured in the same run, the time the
// site's handler alone takes to render every record's page and history in
// the three languages on as many workers (what serving those pages once
// costs), with the ratio of the two.
//
//	go test ./publish -run '^$' -bench Publish -benchtime 3x
func BenchmarkPublish(b *testing.B) {
	fx := newFixture(b, 10000)
	dir := b.TempDir()
	ctx := context.Background()
	var rep *Report
	var wall, cpu time.Duration
	var n int
	for b.Loop() {
		out := filepath.Join(dir, "mirror")
		if err := os.RemoveAll(out); err != nil {
			b.Fatal(err)
		}
		c0, t0 := cpuTime(), time.Now()
		var err error
		if rep, err = Publish(ctx, out, Options{Site: fx.site()}); err != nil {
			b.Fatal(err)
		}
		wall += time.Since(t0)
		cpu += cpuTime() - c0
		n++
	}
	b.StopTimer()
	ref, refCPU := renderAll(b, fx.site(), 3)
	b.ReportMetric(float64(rep.Pages), "pages")
	b.ReportMetric(float64(rep.Files), "files")
	b.ReportMetric(float64(rep.Bytes)/(1<<20), "MiB")
	b.ReportMetric((cpu / time.Duration(n)).Seconds(), "cpu-s/op")
	b.ReportMetric(ref.Seconds(), "ref-s")
	b.ReportMetric(refCPU.Seconds(), "ref-cpu-s")
	b.ReportMetric(float64(wall/time.Duration(n))/float64(ref), "x-ref")
}

// renderAll is the reference: the handler renders every record's page and
// history in every language, as an anonymous reader, output discarded. It
// returns the best wall time of tries and its CPU time. Each try has a
// new server, with its caches empty, as each publish does.
func renderAll(b *testing.B, cfg web.Config, tries int) (time.Duration, time.Duration) {
	ctx := context.Background()
	var urls []string
	for _, k := range qantar.Kinds {
		if err := eachID(ctx, cfg.Store, k, func(id int64) {
			for _, l := range qantar.UILangs {
				urls = append(urls, fmt.Sprintf("/%s/%d?lang=%s", k, id, l), fmt.Sprintf("/%s/%d/history?lang=%s", k, id, l))
			}
		}); err != nil {
			b.Fatal(err)
		}
	}
	best, bestCPU := time.Duration(1<<62), time.Duration(0)
	for range tries {
		h := web.New(cfg).Handler()
		c0, t0 := cpuTime(), time.Now()
		var wg sync.WaitGroup
		next := make(chan string)
		for range max(2, runtime.GOMAXPROCS(0)) {
			wg.Go(func() {
				for u := range next {
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, u, nil))
					if rec.Code != http.StatusOK {
						b.Errorf("GET %s: %d", u, rec.Code)
					}
				}
			})
		}
		for _, u := range urls {
			next <- u
		}
		close(next)
		wg.Wait()
		if d := time.Since(t0); d < best {
			best, bestCPU = d, cpuTime()-c0
		}
	}
	return best, bestCPU
}

// cpuTime is the user and system CPU time of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
