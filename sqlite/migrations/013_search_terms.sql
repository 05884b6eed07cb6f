-- The indexed keys of each protection level, with how many live records of
-- that level hold each (package storekit: TermCounts), for finding the keys
-- within a typo of a query's (storekit.NearKeysOf). The fts5vocab tables
-- read before listed every key and stem of a level by reading its list of
-- records, term by term: a search read a row per record holding a key of
-- the query's first letter. Here a key is one row per level; a write
-- changes the counts of its keys, and a key whose count falls to 0 is
-- deleted, so a reader's expansion offers only keys that records of the
-- levels they may see hold now.
DROP TABLE search_terms;
DROP TABLE search_terms_restricted;
DROP TABLE search_terms_confidential;
CREATE TABLE search_terms (
	protection TEXT    NOT NULL,
	term       TEXT    NOT NULL,
	records    INTEGER NOT NULL,
	PRIMARY KEY (protection, term)
) WITHOUT ROWID;
-- Filled from the index as it is: the keys column of each level's table
-- (a 'col' vocabulary counts the records holding a term in one column;
-- stems are not keys).
CREATE VIRTUAL TABLE search_vocab USING fts5vocab(search_fts, 'col');
INSERT INTO search_terms (protection, term, records)
	SELECT 'public', term, doc FROM search_vocab WHERE col = 'keys' AND doc > 0;
DROP TABLE search_vocab;
CREATE VIRTUAL TABLE search_vocab USING fts5vocab(search_fts_restricted, 'col');
INSERT INTO search_terms (protection, term, records)
	SELECT 'restricted', term, doc FROM search_vocab WHERE col = 'keys' AND doc > 0;
DROP TABLE search_vocab;
CREATE VIRTUAL TABLE search_vocab USING fts5vocab(search_fts_confidential, 'col');
INSERT INTO search_terms (protection, term, records)
	SELECT 'confidential', term, doc FROM search_vocab WHERE col = 'keys' AND doc > 0;
DROP TABLE search_vocab;
