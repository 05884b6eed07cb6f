package sqlite

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/search"
)

var _ qantar.Searcher = (*DB)(nil)

// index writes (or, for a deletion, removes) a record's search document.
func (tx *Tx) index(ctx context.Context, rec qantar.Record, op qantar.Op) error {
	if !search.Indexed(rec.Kind()) {
		return nil
	}
	rowid := search.Rowid(rec.Kind(), rec.GetMeta().ID)
	if op != qantar.OpCreate {
		for _, q := range qDeleteSearch {
			if _, err := tx.exec(ctx, q, rowid); err != nil {
				return fmt.Errorf("search index: %w", err)
			}
		}
	}
	if op == qantar.OpDelete {
		return nil
	}
	d := search.DocOf(rec)
	if _, err := tx.exec(ctx, qInsertSearch[d.Protection],
		rowid, strings.Join(d.Keys, " "), strings.Join(d.Stems, " "), d.Kind, d.ID, d.Protection); err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	return nil
}

// reindex rebuilds the search index when it is empty but records exist: a
// database made before the index, or an index dropped by hand.
func (db *DB) reindex(ctx context.Context) error {
	var need bool
	if err := db.write.QueryRowContext(ctx, `SELECT NOT EXISTS (SELECT 1 FROM search_fts) AND NOT EXISTS (SELECT 1 FROM search_fts_restricted)
		AND NOT EXISTS (SELECT 1 FROM search_fts_confidential) AND EXISTS (SELECT 1 FROM records WHERE deleted_at IS NULL)`).Scan(&need); err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	if !need {
		return nil
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, kind := range qantar.SearchKinds {
		rows, err := tx.QueryContext(ctx, `SELECT data FROM records WHERE kind = ? AND deleted_at IS NULL`, kind)
		if err != nil {
			return err
		}
		var recs []qantar.Record
		for rows.Next() {
			var data string
			if err := rows.Scan(&data); err != nil {
				rows.Close()
				return err
			}
			rec, err := qantar.DecodeStored(kind, data)
			if err != nil {
				rows.Close()
				return err
			}
			recs = append(recs, rec)
		}
		rows.Close()
		for _, rec := range recs {
			if err := tx.index(ctx, rec, qantar.OpUpdate); err != nil {
				return err
			}
		}
	}
	return tx.Commit()
}

// Search finds the records whose words match every word of the query in any
// script or spelling, within a typo or two for names, ranked best first.
func (db *DB) Search(ctx context.Context, q qantar.SearchQuery) ([]qantar.SearchResult, error) {
	plan, err := search.PlanOf(q)
	if err != nil {
		return nil, err
	}
	terms, kinds, limit := plan.Terms, plan.Kinds, plan.Limit
	levels := qantar.VisibleLevels(q.Reader)
	match, err := db.matchExpr(ctx, terms, levels)
	if err != nil {
		return nil, err
	}
	var hits []searchHit
	for _, level := range levels {
		h, err := db.searchTable(ctx, level, match, kinds, limit*5)
		if err != nil {
			return nil, err
		}
		hits = append(hits, h...)
	}
	recs := make([]qantar.Record, 0, len(hits))
	for _, h := range hits {
		rec, err := db.Get(ctx, h.kind, h.id)
		if qantar.ErrorCode(err) == qantar.ENOTFOUND {
			continue
		} else if err != nil {
			return nil, err
		}
		recs = append(recs, rec)
	}
	return search.Rank(q.Reader, recs, terms, q.Lang, limit), nil
}

// nearKeys returns indexed keys within the typo budget of key, looking among
// the keys that share its first letter (a typo in the first letter is rare,
// and this keeps the scan small).
func (db *DB) nearKeys(ctx context.Context, key string, levels []string) ([]string, error) {
	if search.MaxEdits(key) == 0 {
		return nil, nil
	}
	r := []rune(key)
	lo := string(r[0])
	hi := string(r[0] + 1)
	var union []string
	for _, l := range levels {
		union = append(union, `SELECT term FROM `+searchTerms[l]+` WHERE term >= ?1 AND term < ?2`)
	}
	rows, err := db.read.QueryContext(ctx, strings.Join(union, " UNION "), lo, hi)
	if err != nil {
		return nil, fmt.Errorf("search terms: %w", err)
	}
	defer rows.Close()
	type near struct {
		key  string
		dist int
	}
	var found []near
	n := len(key)
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		if t != key && len(t) >= n-2 && len(t) <= n+2 {
			if d := search.Distance(key, t); d <= search.MaxEdits(key) {
				found = append(found, near{t, d})
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// The closest keys first; a query expands to at most 20 of them.
	sort.Slice(found, func(i, j int) bool {
		if found[i].dist != found[j].dist {
			return found[i].dist < found[j].dist
		}
		return found[i].key < found[j].key
	})
	out := make([]string, 0, min(len(found), 20))
	for _, f := range found[:min(len(found), 20)] {
		out = append(out, f.key)
	}
	return out, nil
}

// matchExpr is the FTS5 expression of a query: one clause per term, of its
// key, the keys within its typo budget (among the levels' terms), or its
// stems as prefixes. Every string is quoted, so nothing a reader types is
// FTS syntax.
func (db *DB) matchExpr(ctx context.Context, terms []search.Term, levels []string) (string, error) {
	var clauses []string
	for _, t := range terms {
		alts := []string{}
		if t.Key != "" {
			alts = append(alts, "keys:"+search.Quote(t.Key))
			near, err := db.nearKeys(ctx, t.Key, levels)
			if err != nil {
				return "", err
			}
			for _, k := range near {
				alts = append(alts, "keys:"+search.Quote(k))
			}
		}
		for _, s := range t.Stems {
			alts = append(alts, "stems:"+search.Quote(s)+"*")
		}
		clauses = append(clauses, "("+strings.Join(alts, " OR ")+")")
	}
	return strings.Join(clauses, " AND "), nil
}

type searchHit struct {
	kind qantar.Kind
	id   int64
}

// searchTable returns up to n best matches of one level's table.
func (db *DB) searchTable(ctx context.Context, level, match string, kinds []qantar.Kind, n int) ([]searchHit, error) {
	table := searchTables[level]
	args := []any{match}
	for _, k := range kinds {
		args = append(args, string(k))
	}
	args = append(args, n)
	rows, err := db.read.QueryContext(ctx, `SELECT kind, id FROM `+table+` WHERE `+table+` MATCH ? AND kind IN (`+placeholders(len(kinds))+`) ORDER BY rank LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	var hits []searchHit
	for rows.Next() {
		var h searchHit
		if err := rows.Scan(&h.kind, &h.id); err != nil {
			return nil, err
		}
		hits = append(hits, h)
	}
	return hits, rows.Err()
}
