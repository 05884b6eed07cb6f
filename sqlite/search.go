package sqlite

import (
	"context"
	"fmt"
	"strings"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/search"
	"github.com/qantar-project/qantar/storekit"
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
		rowid, strings.Join(d.Keys, " "), strings.Join(d.Stems, " ")); err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	return nil
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
	for _, kind := range qantar.SearchKinds {
		if err := tx.indexKind(ctx, kind); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE search_state SET version = ? WHERE id = 1`, search.Version); err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	return tx.Commit()
}

// indexKind indexes every live record of one kind.
func (tx *Tx) indexKind(ctx context.Context, kind qantar.Kind) error {
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
	if err := rows.Err(); err != nil {
		return err
	}
	for _, rec := range recs {
		if err := tx.index(ctx, rec, qantar.OpCreate); err != nil {
			return err
		}
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
// key and its other keys) among the levels' terms (storekit.NearKeysOf).
func (db *DB) nearKeys(ctx context.Context, keys []string, levels []string) ([]string, error) {
	var union []string
	for _, l := range levels {
		union = append(union, `SELECT term FROM `+searchTerms[l]+` WHERE term >= $1 AND term < $2`)
	}
	return storekit.NearKeysOf(ctx, reader{db.read}, keys, strings.Join(union, " UNION "))
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
