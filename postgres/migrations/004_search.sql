-- The search index (package search), as SQLite's search_fts: per record,
-- the match keys and the stems of its words, each a tsvector built from
-- the lexemes as package search made them (array_to_tsvector: no parser,
-- no dictionary, so both stores index the same terms). No text of a record
-- is kept here beyond keys and stems; protection decides who may find it.
CREATE TABLE search_docs (
	kind       text     NOT NULL,
	id         bigint   NOT NULL,
	protection text     NOT NULL,
	keys       tsvector NOT NULL,
	stems      tsvector NOT NULL,
	PRIMARY KEY (kind, id)
);
CREATE INDEX search_docs_keys ON search_docs USING gin (keys);
CREATE INDEX search_docs_stems ON search_docs USING gin (stems);

-- Every indexed key with the records that have it, in byte order, for
-- finding the keys within a typo of a query's (SQLite: fts5vocab).
CREATE TABLE search_keys (
	term text COLLATE "C" NOT NULL,
	kind text   NOT NULL,
	id   bigint NOT NULL,
	PRIMARY KEY (term, kind, id)
);
CREATE INDEX search_keys_record ON search_keys (kind, id);
