-- The search index keeps no copy of what it indexes: each level's table is
-- contentless (content=''), its rowid search.Rowid(kind, id) names the
-- record, and contentless_delete lets a record's document be deleted or
-- replaced by its rowid alone. What the index held of a record (its keys and
-- stems, kind, id and protection) was stored twice, once in the inverted
-- index and once in the table's content; now only in the index.
-- search_state is reset, so that the index is made again when the database
-- is opened (sqlite/search.go: reindex).
DROP TABLE search_terms;
DROP TABLE search_terms_restricted;
DROP TABLE search_terms_confidential;
DROP TABLE search_fts;
DROP TABLE search_fts_restricted;
DROP TABLE search_fts_confidential;
CREATE VIRTUAL TABLE search_fts USING fts5(
	keys, stems, content = '', contentless_delete = 1,
	tokenize = 'unicode61 remove_diacritics 0', detail = column
);
CREATE VIRTUAL TABLE search_terms USING fts5vocab(search_fts, 'row');
CREATE VIRTUAL TABLE search_fts_restricted USING fts5(
	keys, stems, content = '', contentless_delete = 1,
	tokenize = 'unicode61 remove_diacritics 0', detail = column
);
CREATE VIRTUAL TABLE search_terms_restricted USING fts5vocab(search_fts_restricted, 'row');
CREATE VIRTUAL TABLE search_fts_confidential USING fts5(
	keys, stems, content = '', contentless_delete = 1,
	tokenize = 'unicode61 remove_diacritics 0', detail = column
);
CREATE VIRTUAL TABLE search_terms_confidential USING fts5vocab(search_fts_confidential, 'row');
UPDATE search_state SET version = 0 WHERE id = 1;
