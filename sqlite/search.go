package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/search"
	"github.com/qantar-project/qantar/storekit"
)

var _ qantar.Searcher = (*DB)(nil)

// index writes (or, for a deletion, removes) a record's search document,
// and counts its keys in search_terms. What the index held of the record
// before is rec's own content (a deletion, a reprojection, a copy).
func (tx *Tx) index(ctx context.Context, rec qantar.Record, op qantar.Op) error {
	return tx.indexOver(ctx, nil, rec, op)
}

// indexOver is index for an update, where prev is the record as it was
// indexed before (nil: rec's content). Its keys are counted out of each
// level whose table holds its document, and rec's into its own.
func (tx *Tx) indexOver(ctx context.Context, prev, rec qantar.Record, op qantar.Op) error {
	if !search.Indexed(rec.Kind()) {
		return nil
	}
	rowid := search.Rowid(rec.Kind(), rec.GetMeta().ID)
	counts := storekit.TermCounts{}
	if op != qantar.OpCreate {
		if prev == nil {
			prev = rec
		}
		if err := tx.unindex(ctx, rowid, search.DocOf(prev).Keys, counts); err != nil {
			return err
		}
	}
	if op != qantar.OpDelete {
		d := search.DocOf(rec)
		if _, err := tx.exec(ctx, qInsertSearch[d.Protection],
			rowid, strings.Join(d.Keys, " "), strings.Join(d.Stems, " ")); err != nil {
			return fmt.Errorf("search index: %w", err)
		}
		counts.Add(d.Protection, d.Keys, 1)
	}
	return tx.countTerms(ctx, counts)
}

// unindex removes the document of rowid, whose keys were keys, from every
// level's table, counting its keys out of each level that held it: the
// levels whose table has a row for it in its docsize table (FTS5 keeps
// one per document, and deletes it with the document).
func (tx *Tx) unindex(ctx context.Context, rowid int64, keys []string, counts storekit.TermCounts) error {
	rows, err := tx.query(ctx, qIndexedLevels, rowid)
	if err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	var level string
	if err := storekit.Each(cursor{rows}, []any{&level}, func() error {
		counts.Add(level, keys, -1)
		return nil
	}); err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	for _, q := range qDeleteSearch {
		if _, err := tx.exec(ctx, q, rowid); err != nil {
			return fmt.Errorf("search index: %w", err)
		}
	}
	return nil
}

// countTerms applies counts to search_terms: a key whose count falls to 0
// is deleted.
func (tx *Tx) countTerms(ctx context.Context, counts storekit.TermCounts) error {
	for _, c := range counts.Changes() {
		if _, err := tx.exec(ctx, qCountTerm, c.Protection, c.Term, c.Delta); err != nil {
			return fmt.Errorf("search terms: %w", err)
		}
		if c.Delta > 0 {
			continue
		}
		if _, err := tx.exec(ctx, qDropTerm, c.Protection, c.Term); err != nil {
			return fmt.Errorf("search terms: %w", err)
		}
	}
	return nil
}

// query runs a query in the transaction, prepared when it is one of
// writeQueries.
func (tx *Tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st, ok := tx.db.stmts[query]; ok {
		return tx.stmt(ctx, st).QueryContext(ctx, args...)
	}
	return tx.QueryContext(ctx, query, args...)
}

// The statements of search_terms, prepared with the write path's.
const (
	qCountTerm = `INSERT INTO search_terms (protection, term, records) VALUES (?, ?, ?)
		ON CONFLICT (protection, term) DO UPDATE SET records = records + excluded.records`
	qDropTerm = `DELETE FROM search_terms WHERE protection = ? AND term = ? AND records <= 0`
)

// qIndexedLevels are the levels whose table holds a document.
var qIndexedLevels string

func init() {
	var levels []string
	for _, level := range []string{qantar.Public, qantar.Restricted, qantar.Confidential} {
		levels = append(levels, `SELECT '`+level+`' FROM `+searchTables[level]+`_docsize WHERE id = ?1`)
	}
	qIndexedLevels = strings.Join(levels, " UNION ALL ")
	writeQueries = append(writeQueries, qCountTerm, qDropTerm, qIndexedLevels)
}

// reindex rebuilds the search index when it was made by other documents
// than this binary's (search_state against search.Version), or is empty
// while records exist: a database made before the index, or an index
// dropped by hand.
func (db *DB) reindex(ctx context.Context) error {
	var version int
	var empty bool
	if err := db.write.QueryRowContext(ctx, `SELECT (SELECT version FROM search_state WHERE id = 1),
		NOT EXISTS (SELECT 1 FROM search_fts) AND NOT EXISTS (SELECT 1 FROM search_fts_restricted)
		AND NOT EXISTS (SELECT 1 FROM search_fts_confidential) AND EXISTS (SELECT 1 FROM records WHERE deleted_at IS NULL)`).Scan(&version, &empty); err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	if version == search.Version && !empty {
		return nil
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, table := range searchTables {
		if _, err := tx.ExecContext(ctx, `INSERT INTO `+table+` (`+table+`) VALUES ('delete-all')`); err != nil {
			return fmt.Errorf("search index: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM search_terms`); err != nil {
		return fmt.Errorf("search terms: %w", err)
	}
	counts := storekit.TermCounts{}
	for _, kind := range qantar.SearchKinds {
		if err := tx.indexKind(ctx, kind, counts); err != nil {
			return err
		}
	}
	if err := tx.countTerms(ctx, counts); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE search_state SET version = ? WHERE id = 1`, search.Version); err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	return tx.Commit()
}

// indexKind indexes every live record of one kind into an empty index,
// adding their keys to counts.
func (tx *Tx) indexKind(ctx context.Context, kind qantar.Kind, counts storekit.TermCounts) error {
	rows, err := tx.QueryContext(ctx, `SELECT data FROM records WHERE kind = ? AND deleted_at IS NULL`, kind)
	if err != nil {
		return err
	}
	var docs []search.Doc
	var data string
	if err := storekit.Each(cursor{rows}, []any{&data}, func() error {
		rec, err := qantar.DecodeStored(kind, data)
		if err != nil {
			return err
		}
		docs = append(docs, search.DocOf(rec))
		return nil
	}); err != nil {
		return err
	}
	for _, d := range docs {
		if _, err := tx.exec(ctx, qInsertSearch[d.Protection],
			search.Rowid(d.Kind, d.ID), strings.Join(d.Keys, " "), strings.Join(d.Stems, " ")); err != nil {
			return fmt.Errorf("search index: %w", err)
		}
		counts.Add(d.Protection, d.Keys, 1)
	}
	return nil
}

// Search finds the records whose words match every word of the query in any
// script or spelling, within a typo or two for names, ranked best first.
func (db *DB) Search(ctx context.Context, q qantar.SearchQuery) ([]qantar.SearchResult, error) {
	return storekit.Search(ctx, q, func(p search.Plan, levels []string) (storekit.LevelSearch, error) {
		match, err := db.matchExpr(ctx, p.Terms, levels)
		level := func(level string, n int) ([]qantar.Record, error) {
			return db.searchTable(ctx, level, match, p.Kinds, n)
		}
		return level, err
	})
}

// nearKeys returns indexed keys within the typo budget of keys (a word's
// key and its other keys) among the levels' keys (storekit.NearKeysOf).
func (db *DB) nearKeys(ctx context.Context, keys []string, levels []string) ([]string, error) {
	return storekit.NearKeysOf(ctx, reader{db.read}, keys, storekit.TermsQuery(levels))
}

// matchExpr is the FTS5 expression of a query: one clause per term, of its
// key and its other keys (names.AltKeys), the keys within their typo budget
// (among the levels' terms), the keys an initial begins, or its stems as
// prefixes. Every string is quoted, so nothing a reader types is
// FTS syntax.
func (db *DB) matchExpr(ctx context.Context, terms []search.Term, levels []string) (string, error) {
	var clauses []string
	for _, t := range terms {
		alts := []string{}
		if t.Initial {
			alts = append(alts, "keys:"+search.Quote(t.Key)+"*")
		}
		for _, key := range t.Keys() {
			alts = append(alts, "keys:"+search.Quote(key))
		}
		if t.Key != "" {
			near, err := db.nearKeys(ctx, t.Keys(), levels)
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

// searchTable returns the records of up to n best matches of one level's
// table.
func (db *DB) searchTable(ctx context.Context, level, match string, kinds []qantar.Kind, n int) ([]qantar.Record, error) {
	table := searchTables[level]
	args := []any{match}
	for _, k := range kinds {
		args = append(args, search.Rowid(k, 0)>>rowidKindShift)
	}
	args = append(args, n)
	rows, err := db.read.QueryContext(ctx, `SELECT rowid FROM `+table+` WHERE `+table+` MATCH ? AND (rowid >> 40) IN (`+placeholders(len(kinds))+`) ORDER BY rank LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	var refs []qantar.Ref
	var rowid int64
	if err := storekit.Each(cursor{rows}, []any{&rowid}, func() error {
		if r, ok := refOfRowid(rowid); ok {
			refs = append(refs, r)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	// The records, read after the index's rows are closed; one deleted
	// meanwhile is left out.
	recs := make([]qantar.Record, 0, len(refs))
	for _, r := range refs {
		rec, err := db.Get(ctx, r.Kind, r.ID)
		if qantar.ErrorCode(err) == qantar.ENOTFOUND {
			continue
		} else if err != nil {
			return nil, err
		}
		recs = append(recs, rec)
	}
	return recs, nil
}

// rowidKindShift is where search.Rowid puts a kind's number (1 + its place
// in qantar.Kinds) above the record's id.
const rowidKindShift = 40

// refOfRowid is the record a search document's rowid names (search.Rowid
// read back): the contentless index keeps nothing else of it.
func refOfRowid(rowid int64) (qantar.Ref, bool) {
	n := int(rowid >> rowidKindShift)
	if n < 1 || n > len(qantar.Kinds) {
		return qantar.Ref{}, false
	}
	r := qantar.Ref{Kind: qantar.Kinds[n-1], ID: rowid & (1<<rowidKindShift - 1)}
	return r, search.Rowid(r.Kind, r.ID) == rowid
}
