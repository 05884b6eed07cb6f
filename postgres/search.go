package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/search"
	"github.com/qantar-project/qantar/storekit"
)

var _ qantar.Searcher = (*DB)(nil)

// maxLexeme is the longest term indexed: PostgreSQL refuses lexemes of 2 KiB
// and more, and no name or word is that long.
const maxLexeme = 1000

func lexemes(terms []string) []string {
	out := make([]string, 0, len(terms))
	for _, t := range terms {
		if t != "" && len(t) <= maxLexeme {
			out = append(out, t)
		}
	}
	return out
}

// index writes (or, for a deletion, removes) a record's search document,
// in one statement.
func index(ctx context.Context, tx pgx.Tx, rec qantar.Record, op qantar.Op) error {
	if !search.Indexed(rec.Kind()) {
		return nil
	}
	kind, id := string(rec.Kind()), rec.GetMeta().ID
	var err error
	if op == qantar.OpDelete {
		_, err = tx.Exec(ctx, `WITH d AS (DELETE FROM search_docs WHERE kind = $1 AND id = $2)
			DELETE FROM search_keys WHERE kind = $1 AND id = $2`, kind, id)
	} else {
		d := search.DocOf(rec)
		keys := lexemes(d.Keys)
		_, err = tx.Exec(ctx, `WITH doc AS (
				INSERT INTO search_docs (kind, id, protection, keys, stems)
				VALUES ($1, $2, $3, array_to_tsvector($4::text[]), array_to_tsvector($5::text[]))
				ON CONFLICT (kind, id) DO UPDATE SET protection = excluded.protection, keys = excluded.keys, stems = excluded.stems),
			gone AS (DELETE FROM search_keys WHERE kind = $1 AND id = $2 AND term <> ALL($4::text[]))
			INSERT INTO search_keys (term, kind, id, protection) SELECT DISTINCT unnest($4::text[]), $1, $2, $3
			ON CONFLICT (term, kind, id) DO UPDATE SET protection = excluded.protection`,
			kind, id, d.Protection, keys, lexemes(d.Stems))
	}
	if err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	return nil
}

// reindex rebuilds the search index when it was made by other documents
// than this binary's (search_state against search.Version), or is empty
// while records exist: a database filled by a copy, or an index emptied by
// hand. The row of search_state is held, so that of several servers
// starting at once one rebuilds and the others find it done.
func (db *DB) reindex(ctx context.Context) error {
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		var version int
		var empty bool
		if err := tx.QueryRow(ctx, `SELECT (SELECT version FROM search_state WHERE id = 1 FOR UPDATE),
			NOT EXISTS (SELECT 1 FROM search_docs) AND EXISTS (SELECT 1 FROM records WHERE deleted_at IS NULL AND kind = ANY($1))`,
			kindNames(qantar.SearchKinds)).Scan(&version, &empty); err != nil {
			return fmt.Errorf("search index: %w", err)
		}
		if version == search.Version && !empty {
			return nil
		}
		if _, err := tx.Exec(ctx, `DELETE FROM search_docs`); err != nil {
			return fmt.Errorf("search index: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM search_keys`); err != nil {
			return fmt.Errorf("search index: %w", err)
		}
		if err := reindexAll(ctx, tx); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE search_state SET version = $1 WHERE id = 1`, search.Version)
		return err
	})
}

// reindexAll indexes every live record of the searched kinds.
func reindexAll(ctx context.Context, tx pgx.Tx) error {
	for _, kind := range qantar.SearchKinds {
		rows, err := tx.Query(ctx, `SELECT data FROM records WHERE kind = $1 AND deleted_at IS NULL ORDER BY id`, string(kind))
		if err != nil {
			return err
		}
		datas, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		for _, data := range datas {
			rec, err := qantar.DecodeStored(kind, data)
			if err != nil {
				return err
			}
			if err := index(ctx, tx, rec, qantar.OpUpdate); err != nil {
				return err
			}
		}
	}
	return nil
}

func kindNames(kinds []qantar.Kind) []string {
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = string(k)
	}
	return out
}

// tsLexeme quotes s as one lexeme of tsquery input, which takes it as it
// is: nothing a reader types is tsquery syntax.
func tsLexeme(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `''`).Replace(s) + "'"
}

// Search finds the records whose words match every word of the query in any
// script or spelling, within a typo or two for names, ranked best first, as
// the SQLite store's Search: the same terms (package search), the same keys
// within a typo, the same final ranking on the full record. Only the order
// in which candidates beyond five times the limit are cut differs (ts_rank
// here, bm25 there).
func (db *DB) Search(ctx context.Context, q qantar.SearchQuery) ([]qantar.SearchResult, error) {
	return storekit.Search(ctx, q, func(p search.Plan, levels []string) (storekit.LevelSearch, error) {
		return func(level string, n int) ([]qantar.Record, error) {
			return db.searchLevel(ctx, p.Terms, p.Kinds, level, levels, n)
		}, nil
	})
}

// nearKeys returns indexed keys within the typo budget of keys (a word's
// key and its other keys) among the levels' keys (storekit.NearKeysOf).
func (db *DB) nearKeys(ctx context.Context, keys []string, levels []string) ([]string, error) {
	var union []string
	for _, l := range levels {
		// The level is one of three constants: each branch reads its
		// partial index only.
		union = append(union, `SELECT term FROM search_keys WHERE protection = '`+l+`' AND term >= $1 AND term < $2`)
	}
	return storekit.NearKeysOf(ctx, reader{db.pool}, keys, `SELECT DISTINCT term FROM (`+strings.Join(union, " UNION ALL ")+`) t`)
}

// searchLevel returns up to n best candidates among the documents of one
// protection level, with their records; near keys come from the levels the
// reader may see.
func (db *DB) searchLevel(ctx context.Context, terms []search.Term, kinds []qantar.Kind, level string, levels []string, n int) ([]qantar.Record, error) {
	var a storekit.Args
	// The level is a constant, written as a literal so that the planner
	// reads only that level's partial indexes.
	conds := []string{"d.kind = ANY(" + a.Add(kindNames(kinds)) + "::text[])", "d.protection = '" + level + "'"}
	// Per term: its key and its other keys (names.AltKeys), the keys within
	// their typo budget, the keys an initial begins, or its stems as
	// prefixes.
	var allKeys, allStems []string
	for _, t := range terms {
		var keys, stems []string
		if t.Initial {
			keys = append(keys, tsLexeme(t.Key)+":*")
		}
		for _, key := range lexemes(t.Keys()) {
			keys = append(keys, tsLexeme(key))
		}
		if own := lexemes(t.Keys()); len(own) > 0 {
			near, err := db.nearKeys(ctx, own, levels)
			if err != nil {
				return nil, err
			}
			for _, k := range near {
				keys = append(keys, tsLexeme(k))
			}
		}
		for _, s := range lexemes(t.Stems) {
			stems = append(stems, tsLexeme(s)+":*")
		}
		var alts []string
		if len(keys) > 0 {
			alts = append(alts, "d.keys @@ "+a.Add(strings.Join(keys, " | "))+"::tsquery")
		}
		if len(stems) > 0 {
			alts = append(alts, "d.stems @@ "+a.Add(strings.Join(stems, " | "))+"::tsquery")
		}
		if len(alts) == 0 {
			return nil, nil
		}
		conds = append(conds, "("+strings.Join(alts, " OR ")+")")
		allKeys, allStems = append(allKeys, keys...), append(allStems, stems...)
	}
	rank := "0"
	if len(allKeys) > 0 {
		rank = "ts_rank(d.keys, " + a.Add(strings.Join(allKeys, " | ")) + "::tsquery)"
	}
	if len(allStems) > 0 {
		rank += " + ts_rank(d.stems, " + a.Add(strings.Join(allStems, " | ")) + "::tsquery)"
	}
	// Take more candidates than asked, with their records in the same
	// query, then rank them on the full record.
	rows, err := db.pool.Query(ctx, `SELECT d.kind, d.id, r.data FROM search_docs d
		JOIN records r ON r.kind = d.kind AND r.id = d.id AND r.deleted_at IS NULL
		WHERE `+strings.Join(conds, " AND ")+` ORDER BY `+rank+` DESC, d.kind, d.id LIMIT `+a.Add(n), a...)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	var recs []qantar.Record
	var kind, data string
	var id int64
	err = storekit.Each(rows, []any{&kind, &id, &data}, func() error {
		rec, err := qantar.DecodeStored(qantar.Kind(kind), data)
		recs = append(recs, rec)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return recs, nil
}
