package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/qantar-project/qantar"
)

// class is one class of request of the workload: its name and the address
// of its i-th request.
type class struct {
	name string
	url  func(i int) string
}

// classes is the fixed mixed workload over a collection planned as p: what
// readers of a documentation site ask for. Every address is deterministic
// (a fixed seed), so two runs ask the same.
func classes(p map[qantar.Kind]int, st writeReader) []class {
	r := rand.New(rand.NewPCG(1, 2))
	id := func(k qantar.Kind) int { return 1 + r.IntN(p[k]) }
	return []class{
		{"record_api", func(int) string { return fmt.Sprintf("/api/v1/persons/%d", id(qantar.KindPerson)) }},
		{"record_page", func(i int) string {
			if i%2 == 0 {
				return fmt.Sprintf("/persons/%d", id(qantar.KindPerson))
			}
			return fmt.Sprintf("/acts/%d", id(qantar.KindAct))
		}},
		{"list_filter", func(i int) string {
			switch i % 3 {
			case 0:
				return fmt.Sprintf("/api/v1/acts?type=%s&limit=50&offset=%d", actTypes[i%len(actTypes)], r.IntN(20)*50)
			case 1:
				return fmt.Sprintf("/api/v1/persons?sex=female&limit=50&offset=%d", r.IntN(20)*50)
			}
			return fmt.Sprintf("/acts?type=%s", actTypes[i%len(actTypes)])
		}},
		{"search", func(i int) string {
			return "/api/v1/search?q=" + url.QueryEscape(personName(id(qantar.KindPerson)))
		}},
		{"stats", func(i int) string {
			if i%2 == 0 {
				return "/api/v1/stats"
			}
			return "/stats"
		}},
		{"stats_after_write", func(i int) string { return afterWrite(st, i) }},
		{"command", func(i int) string {
			if i%2 == 0 {
				return fmt.Sprintf("/api/v1/command?place=%d&date=%s", id(qantar.KindPlace), day(i))
			}
			return fmt.Sprintf("/api/v1/units/%d/command?date=%s", id(qantar.KindUnit), day(i))
		}},
	}
}

// writeReader is the store the workload writes through between requests.
type writeReader interface {
	qantar.Store
	qantar.AtReader
}

// afterWrite writes one synthetic dead person and their act (not timed)
// and returns the address of the figures at the checkpoint that write
// made: what an editor who has just saved waits for, and what each new
// checkpoint costs a server.
func afterWrite(st writeReader, i int) string {
	ctx := context.Background()
	p := &qantar.Person{Names: []qantar.Name{{Value: fmt.Sprintf("Synthetic Later %d", i), Lang: "en"}}}
	if err := st.Create(ctx, editor, p); err != nil {
		return "/api/v1/stats?at=-2" // an error the run counts
	}
	a := &qantar.Act{VictimID: p.ID, ActType: "killing_crowd_control", VictimStatus: "dead", Date: qantar.MustDate("2022-01-06")}
	if err := st.Create(ctx, editor, a); err != nil {
		return "/api/v1/stats?at=-2"
	}
	lp, err := st.LogAt(ctx, -1)
	if err != nil {
		return "/api/v1/stats?at=-2"
	}
	return fmt.Sprintf("/api/v1/stats?at=%d", lp.Size)
}

// result is what one class measured.
type result struct {
	name       string
	n, errors  int
	p50, p99   time.Duration
	firstError string
	load       string
}

// run sends n requests of class c, two at a time (one client a server),
// within limit; the first request of each server is a warm-up, not
// counted.
func run(ctx context.Context, servers []string, c class, n int, limit time.Duration) result {
	res := result{name: c.name}
	var mu sync.Mutex
	var lat []time.Duration
	deadline := time.Now().Add(limit)
	var wg sync.WaitGroup
	next := 0
	take := func() (int, bool) {
		mu.Lock()
		defer mu.Unlock()
		if next >= n || time.Now().After(deadline) {
			return 0, false
		}
		next++
		return next - 1, true
	}
	for s, base := range servers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			get(ctx, base+c.url(s)) // warm-up
			for {
				i, ok := take()
				if !ok {
					return
				}
				mu.Lock()
				u := base + c.url(i)
				mu.Unlock()
				start := time.Now()
				err := get(ctx, u)
				d := time.Since(start)
				mu.Lock()
				lat = append(lat, d)
				if err != nil {
					res.errors++
					if res.firstError == "" {
						res.firstError = err.Error()
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	slices.Sort(lat)
	res.n = len(lat)
	if len(lat) > 0 {
		res.p50 = lat[len(lat)/2]
		res.p99 = lat[min(len(lat)-1, len(lat)*99/100)]
	}
	res.load = loadavg()
	return res
}

// get fetches u and reads its whole answer; a status other than 200 is an
// error.
func get(ctx context.Context, u string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %d %.200s", u, resp.StatusCode, body)
	}
	return nil
}
