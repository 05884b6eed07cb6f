package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/csvio"
)

// The collection is SYNTHETIC: names, places and texts are made up, every
// one marked "Синтетический"/"Synthetic". Its proportions, per 100 records,
// follow what documentation projects of this kind hold (persons and the acts
// against them dominate, each act sourced and cited):
//
//	persons 30, acts 15, involvements 15, citations 20, sources 5,
//	complaints 4, cases 3, events 3, places 2, posts 2, units 1
//
// with one person in ten restricted (so the projections do work) and, as
// history, a second version of one person in twenty.
var shares = []struct {
	kind qantar.Kind
	per  int // of every 100 records
}{
	{qantar.KindSource, 5}, {qantar.KindPlace, 2}, {qantar.KindEvent, 3}, {qantar.KindUnit, 1},
	{qantar.KindPerson, 30}, {qantar.KindPost, 2}, {qantar.KindAct, 15}, {qantar.KindInvolvement, 15},
	{qantar.KindCase, 3}, {qantar.KindComplaint, 4}, {qantar.KindCitation, 20},
}

var (
	firsts = []string{"Асхат", "Болат", "Гульнара", "Дана", "Ерлан", "Жанар", "Айгерим", "Нурлан", "Сауле", "Тимур",
		"Әсел", "Қайрат", "Ұлан", "Мария", "Иван", "Ольга", "Данияр", "Салтанат", "Руслан", "Меруерт"}
	lasts = []string{"Абенов", "Байжанов", "Жумабаев", "Искаков", "Кенжебеков", "Мухамедов", "Нұрланов", "Оспанов",
		"Сапаров", "Төлегенов", "Уалиев", "Хасенов", "Шарипов", "Ермеков", "Қасымов", "Петров", "Смирнов", "Ахметов",
		"Бекова", "Садыкова", "Тоқаев", "Жақсыбеков", "Омаров", "Әлиев", "Иманов"}
	actTypes = []string{"killing_crowd_control", "torture", "arbitrary_detention", "injury", "cruel_treatment", "killing"}
	statuses = []string{"dead", "injured", "detained", "released"}
	degrees  = []string{"carried_out", "gave_orders", "failed_to_prevent", "suspected"}
	units    = []string{"police", "national_guard", "army", "security_service", "investigative_body", "court"}
)

// plan is how many records of each kind a collection of n holds.
func plan(n int) map[qantar.Kind]int {
	out := map[qantar.Kind]int{}
	for _, s := range shares {
		out[s.kind] = max(1, n*s.per/100)
	}
	return out
}

// personName is the synthetic name of person i (1-based).
func personName(i int) string {
	name := firsts[i%len(firsts)] + " " + lasts[(i/len(firsts))%len(lasts)]
	if i >= len(firsts)*len(lasts) {
		name += fmt.Sprintf(" %d", i/(len(firsts)*len(lasts)))
	}
	return name
}

// day is a day of January 2022 for i.
func day(i int) string { return fmt.Sprintf("2022-01-%02d", 4+i%8) }

// record is the JSON of record i (1-based) of kind k, its references to
// the records of a collection planned as p (a store numbers each kind's
// records from 1 in the order they are written).
func record(k qantar.Kind, i int, p map[qantar.Kind]int) map[string]any {
	ref := func(of qantar.Kind, j int) int { return 1 + (j*7919)%p[of] }
	syn := func(what string) map[string]string {
		return map[string]string{"ru": fmt.Sprintf("Синтетический %s %d", what, i), "en": fmt.Sprintf("Synthetic %s %d", what, i)}
	}
	switch k {
	case qantar.KindSource:
		return map[string]any{"kind": "news", "title": syn("источник"), "publisher": "SYNTHETIC", "date": day(i),
			"url": fmt.Sprintf("https://example.org/synthetic/%d", i), "language": "ru", "reliability": "unknown"}
	case qantar.KindPlace:
		return map[string]any{"name": syn("место"), "kind": "site", "lat": 43 + float64(i%100)/100, "lon": 76 + float64(i%97)/100}
	case qantar.KindEvent:
		return map[string]any{"title": syn("событие"), "start": day(i), "place_id": ref(qantar.KindPlace, i)}
	case qantar.KindUnit:
		return map[string]any{"name": syn("подразделение"), "kind": units[i%len(units)]}
	case qantar.KindPost:
		return map[string]any{"person_id": ref(qantar.KindPerson, i), "unit_id": ref(qantar.KindUnit, i), "role": "commander",
			"first_cited": day(i), "confidence": "medium"}
	case qantar.KindAct:
		return map[string]any{"victim_id": ref(qantar.KindPerson, i), "event_id": ref(qantar.KindEvent, i), "type": actTypes[i%len(actTypes)],
			"date": day(i), "place_id": ref(qantar.KindPlace, i), "victim_status": statuses[i%len(statuses)], "description": syn("акт")}
	case qantar.KindInvolvement:
		return map[string]any{"act_id": ref(qantar.KindAct, i), "unit_id": ref(qantar.KindUnit, i), "degree": degrees[i%len(degrees)], "confidence": "low"}
	case qantar.KindCase:
		return map[string]any{"jurisdiction": "kz", "authority_id": ref(qantar.KindUnit, i), "articles": []string{"146-1"},
			"act_ids": []int{ref(qantar.KindAct, i)}, "steps": []map[string]any{{"step": "registered", "date": "2022-02-01"}}}
	case qantar.KindComplaint:
		return map[string]any{"kind": "appc-76", "jurisdiction": "kz", "filed_on": "2022-03-01", "case_id": ref(qantar.KindCase, i),
			"filer_id": ref(qantar.KindPerson, i), "subject": syn("жалоба")}
	case qantar.KindCitation:
		kinds := []qantar.Kind{qantar.KindAct, qantar.KindPerson, qantar.KindEvent, qantar.KindInvolvement}
		rk := kinds[i%len(kinds)]
		return map[string]any{"record_kind": string(rk), "record_id": ref(rk, i), "source_id": ref(qantar.KindSource, i),
			"confidence": "medium", "quote": fmt.Sprintf("синтетическая цитата %d", i)}
	}
	return nil
}

// writePersons writes the persons as the CSV a victims' list is, for the
// streamed import (csvio).
func writePersons(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("external_key,name_ru,sex,birth_date,protection,description_ru\n")
	sexes := []string{"male", "female"}
	for i := 1; i <= n; i++ {
		prot := "public"
		if i%10 == 0 {
			prot = "restricted"
		}
		fmt.Fprintf(w, "SYN-%d,%s,%s,%02d.%02d.%d,%s,синтетическая запись %d\n", i, personName(i), sexes[i%2], 1+i%28, 1+i%12, 1940+i%70, prot, i)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// load writes the collection: persons through csvio's streamed import,
// every other kind through the store's bulk path (qantar.CreateAll), made
// a chunk at a time so that memory does not grow with n.
func load(ctx context.Context, st qantar.Store, dir string, p map[qantar.Kind]int) error {
	for _, s := range shares {
		start := time.Now()
		if err := loadKind(ctx, st, dir, s.kind, p); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "%s: %d in %.1f s (load %s)\n", s.kind, p[s.kind], time.Since(start).Seconds(), loadavg())
	}
	return nil
}

func loadKind(ctx context.Context, st qantar.Store, dir string, k qantar.Kind, p map[qantar.Kind]int) error {
	if k != qantar.KindPerson {
		return createKind(ctx, st, k, p)
	}
	path := filepath.Join(dir, "persons.csv")
	if err := writePersons(path, p[k]); err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	rep, err := csvio.Import(ctx, st, k, f, "persons.csv", csvio.Options{Actor: editor})
	if err != nil {
		return err
	}
	if !rep.OK() || rep.Created != p[k] {
		return fmt.Errorf("persons: created %d of %d: %v", rep.Created, p[k], rep.Problems[:min(3, len(rep.Problems))])
	}
	return nil
}

// createKind writes every record of kind k, 5,000 to a transaction.
func createKind(ctx context.Context, st qantar.Store, k qantar.Kind, p map[qantar.Kind]int) error {
	const chunk = 5000
	for from := 1; from <= p[k]; from += chunk {
		recs := make([]qantar.Record, 0, chunk)
		for i := from; i < from+chunk && i <= p[k]; i++ {
			b, err := json.Marshal(record(k, i, p))
			if err != nil {
				return err
			}
			rec, err := qantar.DecodeBytes(k, b)
			if err != nil {
				return fmt.Errorf("%s %d: %w", k, i, err)
			}
			recs = append(recs, rec)
		}
		err := st.InTx(ctx, func(w qantar.Writer) error {
			n, err := qantar.CreateAll(ctx, w, editor, recs)
			if err != nil {
				return fmt.Errorf("%s %d: %w", k, from+n, err)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// history gives one person in twenty a second version.
func history(ctx context.Context, st qantar.Store, p map[qantar.Kind]int) (int, error) {
	n := 0
	for from := 20; from <= p[qantar.KindPerson]; from += 20 * 1000 {
		err := st.InTx(ctx, func(w qantar.Writer) error {
			for i := from; i < from+20*1000 && i <= p[qantar.KindPerson]; i += 20 {
				rec, err := w.Get(ctx, qantar.KindPerson, int64(i))
				if err != nil {
					return fmt.Errorf("person %d: %w", i, err)
				}
				per := rec.(*qantar.Person)
				per.Description = qantar.Text{"ru": fmt.Sprintf("синтетическая запись %d, уточнена", i)}
				if err := w.Update(ctx, editor, per); err != nil {
					return fmt.Errorf("person %d: %w", i, err)
				}
				n++
			}
			return nil
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
