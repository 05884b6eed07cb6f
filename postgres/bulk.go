package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/search"
	"github.com/qantar-project/qantar/storekit"
)

// The bulk path of CreateAll: a chunk of records is checked with one query
// per kind of check (references, external keys) instead of one per record,
// given its ids with one counter update per kind, and written with one
// INSERT … SELECT FROM unnest(…) per table. A record the batched checks
// cannot clear (a reference or key they do not find free) is left to Create,
// so that what is refused, and why, is exactly what Create would say.

// bulkChunk is how many records are checked and written together.
const bulkChunk = 500

// CreateAll creates recs in order, as many Creates would, faster: see
// qantar.BatchWriter.
func (tx *Tx) CreateAll(ctx context.Context, actor qantar.Actor, recs []qantar.Record) (int, error) {
	done := 0
	for done < len(recs) {
		if tx.broken != nil {
			return done, fmt.Errorf("transaction already failed: %w", tx.broken)
		}
		if err := ctx.Err(); err != nil {
			return done, err
		}
		chunk := recs[done:min(done+bulkChunk, len(recs))]
		n, err := tx.clear(ctx, actor, chunk)
		if err != nil {
			return done, err
		}
		if n > 0 {
			if err := tx.guard(func() error { return tx.writeChunk(ctx, actor, chunk[:n]) }); err != nil {
				return done, err
			}
			done += n
		}
		if n < len(chunk) {
			// The one record the batched checks did not clear goes through
			// Create, which refuses it or, when it was only unclear to
			// the batch (it refers to a record created just before it),
			// creates it.
			if err := tx.Create(ctx, actor, recs[done]); err != nil {
				return done, err
			}
			done++
		}
	}
	return done, nil
}

// clear returns how many records at the start of chunk pass every check a
// Create makes, asking the database once per check for the whole chunk.
func (tx *Tx) clear(ctx context.Context, actor qantar.Actor, chunk []qantar.Record) (int, error) {
	if !actor.CanWrite() {
		return 0, nil // Create says why
	}
	n := len(chunk)
	for i, rec := range chunk {
		if rec.Validate() != nil || qantar.CheckExternalKey(rec.GetMeta().ExternalKey) != nil {
			n = i
			break
		}
		if tx.db.checker != nil && tx.db.checker.Check(ctx, rec, nil) != nil {
			n = i
			break
		}
	}
	chunk = chunk[:n]
	// References: the records they name, live, locked against deletion
	// until commit as Create's check locks them.
	var kinds []string
	var ids []int64
	seen := map[qantar.Ref]bool{}
	for _, rec := range chunk {
		for _, r := range rec.Refs() {
			key := qantar.Ref{Kind: r.Kind, ID: r.ID}
			if !seen[key] {
				seen[key] = true
				kinds, ids = append(kinds, string(r.Kind)), append(ids, r.ID)
			}
		}
	}
	live := map[qantar.Ref]bool{}
	if len(kinds) > 0 {
		rows, err := tx.tx.Query(ctx, `SELECT r.kind, r.id FROM records r
			JOIN unnest($1::text[], $2::bigint[]) AS t(k, i) ON r.kind = t.k AND r.id = t.i
			WHERE r.deleted_at IS NULL FOR SHARE OF r`, kinds, ids)
		if err != nil {
			tx.broken = err
			return 0, fmt.Errorf("check references: %w", err)
		}
		for rows.Next() {
			var k string
			var id int64
			if err := rows.Scan(&k, &id); err != nil {
				rows.Close()
				return 0, err
			}
			live[qantar.Ref{Kind: qantar.Kind(k), ID: id}] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			tx.broken = err
			return 0, fmt.Errorf("check references: %w", err)
		}
	}
	// External keys: taken in the database, or twice in the chunk.
	keys := map[qantar.Kind][]string{}
	for _, rec := range chunk {
		if k := rec.GetMeta().ExternalKey; k != "" {
			keys[rec.Kind()] = append(keys[rec.Kind()], k)
		}
	}
	taken := map[string]bool{}
	for kind, ks := range keys {
		rows, err := tx.tx.Query(ctx, `SELECT external_key FROM records WHERE kind = $1 AND external_key = ANY($2)`, string(kind), ks)
		if err != nil {
			tx.broken = err
			return 0, fmt.Errorf("check external keys: %w", err)
		}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return 0, err
			}
			taken[string(kind)+"\x00"+k] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			tx.broken = err
			return 0, fmt.Errorf("check external keys: %w", err)
		}
	}
	for i, rec := range chunk {
		for _, r := range rec.Refs() {
			if !live[qantar.Ref{Kind: r.Kind, ID: r.ID}] {
				return i, nil
			}
		}
		if k := rec.GetMeta().ExternalKey; k != "" {
			tk := string(rec.Kind()) + "\x00" + k
			if taken[tk] {
				return i, nil
			}
			taken[tk] = true
		}
	}
	return len(chunk), nil
}

// writeChunk writes records that passed every check: their ids, rows,
// references and search documents; versions and leaves wait for commit, as
// for Create.
func (tx *Tx) writeChunk(ctx context.Context, actor qantar.Actor, chunk []qantar.Record) error {
	next, err := tx.chunkIDs(ctx, chunk)
	if err != nil {
		return err
	}
	n := len(chunk)
	var (
		kinds, protections, datas, folds []string
		ids                              []int64
		times                            []time.Time
		exts                             []*string
		refTo, refFrom                   []string
		refToID, refFromID               []int64
		pubs, pubFolds, views, viewFolds []*string
	)
	batch := make(map[qantar.Ref]qantar.Record, len(chunk))
	who := actor.LogID()
	pending := make([]storekit.Version, 0, n)
	var index chunkIndex
	var fields fieldColumns
	for _, rec := range chunk {
		m := rec.GetMeta()
		m.ID = next[rec.Kind()]
		next[rec.Kind()]++
		m.Version, m.CreatedAt, m.UpdatedAt = 1, tx.now, tx.now
		data, canonical, err := storekit.Encode(rec)
		if err != nil {
			return err
		}
		batch[qantar.Ref{Kind: rec.Kind(), ID: m.ID}] = rec
		pr, err := tx.projections(ctx, rec, data, batch)
		if err != nil {
			return err
		}
		pubs, pubFolds, views, viewFolds = append(pubs, pr.pub), append(pubFolds, pr.pubFold), append(views, pr.view), append(viewFolds, pr.viewFold)
		rows, err := storekit.FieldRows(rec.Kind(), data, textOf(pr.pub), textOf(pr.view))
		if err != nil {
			return err
		}
		fields.add(rec.Kind(), m.ID, rows)
		protection := qantar.Protection(rec)
		var ext *string
		if m.ExternalKey != "" {
			k := m.ExternalKey
			ext = &k
		}
		kind := string(rec.Kind())
		kinds, ids, protections, exts = append(kinds, kind), append(ids, m.ID), append(protections, protection), append(exts, ext)
		datas, folds, times = append(datas, string(data)), append(folds, fold(data)), append(times, tx.now)
		for _, r := range rec.Refs() {
			refTo, refToID = append(refTo, string(r.Kind)), append(refToID, r.ID)
			refFrom, refFromID = append(refFrom, kind), append(refFromID, m.ID)
		}
		index.add(rec)
		pending = append(pending, storekit.NewVersion(rec, qantar.OpCreate, who, "", canonical))
		tx.storedOnce(rec, data, canonical)
	}
	tag, err := tx.tx.Exec(ctx, `INSERT INTO records (kind, id, version, created_at, updated_at, deleted_at, protection, external_key, data, fold,
			pub_data, pub_fold, viewer_data, viewer_fold)
		SELECT k, i, 1, t, t, NULL, p, e, d, f, pd, pf, vd, vf
		FROM unnest($1::text[], $2::bigint[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[],
			$8::text[], $9::text[], $10::text[], $11::text[]) AS x(k, i, t, p, e, d, f, pd, pf, vd, vf)
		ON CONFLICT DO NOTHING`, kinds, ids, times, protections, exts, datas, folds, pubs, pubFolds, views, viewFolds)
	if err == nil && tag.RowsAffected() != int64(n) {
		// Another server took a key or an id since the checks: the
		// transaction cannot tell which record to refuse without undoing
		// the others, so it fails whole and the import can be run again.
		err = qantar.Errorf(qantar.ECONFLICT, "another writer took an external key or id during this import (%d of %d rows written); nothing was saved, run it again", tag.RowsAffected(), n)
		tx.broken = err
		return err
	}
	if err != nil {
		return fmt.Errorf("write %d records: %w", n, err)
	}
	if len(refTo) > 0 {
		if _, err := tx.tx.Exec(ctx, `INSERT INTO refs (to_kind, to_id, from_kind, from_id)
			SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::bigint[]) ON CONFLICT DO NOTHING`,
			refTo, refToID, refFrom, refFromID); err != nil {
			return fmt.Errorf("refs: %w", err)
		}
	}
	if err := index.write(ctx, tx.tx); err != nil {
		return err
	}
	if err := fields.write(ctx, tx); err != nil {
		return err
	}
	tx.pending = append(tx.pending, pending...)
	return nil
}

// chunkIDs takes the ids of a chunk's records: one counter update per kind,
// in the order of the records; it returns each kind's first.
func (tx *Tx) chunkIDs(ctx context.Context, chunk []qantar.Record) (map[qantar.Kind]int64, error) {
	count := map[qantar.Kind]int64{}
	var order []qantar.Kind
	for _, rec := range chunk {
		if count[rec.Kind()] == 0 {
			order = append(order, rec.Kind())
		}
		count[rec.Kind()]++
	}
	next := map[qantar.Kind]int64{}
	for _, k := range order {
		var last int64
		if err := tx.tx.QueryRow(ctx, `INSERT INTO record_ids AS r (kind, last_id) VALUES ($1, $2)
			ON CONFLICT (kind) DO UPDATE SET last_id = r.last_id + $2 RETURNING last_id`, string(k), count[k]).Scan(&last); err != nil {
			return nil, fmt.Errorf("next id: %w", err)
		}
		next[k] = last - count[k] + 1
	}
	return next, nil
}

// chunkIndex is the search documents of a chunk's records, as columns for
// unnest, and the counts of their keys.
type chunkIndex struct {
	docKinds, docProt, docKeys, docStems []string
	docIDs                               []int64
	terms                                storekit.TermCounts
}

// add adds rec's document and counts its keys, when its kind is searched.
func (ix *chunkIndex) add(rec qantar.Record) {
	if !search.Indexed(rec.Kind()) {
		return
	}
	kind, id := string(rec.Kind()), rec.GetMeta().ID
	d := search.DocOf(rec)
	keys := lexemes(d.Keys)
	ix.docKinds, ix.docIDs, ix.docProt = append(ix.docKinds, kind), append(ix.docIDs, id), append(ix.docProt, d.Protection)
	ix.docKeys, ix.docStems = append(ix.docKeys, strings.Join(keys, " ")), append(ix.docStems, strings.Join(lexemes(d.Stems), " "))
	if ix.terms == nil {
		ix.terms = storekit.TermCounts{}
	}
	ix.terms.Add(d.Protection, keys, 1)
}

// write inserts the documents, new ones, and counts their keys.
func (ix *chunkIndex) write(ctx context.Context, q pgx.Tx) error {
	if len(ix.docKinds) == 0 {
		return nil
	}
	if _, err := q.Exec(ctx, `INSERT INTO search_docs (kind, id, protection, keys, stems)
		SELECT k, i, p, array_to_tsvector(string_to_array(ks, ' ')), array_to_tsvector(string_to_array(ss, ' '))
		FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[]) AS x(k, i, p, ks, ss)`,
		ix.docKinds, ix.docIDs, ix.docProt, ix.docKeys, ix.docStems); err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	return countTerms(ctx, q, ix.terms)
}
