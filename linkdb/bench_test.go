package linkdb

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/csvio"
	"github.com/qantar-project/qantar/internal/testworld"
	"github.com/qantar-project/qantar/linkage"
	"github.com/qantar-project/qantar/sqlite"
)

var benchEditor = qantar.Actor{ID: "token:1", Name: "bench editor", Role: qantar.RoleEditor}

// benchRows is QANTAR_BENCH_ROWS, or def.
func benchRows(tb testing.TB, def int) int {
	return testworld.EnvInt(tb, "QANTAR_BENCH_ROWS", def, 10)
}

// importSynthetic imports the three lists into a new SQLite database with
// csvio.ImportList, as qantar import --list does.
func importSynthetic(tb testing.TB, path string, sl *syntheticLists) *sqlite.DB {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	for l := range 3 {
		f, err := os.Open(sl.Paths[l])
		if err != nil {
			tb.Fatal(err)
		}
		rep, err := csvio.ImportList(ctx, db, csvio.Input{Name: filepath.Base(sl.Paths[l]), R: f}, csvio.List{Name: sl.Names[l]}, csvio.Options{Actor: benchEditor})
		f.Close()
		if err != nil {
			tb.Fatal(err)
		}
		if !rep.OK() || !rep.Written {
			tb.Fatalf("import %s: %v", sl.Names[l], rep.Problems[:min(5, len(rep.Problems))])
		}
	}
	return db
}

// truthOf gives each linked entry the invented person it is, read from its
// person's external key (the list's key and the row's number).
func truthOf(tb testing.TB, s qantar.Store, sl *syntheticLists, res *Result) []string {
	recs, err := qantar.ListAll(context.Background(), s, qantar.KindPerson, qantar.Filter{Reader: benchEditor})
	if err != nil {
		tb.Fatal(err)
	}
	key := map[int64]string{}
	for _, r := range recs {
		key[r.GetMeta().ID] = r.GetMeta().ExternalKey
	}
	truth := make([]string, len(res.Entries))
	for i, e := range res.Entries {
		k := key[e.PersonID]
		list, num, ok := strings.Cut(k, "#")
		row, err := strconv.Atoi(num)
		l := -1
		for j, name := range sl.Names {
			if list == csvio.ListKey(name) {
				l = j
			}
		}
		if !ok || err != nil || l < 0 || row < 1 || row > len(sl.Rows[l]) {
			tb.Fatalf("persons/%d: external key %q names no row of the synthetic lists", e.PersonID, k)
		}
		truth[i] = strconv.Itoa(sl.Rows[l][row-1])
	}
	return truth
}

// BenchmarkLinkDB imports three SYNTHETIC lists of QANTAR_BENCH_ROWS rows
// each (default 5,000; see writeSyntheticLists) into SQLite and links every
// listed person, as qantar link --db does; then it confirms the linked
// pairs as merges (Apply, p ≥ 0.9). In the same run, as references, it
// times the import of the three lists and links the same database as the
// previous version did (name, birth date and sex compared; blocks on name
// words and pairs of name words only). It reports seconds for each, the pairs compared, pairwise F1
// against the generator's truth, and the distinct persons after linkage
// against the truth.
func BenchmarkLinkDB(b *testing.B) {
	n := benchRows(b, 5000)
	dir := b.TempDir()
	sl := writeSyntheticLists(b, dir, n, 1)
	ctx := context.Background()
	var imp, ref, linking, apply time.Duration
	var refRes, res *Result
	var refScore, score linkage.Scores
	merges := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		start := time.Now()
		db := importSynthetic(b, filepath.Join(dir, fmt.Sprintf("q%d.db", i)), sl)
		imp += time.Since(start)

		start = time.Now()
		var err error
		if refRes, err = link(ctx, db, benchEditor, Options{}, previous); err != nil {
			b.Fatal(err)
		}
		ref += time.Since(start)
		refScore = linkage.Evaluate(refRes.Cluster, truthOf(b, db, sl, refRes))
		b.StartTimer()

		start = time.Now()
		if res, err = Link(ctx, db, benchEditor, Options{}); err != nil {
			b.Fatal(err)
		}
		linking += time.Since(start)
		start = time.Now()
		plan, err := Apply(ctx, db, benchEditor, res, 0.9)
		if err != nil {
			b.Fatal(err)
		}
		merges = len(plan)
		apply += time.Since(start)
		b.StopTimer()
		score = linkage.Evaluate(res.Cluster, truthOf(b, db, sl, res))
		db.Close()
		b.StartTimer()
	}
	per := func(d time.Duration) float64 { return d.Seconds() / float64(b.N) }
	b.ReportMetric(per(imp), "import_s")
	b.ReportMetric(per(ref), "ref_link_s")
	b.ReportMetric(per(linking), "link_s")
	b.ReportMetric(per(apply), "apply_s")
	b.ReportMetric(float64(refRes.Candidates), "ref_pairs")
	b.ReportMetric(float64(res.Candidates), "pairs")
	b.ReportMetric(float64(merges), "merges")
	b.ReportMetric(refScore.F1, "ref_F1")
	b.ReportMetric(score.F1, "F1")
	b.ReportMetric(float64(distinct(res.Cluster))/float64(sl.OnAny), "distinct/truth")
	b.Logf("%d rows × 3 lists, %d persons on a list (population %d): reference P=%.4f R=%.4f F1=%.4f, %d persons; now P=%.4f R=%.4f F1=%.4f, %d persons",
		n, sl.OnAny, sl.Population, refScore.Precision, refScore.Recall, refScore.F1, distinct(refRes.Cluster),
		score.Precision, score.Recall, score.F1, distinct(res.Cluster))
	for _, r := range res.rules {
		b.Logf("rule %s: %d blocks (%d over the cap), %d pairs, %d new", r.Rule, r.Blocks, r.Oversized, r.Pairs, r.New)
	}
}

func distinct(cluster []int32) int {
	seen := map[int32]bool{}
	for _, c := range cluster {
		seen[c] = true
	}
	return len(seen)
}
