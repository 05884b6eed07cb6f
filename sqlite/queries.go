package sqlite

import (
	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/storekit"
)

// The statements of the write path, prepared once on the write connection
// when the database opens: parsing SQL costs more than running them.
const (
	qNextID       = `SELECT coalesce(max(id), 0) + 1 FROM records WHERE kind = ?`
	qReferrer     = storekit.QReferrer
	qExists       = `SELECT count(*) FROM records WHERE kind = ? AND id = ? AND deleted_at IS NULL`
	qInsertRecord = `INSERT INTO records (kind, id, version, created_at, updated_at, deleted_at, protection, external_key, data, pub_data, viewer_data)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	qUpdateRecord = `UPDATE records SET version = ?, updated_at = ?, deleted_at = ?, protection = ?, external_key = ?, data = ?, pub_data = ?, viewer_data = ?
			WHERE kind = ? AND id = ?`
	qDeleteRefs = `DELETE FROM refs WHERE from_kind = ? AND from_id = ?`
	qInsertRef  = `INSERT OR IGNORE INTO refs (to_kind, to_id, from_kind, from_id) VALUES (?, ?, ?, ?)`
	// A version's data is NULL while it is current and its record's JSON
	// gives it back (storekit.StoredOnce; migration 009).
	qInsertVersion = `INSERT INTO version_rows (kind, id, version, op, actor, at, reason, data, salt, leaf_index)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	qLogSize        = `SELECT size FROM tlog_state WHERE id = 1`
	qInsertLeaf     = `INSERT INTO tlog_leaves (idx, leaf) VALUES (?, ?)`
	qUpdateLogState = `UPDATE tlog_state SET size = ?, root = ?, checkpoint = ? WHERE id = 1`
	qGetNode        = `SELECT hash FROM tlog_nodes WHERE level = ? AND idx = ?`
)

// The search index has one table per protection level (migration 006),
// contentless (migration 008): a document is its rowid, search.Rowid.
var (
	searchTables  = map[string]string{qantar.Public: "search_fts", qantar.Restricted: "search_fts_restricted", qantar.Confidential: "search_fts_confidential"}
	qDeleteSearch = map[string]string{}
	qInsertSearch = map[string]string{}
	searchPrefix  = map[string]string{}
)

var writeQueries = []string{qNextID, qReferrer, qExists, qInsertRecord, qUpdateRecord, qDeleteRefs, qInsertRef, qInsertVersion, qLogSize, qInsertLeaf, qUpdateLogState, qGetNode,
	qInsertRecords, qInsertVersions, qInsertLeaves, qPutNodes, storekit.GetRecordSQL}

func init() {
	for level, table := range searchTables {
		qDeleteSearch[level] = `DELETE FROM ` + table + ` WHERE rowid = ?`
		qInsertSearch[level] = `INSERT INTO ` + table + ` (rowid, keys, stems) VALUES (?, ?, ?)`
		searchPrefix[level] = `INSERT INTO ` + table + ` (rowid, keys, stems)`
		multiInserts[searchPrefix[level]] = multiInsert(searchPrefix[level], 3, bulkChunk)
		writeQueries = append(writeQueries, qDeleteSearch[level], qInsertSearch[level], multiInserts[searchPrefix[level]])
	}
}
