-- The search index (package search): per record, the match keys and stems of
-- its words. Rowid is search.Rowid(kind, id). No text of a record is kept
-- here beyond keys and stems; protection decides who may find it.
CREATE VIRTUAL TABLE search_fts USING fts5(
	keys, stems,
	kind UNINDEXED, id UNINDEXED, protection UNINDEXED,
	tokenize = 'unicode61 remove_diacritics 0', detail = column
);
-- The indexed terms, for finding the keys within a typo of a query's.
CREATE VIRTUAL TABLE search_terms USING fts5vocab(search_fts, 'row');
