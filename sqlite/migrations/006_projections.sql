-- Protection by construction (qantar.Project): each record keeps, beside its
-- own JSON, the JSON an anonymous reader (pub_data) and a viewer (viewer_data)
-- may see of it, NULL when that is data itself. Lists match, filter, sort and
-- count the projection of their reader's class, never the hidden text.
ALTER TABLE records ADD COLUMN pub_data TEXT;
ALTER TABLE records ADD COLUMN viewer_data TEXT;

-- Which rules of qantar.Project the stored projections (and the protection
-- column) were computed with; a newer binary recomputes them at open.
CREATE TABLE projection_state (
	id    INTEGER PRIMARY KEY CHECK (id = 1),
	rules INTEGER NOT NULL
);
INSERT INTO projection_state (id, rules) VALUES (1, 0);

-- The search index, one table per protection level of what it holds: a
-- reader's query runs only over the tables of the levels they may see, so
-- hidden names neither match, nor widen a query's near keys, nor cost time.
-- search_fts keeps the public documents.
CREATE VIRTUAL TABLE search_fts_restricted USING fts5(
	keys, stems,
	kind UNINDEXED, id UNINDEXED, protection UNINDEXED,
	tokenize = 'unicode61 remove_diacritics 0', detail = column
);
CREATE VIRTUAL TABLE search_terms_restricted USING fts5vocab(search_fts_restricted, 'row');
CREATE VIRTUAL TABLE search_fts_confidential USING fts5(
	keys, stems,
	kind UNINDEXED, id UNINDEXED, protection UNINDEXED,
	tokenize = 'unicode61 remove_diacritics 0', detail = column
);
CREATE VIRTUAL TABLE search_terms_confidential USING fts5vocab(search_fts_confidential, 'row');
