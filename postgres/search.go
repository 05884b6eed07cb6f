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

// lexemes are the terms PostgreSQL indexes (storekit.IndexedTerms): it
// refuses lexemes of 2 KiB and more.
func lexemes(terms []string) []string { return storekit.IndexedTerms(terms) }

// index writes (or, for a deletion, removes) a record's search document
// and changes the counts of search_terms by what it changed: its keys
// before (its document's, at the level it was indexed at) counted out,
// its keys now counted in. In a write transaction (termsTx) the changes
// wait in the transaction until commit; in another (a reindex, a copy)
// they are made by the same statement, with a second that deletes the
// keys whose count fell to 0.
func index(ctx context.Context, tx pgx.Tx, rec qantar.Record, op qantar.Op) error {
	if !search.Indexed(rec.Kind()) {
		return nil
	}
	d := search.Doc{Kind: rec.Kind(), ID: rec.GetMeta().ID}
	if op != qantar.OpDelete {
		d = search.DocOf(rec)
	}
	args := []any{string(d.Kind), d.ID, op == qantar.OpDelete, d.Protection, lexemes(d.Keys), lexemes(d.Stems)}
	if t, ok := tx.(*termsTx); ok {
		return t.indexDeferred(ctx, args)
	}
	rows, err := tx.Query(ctx, qIndex, args...)
	if err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	var levels, terms []string
	var level, term string
	if err := storekit.Each(rows, []any{&level, &term}, func() error {
		levels, terms = append(levels, level), append(terms, term)
		return nil
	}); err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	return dropTerms(ctx, tx, levels, terms)
}

// qIndexDoc replaces (or, $3, deletes) the document of $1/$2, and its
// part change is what that changes in the counts of search_terms. Every
// part reads the tables as they were before it.
const qIndexDoc = `WITH old AS (
		SELECT protection, unnest(tsvector_to_array(keys)) AS term FROM search_docs WHERE kind = $1::text AND id = $2::bigint),
	gone AS (DELETE FROM search_docs WHERE $3::boolean AND kind = $1 AND id = $2),
	doc AS (INSERT INTO search_docs (kind, id, protection, keys, stems)
		SELECT $1::text, $2::bigint, $4::text, array_to_tsvector($5::text[]), array_to_tsvector($6::text[]) WHERE NOT $3::boolean
		ON CONFLICT (kind, id) DO UPDATE SET protection = excluded.protection, keys = excluded.keys, stems = excluded.stems),
	change AS (
		SELECT protection, term, sum(n)::integer AS n FROM (
			SELECT protection, term, -1 AS n FROM old
			UNION ALL SELECT DISTINCT $4::text, unnest($5::text[]), 1 WHERE NOT $3::boolean) c
		GROUP BY protection, term HAVING sum(n) <> 0)`

// qIndex is qIndexDoc counting the change into search_terms, in order
// (level, then key); it returns the keys whose count fell to 0.
const qIndex = qIndexDoc + `,
	counted AS (
		INSERT INTO search_terms AS t (protection, term, records)
		SELECT protection, term, n FROM change ORDER BY protection, term COLLATE "C"
		ON CONFLICT (protection, term) DO UPDATE SET records = t.records + excluded.records
		RETURNING t.protection, t.term, t.records)
	SELECT protection, term FROM counted WHERE records <= 0`

// qIndexChange is qIndexDoc returning the change, for termsTx to keep.
const qIndexChange = qIndexDoc + `
	SELECT protection, term, n FROM change`

// termsTx is a write transaction (Tx's) that keeps the changes its writes
// make to the counts of search_terms, and makes them once, sorted (level,
// then key) in one statement, just before commit: when the log is flushed
// (flushTerms, before the log's lock), or by Commit. A count's row is
// then locked from there to commit, not from the write that changed it:
// a long import no longer makes other servers' writes of its words wait
// until it commits, and two transactions that write the same words in
// other orders lock their rows in one order (with several statements a
// transaction, each sorted, they could deadlock).
type termsTx struct {
	pgx.Tx
	terms storekit.TermCounts
}

// indexDeferred is index in a termsTx: qIndexChange, its change kept.
func (t *termsTx) indexDeferred(ctx context.Context, args []any) error {
	rows, err := t.Query(ctx, qIndexChange, args...)
	if err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	if t.terms == nil {
		t.terms = storekit.TermCounts{}
	}
	var lt storekit.LevelTerm
	var n int
	if err := storekit.Each(rows, []any{&lt.Protection, &lt.Term, &n}, func() error {
		t.terms[lt] += n
		return nil
	}); err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	return nil
}

// add keeps counts until the transaction's flush.
func (t *termsTx) add(counts storekit.TermCounts) {
	if t.terms == nil {
		t.terms = storekit.TermCounts{}
	}
	for lt, n := range counts {
		t.terms[lt] += n
	}
}

// flushTerms makes the counts kept so far.
func (t *termsTx) flushTerms(ctx context.Context) error {
	counts := t.terms
	t.terms = nil
	return countTerms(ctx, t.Tx, counts)
}

// Commit makes the counts kept, then commits.
func (t *termsTx) Commit(ctx context.Context) error {
	if err := t.flushTerms(ctx); err != nil {
		return err
	}
	return t.Tx.Commit(ctx)
}

// countTerms adds counts to search_terms in one statement, in the order of
// counts.Changes, and deletes the keys whose count fell to 0; in a termsTx,
// it keeps them until its flush.
func countTerms(ctx context.Context, tx pgx.Tx, counts storekit.TermCounts) error {
	if t, ok := tx.(*termsTx); ok {
		t.add(counts)
		return nil
	}
	changes := counts.Changes()
	if len(changes) == 0 {
		return nil
	}
	levels, terms, deltas := make([]string, len(changes)), make([]string, len(changes)), make([]int32, len(changes))
	for i, c := range changes {
		levels[i], terms[i], deltas[i] = c.Protection, c.Term, int32(c.Delta)
	}
	rows, err := tx.Query(ctx, `WITH counted AS (
			INSERT INTO search_terms AS t (protection, term, records)
			SELECT * FROM unnest($1::text[], $2::text[], $3::integer[]) AS c(p, k, n) ORDER BY p, k COLLATE "C"
			ON CONFLICT (protection, term) DO UPDATE SET records = t.records + excluded.records
			RETURNING t.protection, t.term, t.records)
		SELECT protection, term FROM counted WHERE records <= 0`, levels, terms, deltas)
	if err != nil {
		return fmt.Errorf("search terms: %w", err)
	}
	levels, terms = levels[:0], terms[:0]
	var level, term string
	if err := storekit.Each(rows, []any{&level, &term}, func() error {
		levels, terms = append(levels, level), append(terms, term)
		return nil
	}); err != nil {
		return fmt.Errorf("search terms: %w", err)
	}
	return dropTerms(ctx, tx, levels, terms)
}

// dropTerms deletes keys of search_terms whose count this transaction
// brought to 0.
func dropTerms(ctx context.Context, tx pgx.Tx, levels, terms []string) error {
	if len(terms) == 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, `DELETE FROM search_terms t USING unnest($1::text[], $2::text[]) AS z(p, k)
		WHERE t.protection = z.p AND t.term = z.k AND t.records <= 0`, levels, terms); err != nil {
		return fmt.Errorf("search terms: %w", err)
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
		if _, err := tx.Exec(ctx, `DELETE FROM search_terms`); err != nil {
			return fmt.Errorf("search index: %w", err)
		}
		if err := reindexAll(ctx, tx); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE search_state SET version = $1 WHERE id = 1`, search.Version)
		return err
	})
}

// reindexAll indexes every live record of the searched kinds into an
// empty index (search_docs and search_terms).
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
		var ix chunkIndex
		for _, data := range datas {
			rec, err := qantar.DecodeStored(kind, data)
			if err != nil {
				return err
			}
			ix.add(rec)
			if len(ix.docIDs) == 500 {
				if err := ix.write(ctx, tx); err != nil {
					return err
				}
				ix = chunkIndex{}
			}
		}
		if err := ix.write(ctx, tx); err != nil {
			return err
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
	return storekit.NearKeysOf(ctx, reader{db.pool}, keys, storekit.TermsQuery(levels))
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
