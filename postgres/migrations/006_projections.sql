-- Protection by construction (qantar.Project), as in sqlite/migrations/006:
-- each record keeps the JSON an anonymous reader (pub_data) and a viewer
-- (viewer_data) may see of it, and their folded text for the q filter; NULL
-- when that is data itself. Lists match, filter, sort and count the
-- projection of their reader's class, never the hidden text.
ALTER TABLE records ADD COLUMN pub_data text, ADD COLUMN pub_fold text,
	ADD COLUMN viewer_data text, ADD COLUMN viewer_fold text;

-- Which rules of qantar.Project the stored projections (and the protection
-- column) were computed with; a newer binary recomputes them at open.
CREATE TABLE projection_state (
	id    integer PRIMARY KEY CHECK (id = 1),
	rules integer NOT NULL
);
INSERT INTO projection_state (id, rules) VALUES (1, 0);

-- The search index per protection level: a reader's query names the levels
-- it may see as literals, so that only their partial indexes are read and
-- hidden names neither match, nor widen a query's near keys, nor cost time.
ALTER TABLE search_keys ADD COLUMN protection text NOT NULL DEFAULT 'public';
DROP INDEX search_docs_keys;
DROP INDEX search_docs_stems;
CREATE INDEX search_docs_keys_public ON search_docs USING gin (keys) WHERE protection = 'public';
CREATE INDEX search_docs_stems_public ON search_docs USING gin (stems) WHERE protection = 'public';
CREATE INDEX search_docs_keys_restricted ON search_docs USING gin (keys) WHERE protection = 'restricted';
CREATE INDEX search_docs_stems_restricted ON search_docs USING gin (stems) WHERE protection = 'restricted';
CREATE INDEX search_docs_keys_confidential ON search_docs USING gin (keys) WHERE protection = 'confidential';
CREATE INDEX search_docs_stems_confidential ON search_docs USING gin (stems) WHERE protection = 'confidential';
CREATE INDEX search_keys_public ON search_keys (term COLLATE "C") WHERE protection = 'public';
CREATE INDEX search_keys_restricted ON search_keys (term COLLATE "C") WHERE protection = 'restricted';
CREATE INDEX search_keys_confidential ON search_keys (term COLLATE "C") WHERE protection = 'confidential';
